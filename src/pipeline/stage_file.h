// The file a task of a run cut into tasks leaves for the next stage: every document of
// its slice of the input, analysed (extracted, folded, fingerprinted), in input order.
// Layout (all integers little-endian):
//   "simshard-stage 2\n" (2: with the crawl time and the WARC headers)
//   blocks: u64 compressed size, then one zstd frame holding records back to back
//   end:    u64 0, then u64 the number of records, then "end\n"
// A file without its end was cut short: the task that writes it did not finish, and a
// rerun writes it again. Files are written under a temporary name and renamed into
// place, so a file under its own name is complete.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "pipeline/analyze.h"
#include "simshard/status.h"

namespace simshard::pipeline {

class StageWriter {
 public:
  StageWriter() = default;
  ~StageWriter();
  StageWriter(const StageWriter&) = delete;
  StageWriter& operator=(const StageWriter&) = delete;

  Status Open(const std::string& path);
  Status Append(const Analyzed& a);
  // Writes the end, syncs and renames the file into place.
  Status Finish();

 private:
  Status FlushBlock();
  std::string path_, temp_path_;
  std::FILE* file_ = nullptr;
  std::string block_;  // records not yet compressed
  uint64_t records_ = 0;
};

class StageReader {
 public:
  StageReader() = default;
  ~StageReader();
  StageReader(const StageReader&) = delete;
  StageReader& operator=(const StageReader&) = delete;

  Status Open(const std::string& path);
  // The next document into *a; false at the end of the file (then status() says whether
  // the file was complete and well formed).
  bool Next(Analyzed* a);
  const Status& status() const { return status_; }

 private:
  bool ReadBlock();
  bool Fail(const std::string& what);
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string block_;
  size_t pos_ = 0;
  uint64_t records_ = 0;
  bool ended_ = false;
  Status status_;
};

// Gives a JSON Lines record read from a piece of its file (Document::piece_begin) the line
// number a scan of the whole file gives it, by counting the line ends before the piece.
// Pieces come in input order, so each file is read once, from start to its last piece.
class LineRenumberer {
 public:
  Status Fix(Document* doc);

 private:
  struct Counted {
    uint64_t offset = 0;  // bytes of the file counted
    uint64_t lines = 0;   // line ends among them
  };
  static Status CountLines(const std::string& path, uint64_t offset, Counted* counted);
  std::map<std::string, Counted> files_;
};

// One record's bytes, and back (for tests and the reader): false when `bytes` is not
// a whole record.
void EncodeAnalyzed(const Analyzed& a, std::string* out);
bool DecodeAnalyzed(std::string_view bytes, size_t* pos, Analyzed* a);

}  // namespace simshard::pipeline
