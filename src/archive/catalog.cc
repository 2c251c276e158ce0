#include "archive/catalog.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS documents(
  ordinal INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, url TEXT, source TEXT, title TEXT,
  date TEXT, archived_at TEXT, run INTEGER, digest TEXT, simhash TEXT, sketch BLOB,
  kind INTEGER, shard TEXT NOT NULL, frame INTEGER, frame_offset INTEGER, frame_size INTEGER,
  record_offset INTEGER, record_size INTEGER, original_size INTEGER);
CREATE INDEX IF NOT EXISTS documents_url ON documents(url);
CREATE INDEX IF NOT EXISTS documents_digest ON documents(digest);
CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, started_at TEXT, ended_at TEXT,
  options TEXT, counts TEXT);
CREATE TABLE IF NOT EXISTS shards(name TEXT PRIMARY KEY, bytes INTEGER, data_bytes INTEGER,
  frames INTEGER, records INTEGER, checksum TEXT, sealed_at TEXT, run INTEGER);
CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, value BLOB);
PRAGMA user_version = 1;
)sql";

constexpr std::string_view kDocumentColumns =
    "ordinal, id, url, source, title, date, archived_at, run, digest, simhash, sketch, kind, "
    "shard, frame, frame_offset, frame_size, record_offset, record_size, original_size";

CatalogEntry EntryFromRow(const Statement& s) {
  CatalogEntry e;
  e.ordinal = static_cast<uint64_t>(s.Int(0));
  e.id = s.Text(1);
  e.url = s.Text(2);
  e.source = s.Text(3);
  e.title = s.Text(4);
  e.date = s.Text(5);
  e.archived_at = s.Text(6);
  e.run = static_cast<uint64_t>(s.Int(7));
  e.digest = s.Text(8);
  ParseHex64(s.Text(9), &e.simhash);
  e.sketch = s.Text(10);
  e.kind = static_cast<OriginalKind>(s.Int(11));
  e.shard = s.Text(12);
  e.frame = static_cast<uint32_t>(s.Int(13));
  e.frame_offset = static_cast<uint64_t>(s.Int(14));
  e.frame_size = static_cast<uint64_t>(s.Int(15));
  e.record_offset = static_cast<uint32_t>(s.Int(16));
  e.record_size = static_cast<uint32_t>(s.Int(17));
  e.original_size = static_cast<uint64_t>(s.Int(18));
  return e;
}

}  // namespace

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
  return Status::Error(std::string("catalog: ") + sqlite3_errmsg(db_));
}

Status Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
  }
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

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

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
  if (!fd.valid()) return Status::Error(temp + ": cannot open: " + ErrnoText());
  SIMSHARD_RETURN_IF_ERROR(FsyncFd(fd.get(), temp));
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return Status::Error(path + ": cannot rename the new catalog into place: " + ErrnoText());
  }
  const size_t slash = path.rfind('/');
  return FsyncDir(slash == std::string::npos ? "." : path.substr(0, slash));
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
    return Status::Error(path + ": cannot open catalog: " + msg);
  }
  std::unique_ptr<Catalog> catalog(new Catalog(db, path));
  sqlite3_busy_timeout(db, 10000);
  if (!read_only) {
    SIMSHARD_RETURN_IF_ERROR(catalog->Exec("PRAGMA journal_mode=WAL"));
    SIMSHARD_RETURN_IF_ERROR(catalog->Exec("PRAGMA synchronous=FULL"));
    // A shard's rows are one transaction; after its checkpoint the WAL shrinks back.
    SIMSHARD_RETURN_IF_ERROR(catalog->Exec("PRAGMA journal_size_limit=67108864"));
    // One transaction: the schema and its version appear together or not at all.
    SIMSHARD_RETURN_IF_ERROR(catalog->Exec("BEGIN IMMEDIATE;" + std::string(kSchema) + "COMMIT;"));
  }
  auto version = catalog->Prepare("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto row = version->Step();
  if (!row.ok()) return row.status();
  if (version->Int(0) != 1) return Status::Error(path + ": not a simshard catalog (user_version is not 1)");
  return catalog;
}

Catalog::~Catalog() {
  cache_.clear();  // statements are finalized before the connection closes
  sqlite3_close(db_);
}

