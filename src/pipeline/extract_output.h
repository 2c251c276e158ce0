// `simshard extract`'s output: one JSON line per document, and where the lines go.
#pragma once

#include <cstdio>
#include <string>

#include "simshard/document.h"
#include "simshard/status.h"

namespace simshard::pipeline {

// "extracted", "weak", "empty" (Document::extraction), or "skipped".
const char* ExtractStatus(const Document& doc);

// Why a document is not "extracted", briefly; "" when it is.
std::string ExtractReason(const Document& doc);

// Appends {"source","url","title","date","text","status","reason"} and a newline. Every
// field is always there, "" when not known, so every line has the same shape.
void AppendExtractLine(const Document& doc, std::string* out);

// Writes the lines through one buffer, either to a stream as they come (stdout) or to a
// file under a temporary name beside it (FILE.tmp) that Commit() renames into place: a
// run that fails or is killed never leaves half a file under the name asked for. A path
// that is a FIFO or a device (/dev/null, /dev/stdout) is written in place.
class ExtractOutput {
 public:
  ExtractOutput() = default;
  ~ExtractOutput();  // without Commit(): closes and removes the temporary file
  ExtractOutput(const ExtractOutput&) = delete;
  ExtractOutput& operator=(const ExtractOutput&) = delete;

  // An empty `path` writes to `stream`.
  Status Open(const std::string& path, std::FILE* stream);
  Status Write(const Document& doc);
  // Flushes; for a file also fsyncs, renames it into place and syncs its folder.
  Status Commit();

 private:
  Status Flush();
  Status IoError(const std::string& what) const;
  std::string name_;  // for messages: "output FILE" or "standard output"
  std::string path_, temp_;  // temp_ empty: written in place
  std::FILE* file_ = nullptr;
  bool owned_ = false;  // file_ was opened here (is closed here)
  std::string buffer_;
};

}  // namespace simshard::pipeline
