// Errors as values. A Status is either OK or carries one line a user can act on:
// what failed and where ("shard 000003.jsonl.zst: frame 12 checksum mismatch").
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace simshard {

class Status {
 public:
  Status() = default;
  static Status OK() { return Status(); }
  static Status Error(std::string message) {
    Status s;
    s.failed_ = true;
    s.message_ = std::move(message);
    return s;
  }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

  // The same error with "context: " in front, for adding the file or step.
  Status WithContext(std::string_view context) const {
    if (ok()) return *this;
    return Error(std::string(context) + ": " + message_);
  }

 private:
  bool failed_ = false;
  std::string message_;
};

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

// Returns early from a function that returns Status or Result<T>.
#define SIMSHARD_RETURN_IF_ERROR(expr)          \
  do {                                          \
    ::simshard::Status _st = (expr);            \
    if (!_st.ok()) return _st;                  \
  } while (0)
