// Stage 5: archive. Sealed zstd shards of JSON Lines records plus a SQLite catalog.
// The on-disk format is specified in doc/FORMAT.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simshard/document.h"
#include "simshard/bounds.h"
#include "simshard/status.h"

namespace simshard {

// One archived document as stored in a shard.
struct Record {
  std::string id;           // 16 lowercase hex digits, stable and unique in the archive
  std::string url, source, title, date;
  std::string crawled_at;   // when the crawler fetched it (ISO 8601), or empty
  std::string archived_at;  // UTC, ISO 8601
  uint64_t run = 0;         // the run that archived it
  std::string digest;       // 32 hex digits of the content digest
  uint64_t simhash = 0;
  std::string sketch;       // verification sketch bytes
  OriginalKind kind = OriginalKind::kText;
  // Weak or empty: `text` is too thin to compare, `digest` is of the original bytes and
  // there is no SimHash or sketch (doc/FORMAT.md, section 3).
  Extraction extraction = Extraction::kExtracted;
  std::string text;         // extracted article text (may be empty)
  std::string original;     // original bytes; empty when identical to text
  WarcOrigin warc;          // WARC input: what writes the WARC record again (WarcRecordBytes)
};

// Where a record lives and what the catalog keeps about it.
struct CatalogEntry {
  uint64_t ordinal = 0;     // archive order, 1-based
  std::string id, url, source, title, date, archived_at, digest;
  std::string crawled_at;
  uint64_t simhash = 0;
  std::string sketch;
  uint64_t run = 0;
  std::string shard;        // file name inside the archive folder
  uint32_t frame = 0;       // frame number inside the shard
  uint64_t frame_offset = 0, frame_size = 0;    // compressed frame, bytes in the file
  uint32_t record_offset = 0, record_size = 0;  // record inside the decompressed frame
  uint64_t original_size = 0;                   // size of the original bytes
  OriginalKind kind = OriginalKind::kText;
  Extraction extraction = Extraction::kExtracted;
};

// What seeding the dedup index needs of one archived document, read from binary catalog
// columns without parsing text (fast on million-row catalogs).
// The catalog's 32-bit hash of a document's address: its URL, else its source (what a
// dropped row is found by, and what ForEachSeenAddress gives).
int64_t AddressHash(std::string_view url, std::string_view source);

struct FingerprintRow {
  uint64_t ordinal = 0;
  uint64_t id = 0;                           // the 16 hex digits of the id, as a number
  uint64_t digest_high = 0, digest_low = 0;  // the content digest (Digest in fingerprint.h)
  bool digest_ok = true;                     // false when the catalog holds a malformed digest
  uint64_t simhash = 0;
  std::string_view sketch;                   // valid during the callback only
  // Weak or empty pages are seeded for exact lookups only (never near candidates).
  Extraction extraction = Extraction::kExtracted;
};

// A document a run did not archive because it repeats an archived one. The catalog keeps
// this small row so that its URL still answers (doc/FORMAT.md, section 5.2).
struct DroppedEntry {
  std::string url, source, date, crawled_at;
  uint64_t run = 0;
  bool near = false;          // a near-duplicate, else an exact duplicate
  std::string duplicate_of;   // id of the archived document it repeats
  int distance = -1;          // near-duplicates only
  double similarity = -1;     // near-duplicates only, to 4 decimals
  std::string archived_at;    // when its run archived (read back only, for list filters)

