// ArchiveReader: lookups in the catalog, restores that read one frame.
#include <fcntl.h>
#include <unistd.h>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "archive/catalog.h"
#include "archive/record_codec.h"
#include "archive/shard_heal.h"
#include "archive/shard_reader.h"
#include "archive/verify.h"
#include "simshard/archive.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {
namespace {

bool LooksLikeId(std::string_view s) {
  uint64_t ignored;
  return s.size() == 16 && ParseHex64(s, &ignored);
}

class Reader final : public ArchiveReader {
 public:
  Reader(std::string dir, std::unique_ptr<Catalog> catalog)
      : dir_(std::move(dir)), catalog_(std::move(catalog)) {}

  Result<CatalogEntry> Find(std::string_view id_or_url) const override {
    if (LooksLikeId(id_or_url)) {
      auto e = catalog_->FindById(id_or_url);
      if (e.ok()) return e;
    }
    auto e = catalog_->FindByUrl(id_or_url);
    if (e.ok()) return e;
    return Status::NotFound("no document with id or URL \"" + std::string(id_or_url) + "\" in " + dir_);
  }

  Result<Record> Read(const CatalogEntry& entry) const override;

  Status List(const ListFilter& filter, const std::function<void(const CatalogEntry&)>& fn) const override {
    return catalog_->ForEachDocument(filter, fn);
  }

  Status ForEachFingerprint(const std::function<void(const FingerprintRow&)>& fn) const override {
    return catalog_->ForEachFingerprint(fn);
  }

  Status ForEachFingerprintBetween(uint64_t first, uint64_t last,
                                   const std::function<void(const FingerprintRow&)>& fn) const override {
    return catalog_->ForEachFingerprint(fn, first, last);
  }

  Status ForEachSeenAddress(const std::function<void(int64_t hash)>& fn) const override {
    return catalog_->ForEachSeenAddress(fn);
  }

  Result<DroppedEntry> FindDropped(std::string_view url) const override {
    if (url.empty()) return Status::NotFound("not found");
    return catalog_->FindDropped(url);
  }

  Status ListDropped(const ListFilter& filter, const std::function<void(const DroppedEntry&)>& fn) const override {
    return catalog_->ForEachDropped(filter, fn);
  }

  Result<ArchiveStats> Stats() const override {
    // Version 2 keeps each shard's sum of original sizes: no pass over every document.
    const std::string bytes_in = !catalog_->has_shard_sums()
                                     ? "(SELECT COALESCE(SUM(original_size), 0) FROM documents)"
                                     : "(SELECT COALESCE(SUM(original_bytes), 0) FROM shards)";
    auto st = catalog_->Prepare(
        "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM runs), "
        "(SELECT COUNT(*) FROM shards), " + bytes_in + ", (SELECT COALESCE(SUM(bytes), 0) FROM shards)");
    if (!st.ok()) return st.status();
    auto row = st->Step();
    if (!row.ok()) return row.status();
    ArchiveStats s;
    s.documents = static_cast<uint64_t>(st->Int(0));
    s.runs = static_cast<uint64_t>(st->Int(1));
    s.shards = static_cast<uint64_t>(st->Int(2));
    s.bytes_in = static_cast<uint64_t>(st->Int(3));
    s.bytes_stored = static_cast<uint64_t>(st->Int(4));
    auto dropped = catalog_->CountDropped();
    if (!dropped.ok()) return dropped.status();
    s.dropped = *dropped;
    return s;
  }

  Result<std::vector<RunInfo>> Runs() const override {
    auto st = catalog_->Prepare("SELECT id, started_at, ended_at, options, counts FROM runs ORDER BY id");
    if (!st.ok()) return st.status();
    std::vector<RunInfo> runs;
    SIMSHARD_RETURN_IF_ERROR(st->ForEachRow([&] {
      runs.push_back(RunInfo{static_cast<uint64_t>(st->Int(0)), st->Text(1), st->Text(2), st->Text(3),
                             st->Text(4)});
    }));
    return runs;
  }

  std::vector<Damage> Verify() const override { return VerifyArchive(dir_, *catalog_); }

  std::vector<std::string> HealedShards() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return std::vector<std::string>(healed_.begin(), healed_.end());
  }

 private:
  Result<int> ShardFd(const std::string& name) const;
  // The decompressed frame of `e`; the last one is kept, so records read in (shard,
  // frame) order share one read and one decompression.
  Result<std::shared_ptr<const std::string>> Frame(const CatalogEntry& e) const;
  Result<std::string> HealFrame(const CatalogEntry& e, const Status& why) const;

