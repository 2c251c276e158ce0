// Small POSIX file helpers with errors as values that name the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "simshard/status.h"

namespace simshard {

// Owns a file descriptor; closes it when destroyed.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { int fd = fd_; fd_ = -1; return fd; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// The last OS error as text ("No space left on device").
std::string ErrnoText();

// The last OS error as a Status, "<context>: <ErrnoText()>": NotFound for a missing file or
// folder (ENOENT), else IOError, as LevelDB's PosixError. Call it before errno can change.
Status PosixError(const std::string& context);

// Whether `path` names anything (a marker file the run's stages leave for each other).
bool PathExists(const std::string& path);

Status WriteAll(int fd, std::string_view data, const std::string& path);
// Reads exactly `n` bytes at `offset`; fails when the file ends sooner.
Status PreadExact(int fd, uint64_t offset, size_t n, std::string* out, const std::string& path);
Result<uint64_t> FileSize(int fd, const std::string& path);
Status FsyncFd(int fd, const std::string& path);
// Makes renames and new names inside `dir` durable.
Status FsyncDir(const std::string& dir);
// FsyncDir of the folder `path` is in: after renaming a new file into place at `path`.
Status FsyncParentDir(const std::string& path);
// Writes a whole (small) file under `path` + ".tmp", syncs it and renames it into place:
// a file under its own name is complete.
Status WriteFileDurably(const std::string& path, std::string_view bytes);
// Reads a whole (small) file.
Result<std::string> ReadFile(const std::string& path);

}  // namespace simshard
