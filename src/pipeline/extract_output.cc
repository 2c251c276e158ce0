#include "pipeline/extract_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pipeline/analyze.h"
#include "util/file_util.h"
#include "util/json_writer.h"

namespace simshard::pipeline {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

}  // namespace

const char* ExtractStatus(const Document& doc) {
  return doc.skipped() ? "skipped" : ExtractionName(doc.extraction);
}

std::string ExtractReason(const Document& doc) {
  if (doc.skipped()) return doc.skip_reason;
  if (doc.extraction == Extraction::kExtracted) return {};
  return ExtractionReason(doc);  // worded as archive's report words it
}

void AppendExtractLine(const Document& doc, std::string* out) {
  JsonObjectWriter w(out);
  w.String("source", doc.source)
      .String("url", doc.url)
      .String("title", doc.title)
      .String("date", doc.date)
      .String("text", doc.text)
      .String("status", ExtractStatus(doc))
      .String("reason", ExtractReason(doc));
  w.Close();
  out->push_back('\n');
}

ExtractOutput::~ExtractOutput() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Status ExtractOutput::IoError(const std::string& what) const {
  return PosixError(name_ + ": " + what);
}

Status ExtractOutput::Open(const std::string& path, std::FILE* stream) {
  buffer_.reserve(kFlushBytes + (64 << 10));
  if (path.empty()) {
    name_ = "standard output";
    file_ = stream;
    return Status::OK();
  }
  path_ = path;
  name_ = "output " + path;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) return Status::InvalidArgument("output " + path + " is a folder");
  // A FIFO or a device cannot be renamed over, and holds no half file to fear.
  const bool in_place = exists && !S_ISREG(st.st_mode);
  if (!in_place) temp_ = path + ".tmp";
  const std::string open_path = in_place ? path : temp_;
  file_ = std::fopen(open_path.c_str(), "wb");
  if (file_ == nullptr) {
    temp_.clear();  // nothing was created
    return IoError("cannot create " + open_path);
  }
  owned_ = true;
  return Status::OK();
}

Status ExtractOutput::Write(const Document& doc) {
  AppendExtractLine(doc, &buffer_);
  return buffer_.size() >= kFlushBytes ? Flush() : Status::OK();
}

Status ExtractOutput::Flush() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return IoError("write failed");
  }
  buffer_.clear();
  return Status::OK();
}

Status ExtractOutput::Commit() {
  SIMSHARD_RETURN_IF_ERROR(Flush());
  if (std::fflush(file_) != 0) return IoError("write failed");
  if (!owned_) return Status::OK();
  // A device cannot be synced (EINVAL): nothing is lost there.
  if (::fsync(fileno(file_)) != 0 && errno != EINVAL) return IoError("fsync failed");
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!closed) return IoError("write failed");
  if (temp_.empty()) return Status::OK();
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return IoError("cannot rename " + temp_ + " into place");
  }
  temp_.clear();
  return FsyncParentDir(path_);
}

}  // namespace simshard::pipeline
