// The compact catalog (versions 2 and 3) and the in-place upgrades of older catalogs.
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "archive_test_util.h"
#include "simshard/archive.h"
#include "util/encoding.h"

using namespace simshard;
using simshard::testing::MakeRecord;
using simshard::testing::OpenReader;
using simshard::testing::OpenWriter;
using simshard::testing::ScratchDir;
using simshard::testing::WriteRun;

namespace {

// The version 1 schema exactly as earlier releases created it (the fixture for upgrades).
constexpr const char* kV1Schema = R"sql(
PRAGMA journal_mode=WAL;
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

constexpr const char* kV1Columns =
    "ordinal, id, url, source, title, date, archived_at, run, digest, simhash, sketch, kind, "
    "shard, frame, frame_offset, frame_size, record_offset, record_size, original_size";

class Db {
 public:
  explicit Db(const std::string& dir) {
    BOOST_REQUIRE(sqlite3_open((dir + "/catalog.sqlite").c_str(), &db_) == SQLITE_OK);
  }
  ~Db() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql + ": " + (err ? err : ""));
  }
  // Every row as text, fields separated by '|' (blobs in hex).
  std::vector<std::string> Rows(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(db_));
    std::vector<std::string> rows;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(st, c));
        const std::string_view v(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, c)));
        if (c > 0) row.push_back('|');
        row += sqlite3_column_type(st, c) == SQLITE_BLOB ? HexEncode(v) : std::string(v);
      }
      rows.push_back(row);
    }
    sqlite3_finalize(st);
    return rows;
  }
  std::string One(const std::string& sql) {
    auto rows = Rows(sql);
    return rows.empty() ? std::string() : rows[0];
  }
  void InsertV1(const CatalogEntry& e) {
    sqlite3_stmt* st = nullptr;
    const std::string sql = std::string("INSERT INTO documents(") + kV1Columns +
                            ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)";
    BOOST_REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    const auto text = [&](int i, const std::string& s) { sqlite3_bind_text(st, i, s.data(), int(s.size()), SQLITE_TRANSIENT); };
    sqlite3_bind_int64(st, 1, int64_t(e.ordinal));
    text(2, e.id), text(3, e.url), text(4, e.source), text(5, e.title), text(6, e.date), text(7, e.archived_at);
    sqlite3_bind_int64(st, 8, int64_t(e.run));
    text(9, e.digest), text(10, Hex64(e.simhash));
    sqlite3_bind_blob(st, 11, e.sketch.data(), int(e.sketch.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 12, int64_t(e.kind));
    text(13, e.shard);
    sqlite3_bind_int64(st, 14, e.frame), sqlite3_bind_int64(st, 15, int64_t(e.frame_offset));
    sqlite3_bind_int64(st, 16, int64_t(e.frame_size)), sqlite3_bind_int64(st, 17, e.record_offset);
    sqlite3_bind_int64(st, 18, e.record_size), sqlite3_bind_int64(st, 19, int64_t(e.original_size));
    BOOST_REQUIRE_MESSAGE(sqlite3_step(st) == SQLITE_DONE, sqlite3_errmsg(db_));
    sqlite3_finalize(st);
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string AllFields(const CatalogEntry& e) {
  return std::to_string(e.ordinal) + "|" + e.id + "|" + e.url + "|" + e.source + "|" + e.title + "|" + e.date +
         "|" + e.archived_at + "|" + std::to_string(e.run) + "|" + e.digest + "|" + Hex64(e.simhash) + "|" +
         HexEncode(e.sketch) + "|" + std::to_string(int(e.kind)) + "|" + e.shard + "|" + std::to_string(e.frame) +
         "|" + std::to_string(e.frame_offset) + "|" + std::to_string(e.frame_size) + "|" +
         std::to_string(e.record_offset) + "|" + std::to_string(e.record_size) + "|" +
         std::to_string(e.original_size);
}

std::vector<std::string> ListAll(const std::string& dir) {
  std::vector<std::string> rows;
  auto reader = OpenReader(dir);
  Status s = reader->List({}, [&](const CatalogEntry& e) { rows.push_back(AllFields(e)); });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.message());
  return rows;
}

