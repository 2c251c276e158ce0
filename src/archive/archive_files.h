// What the writer, reindex and repair share: the folder's files, time stamps, and
// registering a sealed shard in the catalog.
#pragma once

#include <string>
#include <vector>

#include "archive/catalog.h"
#include "simshard/status.h"

namespace simshard {

// Current UTC time, ISO 8601 with seconds ("2026-11-29T01:02:03Z").
std::string NowUtc();

// Sealed shard names in the folder, in shard order.
Result<std::vector<std::string>> ListShardFiles(const std::string& dir);
// Removes `*.tmp` files a killed writer left; returns their names.
Result<std::vector<std::string>> RemoveTempFiles(const std::string& dir);
// Creates the archive folder (and parents) without group/world write.
Status MakeArchiveDir(const std::string& dir);

// What the catalog holds about one sealed shard, read from the shard alone.
struct ShardRows {
  std::vector<CatalogEntry> documents;
  ShardRow shard;
};

// Reads a sealed shard, checking every frame and record. Fails when it is damaged.
Result<ShardRows> CollectShard(const std::string& dir, const std::string& name);
// Inserts the rows (inside the caller's transaction).
Status InsertShardRows(const Catalog& catalog, const ShardRows& rows);
// CollectShard + InsertShardRows in one transaction; the catalog is unchanged on failure.
Status RegisterShard(const Catalog& catalog, const std::string& dir, const std::string& name);

// Puts the sealed shard `from` at `to` (another folder, same bytes): a hard link when both
// are on one filesystem, else a copy checked against `checksum`; under a temp name first,
// then renamed, then the folder synced. `from` stays.
Status PlaceFile(const std::string& from, const std::string& to, const std::string& checksum);

// XXH64 of a whole file as 16 hex digits, and its modification time (ISO 8601 UTC).
Result<std::string> FileChecksum(const std::string& path);

}  // namespace simshard
