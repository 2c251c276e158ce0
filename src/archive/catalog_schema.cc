#include "archive/catalog_schema.h"

#include "util/crash_point.h"
#include "util/encoding.h"

namespace simshard {

// Columns without a type (source_rest, date, digest) keep integers, text and blobs as
// bound: each is stored in its compact form when it has one (doc/FORMAT.md, section 5).
// What seeding reads at startup comes first, so a row's header is read only that far.
// A URL's hash is kept only where lookups need it (version 3): `url_hashes` is as large
// as an index on a documents column, and the row no longer carries the column.
const std::string_view kSchemaTables = R"sql(
CREATE TABLE IF NOT EXISTS documents(
  ordinal INTEGER PRIMARY KEY, id INTEGER NOT NULL, digest, simhash INTEGER, sketch BLOB,
  url_prefix INTEGER, url_rest TEXT NOT NULL, source_prefix INTEGER,
  source_rest NOT NULL, title TEXT, date, run INTEGER, archived_at TEXT, kind INTEGER,
  frame INTEGER NOT NULL, record_offset INTEGER, record_size INTEGER, original_size INTEGER,
  extraction INTEGER, crawled_at);
CREATE TABLE IF NOT EXISTS url_hashes(hash INTEGER NOT NULL, ordinal INTEGER NOT NULL,
  PRIMARY KEY(hash, ordinal)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS prefixes(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS frames(id INTEGER PRIMARY KEY, shard INTEGER NOT NULL,
  number INTEGER NOT NULL, frame_offset INTEGER NOT NULL, frame_size INTEGER NOT NULL,
  UNIQUE(shard, number));
CREATE TABLE IF NOT EXISTS shards(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
  bytes INTEGER, data_bytes INTEGER, frames INTEGER, records INTEGER, checksum TEXT,
  sealed_at TEXT, run INTEGER, original_bytes INTEGER);
CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, started_at TEXT, ended_at TEXT,
  options TEXT, counts TEXT, archived_at TEXT);
CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, value BLOB);
)sql";

// Ids are looked up by their high 32 bits (version 3): an index entry of 4 bytes instead of
// 8, and a UNIQUE index is no longer what keeps ids unique (the writer checks each new id).
const std::string_view kSchemaIndexes = R"sql(
CREATE INDEX IF NOT EXISTS documents_id_high ON documents(id >> 32);
PRAGMA user_version = 3;
)sql";

const std::string_view kSchemaView = R"sql(
CREATE VIEW IF NOT EXISTS documents_view AS SELECT
  d.ordinal AS ordinal, printf('%016x', d.id) AS id,
  COALESCE(u.text, '') || d.url_rest AS url,
  COALESCE(p.text, '') || d.source_rest AS source,
  d.title AS title,
  CASE WHEN typeof(d.date) = 'integer'
    THEN printf('%04d-%02d-%02d', d.date / 10000, d.date / 100 % 100, d.date % 100)
    ELSE d.date END AS date,
  COALESCE(d.archived_at, r.archived_at) AS archived_at, d.run AS run,
  CASE WHEN typeof(d.digest) != 'blob' THEN d.digest
    WHEN length(d.digest) = 8 THEN printf('%016x', d.id) || lower(hex(d.digest))
    ELSE lower(hex(d.digest)) END AS digest,
  printf('%016x', d.simhash) AS simhash, d.sketch AS sketch, d.kind AS kind,
  s.name AS shard, f.number AS frame, f.frame_offset AS frame_offset, f.frame_size AS frame_size,
  d.record_offset AS record_offset, d.record_size AS record_size, d.original_size AS original_size,
  CASE d.extraction WHEN 1 THEN 'weak' WHEN 2 THEN 'empty' ELSE 'extracted' END AS extraction,
  CASE WHEN typeof(d.crawled_at) = 'integer'
    THEN strftime('%Y-%m-%dT%H:%M:%SZ', d.crawled_at, 'unixepoch') ELSE d.crawled_at END AS crawled_at
FROM documents d
  LEFT JOIN prefixes u ON u.id = d.url_prefix
  LEFT JOIN prefixes p ON p.id = d.source_prefix
  LEFT JOIN runs r ON r.id = d.run
  LEFT JOIN frames f ON f.id = d.frame
  LEFT JOIN shards s ON s.id = f.shard;
)sql";

// Documents a run dropped as duplicates (section 5.2): no title, text or location, only
// what answers their URL. `key_hash` is UrlHash of the URL, or of the source when the URL
// is empty; it also checks the row's prefixes on reading. Similarity is kept in units of
// 1/10000 (the report's four decimals), status 0 duplicate, 1 near-duplicate.
const std::string_view kSchemaDropped = R"sql(
CREATE TABLE IF NOT EXISTS dropped(
  seq INTEGER PRIMARY KEY, key_hash INTEGER NOT NULL, url_prefix INTEGER, url_rest TEXT NOT NULL,
  source_prefix INTEGER, source_rest NOT NULL, date, crawled_at, run INTEGER NOT NULL, status INTEGER NOT NULL,
  duplicate_of INTEGER NOT NULL, distance INTEGER, similarity INTEGER);
