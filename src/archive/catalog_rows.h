// How a CatalogEntry becomes a compact `documents` row (versions 2 and 3) and back
// (doc/FORMAT.md, section 5): binary ids and digests, URL and source prefixes shared
// through `prefixes`, locations through `frames`, archive times through `runs`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "archive/catalog.h"

namespace simshard {

// Columns of a `documents` row, in the order the statements below use (version 2 rows
// also have `url_hash`, which no select reads). Selects add `extraction` and `crawled_at`
// after these (Catalog::DocumentColumns: older catalogs lack them).
inline constexpr std::string_view kInsertColumns =
    "ordinal, id, url_prefix, url_rest, source_prefix, source_rest, title, date, run, "
    "archived_at, digest, simhash, sketch, kind, frame, record_offset, record_size, original_size, "
    "extraction, crawled_at";
inline constexpr std::string_view kSelectColumns =
    "ordinal, id, url_prefix, url_rest, source_prefix, source_rest, title, date, run, archived_at, "
    "digest, simhash, sketch, kind, frame, record_offset, record_size, original_size";

// The value stored in `url_hashes.hash` (version 2: `documents.url_hash`): the low 32 bits
// of XXH3-64 of the URL, signed.
int64_t UrlHash(std::string_view url);

// Column encodings (catalog_columns.cc).
// "scheme://host/" of a URL: the part many documents share; empty when it has none.
std::string_view UrlPrefix(std::string_view url);
// "path#" of a source that ends in "#<number>" (a line or offset, no leading zero), with
// the number in `*number`; empty otherwise.
std::string_view SourcePrefix(std::string_view source, int64_t* number);

// A date column: "YYYY-MM-DD" as the INTEGER YYYYMMDD, any other text as TEXT.
void BindDate(Statement* st, int col, std::string_view date);
void ReadDate(const Statement& s, int col, std::string* out);
// A time column: "YYYY-MM-DDTHH:MM:SSZ" as the INTEGER seconds since 1970 (UTC), any other
// text as TEXT, the empty text as NULL.
void BindTime(Statement* st, int col, std::string_view time);
void ReadTime(const Statement& s, int col, std::string* out);

// Whether `time` is within the filter's --since/--until (inclusive). `until` compares only
// as many characters as it has, so "2026-11-29" takes in that day. A document without the
// time (no date, no crawl time) is outside any range.
bool InTimeRange(const ListFilter& f, std::string_view time);

// The small tables (prefixes, frames with their shard names, run archive times) kept in
// memory, so rows are written and read without a join or a query per row. The writer's
// own inserts update it; anything else (a rollback, another connection's commit) is
// picked up by loading again.
class CatalogCache {
 public:
  explicit CatalogCache(const Catalog& catalog) : catalog_(catalog) {}

  void Forget() { loaded_ = false; }
  Status Load();

  // The sum of original_size of the documents inserted for shard `number` since the last
  // call (they are inserted before their shard's row), and forgets it.
  uint64_t TakeOriginalBytes(uint64_t number);
  void ForgetPending() { original_bytes_.clear(); }
  // The id of a prefix, when some document has it (as of the last Load).
  std::optional<int64_t> KnownPrefix(std::string_view text) const;
  Status EnsureLoaded() { return loaded_ ? Status::OK() : Load(); }
  // A URL or source as a prefix id (or NULL) at `col` and the rest at `col + 1`; adds the
  // prefix when new. A source's rest is its line number when it ends in "#<number>".
  Status BindUrl(std::string_view url, Statement* st, int col);
  Status BindSource(std::string_view source, Statement* st, int col);
  // The text of a prefix column `col` and its rest at `col + 1` joined; false when the
  // prefix is unknown (as of the last Load).
  bool JoinPrefix(const Statement& s, int col, std::string* out) const;
  // Binds every column of kInsertColumns; adds prefixes and frames as needed.
  Status BindRow(const CatalogEntry& e, Statement* insert);
  // Decodes a row selected with Catalog::DocumentColumns; loads again once when a row refers to a
  // prefix or frame committed after the last load.
  // Strings of `e` are assigned, not rebuilt: a caller reusing one entry allocates little.
  Status Decode(const Statement& s, CatalogEntry* e);

 private:
  struct Frame {
    std::string shard;
    uint32_t number = 0;
    uint64_t offset = 0, size = 0;
  };
  Result<int64_t> PrefixId(std::string_view text);
  Result<int64_t> FrameId(const CatalogEntry& e);
  // The archive time documents of `run` share (set from its first document), if any.
  Result<const std::string*> RunTime(uint64_t run, const std::string& first_document);
  bool DecodeInto(const Statement& s, CatalogEntry* e) const;

  const Catalog& catalog_;
  bool loaded_ = false;
  std::unordered_map<int64_t, std::string> prefix_text_;
  // Looked up by string_view: no string made per row.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  std::unordered_map<std::string, int64_t, TextHash, std::equal_to<>> prefix_id_;
  std::unordered_map<int64_t, Frame> frames_;
  std::map<std::pair<uint64_t, uint32_t>, int64_t> frame_id_;  // (shard number, frame)
  std::unordered_map<uint64_t, std::optional<std::string>> run_time_;  // nullopt: not set
  std::unordered_map<uint64_t, uint64_t> original_bytes_;  // by shard number, not yet in `shards`
  // The last shard name FrameId checked and its number: rows come shard by shard.
  std::string checked_shard_;
  uint64_t checked_shard_number_ = 0;
};

}  // namespace simshard
