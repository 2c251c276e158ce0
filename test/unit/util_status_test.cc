// Status codes: each factory gives its code and only its Is-check; context keeps the code;
// Result and SIMSHARD_RETURN_IF_ERROR carry a Status through unchanged.
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <vector>

#include "simshard/status.h"
#include "util/file_util.h"

using simshard::Result;
using simshard::Status;
using Code = simshard::Status::Code;

namespace {

// Which Is-checks hold, in the order of the codes.
std::vector<bool> Checks(const Status& s) {
  return {s.ok(),           s.IsNotFound(), s.IsCorruption(), s.IsNotSupported(),
          s.IsInvalidArgument(), s.IsIOError(), s.IsBusy(),   s.IsRepairable()};
}

std::vector<bool> Only(size_t i) {
  std::vector<bool> v(8, false);
  v[i] = true;
  return v;
}

Status FailsWith(Status s) {
  SIMSHARD_RETURN_IF_ERROR(s);
  return Status::NotFound("not reached");
}

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument(std::to_string(n) + " is odd");
  return n / 2;
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_factory_gives_its_code_and_only_its_check) {
  BOOST_TEST(Checks(Status::OK()) == Only(0));
  BOOST_TEST(Checks(Status::NotFound("m")) == Only(1));
  BOOST_TEST(Checks(Status::Corruption("m")) == Only(2));
  BOOST_TEST(Checks(Status::NotSupported("m")) == Only(3));
  BOOST_TEST(Checks(Status::InvalidArgument("m")) == Only(4));
  BOOST_TEST(Checks(Status::IOError("m")) == Only(5));
  BOOST_TEST(Checks(Status::Busy("m")) == Only(6));
  BOOST_TEST(Checks(Status::Repairable("m")) == Only(7));
  BOOST_TEST((Status::Corruption("m").code() == Code::kCorruption));
  BOOST_TEST((Status().code() == Code::kOk));
}

BOOST_AUTO_TEST_CASE(the_message_is_what_the_user_reads_and_to_string_names_the_code) {
  const Status s = Status::Corruption("shard 000003.jsonl.zst: frame 12 checksum mismatch");
  BOOST_TEST(s.message() == "shard 000003.jsonl.zst: frame 12 checksum mismatch");
  BOOST_TEST(s.ToString() == "Corruption: shard 000003.jsonl.zst: frame 12 checksum mismatch");
  BOOST_TEST(Status::IOError("x").ToString() == "IOError: x");
  BOOST_TEST(Status::OK().ToString() == "OK");
  BOOST_TEST(Status::OK().message().empty());
}

BOOST_AUTO_TEST_CASE(an_error_without_a_code_still_fails_and_matches_no_check) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // what is tested is the old call
  const Status s = Status::Error("written before codes");
#pragma GCC diagnostic pop
  BOOST_TEST(!s.ok());
  BOOST_TEST((s.code() == Code::kUnknown));
  BOOST_TEST(Checks(s) == std::vector<bool>(8, false));
  BOOST_TEST(s.ToString() == "Unknown: written before codes");
}

BOOST_AUTO_TEST_CASE(context_goes_in_front_and_keeps_the_code) {
  const Status s = Status::NotFound("no such row").WithContext("catalog");
  BOOST_TEST(s.IsNotFound());
  BOOST_TEST(s.message() == "catalog: no such row");
  BOOST_TEST(Status::IOError("disk full").WithContext("a").WithContext("b").message() == "b: a: disk full");
  BOOST_TEST(Status::OK().WithContext("ignored").ok());
  BOOST_TEST(Status::OK().WithContext("ignored").message().empty());
}

BOOST_AUTO_TEST_CASE(result_and_return_if_error_carry_the_status_unchanged) {
  BOOST_TEST(*Half(4) == 2);
  BOOST_TEST(Half(4).status().ok());
  const Result<int> odd = Half(3);
  BOOST_TEST(!odd.ok());
  BOOST_TEST(odd.status().IsInvalidArgument());
  BOOST_TEST(odd.status().message() == "3 is odd");
  const Status busy = FailsWith(Status::Busy("locked"));
  BOOST_TEST(busy.IsBusy());
  BOOST_TEST(busy.message() == "locked");
  BOOST_TEST(FailsWith(Status::OK()).IsNotFound());
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_not_found_and_other_system_errors_are_io_errors) {
  errno = ENOENT;
  const Status missing = simshard::PosixError("shard 000001.jsonl.zst: cannot open");
  BOOST_TEST(missing.IsNotFound());
  BOOST_TEST(missing.message() == "shard 000001.jsonl.zst: cannot open: No such file or directory");
  errno = ENOSPC;
  const Status full = simshard::PosixError("report r.jsonl: write failed");
  BOOST_TEST(full.IsIOError());
  BOOST_TEST(full.message() == "report r.jsonl: write failed: No space left on device");
}
