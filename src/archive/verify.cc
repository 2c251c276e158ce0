#include "archive/verify.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <map>
#include <sys/stat.h>
#include <set>
#include <tuple>

#include "archive/archive_files.h"
#include "archive/record_codec.h"
#include "archive/shard_heal.h"
#include "archive/shard_reader.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {
namespace {

// Where a shard says a record is; kept compact (archives hold millions of records).
struct Location {
  uint64_t id = 0;
  uint64_t frame_offset = 0;
  uint32_t shard = 0;  // index into the list of shard names
  uint32_t frame = 0, frame_size = 0, offset = 0, length = 0;
  bool in_catalog = false;
};

// The shard's bytes healed from its parity, computed the first time a damage asks.
class LazyHeal {
 public:
  explicit LazyHeal(std::string path) : path_(std::move(path)) {}
  const HealedShard& Get() {
    if (!healed_) {
      auto bytes = ReadFile(path_);
      if (bytes.ok()) file_ = std::move(bytes).value();
      healed_ = HealShard(file_, path_);
    }
    return *healed_;
  }
  // The file as it is on disk (after Get).
  std::string_view file() const { return file_; }

 private:
  std::string path_, file_;
  std::optional<HealedShard> healed_;
};

// Frame `f` rebuilt from the parity, or an error when the parity cannot rebuild it.
Result<std::string> HealedFrame(const shard::FrameInfo& info, uint32_t f, const HealedShard& healed) {
  const bool lost = std::find(healed.lost_frames.begin(), healed.lost_frames.end(), f) != healed.lost_frames.end();
  if (lost || info.offset + info.compressed_size > healed.data.size()) return Status::Corruption("cannot be healed");
  auto data = shard::DecompressFrame(std::string_view(healed.data).substr(info.offset, info.compressed_size));
  if (!data.ok() || shard::Checksum32(*data) != info.checksum) return Status::Corruption("cannot be healed");
  return data;
}

// Checks every record of one (read or healed) frame; adds those that check out to `found`.
void VerifyRecords(const std::string& name, const shard::ShardIndex& index, uint32_t shard, uint32_t f,
                   const std::string& frame, size_t first, size_t last, std::vector<Location>* found,
                   std::vector<Damage>* damage) {
  for (size_t r = first; r < last; ++r) {
    const shard::RecordInfo& info = index.records[r];
    const std::string_view line(frame.data() + info.offset, info.length);
    auto decoded = DecodeRecordId(line);
    if (shard::Checksum32(line) != info.checksum || !decoded.ok() || *decoded != Hex64(info.id)) {
      damage->push_back({name, f, "record " + Hex64(info.id) + " does not match its checksum or id"});
      continue;
    }
    const shard::FrameInfo& fi = index.frames[f];
    found->push_back(Location{info.id, fi.offset, shard, f, fi.compressed_size, info.offset, info.length, false});
  }
}

// Checks every frame and record of one shard, a damaged frame against what its parity
// can rebuild; adds the records it holds to `found`.
void VerifyFrames(const std::string& name, const shard::ShardIndex& index, uint32_t shard,
                  const std::function<Result<std::string>(uint32_t)>& read, LazyHeal* heal,
                  std::vector<Location>* found, std::vector<Damage>* damage) {
  size_t next = 0;  // records are in frame order
  for (uint32_t f = 0; f < index.frames.size(); ++f) {
    const size_t first = next;
    while (next < index.records.size() && index.records[next].frame == f) ++next;
    auto frame = read(f);
    if (!frame.ok()) {
      auto healed = HealedFrame(index.frames[f], f, heal->Get());
      const char* verdict = healed.ok() ? "repair heals it from the parity"
                            : index.version != shard::kFormatVersionNoParity
                                ? "the parity cannot heal it: they are lost"
                                : "the shard has no parity (format version 1) to heal it: they are lost";
      damage->push_back({name, f, frame.status().message() + " (" + std::to_string(next - first) + " records in it; " +
                                      verdict + ")",
                         healed.ok()});
      if (!healed.ok()) continue;
      frame = std::move(healed);
    }
    VerifyRecords(name, index, shard, f, *frame, first, next, found, damage);
  }
  if (next != index.records.size()) damage->push_back({name, -1, "record index is not in frame order"});
}

// A shard whose index frames do not read: healable when the parity rebuilds all of it.
// Returns false when it is not, so that its catalog rows are not checked one by one.
bool VerifyUnreadableShard(const std::string& name, const Status& why, uint32_t shard, LazyHeal* heal,
                           std::vector<Location>* found, std::vector<Damage>* damage) {
  const HealedShard& healed = heal->Get();
  if (!healed.complete) {
    std::string lost;
    for (size_t i = 0; i < healed.lost_frames.size() && i < 10; ++i) {
      lost += (i ? ", " : "; frames lost: ") + std::to_string(healed.lost_frames[i]);
    }
    if (healed.lost_frames.size() > 10) lost += " and " + std::to_string(healed.lost_frames.size() - 10) + " more";
    damage->push_back({name, -1, why.message() + " (the parity cannot heal it" + lost +
                                     "; repair keeps the frames that read back)"});
    return false;
  }
  damage->push_back({name, -1, why.message() + " (repair heals it from the parity)", true});
  // The healed shard is the shard as sealed: its frames name the damaged ones.
  VerifyFrames(name, healed.index, shard, [&](uint32_t f) -> Result<std::string> {
    const shard::FrameInfo& info = healed.index.frames[f];
    if (heal->file().substr(info.offset, info.compressed_size) != std::string_view(healed.bytes).substr(info.offset, info.compressed_size)) {
      return Status::Corruption("its bytes are not what the parity rebuilds");
    }
    return shard::DecompressFrame(std::string_view(healed.bytes).substr(info.offset, info.compressed_size));
  }, heal, found, damage);
  return true;
}

// Checks one shard's frames, records and parity; false when its records cannot be listed.
bool VerifyShard(const std::string& dir, const std::string& name, uint32_t shard, std::vector<Location>* found,
                 std::vector<Damage>* damage) {
  LazyHeal heal(dir + "/" + name);
  auto file = ShardFile::Open(dir, name);
  if (!file.ok()) return VerifyUnreadableShard(name, file.status(), shard, &heal, found, damage);
  const size_t before = damage->size();
  VerifyFrames(name, file->index(), shard, [&](uint32_t f) { return file->ReadFrame(f); }, &heal, found, damage);
  // Parity is compared with what the data frames encode to: only meaningful when they are intact.
  if (damage->size() > before) return true;
  for (const std::string& problem : CheckParity(file->fd(), file->index(), name)) {
    damage->push_back({name, -1, problem + " (repair rebuilds it from the data frames)", true});
  }
  return true;
}

std::string Describe(const CatalogEntry& e) {
  return "frame " + std::to_string(e.frame) + " at " + std::to_string(e.frame_offset) + "+" +
         std::to_string(e.frame_size) + ", record at " + std::to_string(e.record_offset) + "+" +
         std::to_string(e.record_size);
}

// Check 1: every shard the catalog registers is on disk, reads back (healed by its parity
// when it must be), and has the size registered. Returns the ones that cannot be listed.
std::set<std::string> VerifyRegisteredShards(const std::string& dir, const std::vector<ShardRow>& rows,
                                             const std::set<std::string>& on_disk,
                                             const std::vector<std::string>& names,
                                             std::vector<Location>* found, std::vector<Damage>* damage) {
  std::map<std::string, uint64_t> registered_bytes;
  for (const ShardRow& row : rows) registered_bytes[row.name] = row.bytes;
  std::set<std::string> unreadable;
  for (uint32_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (on_disk.count(name) == 0) {
      damage->push_back({name, -1, "shard is missing (in the catalog, not on disk)"});
      unreadable.insert(name);
      continue;
    }
    const size_t before = damage->size();
    const bool readable = VerifyShard(dir, name, i, found, damage);
    if (!readable) unreadable.insert(name);
    struct stat st;
    if (::stat((dir + "/" + name).c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) != registered_bytes[name]) {
      // A shard cut inside its index frames heals whole: so does this, then.
      const bool healed = readable && std::all_of(damage->begin() + before, damage->end(), [](const Damage& d) { return d.healable; });
      damage->push_back({name, -1, "shard has " + std::to_string(st.st_size) + " bytes, the catalog says " +
                                       std::to_string(registered_bytes[name]), healed});
    }
  }
  return unreadable;
}

// Check 2: no sealed shard on disk is unknown to the catalog.
void VerifyNoUnregisteredShards(const Catalog& catalog, const std::set<std::string>& on_disk,
                                const std::set<std::string>& registered, std::vector<Damage>* damage) {
  for (const std::string& name : on_disk) {
    // A running writer renames a shard just before committing its rows: ask again.
    if (registered.count(name) != 0) continue;
    auto known_now = catalog.HasShard(name);
    if (!(known_now.ok() && *known_now)) {
      damage->push_back({name, -1, "sealed shard is not in the catalog (the next archive run or simshard reindex registers it)"});
    }
  }
}

// Check 3: no record is stored twice. Sorts `found` by id.
void VerifyNoRecordTwice(const std::vector<std::string>& names, std::vector<Location>* found,
                         std::vector<Damage>* damage) {
  std::sort(found->begin(), found->end(), [](const Location& a, const Location& b) { return a.id < b.id; });
  for (size_t i = 1; i < found->size(); ++i) {
    const Location& loc = (*found)[i];
    if (loc.id == (*found)[i - 1].id) {
      damage->push_back({names[loc.shard], loc.frame, "record " + Hex64(loc.id) + " is stored twice"});
    }
  }
}

// Check 4: every catalog row points at its record where the shard holds it (marking the
// records found in_catalog), and the shards' sums of original sizes agree.
void VerifyCatalogRows(const Catalog& catalog, const std::vector<ShardRow>& rows,
                       const std::vector<std::string>& names, const std::set<std::string>& unreadable,
                       std::vector<Location>* found, std::vector<Damage>* damage) {
  std::map<std::string, uint64_t> original_bytes;  // of the catalog rows, by shard
  Status listed = catalog.ForEachDocument([&](const CatalogEntry& e) {
    original_bytes[e.shard] += e.original_size;
    uint64_t id = 0;
    ParseHex64(e.id, &id);
    auto it = std::lower_bound(found->begin(), found->end(), id,
                               [](const Location& l, uint64_t v) { return l.id < v; });
    if (it == found->end() || it->id != id || e.id.size() != 16) {
      if (unreadable.count(e.shard) == 0) {
        damage->push_back({e.shard, e.frame, "catalog row for " + e.id + " points at no record with that id"});
      }
      return;
    }
    Location& loc = *it;
    loc.in_catalog = true;
    if (names[loc.shard] != e.shard || loc.frame != e.frame || loc.frame_offset != e.frame_offset ||
        loc.frame_size != e.frame_size || loc.offset != e.record_offset || loc.length != e.record_size) {
      damage->push_back({e.shard, e.frame, "catalog row for " + e.id + " (" + Describe(e) +
                                               ") does not match where " + names[loc.shard] + " frame " +
                                               std::to_string(loc.frame) + " holds it"});
    }
  });
  if (!listed.ok()) damage->push_back({"", -1, listed.message()});
  for (const ShardRow& row : rows) {  // version 2 keeps these sums for stats
    if (!catalog.has_shard_sums() || !listed.ok() || original_bytes[row.name] == row.original_bytes) continue;
    damage->push_back({row.name, -1, "catalog: its documents' original sizes add up to " +
                                         std::to_string(original_bytes[row.name]) + " bytes, its shards row says " +
                                         std::to_string(row.original_bytes) + " (simshard reindex rebuilds it)"});
  }
}

// Check 5: every record in a shard has its catalog row (reported in shard and frame order).
void VerifyNoOrphanRecords(const std::vector<std::string>& names, const std::vector<Location>& found,
                           std::vector<Damage>* damage) {
  std::vector<Damage> orphans;
  for (const Location& loc : found) {
    if (!loc.in_catalog) {
      orphans.push_back({names[loc.shard], loc.frame, "record " + Hex64(loc.id) + " is not in the catalog"});
    }
  }
  std::sort(orphans.begin(), orphans.end(), [](const Damage& a, const Damage& b) {
    return std::tie(a.shard, a.frame, a.what) < std::tie(b.shard, b.frame, b.what);
  });
  damage->insert(damage->end(), orphans.begin(), orphans.end());
}

}  // namespace

std::vector<Damage> VerifyArchive(const std::string& dir, const Catalog& catalog) {
  std::vector<Damage> damage;
  auto rows = catalog.Shards();
  auto files = ListShardFiles(dir);
  if (!rows.ok() || !files.ok()) {
    damage.push_back({"", -1, (!rows.ok() ? rows.status() : files.status()).message()});
    return damage;
  }
  const std::set<std::string> on_disk(files->begin(), files->end());
  std::set<std::string> registered;
  for (const ShardRow& row : *rows) registered.insert(row.name);
  const std::vector<std::string> names(registered.begin(), registered.end());
  std::vector<Location> found;  // every record the shards hold
  const std::set<std::string> unreadable =
      VerifyRegisteredShards(dir, *rows, on_disk, names, &found, &damage);
  VerifyNoUnregisteredShards(catalog, on_disk, registered, &damage);
  VerifyNoRecordTwice(names, &found, &damage);
  VerifyCatalogRows(catalog, *rows, names, unreadable, &found, &damage);
  VerifyNoOrphanRecords(names, found, &damage);
  return damage;
}

}  // namespace simshard
