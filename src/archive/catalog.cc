#include "archive/catalog.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "archive/catalog_rows.h"
#include "archive/catalog_schema.h"
#include "archive/shard_format.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int i, std::string_view text) {
  sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::BindBlob(int i, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindInt(int i, int64_t value) {
  sqlite3_bind_int64(stmt_, i, value);
  return *this;
}

Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Status::IOError(std::string("catalog: ") + sqlite3_errmsg(db_));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string_view Statement::View(int col) const {
  const void* p = sqlite3_column_type(stmt_, col) == SQLITE_BLOB ? sqlite3_column_blob(stmt_, col)
                                                                 : sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return std::string_view(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
bool Statement::IsInt(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_INTEGER; }
bool Statement::IsBlob(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_BLOB; }

namespace {

// A new catalog is built under a temp name and renamed into place, so a writer killed
// while creating it never leaves a catalog without its schema for readers to trip on.
Status CreateCatalogAtomically(const std::string& path) {
  const std::string temp = path + ".tmp";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((temp + suffix).c_str());
  {
    auto catalog = Catalog::Open(temp, false);
    if (!catalog.ok()) return catalog.status();
  }  // closed: its WAL is checkpointed and removed
  UniqueFd fd(::open(temp.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Status::IOError(temp + ": cannot open: " + ErrnoText());
  SIMSHARD_RETURN_IF_ERROR(FsyncFd(fd.get(), temp));
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return Status::IOError(path + ": cannot rename the new catalog into place: " + ErrnoText());
  }
  return FsyncParentDir(path);
}

}  // namespace

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path, bool read_only) {
  if (!read_only && !path.ends_with(".tmp") && ::access(path.c_str(), F_OK) != 0) {
    SIMSHARD_RETURN_IF_ERROR(CreateCatalogAtomically(path));
  }
  sqlite3* db = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IOError(path + ": cannot open catalog: " + msg);
  }
  std::unique_ptr<Catalog> catalog(new Catalog(db, path));
  sqlite3_busy_timeout(db, 10000);
  if (!read_only) {
    SIMSHARD_RETURN_IF_ERROR(catalog->Exec("PRAGMA journal_mode=WAL"));
    SIMSHARD_RETURN_IF_ERROR(catalog->Exec("PRAGMA synchronous=FULL"));
    // A shard's rows are one transaction; after its checkpoint the WAL shrinks back.
    SIMSHARD_RETURN_IF_ERROR(catalog->Exec("PRAGMA journal_size_limit=67108864"));
    SIMSHARD_RETURN_IF_ERROR(catalog->CreateOrUpgrade());
  }
  SIMSHARD_RETURN_IF_ERROR(catalog->ReadVersion());
  if (catalog->version_ < 1 || catalog->version_ > kCatalogVersion) {
    return Status::NotSupported(path + ": not a simshard catalog (user_version " + std::to_string(catalog->version_) +
                                 (catalog->version_ > kCatalogVersion ? ", written by a newer simshard)" : ")"));
  }
  SIMSHARD_RETURN_IF_ERROR(catalog->ReadOptionalColumns());
  return catalog;
}

Catalog::Catalog(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), rows_(std::make_unique<CatalogCache>(*this)) {}

Status Catalog::ReadVersion() {
  auto version = Prepare("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto row = version->Step();
  if (!row.ok()) return row.status();
  version_ = static_cast<int>(version->Int(0));
  return Status::OK();
}

// Version 2 catalogs written before shards.original_bytes existed get it, summed from
// their documents (once; a cheap check at every writer open after that).
Status Catalog::AddShardSums() {
  SIMSHARD_RETURN_IF_ERROR(ReadOptionalColumns());
  if (has_shard_sums_) return Status::OK();
  SIMSHARD_RETURN_IF_ERROR(Exec(
      "ALTER TABLE shards ADD COLUMN original_bytes INTEGER;"
      "UPDATE shards SET original_bytes = (SELECT COALESCE(SUM(d.original_size), 0) FROM documents d "
      "JOIN frames f ON f.id = d.frame WHERE f.shard = shards.id);"));
  return ReadOptionalColumns();
}

// Version 2 catalogs written before weak and empty pages were archived, or before crawl
// times were kept, get the columns (once; a cheap check at every writer open after that).
Status Catalog::AddMissingColumns() {
  SIMSHARD_RETURN_IF_ERROR(ReadOptionalColumns());
  if (has_extraction_ && has_crawled_at_) return Status::OK();
  SIMSHARD_RETURN_IF_ERROR(AddDocumentColumns(*this, !has_extraction_, !has_crawled_at_));
  return ReadOptionalColumns();
}

Status Catalog::ReadOptionalColumns() {
  auto st = Prepare(
      "SELECT (SELECT COUNT(*) FROM pragma_table_info('shards') WHERE name = 'original_bytes'), "
      "(SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name = 'extraction'), "
      "(SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'dropped'), "
      "(SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name = 'crawled_at')");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  has_shard_sums_ = *row && st->Int(0) > 0;
  has_extraction_ = *row && st->Int(1) > 0;
  has_dropped_ = *row && st->Int(2) > 0;
  has_crawled_at_ = *row && st->Int(3) > 0;
  return Status::OK();
}

Result<bool> Catalog::HasTables() const {
  auto st = Prepare("SELECT 1 FROM sqlite_schema LIMIT 1");
  if (!st.ok()) return st.status();
  return st->Step();
}

// A new catalog gets the whole schema, a version 1 catalog is upgraded: each in one
// transaction, so a writer killed halfway leaves the catalog as it was.
Status Catalog::CreateOrUpgrade() {
  SIMSHARD_RETURN_IF_ERROR(Begin());
  Status s = ReadVersion();  // again inside the transaction: another process may have done it
  if (s.ok() && version_ == 0) {
    auto has_tables = HasTables();
    if (!has_tables.ok()) s = has_tables.status();
    else if (*has_tables) s = Status::NotSupported(path_ + ": not a simshard catalog (user_version 0)");
    if (s.ok()) {
      s = Exec(std::string(kSchemaTables) + std::string(kSchemaIndexes) + std::string(kSchemaView) +
               std::string(kSchemaDropped));
    }
  } else if (s.ok() && version_ == 1) {
    s = UpgradeV1ToV2(*this).WithContext(path_ + ": upgrading the catalog from version 1 to 3");
  } else if (s.ok() && version_ >= 2) {
    s = AddShardSums();
    if (s.ok()) s = AddMissingColumns();
    if (s.ok()) s = Exec(kSchemaDropped);
    if (s.ok() && version_ == 2) {
      s = UpgradeV2ToV3(*this).WithContext(path_ + ": upgrading the catalog from version 2 to 3");
    }
  }
  if (s.ok()) s = Commit();
  if (!s.ok()) {
    Rollback();
    return s;
  }
  // Gives the space of the replaced tables or index back; may wait.
  if (version_ == 1 || version_ == 2) Exec("VACUUM");
  return Status::OK();
}

Catalog::~Catalog() {
  cache_.clear();  // statements are finalized before the connection closes
  sqlite3_close(db_);
}

Status Catalog::Error(std::string_view what) const {
  return Status::IOError(path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

Result<Statement*> Catalog::Cached(const std::string& sql) const {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto st = Prepare(sql);
    if (!st.ok()) return st.status();
    it = cache_.emplace(sql, std::move(st).value()).first;
  }
  it->second.Reset();
  return &it->second;
}

Result<Statement> Catalog::Prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return Error("cannot prepare statement");
  }
  return Statement(db_, stmt);
}

Status Catalog::Exec(std::string_view sql) const {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Status::IOError(path_ + ": " + msg);
  }
  return Status::OK();
}

void Catalog::Rollback() const {
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  rows_->Forget();  // prefixes, frames and run times of the rolled back rows are gone
  rows_->ForgetPending();
}

Status Catalog::InsertShard(const ShardRow& row) const {
  uint64_t number = 0;
  if (!shard::ParseShardName(row.name, &number) || shard::ShardName(number) != row.name) {
    return Status::Corruption(path_ + ": shard name \"" + row.name + "\" is not NNNNNN.jsonl.zst");
  }
  auto st = Prepare(
      "INSERT OR REPLACE INTO shards(id, name, bytes, data_bytes, frames, records, checksum, sealed_at, run, "
      "original_bytes) VALUES (?9,?1,?2,?3,?4,?5,?6,?7,?8,?10)");
  if (!st.ok()) return st.status();
  st->Bind(1, row.name).BindInt(2, static_cast<int64_t>(row.bytes));
  st->BindInt(3, static_cast<int64_t>(row.data_bytes)).BindInt(4, static_cast<int64_t>(row.frames));
  st->BindInt(5, static_cast<int64_t>(row.records)).Bind(6, row.checksum).Bind(7, row.sealed_at);
  st->BindInt(8, static_cast<int64_t>(row.run)).BindInt(9, static_cast<int64_t>(number));
  st->BindInt(10, static_cast<int64_t>(rows_->TakeOriginalBytes(number)));
  return st->Run();
}

Status Catalog::DeleteDocuments() const {
  rows_->Forget();
  rows_->ForgetPending();
  // Prefixes of dropped rows stay: those rows are not in any shard, reindex keeps them.
  return Exec(std::string("DELETE FROM documents; DELETE FROM url_hashes; DELETE FROM frames; DELETE FROM shards; "
                          "DELETE FROM prefixes") +
              (has_dropped_ ? " WHERE id NOT IN (SELECT url_prefix FROM dropped WHERE url_prefix IS NOT NULL "
                              "UNION SELECT source_prefix FROM dropped WHERE source_prefix IS NOT NULL);"
                            : ";"));
}

Status Catalog::FoldArchiveTimes() const {
  rows_->Forget();
  return Exec(
      "UPDATE runs SET archived_at = f.at FROM (SELECT run, archived_at AS at, MIN(ordinal) "
      "FROM documents WHERE archived_at IS NOT NULL GROUP BY run) AS f "
      "WHERE runs.id = f.run AND runs.archived_at IS NULL;"
      "UPDATE documents SET archived_at = NULL WHERE archived_at IS NOT NULL AND "
      "archived_at = (SELECT r.archived_at FROM runs r WHERE r.id = documents.run);");
}

std::string Catalog::WhereId() const {
  // Version 3 indexes the high 32 bits only; `+id` keeps SQLite on that index.
  return version_ == 2 ? " WHERE id = ?1" : " WHERE id >> 32 = ?1 >> 32 AND +id = ?1";
}

Result<bool> Catalog::HasId(uint64_t id) const {
  auto st = Cached("SELECT 1 FROM documents" + WhereId());
  if (!st.ok()) return st.status();
  (*st)->BindInt(1, static_cast<int64_t>(id));
  auto row = (*st)->Step();
  (*st)->Reset();
  return row;
}

Result<bool> Catalog::HasShard(std::string_view name) const {
  auto st = Prepare("SELECT 1 FROM shards WHERE name = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, name);
  return st->Step();
}

Result<uint64_t> Catalog::MaxOrdinal() const {
  auto st = Prepare("SELECT COALESCE(MAX(ordinal), 0) FROM documents");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return static_cast<uint64_t>(st->Int(0));
}

Result<std::vector<ShardRow>> Catalog::Shards() const {
  auto st = Prepare(std::string("SELECT name, bytes, data_bytes, frames, records, checksum, sealed_at, run, ") +
                    (has_shard_sums_ ? "original_bytes" : "0") + " FROM shards ORDER BY name");
  if (!st.ok()) return st.status();
  std::vector<ShardRow> rows;
  SIMSHARD_RETURN_IF_ERROR(st->ForEachRow([&] {
    rows.push_back(ShardRow{st->Text(0), static_cast<uint64_t>(st->Int(1)),
                            static_cast<uint64_t>(st->Int(2)), static_cast<uint64_t>(st->Int(3)),
                            static_cast<uint64_t>(st->Int(4)), static_cast<uint64_t>(st->Int(7)),
                            st->Text(5), st->Text(6), static_cast<uint64_t>(st->Int(8))});
  }));
  return rows;
}

}  // namespace simshard
