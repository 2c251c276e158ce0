// Errors as values, as LevelDB's Status. A Status is either OK or carries a code saying what
// kind of failure it is (callers branch on IsNotFound(), IsCorruption(), ...) and one line a
// user can act on: what failed and where ("shard 000003.jsonl.zst: frame 12 checksum
// mismatch"). The command line maps codes to exit codes in one place (cli/exit_code.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace simshard {

class Status {
 public:
  // Append only: tests and messages name codes by these values' names, never by number.
  enum class Code : uint8_t {
    kOk = 0,
    kNotFound,         // no such document, URL or row; often expected, so callers test for it
    kCorruption,       // stored bytes (shard, record, catalog, stage file) are not what was written
    kNotSupported,     // a valid request this build or this archive cannot serve
    kInvalidArgument,  // the caller asked for something impossible: a bad id, task, option value
    kIOError,          // the system refused: open, read, write, rename, fsync, a child process
    kBusy,             // another simshard holds the archive's lock
    kRepairable,       // damage that `simshard repair` heals with nothing lost
    kUnknown,          // from Error(): code written before the codes existed
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string message) { return Status(Code::kNotFound, std::move(message)); }
  static Status Corruption(std::string message) { return Status(Code::kCorruption, std::move(message)); }
  static Status NotSupported(std::string message) { return Status(Code::kNotSupported, std::move(message)); }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  static Status IOError(std::string message) { return Status(Code::kIOError, std::move(message)); }
  static Status Busy(std::string message) { return Status(Code::kBusy, std::move(message)); }
  static Status Repairable(std::string message) { return Status(Code::kRepairable, std::move(message)); }
  // Kept so that code written before the codes existed still compiles (it gets kUnknown,
  // which the command line treats as any fatal error); the warning points at each use.
  [[deprecated("name the error's code: Status::IOError(...), Status::Corruption(...), ...")]]
  static Status Error(std::string message) { return Status(Code::kUnknown, std::move(message)); }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsNotSupported() const { return code_ == Code::kNotSupported; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsRepairable() const { return code_ == Code::kRepairable; }

  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "Corruption: <message>", for logs and tests; users see message() alone.
  std::string ToString() const;

  // The same error, same code, with "context: " in front, for adding the file or step.
  Status WithContext(std::string_view context) const {
    if (ok()) return *this;
    return Status(code_, std::string(context) + ": " + message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// The code's name without its "k": "NotFound", "IOError", ...
std::string_view CodeName(Status::Code code);

inline std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

inline std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kNotFound: return "NotFound";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kNotSupported: return "NotSupported";
    case Status::Code::kInvalidArgument: return "InvalidArgument";
    case Status::Code::kIOError: return "IOError";
    case Status::Code::kBusy: return "Busy";
    case Status::Code::kRepairable: return "Repairable";
    case Status::Code::kUnknown: break;
  }
  return "Unknown";
}

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}       // NOLINT: implicit on purpose
  Result(Status status) : v_(std::move(status)) {} // NOLINT: must not be OK

  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  Status status() const { return ok() ? Status::OK() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace simshard

// Returns early from a function that returns Status or Result<T>, as zstd's FORWARD_IF_ERROR.
#define SIMSHARD_RETURN_IF_ERROR(expr)          \
  do {                                          \
    ::simshard::Status _st = (expr);            \
    if (!_st.ok()) return _st;                  \
  } while (0)
