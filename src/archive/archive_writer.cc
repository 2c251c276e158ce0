// ArchiveWriter: the lock, recovery at open, and the commit protocol of doc/FORMAT.md.
#include <algorithm>
#include <bit>
#include <map>
#include <optional>
#include <unordered_set>

#include "archive/archive_files.h"
#include "archive/catalog.h"
#include "archive/frame_compressor.h"
#include "archive/lock_file.h"
#include "archive/record_codec.h"
#include "archive/shard_builder.h"
#include "simshard/archive.h"
#include "util/crash_point.h"
#include "util/encoding.h"

namespace simshard {
namespace {

bool IsDocumentId(std::string_view id) {
  return id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A Bloom filter over the archive's document ids (two bits an id, in one word): an id it
// has never seen is new for sure, so Add asks the catalog only about the few it may have.
class IdFilter {
 public:
  void Reset(uint64_t expected) {
    words_.assign(std::bit_ceil(std::max<uint64_t>(expected, 1u << 19) / 4), 0);  // 16 bits an id
    mask_ = words_.size() - 1;
  }
  void Add(uint64_t id) {
    const uint64_t h = Mix(id);
    words_[h & mask_] |= Bits(h);
  }
  bool MayContain(uint64_t id) const {
    const uint64_t h = Mix(id);
    return (words_[h & mask_] & Bits(h)) == Bits(h);
  }
  // Filling from a million-row catalog is bound by cache misses: fetch the word early.
  void Prefetch(uint64_t id) const { __builtin_prefetch(&words_[Mix(id) & mask_], 1); }

 private:
  // Ids are usually digest bits already, but nothing requires it: mix them (splitmix64).
  static uint64_t Mix(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }
  static uint64_t Bits(uint64_t h) { return (1ull << ((h >> 40) & 63)) | (1ull << ((h >> 52) & 63)); }

  std::vector<uint64_t> words_;
  uint64_t mask_ = 0;
};

// What names a document for the dropped rows: its URL, or its source when it has none.
std::string DroppedKey(const std::string& url, const std::string& source) {
  return url.empty() ? std::string(1, '\0') + source : url;
}

class Writer final : public ArchiveWriter {
 public:
  Writer(std::string dir, ArchiveOptions options, WriterLock lock, std::unique_ptr<Catalog> catalog)
      : dir_(std::move(dir)), options_(options), lock_(std::move(lock)), catalog_(std::move(catalog)),
        compressor_(options.level, options.threads) {}

  Status Recover();

  Status ForEachSeenAddress(const std::function<void(int64_t hash)>& fn) const override {
    return catalog_->ForEachSeenAddress(fn);
  }

  Status ForEachFingerprint(const std::function<void(const FingerprintRow&)>& fn) const override {
    ids_ready_ = false;
    ids_.Reset(next_ordinal_);
    std::optional<uint64_t> previous;  // added one row late, after its word was prefetched
    SIMSHARD_RETURN_IF_ERROR(catalog_->ForEachFingerprint([&](const FingerprintRow& r) {
      ids_.Prefetch(r.id);
      if (previous) ids_.Add(*previous);
      previous = r.id;
      fn(r);
    }));
    if (previous) ids_.Add(*previous);
    for (uint64_t id : open_ids_) ids_.Add(id);
    ids_ready_ = true;
    return Status::OK();
  }

  Result<std::string> GetState(std::string_view key) const override {
    auto st = catalog_->Prepare("SELECT value FROM state WHERE key = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, key);
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::string();
    return st->Text(0);
  }

  Status PutState(std::string_view key, std::string_view value) override {
    auto st = catalog_->Prepare("INSERT OR REPLACE INTO state(key, value) VALUES (?1, ?2)");
    if (!st.ok()) return st.status();
    st->Bind(1, key).Bind(2, value);
    return st->Run();
  }

  Result<uint64_t> BeginRun(const std::string& options_json) override {
    auto st = catalog_->Prepare("INSERT INTO runs(started_at, options) VALUES (?1, ?2)");
    if (!st.ok()) return st.status();
    st->Bind(1, NowUtc()).Bind(2, options_json);
    SIMSHARD_RETURN_IF_ERROR(st->Run());
    auto id = catalog_->Prepare("SELECT MAX(id) FROM runs");
    if (!id.ok()) return id.status();
    auto row = id->Step();
    if (!row.ok()) return row.status();
    run_ = static_cast<uint64_t>(id->Int(0));
    return run_;
  }

  Result<uint64_t> Add(Record record) override;
  Status AddDropped(DroppedEntry entry) override;
  Status FinishRun(const std::string& counts_json) override;
  Status ContinueRun(uint64_t run, uint64_t first_ordinal) override;
  Result<bool> ResumeRun(uint64_t run, const std::string& options_json) override;
  Status AdoptShards(const std::string& slice_dir) override;

 private:
  Status AdoptShard(const std::string& slice_dir, ShardRow shard, std::vector<CatalogEntry>* docs);
  Status CommitAdopted(const std::string& from, ShardRow shard, std::vector<CatalogEntry>* docs);
  // Whether a dropped document's URL (its source, without one) already answers.
  Result<bool> Known(const DroppedEntry& e) const;
  Status InsertPendingDropped();
  Status StartShard();
  Status SealOpenShard();
  Status AbandonShard(const Status& why);
  Status CheckNewId(const std::string& id, uint64_t* value);
  Status LoadIds() const;

  std::string dir_;
  ArchiveOptions options_;
  WriterLock lock_;
  std::unique_ptr<Catalog> catalog_;
  FrameCompressor compressor_;
  std::unique_ptr<ShardBuilder> open_;
  std::string line_;                       // Add's encoding buffer
  std::unordered_set<uint64_t> open_ids_;  // ids of rows not yet inserted
  std::vector<DroppedEntry> dropped_;      // not yet inserted; go in with the next commit
  std::unordered_set<std::string> run_keys_;  // URLs (or sources) this run archived or dropped
  mutable IdFilter ids_;                   // every id in the catalog or open_ids_
  mutable bool ids_ready_ = false;
  uint64_t next_ordinal_ = 1, next_shard_ = 1, run_ = 0;
  Status failed_;  // once a seal fails, the writer refuses more work
};

Status Writer::Recover() {
  auto removed = RemoveTempFiles(dir_);
  if (!removed.ok()) return removed.status();
  auto files = ListShardFiles(dir_);
  if (!files.ok()) return files.status();
  for (const std::string& name : *files) {
    auto known = catalog_->HasShard(name);
    if (!known.ok()) return known.status();
    if (*known) continue;
    // Sealed and renamed, but the writer died before its catalog rows were committed.
    SIMSHARD_RETURN_IF_ERROR(RegisterShard(*catalog_, dir_, name)
                                 .WithContext("recovering a shard a killed run left (try simshard repair)"));
  }
  auto shards = catalog_->Shards();
  if (!shards.ok()) return shards.status();
  for (const std::string& name : *files) {
    uint64_t n = 0;
    if (shard::ParseShardName(name, &n)) next_shard_ = std::max(next_shard_, n + 1);
  }
  for (const ShardRow& row : *shards) {
    uint64_t n = 0;
    if (shard::ParseShardName(row.name, &n)) next_shard_ = std::max(next_shard_, n + 1);
  }
  auto max_ordinal = catalog_->MaxOrdinal();
  if (!max_ordinal.ok()) return max_ordinal.status();
  next_ordinal_ = *max_ordinal + 1;
  return Status::OK();
}

Status Writer::LoadIds() const {
  auto st = catalog_->Prepare("SELECT id FROM documents");
  if (!st.ok()) return st.status();
  ids_.Reset(next_ordinal_);
  SIMSHARD_RETURN_IF_ERROR(st->ForEachRow([&] { ids_.Add(static_cast<uint64_t>(st->Int(0))); }));
  for (uint64_t id : open_ids_) ids_.Add(id);
  ids_ready_ = true;
  return Status::OK();
}

Status Writer::CheckNewId(const std::string& id, uint64_t* value) {
  if (!IsDocumentId(id) || !ParseHex64(id, value)) {
    return Status::InvalidArgument("document id \"" + id + "\" is not 16 lowercase hex digits");
  }
  if (open_ids_.count(*value) != 0) return Status::InvalidArgument("document id " + id + " is already in this run");
  if (!ids_ready_) SIMSHARD_RETURN_IF_ERROR(LoadIds());
  if (!ids_.MayContain(*value)) return Status::OK();
  auto known = catalog_->HasId(*value);
  if (!known.ok()) return known.status();
  if (*known) return Status::InvalidArgument("document id " + id + " is already in the archive");
  return Status::OK();
}

Result<uint64_t> Writer::Add(Record record) {
  if (!failed_.ok()) return failed_;
  if (run_ == 0) return Status::InvalidArgument("Add called before BeginRun");
  uint64_t id = 0;
  SIMSHARD_RETURN_IF_ERROR(CheckNewId(record.id, &id));
  record.run = run_;
  if (record.archived_at.empty()) record.archived_at = NowUtc();
  if (open_ == nullptr) SIMSHARD_RETURN_IF_ERROR(failed_ = StartShard());
  const uint64_t ordinal = next_ordinal_++;
  line_.clear();  // keeps its buffer from record to record
  EncodeRecord(record, ordinal, &line_);
  run_keys_.insert(DroppedKey(record.url, record.source));
  CatalogEntry entry = EntryFromRecord(std::move(record), ordinal);
  open_ids_.insert(id);
  ids_.Add(id);
  Status s = open_->Append(line_, id, std::move(entry));
  if (s.ok() && open_->data_bytes() >= options_.shard_bytes) s = SealOpenShard();
  if (!s.ok()) return failed_ = AbandonShard(s);
  return ordinal;
}

// The open shard's catalog rows are inserted, frame by frame, into one transaction that
// commits only after the shard is sealed and renamed: readers never see them before.
Status Writer::StartShard() {
  SIMSHARD_RETURN_IF_ERROR(catalog_->Begin());
  auto sink = [this](std::vector<CatalogEntry>&& rows) {
    for (const CatalogEntry& e : rows) {
      SIMSHARD_RETURN_IF_ERROR(catalog_->InsertDocument(e));
      uint64_t id = 0;
      if (ParseHex64(e.id, &id)) open_ids_.erase(id);  // the catalog lookup in CheckNewId finds it now
    }
    return Status::OK();
  };
  auto builder = ShardBuilder::Create(dir_, next_shard_, options_.frame_bytes, &compressor_, sink);
  if (!builder.ok()) {
    catalog_->Rollback();
    return builder.status();
  }
  open_ = std::move(builder).value();
  ++next_shard_;
  return Status::OK();
}

Status Writer::AbandonShard(const Status& why) {
  catalog_->Rollback();
  // Removes the temp file. A shard already renamed stays and the next Open registers it.
  open_.reset();
  open_ids_.clear();
  return why;
}

Result<bool> Writer::Known(const DroppedEntry& e) const {
  if (!e.url.empty()) {
    auto doc = catalog_->FindByUrl(e.url);
    if (doc.ok()) return true;
    if (!doc.status().IsNotFound()) return doc.status();
  } else {  // no URL: only the document it repeats, seen again (a killed run re-run)
    auto doc = catalog_->FindById(e.duplicate_of);
    if (doc.ok() && doc->url.empty() && doc->source == e.source) return true;
    if (!doc.ok() && !doc.status().IsNotFound()) return doc.status();
  }
  auto dropped = catalog_->FindDropped(e.url, e.source);
  if (dropped.ok()) return true;
  if (!dropped.status().IsNotFound()) return dropped.status();
  return false;
}

Status Writer::AddDropped(DroppedEntry entry) {
  if (!failed_.ok()) return failed_;
  if (run_ == 0) return Status::InvalidArgument("AddDropped called before BeginRun");
  if (!run_keys_.insert(DroppedKey(entry.url, entry.source)).second) return Status::OK();
  auto known = Known(entry);
  if (!known.ok()) return known.status();
  if (*known) return Status::OK();
  entry.run = run_;
  dropped_.push_back(std::move(entry));
  return Status::OK();
}

// Inside the open transaction: dropped rows commit with the shard that holds (or follows)
// what they repeat, so a killed run leaves none that point at nothing.
Status Writer::InsertPendingDropped() {
  for (const DroppedEntry& e : dropped_) SIMSHARD_RETURN_IF_ERROR(catalog_->InsertDropped(e));
  return Status::OK();
}

Status Writer::SealOpenShard() {
  SIMSHARD_RETURN_IF_ERROR(open_->Seal());
  SIMSHARD_RETURN_IF_ERROR(InsertPendingDropped());
  SIMSHARD_RETURN_IF_ERROR(catalog_->InsertShard(open_->Row(run_, NowUtc())).WithContext(open_->name()));
  CrashPoint("before-catalog-commit");
  SIMSHARD_RETURN_IF_ERROR(catalog_->Commit().WithContext(open_->name()));
  CrashPoint("after-catalog-commit");
  open_.reset();
  open_ids_.clear();
  dropped_.clear();
  return Status::OK();
}

Status Writer::FinishRun(const std::string& counts_json) {
  if (!failed_.ok()) return failed_;
  if (open_ != nullptr) {
    Status s = SealOpenShard();
    if (!s.ok()) return failed_ = AbandonShard(s);
  }
  if (!dropped_.empty()) {  // dropped after the last shard was sealed (or a run of repeats)
    SIMSHARD_RETURN_IF_ERROR(catalog_->Begin());
    Status s = InsertPendingDropped();
    if (s.ok()) s = catalog_->Commit();
    if (!s.ok()) {
      catalog_->Rollback();
      return failed_ = s;
    }
    dropped_.clear();
  }
  auto st = catalog_->Prepare("UPDATE runs SET ended_at = ?1, counts = ?2 WHERE id = ?3");
  if (!st.ok()) return st.status();
  st->Bind(1, NowUtc()).Bind(2, counts_json).BindInt(3, static_cast<int64_t>(run_));
  return st->Run();
}

Status Writer::ContinueRun(uint64_t run, uint64_t first_ordinal) {
  if (run_ != 0 || next_ordinal_ != 1) {
    return Status::InvalidArgument(dir_ + ": a slice of a run needs a folder of its own, empty");
  }
  run_ = run;
  next_ordinal_ = first_ordinal;
  return Status::OK();
}

Result<bool> Writer::ResumeRun(uint64_t run, const std::string& options_json) {
  auto ended = catalog_->Prepare("SELECT ended_at IS NOT NULL, options FROM runs WHERE id = ?1");
  if (!ended.ok()) return ended.status();
  ended->BindInt(1, static_cast<int64_t>(run));
  auto row = ended->Step();
  if (!row.ok()) return row.status();
  if (*row && ended->Text(1) != options_json) {
    return Status::InvalidArgument("archive " + dir_ + " changed after this run was decided: its run " +
                                   std::to_string(run) +
                                   " is another run; remove the work folder and run the command again");
  }
  run_ = run;
  if (*row) return ended->Int(0) != 0;  // a killed merge's row, or this run finished
  auto last = catalog_->Prepare("SELECT COALESCE(MAX(id), 0) FROM runs");
  if (!last.ok()) return last.status();
  auto last_row = last->Step();
  if (!last_row.ok()) return last_row.status();
  const uint64_t runs = static_cast<uint64_t>(last->Int(0));
  if (runs + 1 != run) {
    run_ = 0;
    return Status::InvalidArgument("archive " + dir_ + " changed after this run was decided: it was to be run " +
                                   std::to_string(run) + ", but the archive has " + std::to_string(runs) +
                                   " run(s) now; remove the work folder and run the command again");
  }
  auto insert = catalog_->Prepare("INSERT INTO runs(id, started_at, options) VALUES (?1, ?2, ?3)");
  if (!insert.ok()) return insert.status();
  insert->BindInt(1, static_cast<int64_t>(run)).Bind(2, NowUtc()).Bind(3, options_json);
  SIMSHARD_RETURN_IF_ERROR(insert->Run());
  return false;
}

Status Writer::AdoptShards(const std::string& slice_dir) {
  if (!failed_.ok()) return failed_;
  if (run_ == 0) return Status::InvalidArgument("AdoptShards called before ResumeRun");
  auto slice = Catalog::Open(slice_dir + "/" + std::string(kCatalogName), true);
  if (!slice.ok()) return slice.status().WithContext("slice " + slice_dir);
  auto shards = (*slice)->Shards();
  if (!shards.ok()) return shards.status();
  std::map<std::string, std::vector<CatalogEntry>> docs;  // by shard name, in ordinal order
  SIMSHARD_RETURN_IF_ERROR((*slice)->ForEachDocument([&](const CatalogEntry& e) { docs[e.shard].push_back(e); }));
  for (ShardRow& shard : *shards) {
    // Looked up before `shard` is moved into the call (argument order is unspecified).
    std::vector<CatalogEntry>* rows = &docs[shard.name];
    SIMSHARD_RETURN_IF_ERROR(AdoptShard(slice_dir, std::move(shard), rows));
  }
  return Status::OK();
}

Status Writer::AdoptShard(const std::string& slice_dir, ShardRow shard, std::vector<CatalogEntry>* docs) {
  for (const CatalogEntry& e : *docs) run_keys_.insert(DroppedKey(e.url, e.source));
  if (docs->empty()) return Status::Corruption("slice " + slice_dir + ": shard " + shard.name + " has no documents");
  uint64_t first = 0;
  ParseHex64(docs->front().id, &first);
  auto known = catalog_->HasId(first);
  if (!known.ok()) return known.status();
  if (*known) return Status::OK();  // taken in by an earlier merge, or registered by Recover
  const std::string from = slice_dir + "/" + shard.name;
  shard.name = shard::ShardName(next_shard_++);
  SIMSHARD_RETURN_IF_ERROR(catalog_->Begin());
  Status s = CommitAdopted(from, std::move(shard), docs);
  if (!s.ok()) {
    catalog_->Rollback();
    return failed_ = s;
  }
  return Status::OK();
}

// Rows first, then the file under its name, then the commit: the order SealOpenShard
// keeps, so a merge killed in between leaves a shard the next Open registers.
Status Writer::CommitAdopted(const std::string& from, ShardRow shard, std::vector<CatalogEntry>* docs) {
  for (CatalogEntry& e : *docs) {
    e.shard = shard.name;
    next_ordinal_ = std::max(next_ordinal_, e.ordinal + 1);
    SIMSHARD_RETURN_IF_ERROR(catalog_->InsertDocument(e));
  }
  SIMSHARD_RETURN_IF_ERROR(InsertPendingDropped());
  SIMSHARD_RETURN_IF_ERROR(PlaceFile(from, dir_ + "/" + shard.name, shard.checksum));
  shard.run = run_;
  SIMSHARD_RETURN_IF_ERROR(catalog_->InsertShard(shard).WithContext(shard.name));
  CrashPoint("before-merge-commit");
  SIMSHARD_RETURN_IF_ERROR(catalog_->Commit().WithContext(shard.name));
  dropped_.clear();
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Open(const std::string& dir,
                                                           const ArchiveOptions& options) {
  SIMSHARD_RETURN_IF_ERROR(MakeArchiveDir(dir));
  auto lock = WriterLock::Acquire(dir);
  if (!lock.ok()) return lock.status();
  auto catalog = Catalog::Open(dir + "/" + std::string(kCatalogName), false);
  if (!catalog.ok()) return catalog.status();
  auto writer = std::make_unique<Writer>(dir, options, std::move(lock).value(), std::move(catalog).value());
  SIMSHARD_RETURN_IF_ERROR(writer->Recover());
  return std::unique_ptr<ArchiveWriter>(std::move(writer));
}

}  // namespace simshard