// Records with every form a field can take: ids that are (and are not) their digest's
// first half, odd digests, dates and sources with and without a compact form, no URL,
// archive times that differ within a run, two runs, several frames and shards.
std::vector<Record> VariedRecords(uint64_t first, uint64_t last) {
  std::vector<Record> out;
  for (uint64_t n = first; n <= last; ++n) {
    Record r = MakeRecord(n);
    // The top bit of the SimHash set: a negative SQLite integer.
    for (int k = 0; n % 13 == 0 && r.simhash >> 63 == 0; ++k) {
      r = MakeRecord(n, "Gale warning " + std::to_string(k) + " for the outer islands tonight.");
    }
    if (n % 2 == 0) r.digest = r.id + Hex64(n * 31);  // as the pipeline makes them
    if (n % 7 == 0) r.digest = "not a digest " + std::to_string(n);
    if (n % 3 == 0) r.source = "feeds/day" + std::to_string(n % 2) + ".jsonl#" + std::to_string(n * 10);
    if (n % 5 == 0) r.source = "feeds/day.jsonl#0" + std::to_string(n);  // leading zero: kept as text
    if (n % 4 == 0) r.date = "Nov " + std::to_string(n) + ", 2026";
    if (n % 6 == 0) r.date.clear();
    if (n % 8 == 0) r.url.clear();
    if (n % 9 == 0) r.url = "urn:example:" + std::to_string(n);
    if (n % 10 == 0) r.url = "https://other.example";  // a host without a path
    if (n % 11 == 0) r.archived_at = "2026-11-30T00:00:0" + std::to_string(n % 10) + "Z";
    out.push_back(r);
  }
  return out;
}

constexpr int kDocuments = 45;

// Two runs of VariedRecords in small frames and shards: several of each.
void WriteVariedRuns(const std::string& dir) {
  ArchiveOptions small;
  small.frame_bytes = 1 << 10;
  small.shard_bytes = 6 << 10;
  WriteRun(dir, VariedRecords(1, 30), small);
  WriteRun(dir, VariedRecords(31, kDocuments), small);
}

struct V1Archive {
  std::vector<std::string> listed;   // every field, as the reader lists them
  std::vector<std::string> v1_rows;  // SELECT of the version 1 columns, as text
};

// Writes an archive, then replaces its catalog with a version 1 catalog holding the same
// rows, built with the version 1 SQL.
V1Archive MakeV1Archive(const std::string& dir) {
  WriteVariedRuns(dir);
  V1Archive out;
  std::vector<CatalogEntry> entries;
  BOOST_REQUIRE(OpenReader(dir)->List({}, [&](const CatalogEntry& e) {
    entries.push_back(e);
    out.listed.push_back(AllFields(e));
  }).ok());
  const std::string v1_dir = dir + "/v1";
  ::mkdir(v1_dir.c_str(), 0755);
  {
    Db db(v1_dir);
    db.Exec(kV1Schema);
    db.Exec("ATTACH '" + dir + "/catalog.sqlite' AS v2");
    db.Exec("BEGIN");
    db.Exec("INSERT INTO runs SELECT id, started_at, ended_at, options, counts FROM v2.runs");
    db.Exec("INSERT INTO shards SELECT name, bytes, data_bytes, frames, records, checksum, sealed_at, run FROM v2.shards");
    db.Exec("INSERT INTO state SELECT key, value FROM v2.state");
    for (const CatalogEntry& e : entries) db.InsertV1(e);
    db.Exec("COMMIT");
    db.Exec("DETACH v2");
    out.v1_rows = db.Rows(std::string("SELECT ") + kV1Columns + " FROM documents ORDER BY ordinal");
  }
  for (const char* f : {"catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"}) ::unlink((dir + "/" + f).c_str());
  BOOST_REQUIRE(std::rename((v1_dir + "/catalog.sqlite").c_str(), (dir + "/catalog.sqlite").c_str()) == 0);
  ::rmdir(v1_dir.c_str());
  BOOST_REQUIRE(out.v1_rows.size() == size_t(kDocuments));
  return out;
}

