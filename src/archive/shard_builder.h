// Writes one shard: records into frames, frames compressed in order, then the index
// frames, fsync, rename from the temp name, fsync of the folder (doc/FORMAT.md, 2 and 6).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "archive/catalog.h"
#include "archive/frame_compressor.h"
#include "archive/shard_format.h"
#include "simshard/archive.h"
#include "util/file_util.h"
#include "util/hash.h"

namespace simshard {

class ShardBuilder {
 public:
  static Result<std::unique_ptr<ShardBuilder>> Create(const std::string& dir, uint64_t number,
                                                      uint32_t frame_bytes, FrameCompressor* compressor);
  ~ShardBuilder();  // removes the temp file unless sealed

  // Adds one record line; `entry` is its catalog row (location filled in here).
  Status Append(std::string_view line, CatalogEntry entry);
  // Uncompressed record bytes so far.
  uint64_t data_bytes() const { return data_bytes_; }
  size_t records() const { return entries_.size(); }

  // Makes the shard durable under its final name; entries() then have their frame offsets.
  Status Seal();
  const std::vector<CatalogEntry>& entries() const { return entries_; }
  ShardRow Row(uint64_t run, const std::string& sealed_at) const;
  const std::string& name() const { return name_; }

 private:
  ShardBuilder(std::string dir, std::string name, uint32_t frame_bytes, FrameCompressor* compressor,
               UniqueFd fd);
  void CutFrame();
  Status WriteReadyFrames(bool wait_all);
  Status WriteFrame(const CompressedFrame& frame);
  Status WriteBytes(std::string_view bytes);

  std::string dir_, name_, temp_path_;
  uint32_t frame_bytes_;
  FrameCompressor* compressor_;
  UniqueFd fd_;
  std::string frame_;  // records of the open frame
  uint32_t frame_number_ = 0;
  uint64_t data_bytes_ = 0, file_bytes_ = 0;
  shard::ShardIndex index_;
  std::vector<CatalogEntry> entries_;
  StreamHash64 hash_;  // of the whole file, for the catalog
  std::string checksum_hex_;
  bool sealed_ = false;
};

}  // namespace simshard
