// Writes one shard: records into frames, frames compressed in order, then the parity
// frames and the index frames, fsync, rename from the temp name, fsync of the folder
// (doc/FORMAT.md, 2 and 6).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
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
  // Receives the catalog rows of each frame once it is written (its location known), so
  // rows need not be held in memory until the seal.
  using RowSink = std::function<Status(std::vector<CatalogEntry>&&)>;

  static Result<std::unique_ptr<ShardBuilder>> Create(const std::string& dir, uint64_t number,
                                                      uint32_t frame_bytes, FrameCompressor* compressor,
                                                      RowSink sink);
  ~ShardBuilder();  // removes the temp file unless sealed

  // Adds one record line; `id` is entry.id as a number, `entry` its catalog row (location
  // filled in here).
  Status Append(std::string_view line, uint64_t id, CatalogEntry entry);
  // Uncompressed record bytes so far.
  uint64_t data_bytes() const { return data_bytes_; }
  size_t records() const { return index_.records.size(); }

  // Writes the last frames (their rows go to the sink) and makes the shard durable under
  // its final name.
  Status Seal();
  ShardRow Row(uint64_t run, const std::string& sealed_at) const;
  const std::string& name() const { return name_; }

 private:
  ShardBuilder(std::string dir, std::string name, uint32_t frame_bytes, FrameCompressor* compressor,
               RowSink sink, UniqueFd fd);
  void CutFrame();
  Status WriteReadyFrames(bool wait_all);
  Status WriteFrame(const CompressedFrame& frame);
  Status WriteParity();
  void StartWriteback(uint64_t offset, uint64_t size);
  Status WriteBytes(std::string_view bytes);

  std::string dir_, name_, temp_path_;
  uint32_t frame_bytes_;
  FrameCompressor* compressor_;
  RowSink sink_;
  UniqueFd fd_;
  std::string frame_;  // records of the open frame
  uint32_t frame_number_ = 0;
  uint64_t data_bytes_ = 0, file_bytes_ = 0;
  shard::ShardIndex index_;
  std::vector<CatalogEntry> open_rows_;               // rows of the open frame
  std::deque<std::vector<CatalogEntry>> queued_rows_;  // of frames being compressed, in order
  StreamHash64 hash_;  // of the whole file, for the catalog
  std::string checksum_hex_;
  bool sealed_ = false;
};

}  // namespace simshard