std::string UserVersion(const std::string& dir) { return Db(dir).One("PRAGMA user_version"); }

// Every fingerprint row `for_each` gives matches the record written under its ordinal.
template <typename ForEach>
void CheckFingerprints(const std::vector<Record>& records, ForEach&& for_each) {
  size_t seen = 0;
  BOOST_REQUIRE(for_each([&](const FingerprintRow& row) {
    const Record& r = records[row.ordinal - 1];
    BOOST_TEST(Hex64(row.id) == r.id);
    BOOST_TEST(row.simhash == r.simhash);
    BOOST_TEST(row.sketch == r.sketch);
    BOOST_TEST(row.digest_ok == (row.ordinal % 7 != 0));
    if (row.digest_ok) BOOST_TEST(Hex64(row.digest_high) + Hex64(row.digest_low) == r.digest);
    ++seen;
  }).ok());
  BOOST_TEST(seen == records.size());
}

}  // namespace

BOOST_AUTO_TEST_CASE(readers_read_a_version_1_catalog_as_it_is) {
  ScratchDir dir;
  const V1Archive v1 = MakeV1Archive(dir.path());
  BOOST_TEST(ListAll(dir.path()) == v1.listed, boost::test_tools::per_element());
  auto reader = OpenReader(dir.path());
  for (const Record& r : VariedRecords(1, kDocuments)) {
    auto by_id = reader->Find(r.id);
    BOOST_REQUIRE_MESSAGE(by_id.ok(), by_id.status().message());
    BOOST_TEST(reader->Read(*by_id).value().text == r.text);
  }
  BOOST_TEST(reader->Find("https://example.org/news/3").value().id == MakeRecord(3).id);
  BOOST_TEST(reader->Verify().empty());
  BOOST_TEST(reader->Stats().value().documents == uint64_t(kDocuments));
  CheckFingerprints(VariedRecords(1, kDocuments), [&](auto&& fn) { return reader->ForEachFingerprint(fn); });
  BOOST_TEST(UserVersion(dir.path()) == "1");  // a reader never changes the catalog
}

BOOST_AUTO_TEST_CASE(a_writer_upgrades_version_1_keeping_every_field) {
  ScratchDir dir;
  const V1Archive v1 = MakeV1Archive(dir.path());
  const ArchiveStats before = OpenReader(dir.path())->Stats().value();
  OpenWriter(dir.path()).reset();
  BOOST_TEST(UserVersion(dir.path()) == "3");
  BOOST_TEST(ListAll(dir.path()) == v1.listed, boost::test_tools::per_element());
  // Sums kept per shard give what version 1 summed over every document.
  const ArchiveStats after = OpenReader(dir.path())->Stats().value();
  BOOST_TEST(after.documents == before.documents);
  BOOST_TEST(after.shards == before.shards);
  BOOST_TEST(after.bytes_in == before.bytes_in);
  BOOST_TEST(after.bytes_stored == before.bytes_stored);
  // The view shows what the version 1 table held, column for column.
  Db db(dir.path());
  BOOST_TEST(db.Rows(std::string("SELECT ") + kV1Columns + " FROM documents_view ORDER BY ordinal") == v1.v1_rows,
             boost::test_tools::per_element());
  BOOST_TEST(db.One("SELECT typeof(id), typeof(simhash), length(digest) FROM documents WHERE ordinal = 2") ==
             "integer|integer|8");  // the digest's first half is the id: only the rest is kept
  BOOST_TEST(db.One("SELECT length(digest) FROM documents WHERE ordinal = 1") == "16");
  BOOST_TEST(db.One("SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE '%v1'") == "0");
  auto reader = OpenReader(dir.path());
  BOOST_TEST(reader->Verify().empty());
  BOOST_TEST(reader->Find("https://example.org/news/3").value().id == MakeRecord(3).id);
  BOOST_TEST(reader->Runs().value().size() == 2u);
  // And the archive goes on: a repeated id is refused, a new one archived.
  auto w = OpenWriter(dir.path());
  BOOST_REQUIRE(w->BeginRun("{}").ok());
  BOOST_TEST(!w->Add(MakeRecord(3)).ok());
  BOOST_TEST(w->Add(MakeRecord(100)).ok());
  BOOST_REQUIRE(w->FinishRun("{}").ok());
  BOOST_TEST(OpenReader(dir.path())->Stats().value().documents == uint64_t(kDocuments + 1));
}

