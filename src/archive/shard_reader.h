// Reads a sealed shard: its index, one frame, or every record.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "archive/shard_format.h"
#include "simshard/archive.h"
#include "util/file_util.h"

namespace simshard {

class ShardFile {
 public:
  // Opens `dir/name` and reads and checks its index frames.
  static Result<ShardFile> Open(const std::string& dir, const std::string& name);

  const shard::ShardIndex& index() const { return index_; }
  const std::string& name() const { return name_; }
  int fd() const { return fd_.get(); }
  // Decompresses frame `i`, checking zstd's checksum and the seek table's.
  Result<std::string> ReadFrame(uint32_t i) const;

 private:
  ShardFile(std::string name, UniqueFd fd, shard::ShardIndex index)
      : name_(std::move(name)), fd_(std::move(fd)), index_(std::move(index)) {}
  std::string name_;
  UniqueFd fd_;
  shard::ShardIndex index_;
};

// Reads frame `frame_size` bytes at `frame_offset` of an open shard and decompresses it.
Result<std::string> ReadFrameAt(int fd, uint64_t frame_offset, uint64_t frame_size, const std::string& name);

// Catalog row for a record found in a shard.
CatalogEntry EntryFor(const Record& record, uint64_t ordinal, const std::string& shard,
                      const shard::FrameInfo& frame, const shard::RecordInfo& info);

// Calls `fn` for every record of a sealed shard, checking every frame and record against
// the shard's index. Stops at the first problem. Entries carry a SimHash and sketch only
// when the record does (older shards); CollectShard computes the others.
Status ForEachShardRecord(const ShardFile& shard,
                          const std::function<Status(const CatalogEntry&, const Record&)>& fn);

}  // namespace simshard
