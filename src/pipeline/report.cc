#include "pipeline/report.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/file_util.h"
#include "util/json_writer.h"

namespace simshard::pipeline {

namespace {
constexpr size_t kFlushBytes = 1 << 20;

Status IoError(const std::string& what, const std::string& path) {
  return PosixError("report " + path + ": " + what);
}
}  // namespace

void AppendReportRow(const ReportRow& row, std::string* out) {
  JsonObjectWriter w(out);
  w.String("source", row.source);
  if (!row.url.empty()) w.String("url", row.url);
  w.String("status", row.status);
  if (!row.id.empty()) w.String("id", row.id);
  if (!row.duplicate_of.empty()) w.String("duplicate_of", row.duplicate_of);
  if (row.distance >= 0) w.Int("distance", row.distance);
  if (row.similarity >= 0) w.Double("similarity", row.similarity);
  if (!row.extraction.empty()) w.String("extraction", row.extraction);
  if (!row.reason.empty()) w.String("reason", row.reason);
  w.Close();
  out->push_back('\n');
}

ReportWriter::~ReportWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Status ReportWriter::Open(const std::string& path) {
  path_ = path;
  if (path.empty()) return Status::OK();
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) return IoError("cannot create", path);
  buffer_.reserve(kFlushBytes + 4096);
  return Status::OK();
}

Status ReportWriter::Write(const ReportRow& row) {
  if (file_ == nullptr) return Status::OK();
  AppendReportRow(row, &buffer_);
  return buffer_.size() >= kFlushBytes ? Flush() : Status::OK();
}

Status ReportWriter::Flush() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return IoError("write failed", path_);
  }
  buffer_.clear();
  return Status::OK();
}

Status ReportWriter::Close() {
  if (file_ == nullptr) return Status::OK();
  SIMSHARD_RETURN_IF_ERROR(Flush());
  // A pipe or /dev/null cannot be synced (EINVAL): nothing is lost there.
  const bool flushed = std::fflush(file_) == 0 && (::fsync(fileno(file_)) == 0 || errno == EINVAL);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) return IoError("write failed", path_);
  return Status::OK();
}

}  // namespace simshard::pipeline
