// Reindex (catalog from shards alone) and Repair (salvage cut or damaged shards).
#include <cstdio>
#include <fcntl.h>
#include <map>
#include <set>
#include <unistd.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "archive/archive_files.h"
#include "archive/catalog.h"
#include "archive/lock_file.h"
#include "archive/record_codec.h"
#include "archive/shard_format.h"
#include "archive/shard_heal.h"
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

// Writes `bytes` as dir/name atomically: a temp file, fsync, rename, fsync of the folder.
Status ReplaceShard(const std::string& dir, const std::string& name, std::string_view bytes) {
  const std::string path = dir + "/" + name, temp = path + std::string(shard::kTempSuffix);
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd.valid()) return PosixError(temp + ": cannot create");
  SIMSHARD_RETURN_IF_ERROR(WriteAll(fd.get(), bytes, temp));
  SIMSHARD_RETURN_IF_ERROR(FsyncFd(fd.get(), temp));
  fd.reset();
  if (std::rename(temp.c_str(), path.c_str()) != 0) return PosixError(path + ": cannot rename");
  return FsyncDir(dir);
}

std::string JoinProblems(const std::vector<std::string>& problems) {
  std::string reason;
  for (const std::string& p : problems) reason += (reason.empty() ? "" : "; ") + p;
  return reason.empty() ? "records do not match the index" : reason;
}

// Rewrites a damaged shard. When the parity rebuilds every frame, the shard is written
// again as it was sealed (`checksum`, the catalog's, says whether it is byte for byte).
// Otherwise it keeps the frames that read back, healed or intact, with new parity and
// index frames; the damaged file is kept as NAME.damaged, and a shard with no good frame
// is only moved aside.
Status SalvageShard(const std::string& dir, const std::string& name, const std::string& checksum,
                    std::vector<std::string>* actions) {
  const std::string path = dir + "/" + name;
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  const HealedShard healed = HealShard(*bytes, name);
  const std::string reason = JoinProblems(healed.problems);
  if (healed.complete) {
    SIMSHARD_RETURN_IF_ERROR(ReplaceShard(dir, name, healed.bytes));
    const bool same = checksum == Hex64(XXH64(healed.bytes.data(), healed.bytes.size(), 0));
    actions->push_back(name + ": " + reason + "; healed, every frame rebuilt" +
                       (same ? ", byte for byte the shard as sealed" : " and the shard rewritten with parity"));
    return Status::OK();
  }
  if (std::rename(path.c_str(), (path + ".damaged").c_str()) != 0) {
    return PosixError(path + ": cannot move the damaged shard aside");
  }
  if (healed.bytes.empty()) {
    actions->push_back(name + ": nothing readable (" + reason + "); moved aside as " + name + ".damaged");
    return FsyncDir(dir);
  }
  SIMSHARD_RETURN_IF_ERROR(ReplaceShard(dir, name, healed.bytes));
  actions->push_back(name + ": " + reason + "; kept " + std::to_string(healed.index.frames.size()) +
                     " good frames (" + std::to_string(healed.index.records.size()) +
                     " records), original moved aside as " + name + ".damaged");
  return Status::OK();
}

// Rewrites an intact version 1 shard (no parity) as version 2: the same data frames at
// the same offsets, then parity and index frames.
Status AddParity(const std::string& dir, const std::string& name, std::vector<std::string>* actions) {
  auto bytes = ReadFile(dir + "/" + name);
  if (!bytes.ok()) return bytes.status();
  auto index = shard::ReadShardIndex(*bytes, name);
  if (!index.ok()) return index.status();
  if (index->version != shard::kFormatVersionNoParity) return Status::OK();
  std::string frames = bytes->substr(0, index->data_end);
  const std::string rebuilt = AssembleShard(std::move(frames), &*index);
  SIMSHARD_RETURN_IF_ERROR(ReplaceShard(dir, name, rebuilt));
  actions->push_back(name + ": parity added (" + std::to_string(index->index_offset - index->data_end) +
                     " bytes; the shard is now " + std::to_string(rebuilt.size()) + " bytes)");
  return Status::OK();
}

// Every frame and record reads back, and the parity is what the frames encode to (what
// CollectShard checks, without computing the catalog rows: the rebuild that follows does
// that once).
bool ShardIsIntact(const std::string& dir, const std::string& name) {
  auto file = ShardFile::Open(dir, name);
  if (!file.ok()) return false;
  if (!ForEachShardRecord(*file, [](const CatalogEntry&, const Record&) { return Status::OK(); }).ok()) return false;
  return CheckParity(file->fd(), file->index(), name).empty();
}

// Heals or salvages every shard that is not intact (and, with add_parity, gives version 1
// shards parity); says which registered shards are missing.
Status RepairShards(const std::string& dir, const std::vector<ShardRow>& rows, const RepairOptions& options,
                    std::vector<std::string>* actions) {
  auto files = ListShardFiles(dir);
  if (!files.ok()) return files.status();
  const std::set<std::string> on_disk(files->begin(), files->end());
  std::map<std::string, std::string> checksums;
  for (const ShardRow& row : rows) {
    checksums[row.name] = row.checksum;
    if (on_disk.count(row.name) == 0) actions->push_back(row.name + ": missing; its documents are lost");
  }
  for (const std::string& name : *files) {
    if (ShardIsIntact(dir, name)) {
      if (options.add_parity) SIMSHARD_RETURN_IF_ERROR(AddParity(dir, name, actions));
      continue;
    }
    SIMSHARD_RETURN_IF_ERROR(SalvageShard(dir, name, checksums[name], actions));
  }
  return Status::OK();
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

Result<RepairReport> Repair(const std::string& dir, const RepairOptions& options) {
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
  SIMSHARD_RETURN_IF_ERROR(RepairShards(dir, *rows, options, &report.actions));
  SIMSHARD_RETURN_IF_ERROR(RebuildCatalog(dir, **catalog));
  std::set<std::string> after;
  SIMSHARD_RETURN_IF_ERROR((*catalog)->ForEachDocument([&](const CatalogEntry& e) { after.insert(e.id); }));
  for (auto& [id, doc] : before) {
    if (after.count(id) == 0) report.lost.push_back(doc);
  }
  return report;
}

}  // namespace simshard