  const char* status() const { return near ? "near-duplicate" : "duplicate"; }
};

struct ArchiveOptions {
  uint64_t shard_bytes = 256ull << 20;  // uncompressed records per shard before sealing
  uint32_t frame_bytes = 1u << 20;      // uncompressed records per zstd frame (doc/FORMAT.md)
  int level = 3;                        // zstd level
  unsigned threads = 1;                 // frame compression workers (output is the same for any)
};

inline constexpr Bounds<int64_t> kShardBytesBounds{1024, int64_t{1} << 40};
// A frame is what one restore reads and decompresses: 64 MiB keeps that one small read.
inline constexpr Bounds<int64_t> kFrameBytesBounds{256, int64_t{64} << 20};
// zstd's own range of levels (ZSTD_minCLevel() to ZSTD_maxCLevel()).
Bounds<int64_t> CompressionLevelBounds();
// Every option within its bounds.
Status CheckArchiveOptions(const ArchiveOptions& options);

struct RunInfo {
  uint64_t id = 0;
  std::string started_at, ended_at;
  std::string options_json;  // the options of the run, as JSON
  std::string counts_json;   // counts by status, as JSON
};

// Which time --since/--until compare with.
enum class ListDate : uint8_t {
  kArchived = 0,  // when the run archived it (what `list` always selected by)
  kDate = 1,      // the document's date: its publication date, else its crawl time
  kCrawled = 2,   // when the crawler fetched it
};

struct ListFilter {
  std::string url_prefix;
  std::string since, until;  // compared with the chosen time (ISO 8601), inclusive
  ListDate by = ListDate::kArchived;  // kDate and kCrawled leave out documents without one
};

struct ArchiveStats {
  uint64_t documents = 0, runs = 0, shards = 0;
  uint64_t dropped = 0;       // duplicates remembered in the catalog (not archived)
  uint64_t bytes_in = 0;      // original bytes of the archived documents
  uint64_t bytes_stored = 0;  // shard bytes on disk
};

struct Damage {
  std::string shard;   // file name
  int64_t frame = -1;  // -1 when not about one frame
  std::string what;    // what is wrong, one line
  // True when `simshard repair` brings everything back (parity rebuilds the frame, the
  // index is derived again, the catalog is rebuilt); false when documents are lost.
  bool healable = false;
};

class ArchiveWriter {
 public:
  // Opens or creates the archive in `dir`, takes the writer lock (fails at once when
  // another writer holds it), and completes or cleans up what a killed run left behind.
  static Result<std::unique_ptr<ArchiveWriter>> Open(const std::string& dir,
                                                     const ArchiveOptions& options);
  virtual ~ArchiveWriter() = default;

  // Every committed document, in archive order, as the dedup index is seeded from it.
  virtual Status ForEachFingerprint(const std::function<void(const FingerprintRow&)>& fn) const = 0;
  // The 32-bit address hash (doc/FORMAT.md, section 5) of every URL the archive has seen:
  // archived documents' URLs and dropped documents' URLs (their sources when they had none).
  // In no particular order, repeats possible.
  virtual Status ForEachSeenAddress(const std::function<void(int64_t hash)>& fn) const = 0;

  // Small values kept in the catalog across nights (fingerprint config, chrome model).
  // A value put while a shard is open is committed together with that shard.
  virtual Result<std::string> GetState(std::string_view key) const = 0;
  virtual Status PutState(std::string_view key, std::string_view value) = 0;

  virtual Result<uint64_t> BeginRun(const std::string& options_json) = 0;
  // Buffers the record; frames are compressed and shards sealed and committed as they fill.
  // Returns the ordinal the record will have. A bad or repeated id is refused and the
  // writer goes on; a write failure (disk full) ends the writer: nothing of the open shard
  // is committed and every later call returns the same error.
  virtual Result<uint64_t> Add(Record record) = 0;
  // Remembers a document of this run that was not archived. Committed with the next shard
  // (or at FinishRun). Nothing is added when its URL (its source, when it has none) already
  // names a document or a dropped row: a page crawled again, or a killed run re-run.
  virtual Status AddDropped(DroppedEntry entry) = 0;
  // Seals the open shard, commits its rows and the run. After this, all is durable.
  virtual Status FinishRun(const std::string& counts_json) = 0;

