// The run report: JSON Lines, one object per input document, in input order.
#pragma once

#include <cstdio>
#include <string>

#include "simshard/pipeline.h"
#include "simshard/status.h"

namespace simshard::pipeline {

// Appends one report line (with its newline). Fields that do not apply are left out.
void AppendReportRow(const ReportRow& row, std::string* out);

// Writes report lines to a file through one buffer. An empty path writes nothing.
class ReportWriter {
 public:
  ReportWriter() = default;
  ~ReportWriter();
  ReportWriter(const ReportWriter&) = delete;
  ReportWriter& operator=(const ReportWriter&) = delete;

  Status Open(const std::string& path);
  Status Write(const ReportRow& row);
  Status Close();  // flushes and fsyncs

 private:
  Status Flush();
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

}  // namespace simshard::pipeline
