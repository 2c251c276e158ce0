#include "archive/lock_file.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_util.h"

namespace simshard {
namespace {

std::string HolderPid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

Result<WriterLock> WriterLock::Acquire(const std::string& dir) {
  const std::string path = dir + "/LOCK";
  // O_NOFOLLOW: a symlink planted as LOCK must not make us write someone else's file.
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
  // A lock file someone else owns still locks (flock needs no write access), so it cannot
  // be planted to stop our runs; only the pid is not recorded then.
  bool writable = fd.valid();
  if (!fd.valid() && errno == EACCES) fd.reset(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    return PosixError(path + ": cannot open the archive's lock file");
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(path + ": lock file is not a regular file");
  }
  if (st.st_uid == ::geteuid() && (st.st_mode & 022) != 0) ::fchmod(fd.get(), st.st_mode & ~022);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::Busy("archive " + dir + " is being written by another simshard (pid " +
                          HolderPid(fd.get()) + ", lock file " + path + ")");
    }
    return PosixError(path + ": cannot lock");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (writable && (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), pid.data(), pid.size(), 0) < 0)) {
    return PosixError(path + ": cannot write the lock file");
  }
  return WriterLock(std::move(fd));
}

}  // namespace simshard