  std::string dir_;
  std::unique_ptr<Catalog> catalog_;
  mutable std::mutex mu_;
  mutable std::map<std::string, UniqueFd> fds_;
  mutable std::shared_ptr<const std::string> last_frame_;
  mutable std::string last_shard_;
  mutable std::set<std::string> healed_;  // shards read through their parity
  mutable std::string last_healed_name_;   // the last damaged shard healed in memory
  mutable std::shared_ptr<const HealedShard> last_healed_;
  mutable uint64_t last_offset_ = 0;
};

Result<int> Reader::ShardFd(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fds_.find(name);
  if (it != fds_.end()) return it->second.get();
  uint64_t ignored;
  if (!shard::ParseShardName(name, &ignored)) return Status::Corruption("catalog names a bad shard \"" + name + "\"");
  const std::string path = dir_ + "/" + name;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(path + ": cannot open shard");
  const int raw = fd.get();
  fds_.emplace(name, std::move(fd));
  return raw;
}

Result<std::shared_ptr<const std::string>> Reader::Frame(const CatalogEntry& e) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (last_frame_ && last_shard_ == e.shard && last_offset_ == e.frame_offset) return last_frame_;
  }
  auto fd = ShardFd(e.shard);
  if (!fd.ok()) return fd.status();
  auto frame = ReadFrameAt(*fd, e.frame_offset, e.frame_size, e.shard);
  if (!frame.ok()) frame = HealFrame(e, frame.status());
  if (!frame.ok()) return frame.status();
  auto shared = std::make_shared<const std::string>(std::move(frame).value());
  std::lock_guard<std::mutex> lock(mu_);
  last_frame_ = shared;
  last_shard_ = e.shard;
  last_offset_ = e.frame_offset;
  return shared;
}

// Read-repair: the frame rebuilt in memory from the shard's parity. Nothing is written;
// the shard is remembered so that the caller can say it needs `simshard repair`.
Result<std::string> Reader::HealFrame(const CatalogEntry& e, const Status& why) const {
  std::shared_ptr<const HealedShard> healed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (last_healed_name_ == e.shard) healed = last_healed_;
  }
  if (!healed) {  // the whole shard is read once, however many of its frames are asked for
    auto bytes = ReadFile(dir_ + "/" + e.shard);
    if (!bytes.ok()) return why;
    healed = std::make_shared<const HealedShard>(HealShard(*bytes, e.shard, HealScope::kData));
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_healed_name_ = e.shard;
  last_healed_ = healed;
  if (e.frame_offset + e.frame_size > healed->data.size()) return why;
  auto frame = shard::DecompressFrame(std::string_view(healed->data).substr(e.frame_offset, e.frame_size));
  if (!frame.ok()) return why.WithContext("the parity cannot heal it");
  healed_.insert(e.shard);
  return frame;
}

Result<Record> Reader::Read(const CatalogEntry& e) const {
  const std::string where = e.shard + ": frame " + std::to_string(e.frame);
  auto frame = Frame(e);
  if (!frame.ok()) return frame.status().WithContext(where);
  const std::string& bytes = **frame;
  if (uint64_t(e.record_offset) + e.record_size > bytes.size()) {
    return Status::Corruption(where + ": record of " + e.id + " lies outside the frame");
  }
  auto record = DecodeRecord(std::string_view(bytes).substr(e.record_offset, e.record_size));
  if (!record.ok()) return record.status().WithContext(where);
  if (record->id != e.id) return Status::Corruption(where + ": holds " + record->id + " where the catalog expects " + e.id);
  if (record->sketch.empty()) {  // not in the shard: the catalog keeps them (FORMAT.md, section 3)
    record->simhash = e.simhash;
    record->sketch = e.sketch;
  }
  return record;
}

}  // namespace

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(const std::string& dir) {
  const std::string path = dir + "/" + std::string(kCatalogName);
  if (::access(path.c_str(), F_OK) != 0) {
    return Status::NotFound(dir + ": not a simshard archive (no " + std::string(kCatalogName) + ")");
  }
  auto catalog = Catalog::Open(path, true);
  if (!catalog.ok()) return catalog.status();
  return std::unique_ptr<ArchiveReader>(new Reader(dir, std::move(catalog).value()));
}

}  // namespace simshard