CREATE INDEX IF NOT EXISTS dropped_key_hash ON dropped(key_hash);
CREATE VIEW IF NOT EXISTS dropped_view AS SELECT
  d.seq AS seq, COALESCE(u.text, '') || d.url_rest AS url,
  COALESCE(p.text, '') || d.source_rest AS source,
  CASE WHEN typeof(d.date) = 'integer'
    THEN printf('%04d-%02d-%02d', d.date / 10000, d.date / 100 % 100, d.date % 100)
    ELSE d.date END AS date,
  CASE WHEN typeof(d.crawled_at) = 'integer'
    THEN strftime('%Y-%m-%dT%H:%M:%SZ', d.crawled_at, 'unixepoch') ELSE d.crawled_at END AS crawled_at,
  d.run AS run, CASE d.status WHEN 1 THEN 'near-duplicate' ELSE 'duplicate' END AS status,
  printf('%016x', d.duplicate_of) AS duplicate_of, d.distance AS distance,
  d.similarity / 10000.0 AS similarity
FROM dropped d
  LEFT JOIN prefixes u ON u.id = d.url_prefix
  LEFT JOIN prefixes p ON p.id = d.source_prefix;
)sql";

CatalogEntry EntryFromV1Row(const Statement& s) {
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

namespace {

Status ForEachV1Row(const Catalog& catalog, std::string_view table,
                    const std::function<Status(const CatalogEntry&)>& fn) {
  auto st = catalog.Prepare("SELECT " + std::string(kV1Columns) + " FROM " + std::string(table) +
                            " ORDER BY ordinal");
  if (!st.ok()) return st.status();
  return st->ForEachRow([&] { return fn(EntryFromV1Row(*st)); });
}

// Every shard row of version 1 (named `shards_v1` by then) into version 2's `shards`.
Status CopyV1Shards(const Catalog& catalog) {
  auto shards = catalog.Prepare(
      "SELECT name, bytes, data_bytes, frames, records, checksum, sealed_at, run FROM shards_v1");
  if (!shards.ok()) return shards.status();
  return shards->ForEachRow([&] {
    return catalog.InsertShard(
        ShardRow{shards->Text(0), static_cast<uint64_t>(shards->Int(1)), static_cast<uint64_t>(shards->Int(2)),
                 static_cast<uint64_t>(shards->Int(3)), static_cast<uint64_t>(shards->Int(4)),
                 static_cast<uint64_t>(shards->Int(7)), shards->Text(5), shards->Text(6)});
  });
}

}  // namespace

Status ForEachV1Document(const Catalog& catalog, const std::function<void(const CatalogEntry&)>& fn) {
  return ForEachV1Row(catalog, "documents", [&](const CatalogEntry& e) {
    fn(e);
    return Status::OK();
  });
}

Status UpgradeV1ToV2(const Catalog& catalog) {
  // The v1 tables move aside; the current ones are filled from them through the writer's own
  // row encoding, then the v1 tables go. The id index is built once, after the bulk load.
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(
      "ALTER TABLE documents RENAME TO documents_v1;"
      "DROP INDEX IF EXISTS documents_url; DROP INDEX IF EXISTS documents_digest;"
      "ALTER TABLE shards RENAME TO shards_v1;"
      "ALTER TABLE runs ADD COLUMN archived_at TEXT;"));
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(kSchemaTables));
  SIMSHARD_RETURN_IF_ERROR(ForEachV1Row(catalog, "documents_v1", [&](const CatalogEntry& e) {
    return catalog.InsertDocument(e);
  }));
  SIMSHARD_RETURN_IF_ERROR(CopyV1Shards(catalog));  // after its documents, as InsertShard wants
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec("DROP TABLE documents_v1; DROP TABLE shards_v1;"));
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(kSchemaIndexes));
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(kSchemaView));
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(kSchemaDropped));
  CrashPoint("before-catalog-upgrade-commit");
  return Status::OK();
}

Status UpgradeV2ToV3(const Catalog& catalog) {
  // The URL hashes move to their table, and the id index is made anew; what is freed goes
  // to the free list until the VACUUM after commit.
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(
      "DROP INDEX IF EXISTS documents_id; DROP INDEX IF EXISTS documents_url_hash;"));
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(kSchemaTables));
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(
      "INSERT INTO url_hashes(hash, ordinal) SELECT url_hash, ordinal FROM documents WHERE url_hash IS NOT NULL;"
      "ALTER TABLE documents DROP COLUMN url_hash;"));
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec(kSchemaIndexes));
  CrashPoint("before-catalog-upgrade-commit");
  return Status::OK();
}

Status AddDocumentColumns(const Catalog& catalog, bool extraction, bool crawled_at) {
  // Rows written before have no value: NULL, an extracted page (which they all were) with
  // no crawl time kept.
  if (extraction) SIMSHARD_RETURN_IF_ERROR(catalog.Exec("ALTER TABLE documents ADD COLUMN extraction INTEGER"));
  if (crawled_at) SIMSHARD_RETURN_IF_ERROR(catalog.Exec("ALTER TABLE documents ADD COLUMN crawled_at"));
  SIMSHARD_RETURN_IF_ERROR(catalog.Exec("DROP VIEW IF EXISTS documents_view;"));
  return catalog.Exec(kSchemaView);
}

}  // namespace simshard