  // A run cut into tasks (doc/FORMAT.md, section 10) is written by several writers: one
  // per slice, in a folder of its own, then merged into the archive by one.
  //
  // Slice side: what is added next belongs to run `run` of the archive and is numbered
  // from `first_ordinal`, as the run's decide stage numbered it. Instead of BeginRun.
  virtual Status ContinueRun(uint64_t run, uint64_t first_ordinal) = 0;
  // Merge side, instead of BeginRun: run `run`, the number the decide stage gave it. Its
  // row is created when it is the archive's next run, or reused when a killed merge left
  // it (the same options_json, which names the run). True when that run is finished
  // already (the merge ran to its end before). Fails when the archive moved on.
  virtual Result<bool> ResumeRun(uint64_t run, const std::string& options_json) = 0;
  // Takes the sealed shards of a slice folder into the archive under its next shard
  // names, each with its catalog rows (and the dropped rows added before) in one commit.
  // A shard whose documents the archive holds already (a merge run again) is skipped.
  virtual Status AdoptShards(const std::string& slice_dir) = 0;
};

class ArchiveReader {
 public:
  // Read-only; never blocks a writer and sees only committed documents. One reader per
  // thread (it holds one SQLite connection).
  static Result<std::unique_ptr<ArchiveReader>> Open(const std::string& dir);
  virtual ~ArchiveReader() = default;

  // By id, else by exact URL (the earliest archived with that URL).
  virtual Result<CatalogEntry> Find(std::string_view id_or_url) const = 0;
  // Reads the one frame that holds the record. The last frame read is kept decompressed,
  // so reading entries in (shard, frame) order reads and decompresses each frame once.
  virtual Result<Record> Read(const CatalogEntry& entry) const = 0;
  virtual Status List(const ListFilter& filter,
                      const std::function<void(const CatalogEntry&)>& fn) const = 0;
  // A document dropped as a duplicate, by exact URL (the earliest); "not found" otherwise.
  virtual Result<DroppedEntry> FindDropped(std::string_view url) const = 0;
  // Dropped documents matching `filter`, in the order they were dropped.
  virtual Status ListDropped(const ListFilter& filter,
                             const std::function<void(const DroppedEntry&)>& fn) const = 0;
  // Every document's fingerprint, in archive order (`dedup --archive` seeds from it).
  virtual Status ForEachFingerprint(const std::function<void(const FingerprintRow&)>& fn) const = 0;
  // Those of the documents with ordinals `first` to `last` only (a match task's share),
  // without reading the others.
  virtual Status ForEachFingerprintBetween(uint64_t first, uint64_t last,
                                           const std::function<void(const FingerprintRow&)>& fn) const = 0;
  // As ArchiveWriter::ForEachSeenAddress.
  virtual Status ForEachSeenAddress(const std::function<void(int64_t hash)>& fn) const = 0;
  virtual Result<ArchiveStats> Stats() const = 0;
  virtual Result<std::vector<RunInfo>> Runs() const = 0;
  // Reads every shard and checks checksums and catalog agreement; empty when intact.
  virtual std::vector<Damage> Verify() const = 0;
  // Shards a Read had to heal in memory from their parity (damaged: they need repair).
  virtual std::vector<std::string> HealedShards() const = 0;
};

// The bytes `restore` writes: the original, or the text when they were the same.
std::string OriginalBytes(const Record& record);

// The WARC record the document was read from, byte for byte as it was in the WARC file
// (header, block, and the two line breaks that end it); empty when it came from elsewhere.
std::string WarcRecordBytes(const Record& record);

// Sets the record's SimHash and sketch from its text. Shards do not store them: the
// pipeline fingerprints exactly the text it archives, so this gives back what it computed
// (doc/FORMAT.md, section 3). Reindex and crash recovery call it; readers of one record
// get the catalog's copy. A weak or empty record has none and is left as it is.
void FingerprintStoredText(Record* record);

// Rebuilds the catalog's documents and shards from the shards alone (runs and state are
// kept when the old catalog is readable). Takes the writer lock.
Status Reindex(const std::string& dir);

struct LostDocument {
  std::string id, url, source;
};

struct RepairReport {
  std::vector<std::string> actions;  // what was done, one line each ("000003.jsonl.zst: ...")
  std::vector<LostDocument> lost;    // in the old catalog, in no shard any more
};

struct RepairOptions {
  bool add_parity = false;  // also give shards written without parity (version 1) their parity
};

// Heals damaged shards from their parity (rewritten byte for byte as sealed); of a shard
// the parity cannot heal whole, keeps every frame that reads back and rewrites its parity
// and index. Rebuilds the catalog from the shards and reports the documents that were lost.
Result<RepairReport> Repair(const std::string& dir, const RepairOptions& options = {});

}  // namespace simshard
