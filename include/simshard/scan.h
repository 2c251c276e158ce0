// Stage 1: scan. Walks the inputs in a deterministic order, cuts files and containers
// (JSON Lines, WARC, .gz/.zst) into raw items, and extracts article text from each.
//
// Scanning is sequential (I/O, decompression, splitting); Extract() is pure and runs
// on worker threads.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "simshard/bounds.h"
#include "simshard/document.h"
#include "simshard/status.h"

namespace simshard {

// Field names looked up, in order, in a JSON Lines record.
struct JsonFields {
  std::vector<std::string> text = {"text", "content", "body", "maintext", "html"};
  std::vector<std::string> url = {"url", "link", "canonical_url"};
  std::vector<std::string> title = {"title", "headline"};
  std::vector<std::string> date = {"date", "published", "date_publish"};
  std::vector<std::string> crawled_at = {"crawled_at", "date_download", "crawl_date"};
};

struct ScanOptions {
  uint64_t max_doc_bytes = 16ull << 20;  // larger documents (also once inflated) are skipped
  JsonFields json_fields;
  // ListUnits cuts an uncompressed JSON Lines or WARC file larger than this into pieces
  // of about this size, at line ends or record starts, so that a run cut into tasks
  // shares out one large file.
  uint64_t piece_bytes = 64ull << 20;
  // When set, pieces are also at most the listed input's bytes / `pieces_wanted` (but not
  // under 1 MiB): a run cut into tasks asks for a few pieces a task, so that one large file
  // is shared out too.
  unsigned pieces_wanted = 0;
};

// A document of up to 1 GiB is read whole into memory; 0 would skip every document.
inline constexpr Bounds<int64_t> kMaxDocBytesBounds{1, int64_t{1} << 30};
Status CheckScanOptions(const ScanOptions& options);

// What the scanner cuts out of the input: one future document, not yet parsed.
enum class ItemFormat : uint8_t { kText, kHtml, kJsonLine, kUnknown };

struct RawItem {
  uint64_t seq = 0;           // input order, 0-based, gap-free
  std::string source;         // as Document::source
  ItemFormat format = ItemFormat::kUnknown;
  std::string bytes;          // the item's bytes (file, JSON line, HTTP payload)
  std::string url;            // known from the container (WARC-Target-URI), else empty
  std::string date;           // crawl time known from the container (WARC-Date), else empty
  std::string charset;        // declared by the container (HTTP Content-Type), else empty
  WarcOrigin warc;            // a WARC record's headers (Document::warc)
  std::string skip_reason;    // non-empty: already known to be unusable
  uint64_t input_bytes = 0;   // bytes of the input this item accounts for
  uint64_t piece_begin = 0;   // as Document::piece_begin
  std::string piece_path;     // as Document::piece_path
};

// One file of the input as Scanner::Scan reads it, or one entry it cannot read (then
// `skip_reason` says why): the units a run cut into tasks shares out.
struct InputUnit {
  std::string path;    // the file to open
  std::string source;  // its name in reports (input as given, joined with the path below it)
  uint64_t bytes = 0;  // its size as stored (of a piece: the piece's)
  std::string skip_reason;
  // A piece of a large plain JSON Lines or WARC file: bytes [begin, end), cut just after
  // a line end or at a record's start. Both 0 for a whole file.
  uint64_t begin = 0, end = 0;
  bool warc = false;  // a piece of a WARC file (else of a JSON Lines file)
};

class Scanner {
 public:
  explicit Scanner(ScanOptions options = {});

  // Calls `sink` once per item in input order: inputs in the order given, directories
  // walked recursively in sorted path order, records in file order. Problems with one
  // file or record become items with a skip_reason; the scan goes on. Stops early and
  // returns OK when `sink` returns false.
  Status Scan(const std::vector<std::string>& inputs,
              const std::function<bool(RawItem&&)>& sink) const;

  // What Scan(inputs) reads, one unit per file or unreadable entry, in its order.
  Result<std::vector<InputUnit>> ListUnits(const std::vector<std::string>& inputs) const;
  // Scans `units` as Scan does the inputs they were listed from: ScanUnits of consecutive
  // pieces of ListUnits(inputs) yields, piece after piece, the items of Scan(inputs).
  Status ScanUnits(std::span<const InputUnit> units,
                   const std::function<bool(RawItem&&)>& sink) const;

  // Sum of the sizes of the input files (as stored), for progress and ETA.
  static uint64_t TotalInputBytes(const std::vector<std::string>& inputs);

 private:
  ScanOptions options_;
};

// Decodes the item's charset, extracts the article text (ExtractArticle) and its
// metadata. Pure and thread-safe.
Document Extract(RawItem&& item, const ScanOptions& options);

// Article extraction on one decoded page, text in and text out. Every rule that takes
// page chrome out of a single page is applied here and only here (doc/INPUTS.md,
// "Article extraction"): the HTML content choice (scripts, menus, furniture, comment and
// related-story blocks left out), the cut at a comment thread, and the chrome rules
// (cookie notices, ad labels, share bars, appeals). What repeats across a site's pages
// is the learned model's (normalize.h, ChromeModel::Apply).
struct ArticleText {
  std::string text;                    // paragraphs separated by blank lines
  std::string title, url, date;        // as the page states them (HTML), else empty
  Extraction extraction = Extraction::kExtracted;  // how much article text was found
};
ArticleText ExtractArticle(std::string_view utf8_page, bool html);

}  // namespace simshard
