#include "archive/verify.h"

#include <algorithm>
#include <map>
#include <sys/stat.h>
#include <set>
#include <tuple>

#include "archive/archive_files.h"
#include "archive/record_codec.h"
#include "archive/shard_reader.h"
#include "util/encoding.h"

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

// Checks every frame and record of one shard; adds the records it holds to `found`.
void VerifyShard(const ShardFile& file, uint32_t shard, std::vector<Location>* found,
                 std::vector<Damage>* damage) {
  const shard::ShardIndex& index = file.index();
  size_t next = 0;  // records are in frame order
  for (uint32_t f = 0; f < index.frames.size(); ++f) {
    auto frame = file.ReadFrame(f);
    const size_t first = next;
    while (next < index.records.size() && index.records[next].frame == f) ++next;
    if (!frame.ok()) {
      damage->push_back({file.name(), f, frame.status().message() + " (" + std::to_string(next - first) +
                                             " records in it)"});
      continue;
    }
    for (size_t r = first; r < next; ++r) {
      const shard::RecordInfo& info = index.records[r];
      const std::string_view line(frame->data() + info.offset, info.length);
      auto decoded = DecodeRecordId(line);
      if (shard::Checksum32(line) != info.checksum || !decoded.ok() || *decoded != Hex64(info.id)) {
        damage->push_back({file.name(), f, "record " + Hex64(info.id) + " does not match its checksum or id"});
        continue;
      }
      const shard::FrameInfo& fi = index.frames[f];
      found->push_back(Location{info.id, fi.offset, shard, f, fi.compressed_size, info.offset, info.length, false});
    }
  }
  if (next != index.records.size()) damage->push_back({file.name(), -1, "record index is not in frame order"});
}

std::string Describe(const CatalogEntry& e) {
  return "frame " + std::to_string(e.frame) + " at " + std::to_string(e.frame_offset) + "+" +
         std::to_string(e.frame_size) + ", record at " + std::to_string(e.record_offset) + "+" +
         std::to_string(e.record_size);
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
  std::set<std::string> on_disk(files->begin(), files->end()), registered;
  std::map<std::string, uint64_t> registered_bytes;
  for (const ShardRow& row : *rows) {
    registered.insert(row.name);
    registered_bytes[row.name] = row.bytes;
  }

  std::vector<std::string> names(registered.begin(), registered.end());
  std::vector<Location> found;
  std::set<std::string> unreadable;
  for (uint32_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (on_disk.count(name) == 0) {
      damage.push_back({name, -1, "shard is missing (in the catalog, not on disk)"});
      unreadable.insert(name);
      continue;
    }
    auto file = ShardFile::Open(dir, name);
    if (!file.ok()) {
      damage.push_back({name, -1, file.status().message()});
      unreadable.insert(name);
      continue;
    }
    struct stat st;
    if (::stat((dir + "/" + name).c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) != registered_bytes[name]) {
      damage.push_back({name, -1, "shard has " + std::to_string(st.st_size) + " bytes, the catalog says " +
                                      std::to_string(registered_bytes[name])});
    }
    VerifyShard(*file, i, &found, &damage);
  }
  for (const std::string& name : on_disk) {
    // A running writer renames a shard just before committing its rows: ask again.
    if (registered.count(name) != 0) continue;
    auto known_now = catalog.HasShard(name);
    if (!(known_now.ok() && *known_now)) {
      damage.push_back({name, -1, "sealed shard is not in the catalog (the next archive run or simshard reindex registers it)"});
    }
  }
  std::sort(found.begin(), found.end(), [](const Location& a, const Location& b) { return a.id < b.id; });
  for (size_t i = 1; i < found.size(); ++i) {
    if (found[i].id == found[i - 1].id) {
      damage.push_back({names[found[i].shard], found[i].frame, "record " + Hex64(found[i].id) + " is stored twice"});
    }
  }

  std::map<std::string, uint64_t> original_bytes;  // of the catalog rows, by shard
  Status listed = catalog.ForEachDocument([&](const CatalogEntry& e) {
    original_bytes[e.shard] += e.original_size;
    uint64_t id = 0;
    ParseHex64(e.id, &id);
    auto it = std::lower_bound(found.begin(), found.end(), id,
                               [](const Location& l, uint64_t v) { return l.id < v; });
    if (it == found.end() || it->id != id || e.id.size() != 16) {
      if (unreadable.count(e.shard) == 0) {
        damage.push_back({e.shard, e.frame, "catalog row for " + e.id + " points at no record with that id"});
      }
      return;
    }
    Location& loc = *it;
    loc.in_catalog = true;
    if (names[loc.shard] != e.shard || loc.frame != e.frame || loc.frame_offset != e.frame_offset ||
        loc.frame_size != e.frame_size || loc.offset != e.record_offset || loc.length != e.record_size) {
      damage.push_back({e.shard, e.frame, "catalog row for " + e.id + " (" + Describe(e) +
                                              ") does not match where " + names[loc.shard] + " frame " +
                                              std::to_string(loc.frame) + " holds it"});
    }
  });
  if (!listed.ok()) damage.push_back({"", -1, listed.message()});
  for (const ShardRow& row : *rows) {  // version 2 keeps these sums for stats
    if (!catalog.has_shard_sums() || !listed.ok() || original_bytes[row.name] == row.original_bytes) continue;
    damage.push_back({row.name, -1, "catalog: its documents' original sizes add up to " +
                                        std::to_string(original_bytes[row.name]) + " bytes, its shards row says " +
                                        std::to_string(row.original_bytes) + " (simshard reindex rebuilds it)"});
  }
  std::vector<Damage> orphans;
  for (const Location& loc : found) {
    if (!loc.in_catalog) {
      orphans.push_back({names[loc.shard], loc.frame, "record " + Hex64(loc.id) + " is not in the catalog"});
    }
  }
  std::sort(orphans.begin(), orphans.end(), [](const Damage& a, const Damage& b) {
    return std::tie(a.shard, a.frame, a.what) < std::tie(b.shard, b.frame, b.what);
  });
  damage.insert(damage.end(), orphans.begin(), orphans.end());
  return damage;
}

}  // namespace simshard
