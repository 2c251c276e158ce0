// Where `restore --to OUTDIR` writes a document: a path named after its source, always
// inside OUTDIR whatever the source says ("..", absolute paths, NUL, very long names).
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "simshard/status.h"

namespace simshard::pipeline {

// A relative path made of safe components: no empty, "." or ".." parts, no control
// bytes, no part longer than 200 bytes (long ones are cut and tagged with a hash so
// they stay distinct), never empty.
std::string SafeRelativePath(std::string_view source);

// Writes `bytes` to OUTDIR/`relative` (from SafeRelativePath), creating folders. Refuses
// to follow a symbolic link planted inside OUTDIR.
Status WriteUnder(const std::string& outdir, const std::string& relative, std::string_view bytes);

// WriteUnder for many files: folders already checked are not checked again.
class RestoreFolder {
 public:
  explicit RestoreFolder(std::string outdir) : outdir_(std::move(outdir)) {}
  ~RestoreFolder();
  RestoreFolder(const RestoreFolder&) = delete;
  RestoreFolder& operator=(const RestoreFolder&) = delete;
  Status Write(const std::string& relative, std::string_view bytes);

 private:
  Status EnsureFolder(const std::string& path);
  // The last file's folder stays open: files are created relative to it, so the kernel
  // does not walk the whole path again for each of thousands of files.
  Result<int> FolderFd(const std::string& folder);
  const std::string outdir_;
  std::unordered_set<std::string> ready_;
  std::string open_folder_;
  int open_fd_ = -1;
};

}  // namespace simshard::pipeline