BOOST_AUTO_TEST_CASE(a_writer_killed_during_the_upgrade_leaves_version_1_intact) {
  ScratchDir dir;
  const V1Archive v1 = MakeV1Archive(dir.path());
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("SIMSHARD_CRASH_AT", "before-catalog-upgrade-commit", 1);
    auto w = ArchiveWriter::Open(dir.path(), {});
    ::_exit(w.ok() ? 0 : 3);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_REQUIRE(WIFSIGNALED(status));
  BOOST_TEST(WTERMSIG(status) == SIGKILL);
  BOOST_TEST(UserVersion(dir.path()) == "1");
  BOOST_TEST(Db(dir.path()).Rows(std::string("SELECT ") + kV1Columns + " FROM documents ORDER BY ordinal") ==
                 v1.v1_rows, boost::test_tools::per_element());
  OpenWriter(dir.path()).reset();  // the next writer upgrades it
  BOOST_TEST(UserVersion(dir.path()) == "3");
  BOOST_TEST(ListAll(dir.path()) == v1.listed, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_failed_upgrade_says_why_and_leaves_version_1_intact) {
  ScratchDir dir;
  MakeV1Archive(dir.path());
  Db(dir.path()).Exec("UPDATE documents SET id = 'not-hex-at-all!!' WHERE ordinal = 5");
  const auto before = Db(dir.path()).Rows(std::string("SELECT ") + kV1Columns + " FROM documents ORDER BY ordinal");
  auto w = ArchiveWriter::Open(dir.path(), {});
  BOOST_REQUIRE(!w.ok());
  BOOST_TEST(w.status().message().find("upgrading the catalog from version 1 to 3") != std::string::npos);
  BOOST_TEST(w.status().message().find("not-hex-at-all!!") != std::string::npos);
  BOOST_TEST(UserVersion(dir.path()) == "1");
  BOOST_TEST(Db(dir.path()).Rows(std::string("SELECT ") + kV1Columns + " FROM documents ORDER BY ordinal") == before,
             boost::test_tools::per_element());
  BOOST_TEST(OpenReader(dir.path())->Stats().value().documents == uint64_t(kDocuments));
}

// Version 2's `documents` table and indexes as releases made them, filled from version 3.
constexpr const char* kToV2 = R"sql(
CREATE TABLE documents_v2(
  ordinal INTEGER PRIMARY KEY, id INTEGER NOT NULL, digest, simhash INTEGER, sketch BLOB,
  url_prefix INTEGER, url_rest TEXT NOT NULL, url_hash INTEGER, source_prefix INTEGER,
  source_rest NOT NULL, title TEXT, date, run INTEGER, archived_at TEXT, kind INTEGER,
  frame INTEGER NOT NULL, record_offset INTEGER, record_size INTEGER, original_size INTEGER,
  extraction INTEGER, crawled_at);
INSERT INTO documents_v2 SELECT ordinal, id, digest, simhash, sketch, url_prefix, url_rest,
  (SELECT hash FROM url_hashes h WHERE h.ordinal = d.ordinal), source_prefix, source_rest, title,
  date, run, archived_at, kind, frame, record_offset, record_size, original_size, extraction,
  crawled_at FROM documents d;
DROP TABLE documents; DROP TABLE url_hashes;
PRAGMA legacy_alter_table = ON;  -- documents_view is left as it is: it names `documents`
ALTER TABLE documents_v2 RENAME TO documents;
CREATE UNIQUE INDEX documents_id ON documents(id); CREATE INDEX documents_url_hash ON documents(url_hash);
PRAGMA user_version = 2;
)sql";

