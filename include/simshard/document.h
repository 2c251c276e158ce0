// The unit that flows through the pipeline: one input document, from the bytes the
// scanner read to the decision the deduplicator made. Each stage fills its own part.
#pragma once

#include <cstdint>
#include <string>

namespace simshard {

// How the original bytes are to be understood when restoring.
enum class OriginalKind : uint8_t {
  kText = 0,        // a plain text file, byte for byte
  kHtml = 1,        // an HTML page, byte for byte (file or WARC/HTTP payload)
  kJsonRecord = 2,  // one JSON Lines record (the line, without its newline)
};

// How much article text came out of a page. A weak or empty page is archived all the
// same (nothing crawled is lost), but its text is too thin to decide duplicates on.
enum class Extraction : uint8_t {
  kExtracted = 0,  // article text of at least kWeakTextWords words
  kWeak = 1,       // some text, but fewer words than that (or only known chrome)
  kEmpty = 2,      // no text once markup and chrome are gone
};

// Below this many words an extracted text is weak. Measured on real pages with gold
// text (doc/INPUTS.md): 2.4% of real articles are that short, while the chrome that a
// failed extraction returns ("Advertisement / Share", a cookie notice) nearly always is.
inline constexpr int kWeakTextWords = 25;

// "extracted", "weak", "empty": as reports and records spell it.
inline const char* ExtractionName(Extraction e) {
  return e == Extraction::kWeak ? "weak" : e == Extraction::kEmpty ? "empty" : "extracted";
}

// What a WARC record held besides its payload, kept so that the record can be written
// again byte for byte (doc/FORMAT.md, section 3): the record is header + http_header +
// (http_body, or the payload when it is empty) + "\r\n\r\n". Empty for other inputs.
struct WarcOrigin {
  std::string header;       // "WARC/1.1\r\n" ... the blank line, as read
  std::string http_header;  // a response's status line and headers up to the blank line
  std::string http_body;    // the body as transferred, when chunking or a content encoding
                            // was undone to give the payload; else empty
  bool empty() const { return header.empty(); }
};

struct Document {
  uint64_t seq = 0;      // position in input order, 0-based, gap-free
  std::string source;    // input path as given joined with the file path below it;
                         // "#<line>" (JSON Lines) or "#<byte offset>" (WARC) for records
  // A JSON Lines record read from a piece of its file that starts at byte piece_begin > 0
  // (a run cut into tasks): the line in `source` counts from there until the run's decide
  // task adds the lines before it (pipeline/stage_file.h, LineRenumberer). Else 0.
  uint64_t piece_begin = 0;
  std::string piece_path;  // the file of that piece, to count the lines before it
  std::string url;       // empty when unknown
  std::string title;     // empty when unknown
  std::string date;      // publication date the page states (ISO 8601 when it can be); when
                         // it states none, the crawl time below; or empty
  std::string crawled_at;  // when the crawler fetched it (WARC-Date, a JSON Lines crawl-time
                           // field), ISO 8601 when it can be; empty when unknown
  std::string site;      // key for learning page chrome: URL host, else the parent folder

  OriginalKind kind = OriginalKind::kText;
  std::string original;  // the bytes exactly as read (decompressed, de-chunked payload)
  std::string text;      // extracted article text, valid UTF-8, paragraphs split by "\n\n"

  Extraction extraction = Extraction::kExtracted;
  WarcOrigin warc;       // a WARC record's header and HTTP header block

  std::string skip_reason;  // non-empty: not archivable ("empty file", "binary content", ...)
  uint64_t input_bytes = 0; // bytes this document accounts for in the input (for progress)

  bool skipped() const { return !skip_reason.empty(); }
};

}  // namespace simshard
