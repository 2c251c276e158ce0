// The SQLite catalog (doc/FORMAT.md, section 5). Every statement binds its values.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "simshard/archive.h"
#include "simshard/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace simshard {

// One prepared statement; values bound by position (1-based).
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int i, std::string_view text);
  Statement& BindBlob(int i, std::string_view bytes);
  Statement& BindInt(int i, int64_t value);
  Statement& BindNull(int i);
  // Steps once: true with a row, false when done.
  Result<bool> Step();
  // Steps through every row, calling fn() at each (fn may return a Status, which stops
  // the walk when it is an error). Fails with the first error.
  template <typename Fn>
  Status ForEachRow(Fn&& fn);
  Status Run() { return ForEachRow([] {}); }  // steps to the end, for statements without rows
  void Reset();

  std::string Text(int col) const;
  std::string_view View(int col) const;  // text or blob bytes, valid until the next Step
  int64_t Int(int col) const;
  bool IsNull(int col) const;
  bool IsInt(int col) const;
  bool IsBlob(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

template <typename Fn>
Status Statement::ForEachRow(Fn&& fn) {
  for (;;) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&>>) {
      fn();
    } else {
      SIMSHARD_RETURN_IF_ERROR(fn());
    }
  }
}

struct ShardRow {
  std::string name;
  uint64_t bytes = 0, data_bytes = 0, frames = 0, records = 0, run = 0;
  std::string checksum, sealed_at;
  uint64_t original_bytes = 0;  // read from version 2 (InsertShard sums its documents itself)
};

class CatalogCache;

// Schema versions (PRAGMA user_version): 1 stored text forms (hex ids, one row column per
// location field); 2 is the compact form of doc/FORMAT.md section 5; 3 indexes ids by
// their high 32 bits (section 5.1).
inline constexpr int kCatalogVersion = 3;

class Catalog {
 public:
  // Creates the schema when writable and new, and upgrades a version 1 or 2 catalog in
  // place (one transaction). Read-only opens read older versions as they are and never
  // block a writer.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& path, bool read_only);
  ~Catalog();

  int version() const { return version_; }
  // Whether shards.original_bytes holds each shard's sum of original_size (version 2).
  bool has_shard_sums() const { return has_shard_sums_; }
  // Whether documents.extraction exists (version 2 since weak pages are archived; a
  // writer adds it). Without it every document reads as extracted.
  bool has_extraction() const { return has_extraction_; }
  // Whether the table of dropped documents exists (a writer adds it; section 5.2).
  bool has_dropped() const { return has_dropped_; }
  Result<Statement> Prepare(std::string_view sql) const;
  Status Exec(std::string_view sql) const;  // for fixed statements without values
  Status Begin() const { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() const { return Exec("COMMIT"); }
  void Rollback() const;  // also forgets cached prefixes, frames and run times

  // Writing (the current version only).
  Status InsertDocument(const CatalogEntry& e) const;
  Status InsertShard(const ShardRow& row) const;
  // Empties documents, frames, prefixes and shards (reindex refills them).
  Status DeleteDocuments() const;
  // Gives each run without an archive time the time of its first document, then drops the
  // per-document times equal to their run's (after rows were inserted for unknown runs).
  Status FoldArchiveTimes() const;

  Result<bool> HasId(uint64_t id) const;
  Result<bool> HasShard(std::string_view name) const;
  Result<uint64_t> MaxOrdinal() const;
  Result<std::vector<ShardRow>> Shards() const;

  // Documents matching `filter` (every one for an empty filter), by ordinal.
  Status ForEachDocument(const ListFilter& filter, const std::function<void(const CatalogEntry&)>& fn) const;
  Status ForEachDocument(const std::function<void(const CatalogEntry&)>& fn) const {
    return ForEachDocument(ListFilter{}, fn);
  }
  // What the dedup index needs, read from binary columns (no text parsed), by ordinal.
  // Those with ordinals first to last only: a range of the primary key, read alone.
  Status ForEachFingerprint(const std::function<void(const FingerprintRow&)>& fn, uint64_t first = 1,
                            uint64_t last = INT64_MAX) const;
  // UrlHash of every archived URL and of every dropped row's key (catalog_dropped.cc).
  Status ForEachSeenAddress(const std::function<void(int64_t hash)>& fn) const;
  // "not found" errors when absent. By URL: the earliest archived with that URL.
  Result<CatalogEntry> FindById(std::string_view id) const;
  Result<CatalogEntry> FindByUrl(std::string_view url) const;

  // Dropped documents (catalog_dropped.cc). Inserting needs the table (writers add it).
  Status InsertDropped(const DroppedEntry& e) const;
  // The earliest dropped row whose URL is `url` (or, for `url` empty, whose source is
  // `source`); "not found" errors when none. An empty catalog table reads as none.
  Result<DroppedEntry> FindDropped(std::string_view url, std::string_view source = {}) const;
  Status ForEachDropped(const ListFilter& filter, const std::function<void(const DroppedEntry&)>& fn) const;
  Result<uint64_t> CountDropped() const;

  const std::string& path() const { return path_; }

 private:
  Catalog(sqlite3* db, std::string path);
  Status Error(std::string_view what) const;
  Status ReadVersion();
  // The condition that finds the document whose id is bound as ?1, through this version's index.
  std::string WhereId() const;
  Status CreateOrUpgrade();
  Result<bool> HasTables() const;  // any table at all: a file that is some other database
  Status AddShardSums();
  Status AddMissingColumns();  // documents.extraction and documents.crawled_at
  Status ReadOptionalColumns();  // has_shard_sums_, has_extraction_, has_dropped_, has_crawled_at_
  // Decodes a row of kDroppedColumns; false when it refers to an unknown prefix or its URL
  // (or source) does not match its key hash (prefixes renumbered behind its back).
  Result<bool> DecodeDropped(const Statement& s, DroppedEntry* e) const;
  // kSelectColumns, extraction and crawled_at (NULL when the catalog lacks them), each
  // column prefixed with `table` ("d." or nothing).
  std::string DocumentColumns(std::string_view table) const;
  // A prepared statement kept for reuse (rows inserted one by one), reset and unbound.
  Result<Statement*> Cached(const std::string& sql) const;
  // The first row of `st` whose URL is `url` (v2 lookups by URL hash may collide).
  Result<CatalogEntry> FirstRow(Statement* st, std::string_view url, bool check_url) const;

  sqlite3* db_;
  std::string path_;
  int version_ = 0;
  bool has_shard_sums_ = false;
  bool has_extraction_ = false;
  bool has_dropped_ = false;
  bool has_crawled_at_ = false;
  mutable std::map<std::string, Statement> cache_;
  std::unique_ptr<CatalogCache> rows_;  // the small tables, in memory (catalog_rows.cc)
};

// The catalog's file name inside an archive folder.
inline constexpr std::string_view kCatalogName = "catalog.sqlite";

}  // namespace simshard
