#include "util/file_util.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace simshard {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) reset(o.release());
  return *this;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

std::string ErrnoText() { return std::strerror(errno); }

Status PosixError(const std::string& context) {
  const int error = errno;
  std::string message = context + ": " + std::strerror(error);
  if (error == ENOENT) return Status::NotFound(std::move(message));
  return Status::IOError(std::move(message));
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError(path + ": write failed");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status PreadExact(int fd, uint64_t offset, size_t n, std::string* out, const std::string& path) {
  out->resize(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, out->data() + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return PosixError(path + ": read failed");
    }
    if (r == 0) {
      return Status::IOError(path + ": file ends at byte " + std::to_string(offset + done) +
                             ", expected " + std::to_string(offset + n));
    }
    done += static_cast<size_t>(r);
  }
  return Status::OK();
}

Result<uint64_t> FileSize(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return PosixError(path + ": stat failed");
  return static_cast<uint64_t>(st.st_size);
}

Status FsyncFd(int fd, const std::string& path) {
  if (::fsync(fd) != 0) return PosixError(path + ": fsync failed");
  return Status::OK();
}

Status FsyncDir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(dir + ": cannot open folder");
  return FsyncFd(fd.get(), dir);
}

Status FsyncParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return FsyncDir(".");
  return FsyncDir(slash == 0 ? "/" : path.substr(0, slash));
}

Status WriteFileDurably(const std::string& path, std::string_view bytes) {
  const std::string temp = path + ".tmp";
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return PosixError(temp + ": cannot create");
  SIMSHARD_RETURN_IF_ERROR(WriteAll(fd.get(), bytes, temp));
  SIMSHARD_RETURN_IF_ERROR(FsyncFd(fd.get(), temp));
  fd.reset();
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return PosixError(path + ": cannot rename into place");
  }
  return FsyncParentDir(path);
}

Result<std::string> ReadFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(path + ": cannot open");
  auto size = FileSize(fd.get(), path);
  if (!size.ok()) return size.status();
  std::string out;
  SIMSHARD_RETURN_IF_ERROR(PreadExact(fd.get(), 0, *size, &out, path));
  return out;
}

}  // namespace simshard
