// Reindex (catalog from shards alone) and Repair (salvage cut or damaged shards).
#include <cstdio>
#include <fcntl.h>
#include <map>
#include <set>
#include <unistd.h>
#include <zstd.h>

#include "archive/archive_files.h"
#include "archive/catalog.h"
#include "archive/lock_file.h"
#include "archive/record_codec.h"
#include "archive/shard_format.h"
#include "archive/shard_reader.h"
#include "simshard/archive.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {
namespace {

std::string CatalogPath(const std::string& dir) { return dir + "/" + std::string(kCatalogName); }

// Moves an unreadable catalog aside (as catalog.sqlite.broken) and starts a new one.
Result<std::unique_ptr<Catalog>> RecreateCatalog(const std::string& dir, const Status& why,
                                                 std::vector<std::string>* actions) {
  const std::string path = CatalogPath(dir);
  if (std::rename(path.c_str(), (path + ".broken").c_str()) != 0) return why;
  ::unlink((path + "-wal").c_str());
  ::unlink((path + "-shm").c_str());
  actions->push_back("catalog unreadable (" + why.message() + "); kept as " + std::string(kCatalogName) +
                     ".broken and rebuilt");
  return Catalog::Open(path, false);
}

// Opens the catalog, or starts a new one when it is missing or unreadable.
Result<std::unique_ptr<Catalog>> OpenOrRecreateCatalog(const std::string& dir, std::vector<std::string>* actions) {
  const std::string path = CatalogPath(dir);
  const bool existed = ::access(path.c_str(), F_OK) == 0;
  auto catalog = Catalog::Open(path, false);
  if (!catalog.ok()) return RecreateCatalog(dir, catalog.status(), actions);
  if (!existed) actions->push_back("catalog was missing; created a new one");
  return catalog;
}

// Adds the runs a rebuilt catalog lacks: one row per run id found in the documents,
// spanning the times its documents were archived.
Status AddMissingRuns(const Catalog& catalog) {
  return catalog.Exec(
      "INSERT INTO runs(id, started_at, ended_at, options, counts) "
      "SELECT run, MIN(archived_at), MAX(archived_at), '{\"rebuilt\":true}', NULL FROM documents "
      "WHERE run NOT IN (SELECT id FROM runs) GROUP BY run");
}

// Rebuilds documents and shards from the shard files; the caller holds the lock.
Status RebuildCatalog(const std::string& dir, const Catalog& catalog) {
  auto files = ListShardFiles(dir);
  if (!files.ok()) return files.status();
  std::vector<ShardRows> all;
  for (const std::string& name : *files) {
    auto rows = CollectShard(dir, name);
    if (!rows.ok()) return rows.status().WithContext("reindex (simshard repair salvages damaged shards)");
    all.push_back(std::move(rows).value());
  }
  SIMSHARD_RETURN_IF_ERROR(catalog.Begin());
  Status s = catalog.DeleteDocuments();
  for (size_t i = 0; s.ok() && i < all.size(); ++i) s = InsertShardRows(catalog, all[i]);
  if (s.ok()) s = AddMissingRuns(catalog);
  if (s.ok()) s = catalog.FoldArchiveTimes();
  if (s.ok()) s = catalog.Commit();
  if (!s.ok()) catalog.Rollback();
  return s;
}

// The good frames of a damaged shard and the records in them.
struct Salvage {
  std::string frames;  // compressed bytes, as they were
  shard::ShardIndex index;
  std::vector<std::string> problems;
};

// Where the data frames are: from the seek table when it is intact, else found by walking
// the zstd frame headers from the start until one cannot be sized (the cut).
std::vector<std::pair<uint64_t, uint64_t>> FrameBounds(const std::string& bytes, int fd,
                                                       const std::string& name,
                                                       std::vector<std::string>* problems) {
  std::vector<std::pair<uint64_t, uint64_t>> bounds;
  auto index = shard::ReadShardIndex(fd, name);
  if (index.ok()) {
    for (const shard::FrameInfo& f : index->frames) bounds.emplace_back(f.offset, f.compressed_size);
    return bounds;
  }
  problems->push_back(index.status().message());
  for (size_t pos = 0; pos < bytes.size();) {
    const std::string_view rest(bytes.data() + pos, bytes.size() - pos);
    if (rest.size() >= 4 && (GetFixed32(rest.data()) & 0xFFFFFFF0u) == 0x184D2A50u) break;  // index frames
    const size_t size = ZSTD_findFrameCompressedSize(rest.data(), rest.size());
    if (ZSTD_isError(size)) {
      problems->push_back("frame " + std::to_string(bounds.size()) + " is cut short or unreadable");
      break;
    }
    bounds.emplace_back(pos, size);
    pos += size;
  }
  return bounds;
}

// The records of one decompressed frame, or false when any of them does not parse.
bool FrameRecords(const std::string& data, uint32_t frame, std::vector<shard::RecordInfo>* records) {
  if (data.empty() || data.back() != '\n') return false;
  for (size_t start = 0; start < data.size();) {
    const size_t end = data.find('\n', start);
    const std::string_view line(data.data() + start, end - start);
    uint64_t ordinal = 0, id = 0;
    auto record = DecodeRecord(line, &ordinal);
    if (!record.ok() || !ParseHex64(record->id, &id)) return false;
    records->push_back({id, ordinal, frame, static_cast<uint32_t>(start), static_cast<uint32_t>(line.size()),
                        shard::Checksum32(line)});
    start = end + 1;
  }
  return true;
}

// Keeps the leading frames that decompress with a good checksum and hold whole, parseable
// records, up to the first that does not. (Frames after a damaged one are dropped too: a
// shard is always whole up to its cut, which keeps what repair reports simple to act on.)
Salvage SalvageFrames(const std::string& bytes, int fd, const std::string& name) {
  Salvage out;
  for (const auto& [offset, size] : FrameBounds(bytes, fd, name, &out.problems)) {
    const std::string where = "frame " + std::to_string(out.index.frames.size() + out.problems.size());
    if (offset + size > bytes.size()) {
      out.problems.push_back(where + " is cut short");
      break;
    }
    const std::string_view compressed(bytes.data() + offset, size);
    auto data = shard::DecompressFrame(compressed);
    const uint32_t frame = static_cast<uint32_t>(out.index.frames.size());
    std::vector<shard::RecordInfo> records;
    if (!data.ok() || !FrameRecords(*data, frame, &records)) {
      out.problems.push_back(where + (data.ok() ? " holds a record that does not parse" : ": " + data.status().message()));
      break;  // cut back to the last good frame before the damage, like a shard cut short
    }
    out.index.frames.push_back({out.frames.size(), static_cast<uint32_t>(size), static_cast<uint32_t>(data->size()),
                                shard::Checksum32(*data)});
    out.index.records.insert(out.index.records.end(), records.begin(), records.end());
    out.index.data_bytes += data->size();
    out.frames.append(compressed);
  }
  out.index.index_offset = out.frames.size();
  return out;
}

// Rewrites a damaged shard from its good leading frames (the damaged file is kept as
// NAME.damaged).
// A shard with no good frame is only moved aside.
Status SalvageShard(const std::string& dir, const std::string& name, std::vector<std::string>* actions) {
  const std::string path = dir + "/" + name;
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return Status::Error(path + ": cannot open: " + ErrnoText());
  Salvage salvage = SalvageFrames(*bytes, in.get(), name);
  in.reset();
  std::string reason;
  for (const std::string& p : salvage.problems) reason += (reason.empty() ? "" : "; ") + p;
  if (reason.empty()) reason = "records do not match the index";
  if (std::rename(path.c_str(), (path + ".damaged").c_str()) != 0) {
    return Status::Error(path + ": cannot move the damaged shard aside: " + ErrnoText());
  }
  if (salvage.index.records.empty()) {
    actions->push_back(name + ": nothing readable (" + reason + "); moved aside as " + name + ".damaged");
    return FsyncDir(dir);
  }
  const std::string temp = path + std::string(shard::kTempSuffix);
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd.valid()) return Status::Error(temp + ": cannot create: " + ErrnoText());
  SIMSHARD_RETURN_IF_ERROR(WriteAll(fd.get(), salvage.frames + shard::EncodeIndexFrames(salvage.index), temp));
  SIMSHARD_RETURN_IF_ERROR(FsyncFd(fd.get(), temp));
  fd.reset();
  if (std::rename(temp.c_str(), path.c_str()) != 0) return Status::Error(path + ": cannot rename: " + ErrnoText());
  SIMSHARD_RETURN_IF_ERROR(FsyncDir(dir));
  actions->push_back(name + ": " + reason + "; kept " + std::to_string(salvage.index.frames.size()) +
                     " good frames (" + std::to_string(salvage.index.records.size()) +
                     " records), original moved aside as " + name + ".damaged");
  return Status::OK();
}