// Version 2 (a UNIQUE index on the whole id, the URL hash in each row) is read as it is;
// the next writer moves the hashes to `url_hashes`, replaces the index, changes nothing else.
BOOST_AUTO_TEST_CASE(a_version_2_catalog_is_read_as_it_is_and_upgraded) {
  ScratchDir dir;
  WriteVariedRuns(dir.path());
  const std::vector<Record> records = VariedRecords(1, kDocuments);
  const std::vector<std::string> listed = ListAll(dir.path());
  const std::string hashes = "SELECT hash, ordinal FROM url_hashes ORDER BY ordinal";
  const std::vector<std::string> written_hashes = Db(dir.path()).Rows(hashes);
  BOOST_TEST(written_hashes.size() == size_t(std::count_if(records.begin(), records.end(),
                                                           [](const Record& r) { return !r.url.empty(); })));
  Db(dir.path()).Exec(kToV2);
  const auto finds_all = [&](const ArchiveReader& reader) {
    for (const Record& r : records) {
      BOOST_TEST(reader.Find(r.id).value().source == r.source);
      if (!r.url.empty()) BOOST_TEST(reader.Find(r.url).value().url == r.url);
    }
    BOOST_TEST(reader.Find("").value().id == MakeRecord(8).id);  // the first without a URL
    BOOST_TEST(!reader.Find(Hex64(0x96b1c2c88402321full)).ok());
    BOOST_TEST(reader.Verify().empty());
  };
  finds_all(*OpenReader(dir.path()));
  CheckFingerprints(records, [&](auto&& fn) { return OpenReader(dir.path())->ForEachFingerprint(fn); });
  BOOST_TEST(ListAll(dir.path()) == listed, boost::test_tools::per_element());
  BOOST_TEST(UserVersion(dir.path()) == "2");  // a reader never changes the catalog
  auto w = OpenWriter(dir.path());
  BOOST_TEST(UserVersion(dir.path()) == "3");
  BOOST_TEST(Db(dir.path()).Rows("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'documents' "
                                 "ORDER BY name") == std::vector<std::string>{"documents_id_high"},
             boost::test_tools::per_element());
  BOOST_TEST(Db(dir.path()).Rows(hashes) == written_hashes, boost::test_tools::per_element());
  BOOST_TEST(Db(dir.path()).One("SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name = 'url_hash'") == "0");
  BOOST_REQUIRE(w->BeginRun("{}").ok());
  BOOST_TEST(!w->Add(MakeRecord(3)).ok());  // ids stay unique without the UNIQUE index
  BOOST_TEST(w->Add(MakeRecord(100)).ok());
  BOOST_REQUIRE(w->FinishRun("{}").ok());
  w.reset();
  const std::vector<std::string> now = ListAll(dir.path());
  BOOST_TEST(std::vector<std::string>(now.begin(), now.end() - 1) == listed, boost::test_tools::per_element());
  finds_all(*OpenReader(dir.path()));
  BOOST_TEST(OpenReader(dir.path())->Find(MakeRecord(100).id).ok());
}

// No UNIQUE index keeps ids unique since version 3: reindex checks the rows it reads back.
BOOST_AUTO_TEST_CASE(reindex_refuses_a_document_stored_twice) {
  ScratchDir dir;
  WriteRun(dir.path(), VariedRecords(1, 5));
  const std::string shard = dir.path() + "/000001.jsonl.zst", copy = dir.path() + "/000002.jsonl.zst";
  BOOST_REQUIRE(std::system(("cp " + shard + " " + copy).c_str()) == 0);
  const Status s = Reindex(dir.path());
  BOOST_TEST(s.message().find("is stored twice") != std::string::npos, s.message());
}

