// The SQLite catalog (doc/FORMAT.md, section 5). Every statement binds its values.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
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
  Status Run();  // steps to the end, for statements without rows
  void Reset();

  std::string Text(int col) const;
  int64_t Int(int col) const;
  bool IsNull(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

struct ShardRow {
  std::string name;
  uint64_t bytes = 0, data_bytes = 0, frames = 0, records = 0, run = 0;
  std::string checksum, sealed_at;
};

class Catalog {
 public:
  // Creates the schema when writable and new. Read-only opens never block a writer.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& path, bool read_only);
  ~Catalog();

  Result<Statement> Prepare(std::string_view sql) const;
  Status Exec(std::string_view sql) const;  // for fixed statements without values
  Status Begin() const { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() const { return Exec("COMMIT"); }
  void Rollback() const;

  Status InsertDocument(const CatalogEntry& e) const;
  Status InsertShard(const ShardRow& row) const;
  Result<bool> HasId(std::string_view id) const;
  Result<bool> HasShard(std::string_view name) const;
  Result<uint64_t> MaxOrdinal() const;
  Result<std::vector<ShardRow>> Shards() const;

  // Rows of `documents` matching `where` (SQL after WHERE, with ?1.. bound to `args`),
  // ordered by ordinal.
  Status ForEachDocument(std::string_view where, const std::vector<std::string>& args,
                         const std::function<void(const CatalogEntry&)>& fn) const;
  // Only ordinal, id, digest, simhash and sketch of every row, by ordinal.
  Status ForEachFingerprint(const std::function<void(const CatalogEntry&)>& fn) const;
  Result<CatalogEntry> FindDocument(std::string_view where, std::string_view arg) const;

  const std::string& path() const { return path_; }

 private:
  Catalog(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(std::string_view what) const;
  // A prepared statement kept for reuse (rows inserted one by one), reset and unbound.
  Result<Statement*> Cached(const std::string& sql) const;
  sqlite3* db_;
  std::string path_;
  mutable std::map<std::string, Statement> cache_;
};

// The catalog's file name inside an archive folder.
inline constexpr std::string_view kCatalogName = "catalog.sqlite";

}  // namespace simshard