Status Catalog::Error(std::string_view what) const {
  return Status::Error(path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
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
    return Status::Error(path_ + ": " + msg);
  }
  return Status::OK();
}

void Catalog::Rollback() const { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

Status Catalog::InsertDocument(const CatalogEntry& e) const {
  auto st = Cached("INSERT INTO documents(" + std::string(kDocumentColumns) +
                   ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.BindInt(1, static_cast<int64_t>(e.ordinal)).Bind(2, e.id).Bind(3, e.url).Bind(4, e.source);
  s.Bind(5, e.title).Bind(6, e.date).Bind(7, e.archived_at).BindInt(8, static_cast<int64_t>(e.run));
  s.Bind(9, e.digest).Bind(10, Hex64(e.simhash)).BindBlob(11, e.sketch);
  s.BindInt(12, static_cast<int64_t>(e.kind)).Bind(13, e.shard);
  s.BindInt(14, e.frame).BindInt(15, static_cast<int64_t>(e.frame_offset));
  s.BindInt(16, static_cast<int64_t>(e.frame_size)).BindInt(17, e.record_offset).BindInt(18, e.record_size);
  s.BindInt(19, static_cast<int64_t>(e.original_size));
  return s.Run().WithContext("catalog: document " + e.id);
}

Status Catalog::InsertShard(const ShardRow& row) const {
  auto st = Prepare(
      "INSERT OR REPLACE INTO shards(name, bytes, data_bytes, frames, records, checksum, sealed_at, run) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!st.ok()) return st.status();
  st->Bind(1, row.name).BindInt(2, static_cast<int64_t>(row.bytes));
  st->BindInt(3, static_cast<int64_t>(row.data_bytes)).BindInt(4, static_cast<int64_t>(row.frames));
  st->BindInt(5, static_cast<int64_t>(row.records)).Bind(6, row.checksum).Bind(7, row.sealed_at);
  st->BindInt(8, static_cast<int64_t>(row.run));
  return st->Run();
}

Result<bool> Catalog::HasId(std::string_view id) const {
  auto st = Cached("SELECT 1 FROM documents WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
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
  auto st = Prepare("SELECT name, bytes, data_bytes, frames, records, checksum, sealed_at, run "
                    "FROM shards ORDER BY name");
  if (!st.ok()) return st.status();
  std::vector<ShardRow> rows;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back(ShardRow{st->Text(0), static_cast<uint64_t>(st->Int(1)),
                            static_cast<uint64_t>(st->Int(2)), static_cast<uint64_t>(st->Int(3)),
                            static_cast<uint64_t>(st->Int(4)), static_cast<uint64_t>(st->Int(7)),
                            st->Text(5), st->Text(6)});
  }
}

Status Catalog::ForEachDocument(std::string_view where, const std::vector<std::string>& args,
                                const std::function<void(const CatalogEntry&)>& fn) const {
  std::string sql = "SELECT " + std::string(kDocumentColumns) + " FROM documents";
  if (!where.empty()) sql += " WHERE " + std::string(where);
  sql += " ORDER BY ordinal";
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  for (size_t i = 0; i < args.size(); ++i) st->Bind(static_cast<int>(i + 1), args[i]);
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
    fn(EntryFromRow(*st));
  }
}

Status Catalog::ForEachFingerprint(const std::function<void(const CatalogEntry&)>& fn) const {
  auto st = Prepare("SELECT ordinal, id, digest, simhash, sketch FROM documents ORDER BY ordinal");
  if (!st.ok()) return st.status();
  CatalogEntry e;  // reused: its strings keep their buffers from row to row
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
    e.ordinal = static_cast<uint64_t>(st->Int(0));
    e.id = st->Text(1);
    e.digest = st->Text(2);
    e.simhash = 0;
    ParseHex64(st->Text(3), &e.simhash);
    e.sketch = st->Text(4);
    fn(e);
  }
}

Result<CatalogEntry> Catalog::FindDocument(std::string_view where, std::string_view arg) const {
  // Cached: a batch restore looks up thousands of ids, and preparing was most of it.
  auto st = Cached("SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE " +
                   std::string(where) + " ORDER BY ordinal LIMIT 1");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, arg);
  auto row = s.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Error("not found");
  CatalogEntry entry = EntryFromRow(s);
  s.Reset();  // ends the statement's read of the catalog now, not at the next lookup
  return entry;
}

}  // namespace simshard