BOOST_AUTO_TEST_CASE(reindex_writes_the_rows_the_writer_wrote) {
  ScratchDir dir;
  WriteVariedRuns(dir.path());
  const std::string all = "SELECT * FROM documents ORDER BY ordinal";
  const std::string shards = "SELECT id, name, records, original_bytes FROM shards ORDER BY id";
  const auto written = Db(dir.path()).Rows(all);
  const auto written_shards = Db(dir.path()).Rows(shards);
  BOOST_TEST(Db(dir.path()).One("SELECT SUM(original_bytes) = (SELECT SUM(original_size) FROM documents) FROM shards") == "1");
  // Only the documents whose archive time differs from their run's keep one of their own.
  BOOST_TEST(Db(dir.path()).One("SELECT COUNT(*) FROM documents WHERE archived_at IS NOT NULL") == "4");
  // SimHashes with the top bit set are negative SQLite integers: some must be among them.
  BOOST_TEST(Db(dir.path()).One("SELECT COUNT(*) > 0 FROM documents WHERE simhash < 0") == "1");
  for (const char* f : {"catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"}) ::unlink((dir / f).c_str());
  BOOST_REQUIRE(Reindex(dir.path()).ok());
  BOOST_TEST(Db(dir.path()).Rows(all) == written, boost::test_tools::per_element());
  BOOST_TEST(Db(dir.path()).Rows(shards) == written_shards, boost::test_tools::per_element());
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
}

BOOST_AUTO_TEST_CASE(seeding_reads_binary_fingerprints_and_fills_the_id_check) {
  ScratchDir dir;
  const std::vector<Record> records = VariedRecords(1, 20);
  WriteRun(dir.path(), records);
  auto w = OpenWriter(dir.path());
  CheckFingerprints(records, [&](auto&& fn) { return w->ForEachFingerprint(fn); });
  CheckFingerprints(records, [&](auto&& fn) { return OpenReader(dir.path())->ForEachFingerprint(fn); });
  BOOST_REQUIRE(w->BeginRun("{}").ok());
  for (const Record& r : records) BOOST_TEST(!w->Add(r).ok());
  BOOST_TEST(w->Add(MakeRecord(21)).ok());
}

BOOST_AUTO_TEST_CASE(other_databases_and_newer_catalogs_are_refused_untouched) {
  ScratchDir dir;
  Db(dir.path()).Exec("CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES ('mine')");
  auto w = ArchiveWriter::Open(dir.path(), {});
  BOOST_REQUIRE(!w.ok());
  BOOST_TEST(w.status().message().find("not a simshard catalog") != std::string::npos);
  BOOST_TEST(Db(dir.path()).Rows("SELECT name FROM sqlite_schema") == std::vector<std::string>{"notes"},
             boost::test_tools::per_element());

  ScratchDir newer;
  WriteRun(newer.path(), {MakeRecord(1)});
  Db(newer.path()).Exec("PRAGMA user_version = 4");
  for (bool writer : {false, true}) {
    const Status s = writer ? ArchiveWriter::Open(newer.path(), {}).status() : ArchiveReader::Open(newer.path()).status();
    BOOST_TEST(s.message().find("written by a newer simshard") != std::string::npos);
  }
  BOOST_TEST(UserVersion(newer.path()) == "4");
}

// List filters run in SQL on version 2 (on a URL's host prefix and rest, or on the whole
// URL) and in memory on version 1: both must select what a plain string test selects.
BOOST_AUTO_TEST_CASE(list_filters_select_the_same_documents_in_both_versions) {
  ScratchDir dir;
  const std::vector<Record> records = VariedRecords(1, kDocuments);
  MakeV1Archive(dir.path());
  const auto listed = [&](const ListFilter& f) {
    std::vector<std::string> ids;
    BOOST_REQUIRE(OpenReader(dir.path())->List(f, [&](const CatalogEntry& e) { ids.push_back(e.id); }).ok());
    return ids;
  };
  std::vector<ListFilter> filters;
  for (const char* prefix : {"", "h", "https://ex", "https://example.org/", "https://example.org/news/1",
                             "https://other.example", "https://nowhere.example/", "urn:", "https://example.org/x"}) {
    filters.push_back(ListFilter{prefix, "", ""});
  }
  filters.push_back(ListFilter{"", "2026-11-30", ""});
  filters.push_back(ListFilter{"", "", "2026-11-29"});
  filters.push_back(ListFilter{"https://example.org/news/2", "2026-11-29T01", "2026-11-30T00:00:03"});
  std::vector<std::vector<std::string>> v1;
  for (const ListFilter& f : filters) v1.push_back(listed(f));
  OpenWriter(dir.path()).reset();  // upgrades
  for (size_t i = 0; i < filters.size(); ++i) {
    const ListFilter& f = filters[i];
    std::vector<std::string> want;
    for (const Record& r : records) {
      if (r.url.starts_with(f.url_prefix) && (f.since.empty() || r.archived_at >= f.since) &&
          (f.until.empty() || r.archived_at.substr(0, f.until.size()) <= f.until)) {
        want.push_back(r.id);
      }
    }
    BOOST_TEST_CONTEXT("filter " << i << " url_prefix \"" << f.url_prefix << "\"") {
      BOOST_TEST(listed(f) == want, boost::test_tools::per_element());
      BOOST_TEST(v1[i] == want, boost::test_tools::per_element());
    }
  }
}

