#include "pipeline/restore_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "util/file_util.h"

namespace simshard::pipeline {

namespace {

constexpr size_t kMaxComponent = 200;
constexpr size_t kMaxComponents = 32;

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string HashTag(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string tag = "~";
  for (uint64_t h = Fnv1a(s), i = 0; i < 16; ++i, h >>= 4) tag.push_back(kDigits[h & 15]);
  return tag;
}

// Cuts at a UTF-8 character boundary so the name stays valid text.
std::string_view CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

std::string SafeComponent(std::string_view part) {
  std::string out;
  out.reserve(part.size());
  for (char c : part) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '_' : c);
  }
  if (out.size() > kMaxComponent) {
    out = std::string(CutUtf8(out, kMaxComponent - 17)) + HashTag(part);
  }
  return out;
}

std::vector<std::string> SafeComponents(std::string_view source) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= source.size(); ++i) {
    if (i < source.size() && source[i] != '/' && source[i] != '\\') continue;
    std::string_view part = source.substr(start, i - start);
    start = i + 1;
    if (part.empty() || part == "." || part == "..") continue;
    parts.push_back(SafeComponent(part));
  }
  return parts;
}

Status Errno(const std::string& what, const std::string& path) {
  return PosixError(path + ": " + what);
}

// Makes `dir` a real folder (not a link to one elsewhere).
Status EnsureRealDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Errno("cannot create folder", dir);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return Errno("cannot stat", dir);
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument(dir + ": exists and is not a folder");
  return Status::OK();
}

}  // namespace

std::string SafeRelativePath(std::string_view source) {
  std::vector<std::string> parts = SafeComponents(source);
  if (parts.empty()) return "document" + HashTag(source);
  if (parts.size() > kMaxComponents) {  // too deep: keep the file name, tag the rest
    parts = {HashTag(source).substr(1) + "-" + parts.back()};
  }
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out.push_back('/');
    out += part;
  }
  return out;
}

Status WriteUnder(const std::string& outdir, const std::string& relative, std::string_view bytes) {
  return RestoreFolder(outdir).Write(relative, bytes);
}

Status RestoreFolder::EnsureFolder(const std::string& path) {
  if (ready_.count(path)) return Status::OK();
  SIMSHARD_RETURN_IF_ERROR(EnsureRealDirectory(path));
  ready_.insert(path);
  return Status::OK();
}

RestoreFolder::~RestoreFolder() {
  if (open_fd_ >= 0) ::close(open_fd_);
}

Result<int> RestoreFolder::FolderFd(const std::string& folder) {
  if (open_fd_ >= 0 && open_folder_ == folder) return open_fd_;
  if (open_fd_ >= 0) ::close(open_fd_);
  open_folder_.clear();
  open_fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (open_fd_ < 0) return Errno("cannot open folder", folder);
  open_folder_ = folder;
  return open_fd_;
}

Status RestoreFolder::Write(const std::string& relative, std::string_view bytes) {
  SIMSHARD_RETURN_IF_ERROR(EnsureFolder(outdir_));
  for (size_t slash = relative.find('/'), from = 0; slash != std::string::npos;
       from = slash + 1, slash = relative.find('/', from)) {
    SIMSHARD_RETURN_IF_ERROR(EnsureFolder(outdir_ + "/" + relative.substr(0, slash)));
  }
  const std::string path = outdir_ + "/" + relative;
  const size_t slash = path.rfind('/');
  Result<int> folder = FolderFd(path.substr(0, slash));
  if (!folder.ok()) return folder.status();
  const int fd = ::openat(*folder, path.c_str() + slash + 1,
                          O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", path);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Errno("write failed", path);
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return Errno("write failed", path);
  return Status::OK();
}

}  // namespace simshard::pipeline
