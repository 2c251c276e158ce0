// The one-writer-per-archive lock: flock on DIR/LOCK, holder's pid written inside.
#pragma once

#include <string>

#include "simshard/status.h"
#include "util/file_util.h"

namespace simshard {

class WriterLock {
 public:
  // Fails at once (never waits) when another process holds the lock, naming the lock
  // file and the holder's pid. The lock lasts as long as the returned object.
  static Result<WriterLock> Acquire(const std::string& dir);

 private:
  explicit WriterLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace simshard