// repair on an archive whose catalog is still version 1: upgrades it, then cuts the
// damaged shard back and names the documents it lost from the old catalog.
BOOST_AUTO_TEST_CASE(repair_of_a_version_1_archive_lists_what_was_lost) {
  ScratchDir dir;
  MakeV1Archive(dir.path());
  const Record last = VariedRecords(kDocuments, kDocuments)[0];
  auto entry = OpenReader(dir.path())->Find(last.id);
  BOOST_REQUIRE(entry.ok());
  BOOST_REQUIRE(::truncate((dir / entry->shard).c_str(), static_cast<off_t>(entry->frame_offset + 10)) == 0);
  auto report = Repair(dir.path());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  bool lost_last = false;
  for (const LostDocument& d : report->lost) lost_last |= d.id == last.id && d.source == last.source;
  BOOST_TEST(lost_last);
  BOOST_TEST(UserVersion(dir.path()) == "3");
  auto reader = OpenReader(dir.path());
  BOOST_TEST(reader->Verify().empty());
  BOOST_TEST(reader->Stats().value().documents == kDocuments - report->lost.size());
}

BOOST_AUTO_TEST_CASE(verify_notices_shard_sums_that_disagree_with_the_documents) {
  ScratchDir dir;
  WriteRun(dir.path(), VariedRecords(1, 10));
  BOOST_REQUIRE(OpenReader(dir.path())->Verify().empty());
  Db(dir.path()).Exec("UPDATE documents SET original_size = original_size + 1 WHERE ordinal = 2");
  const auto damage = OpenReader(dir.path())->Verify();
  BOOST_REQUIRE(damage.size() == 1u);
  BOOST_TEST(damage[0].shard == "000001.jsonl.zst");
  BOOST_TEST(damage[0].what.find("original sizes add up to") != std::string::npos);
  BOOST_REQUIRE(Reindex(dir.path()).ok());
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
}

// Version 2 catalogs written before shards.original_bytes existed: readers sum the
// documents instead, the next writer adds the column with the sums.
BOOST_AUTO_TEST_CASE(a_version_2_catalog_without_shard_sums_gets_them) {
  ScratchDir dir;
  ArchiveOptions small;
  small.shard_bytes = 4 << 10;
  WriteRun(dir.path(), VariedRecords(1, 20), small);
  const std::string sums = "SELECT id, original_bytes FROM shards ORDER BY id";
  const auto want = Db(dir.path()).Rows(sums);
  const ArchiveStats before = OpenReader(dir.path())->Stats().value();
  Db(dir.path()).Exec("ALTER TABLE shards DROP COLUMN original_bytes");
  BOOST_TEST(OpenReader(dir.path())->Stats().value().bytes_in == before.bytes_in);
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
  OpenWriter(dir.path()).reset();
  BOOST_TEST(Db(dir.path()).Rows(sums) == want, boost::test_tools::per_element());
  BOOST_TEST(want.size() > 1u);
  BOOST_TEST(OpenReader(dir.path())->Stats().value().bytes_in == before.bytes_in);
}

namespace {

// Ordinary records with a weak and an empty page among them, as the pipeline stores such
// pages: no SimHash, no sketch.
std::vector<Record> RecordsWithThinPages() {
  std::vector<Record> records = VariedRecords(1, 12);
  for (uint64_t n : {4u, 9u}) {
    Record& r = records[n - 1];
    r.extraction = n == 4 ? Extraction::kWeak : Extraction::kEmpty;
    r.text = n == 4 ? "Advertisement\n\nShare" : "";
    r.original = "<html><body><nav>Home</nav> page " + std::to_string(n) + "</body></html>";
    r.kind = OriginalKind::kHtml;
    r.simhash = 0;
    r.sketch.clear();
  }
  return records;
}

}  // namespace