// Every frame and record reads back (what CollectShard checks, without computing the
// catalog rows: the rebuild that follows does that once).
bool ShardIsIntact(const std::string& dir, const std::string& name) {
  auto file = ShardFile::Open(dir, name);
  return file.ok() && ForEachShardRecord(*file, [](const CatalogEntry&, const Record&) { return Status::OK(); }).ok();
}

}  // namespace

Status Reindex(const std::string& dir) {
  auto lock = WriterLock::Acquire(dir);
  if (!lock.ok()) return lock.status();
  auto removed = RemoveTempFiles(dir);
  if (!removed.ok()) return removed.status();
  std::vector<std::string> actions;
  auto catalog = OpenOrRecreateCatalog(dir, &actions);
  if (!catalog.ok()) return catalog.status();
  return RebuildCatalog(dir, **catalog);
}

Result<RepairReport> Repair(const std::string& dir) {
  auto lock = WriterLock::Acquire(dir);
  if (!lock.ok()) return lock.status();
  RepairReport report;
  auto removed = RemoveTempFiles(dir);
  if (!removed.ok()) return removed.status();
  for (const std::string& name : *removed) report.actions.push_back(name + ": removed leftover temp file");

  auto catalog = OpenOrRecreateCatalog(dir, &report.actions);
  if (!catalog.ok()) return catalog.status();
  std::map<std::string, LostDocument> before;  // by id
  Status listed = (*catalog)->ForEachDocument([&](const CatalogEntry& e) {
    before[e.id] = LostDocument{e.id, e.url, e.source};
  });
  auto rows = (*catalog)->Shards();
  if (!listed.ok() || !rows.ok()) {  // opens, but its pages are damaged
    catalog->reset();
    before.clear();
    catalog = RecreateCatalog(dir, listed.ok() ? rows.status() : listed, &report.actions);
    if (!catalog.ok()) return catalog.status();
    rows = (*catalog)->Shards();
    if (!rows.ok()) return rows.status();
  }
  auto files = ListShardFiles(dir);
  if (!files.ok()) return files.status();
  const std::set<std::string> on_disk(files->begin(), files->end());
  for (const ShardRow& row : *rows) {
    if (on_disk.count(row.name) == 0) report.actions.push_back(row.name + ": missing; its documents are lost");
  }
  for (const std::string& name : *files) {
    if (ShardIsIntact(dir, name)) continue;
    SIMSHARD_RETURN_IF_ERROR(SalvageShard(dir, name, &report.actions));
  }
  SIMSHARD_RETURN_IF_ERROR(RebuildCatalog(dir, **catalog));
  std::set<std::string> after;
  SIMSHARD_RETURN_IF_ERROR((*catalog)->ForEachDocument([&](const CatalogEntry& e) { after.insert(e.id); }));
  for (auto& [id, doc] : before) {
    if (after.count(id) == 0) report.lost.push_back(doc);
  }
  return report;
}

}  // namespace simshard
