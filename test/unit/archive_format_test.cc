// Shard layout: sealing, frames the stock zstd tool reads, thread-count independence.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>

#include "archive/shard_format.h"
#include "archive/shard_reader.h"
#include "archive_test_util.h"
#include "simshard/archive.h"
#include "util/encoding.h"
#include "util/file_util.h"

using namespace simshard;
using simshard::testing::MakeRecord;
using simshard::testing::ScratchDir;
using simshard::testing::WriteRun;

namespace {

std::vector<Record> ManyRecords(uint64_t n) {
  std::vector<Record> records;
  for (uint64_t i = 1; i <= n; ++i) records.push_back(MakeRecord(i));
  return records;
}

std::vector<std::string> ShardFiles(const std::string& dir) {
  std::vector<std::string> names;
  for (auto& entry : boost::filesystem::directory_iterator(dir)) {
    uint64_t n;
    if (shard::ParseShardName(entry.path().filename().string(), &n)) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(shards_seal_at_their_size_limit) {
  ScratchDir dir;
  ArchiveOptions options;
  options.shard_bytes = 16 << 10;
  options.frame_bytes = 4 << 10;
  WriteRun(dir.path(), ManyRecords(300), options);
  const auto names = ShardFiles(dir.path());
  BOOST_TEST(names.size() > 3u);
  uint64_t records = 0;
  for (const std::string& name : names) {
    auto file = ShardFile::Open(dir.path(), name);
    BOOST_REQUIRE_MESSAGE(file.ok(), file.status().message());
    // A shard passes its limit by less than one record.
    BOOST_TEST(file->index().data_bytes < options.shard_bytes + 1024);
    BOOST_TEST(file->index().frames.size() >= 4u);
    records += file->index().records.size();
  }
  BOOST_TEST(records == 300u);
  auto reader = ArchiveReader::Open(dir.path());
  BOOST_REQUIRE(reader.ok());
  BOOST_TEST((*reader)->Verify().empty());
  BOOST_TEST((*reader)->Stats()->shards == names.size());
}

BOOST_AUTO_TEST_CASE(stock_zstd_prints_one_json_record_per_line) {
  ScratchDir dir;
  ArchiveOptions options;
  options.frame_bytes = 2 << 10;  // many frames
  WriteRun(dir.path(), ManyRecords(40), options);
  const auto names = ShardFiles(dir.path());
  BOOST_REQUIRE(names.size() == 1u);
  const std::string out = dir / "plain.jsonl";
  const std::string cmd = "zstd -q -dc '" + (dir / names[0]) + "' > '" + out + "'";
  BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
  auto text = ReadFile(out);
  BOOST_REQUIRE(text.ok());
  simdjson::dom::parser parser;
  size_t lines = 0, start = 0;
  for (size_t end; (end = text->find('\n', start)) != std::string::npos; start = end + 1, ++lines) {
    simdjson::dom::element doc;
    BOOST_REQUIRE(!parser.parse(text->substr(start, end - start)).get(doc));
    std::string_view id;
    BOOST_REQUIRE(!doc["id"].get(id));
    BOOST_TEST(id == MakeRecord(lines + 1).id);
  }
  BOOST_TEST(start == text->size());
  BOOST_TEST(lines == 40u);
}

BOOST_AUTO_TEST_CASE(shard_bytes_do_not_depend_on_thread_count) {
  ScratchDir one, four;
  ArchiveOptions options;
  options.frame_bytes = 1 << 10;
  WriteRun(one.path(), ManyRecords(200), options);
  options.threads = 4;
  WriteRun(four.path(), ManyRecords(200), options);
  const auto names = ShardFiles(one.path());
  BOOST_REQUIRE(names == ShardFiles(four.path()));
  for (const std::string& name : names) {
    BOOST_TEST((ReadFile(one / name).value() == ReadFile(four / name).value()), name << " differs");
  }
}

BOOST_AUTO_TEST_CASE(archive_files_have_no_group_or_world_write) {
  ScratchDir dir;
  const mode_t old = ::umask(0);  // the archive must not rely on the caller's umask
  WriteRun(dir / "a", ManyRecords(5));
  ::umask(old);
  for (auto& entry : boost::filesystem::directory_iterator(dir / "a")) {
    struct stat st;
    BOOST_REQUIRE(::stat(entry.path().c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 022) == 0u, entry.path().filename().string() << " is group/world writable");
  }
}