BOOST_AUTO_TEST_CASE(weak_and_empty_pages_keep_their_extraction_in_the_catalog) {
  ScratchDir dir;
  const std::vector<Record> records = RecordsWithThinPages();
  WriteRun(dir.path(), records);
  const std::string all = "SELECT * FROM documents ORDER BY ordinal";
  const auto written = Db(dir.path()).Rows(all);
  BOOST_TEST(Db(dir.path()).Rows("SELECT ordinal, extraction FROM documents_view WHERE extraction != 'extracted'") ==
                 (std::vector<std::string>{"4|weak", "9|empty"}),
             boost::test_tools::per_element());
  auto check = [&] {
    auto reader = OpenReader(dir.path());
    std::vector<std::string> seen;
    BOOST_REQUIRE(reader->ForEachFingerprint([&](const FingerprintRow& row) {
      BOOST_TEST((row.extraction == records[row.ordinal - 1].extraction), "ordinal " << row.ordinal);
      if (row.extraction != Extraction::kExtracted) BOOST_TEST(row.sketch.empty());
    }).ok());
    BOOST_REQUIRE(reader->List({}, [&](const CatalogEntry& e) {
      BOOST_TEST((e.extraction == records[e.ordinal - 1].extraction), "ordinal " << e.ordinal);
    }).ok());
    for (const Record& r : {records[3], records[8]}) {
      auto entry = reader->Find(r.id);
      BOOST_REQUIRE(entry.ok());
      BOOST_TEST((entry->extraction == r.extraction));
      auto back = reader->Read(*entry);
      BOOST_REQUIRE(back.ok());
      BOOST_TEST((back->extraction == r.extraction));
      BOOST_TEST(OriginalBytes(*back) == r.original);
      BOOST_TEST((reader->Find(r.url)->extraction == r.extraction));
    }
    BOOST_TEST(reader->Verify().empty());
  };
  check();
  // Rebuilt from the shards alone, the rows are the writer's, thin pages unfingerprinted.
  for (const char* f : {"catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"}) ::unlink((dir / f).c_str());
  BOOST_REQUIRE(Reindex(dir.path()).ok());
  BOOST_TEST(Db(dir.path()).Rows(all) == written, boost::test_tools::per_element());
  check();
}

// Version 2 catalogs from before weak pages were archived: readers take every document as
// extracted, the next writer adds the column (and the view's) without touching a row.
BOOST_AUTO_TEST_CASE(a_version_2_catalog_without_the_extraction_column_gets_it) {
  ScratchDir dir;
  WriteRun(dir.path(), VariedRecords(1, 10));
  Db(dir.path()).Exec("DROP VIEW documents_view; ALTER TABLE documents DROP COLUMN extraction");
  const std::vector<std::string> listed = ListAll(dir.path());
  size_t fingerprints = 0;
  BOOST_REQUIRE(OpenReader(dir.path())->ForEachFingerprint([&](const FingerprintRow& row) {
    fingerprints += row.extraction == Extraction::kExtracted;
  }).ok());
  BOOST_TEST(fingerprints == 10u);
  BOOST_TEST(OpenReader(dir.path())->Find(MakeRecord(3).id).ok());
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
  Record weak = MakeRecord(11, "Advertisement");
  weak.extraction = Extraction::kWeak;
  weak.sketch.clear();
  weak.simhash = 0;
  WriteRun(dir.path(), {weak});
  BOOST_TEST(Db(dir.path()).Rows("SELECT ordinal FROM documents_view WHERE extraction = 'weak'") ==
                 std::vector<std::string>{"11"},
             boost::test_tools::per_element());
  std::vector<std::string> now = ListAll(dir.path());
  now.pop_back();
  BOOST_TEST(now == listed, boost::test_tools::per_element());
  BOOST_TEST(UserVersion(dir.path()) == "3");
}
