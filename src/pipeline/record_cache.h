// Restoring many documents: those in one frame share one read and one decompression
// (ArchiveReader::Read decompresses the frame for every record). Ask for entries in
// (shard, frame) order to get the most out of it.
#pragma once

#include <map>
#include <string>

#include "simshard/archive.h"
#include "simshard/status.h"

namespace simshard::pipeline {

class CachedRecordReader {
 public:
  explicit CachedRecordReader(std::string dir) : dir_(std::move(dir)) {}
  ~CachedRecordReader();
  CachedRecordReader(const CachedRecordReader&) = delete;
  CachedRecordReader& operator=(const CachedRecordReader&) = delete;

  Result<Record> Read(const CatalogEntry& entry);

 private:
  Result<int> ShardFd(const std::string& shard);

  const std::string dir_;
  std::map<std::string, int> fds_;
  std::string frame_shard_;
  uint64_t frame_offset_ = 0;
  std::string frame_;  // the last frame read, decompressed
};

}  // namespace simshard::pipeline
