// The file a task of a run cut into tasks leaves for the next stage: every document of
// its slice of the input, analysed (extracted, folded, fingerprinted), in input order.
// Layout (all integers little-endian):
//   the magic: "simshard-stage 3\n" (3: with the raw bytes' digest), or
//   "simshard-decided 1\n" for a file of Decisions
//   blocks: u64 compressed size, then one zstd frame holding records back to back
//   end:    u64 0, then u64 the number of records, then "end\n"
// A file without its end was cut short: the task that writes it did not finish, and a
// rerun writes it again. Files are written under a temporary name and renamed into
// place, so a file under its own name is complete.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "pipeline/analyze.h"
#include "simshard/archive.h"
#include "simshard/status.h"

namespace simshard::pipeline {

// What the decide stage of an archive run cut into tasks decided about one document of a
// slice, for the slice's write task (kept) and for the merge (dropped). Kept documents
// carry what deciding changed; the rest the write task reads from the slice's stage file.
struct Decision {
  bool kept = false;
  // kept:
  uint64_t index = 0;    // the document's place in its slice's stage file
  uint64_t ordinal = 0;  // its place in the archive
  Digest digest;         // the id's source; a page found weak gets its bytes' digest
  Extraction extraction = Extraction::kExtracted;
  Fingerprint fingerprint;
  std::string source;    // with the line number a whole-file scan gives it
  bool text_changed = false;
  std::string text;      // with learned chrome taken out; only when text_changed
  // dropped (a duplicate or near-duplicate):
  DroppedEntry dropped;
};

// What one match task found about one page of tonight's input, among the documents it
// holds (a share of the archive's, and of tonight's). Only pages with a finding get one.
struct Finding {
  uint64_t seq = 0;  // the page's place in the whole input
  // The archive's earliest document with the page's digest, and its earliest near one
  // (ordinal 0: none).
  uint64_t archive_exact = 0, archive_exact_id = 0;
  uint64_t archive_near = 0, archive_near_id = 0;
  int archive_distance = 0;
  double archive_similarity = 0;
  // An earlier page of tonight with the same digest and fingerprint: this page is decided
  // as that one was (doc/FORMAT.md, section 10).
  bool has_twin = false;
  uint64_t twin = 0;
  std::vector<uint64_t> same_digest;  // earlier pages of tonight with the page's digest
  struct Near {
    uint64_t seq = 0;
    int distance = 0;
    double similarity = 0;
  };
  std::vector<Near> near;  // earlier pages of tonight it is a near-duplicate of
};

// The files of a run cut into tasks share one layout; the magic names what they hold.
inline constexpr std::string_view kAnalyzedMagic = "simshard-stage 3\n";  // 3: the raw bytes' digest
inline constexpr std::string_view kDecisionMagic = "simshard-decided 1\n";
// The chrome stage's files: analysed records as it left them (match_stages.h).
inline constexpr std::string_view kChromedMagic = "simshard-chromed 1\n";
inline constexpr std::string_view kFindingMagic = "simshard-matches 1\n";

class StageWriter {
 public:
  StageWriter() = default;
  ~StageWriter();
  StageWriter(const StageWriter&) = delete;
  StageWriter& operator=(const StageWriter&) = delete;

  Status Open(const std::string& path, std::string_view magic = kAnalyzedMagic);
  Status Append(const Analyzed& a);
  Status Append(const Decision& d);
  Status Append(const Finding& f);
  // Writes the end, syncs and renames the file into place.
  Status Finish();

 private:
  Status Appended();
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

  Status Open(const std::string& path, std::string_view magic = kAnalyzedMagic);
  // The next record into *a (*d); false at the end of the file (then status() says
  // whether the file was complete and well formed).
  bool Next(Analyzed* a);
  bool Next(Decision* d);
  bool Next(Finding* f);
  const Status& status() const { return status_; }

 private:
  bool NextRecord(const std::function<bool(std::string_view, size_t*)>& decode);
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
void EncodeDecision(const Decision& d, std::string* out);
bool DecodeDecision(std::string_view bytes, size_t* pos, Decision* d);
void EncodeFinding(const Finding& f, std::string* out);
bool DecodeFinding(std::string_view bytes, size_t* pos, Finding* f);

// What the decide task of an archive run reads of a document: all but its original bytes,
// title and WARC headers (which the write task reads from the full stage file), with
// raw_digest set in their stead.
Analyzed ForDecideTask(const Analyzed& a);

// The number of records a complete stage file holds, read from its end.
Result<uint64_t> StageRecordCount(const std::string& path);

}  // namespace simshard::pipeline
