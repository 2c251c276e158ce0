#include "pipeline/record_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "archive/record_codec.h"
#include "archive/shard_reader.h"

namespace simshard::pipeline {

CachedRecordReader::~CachedRecordReader() {
  for (const auto& [name, fd] : fds_) ::close(fd);
}

Result<int> CachedRecordReader::ShardFd(const std::string& shard) {
  if (auto it = fds_.find(shard); it != fds_.end()) return it->second;
  // The name comes from the catalog: never let it point outside the archive folder.
  if (shard.empty() || shard.find('/') != std::string::npos || shard[0] == '.') {
    return Status::Error("catalog names a bad shard \"" + shard + "\"");
  }
  const std::string path = dir_ + "/" + shard;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(path + ": cannot open shard: " + std::strerror(errno));
  fds_.emplace(shard, fd);
  return fd;
}

Result<Record> CachedRecordReader::Read(const CatalogEntry& e) {
  const std::string where = e.shard + ": frame " + std::to_string(e.frame);
  if (frame_shard_ != e.shard || frame_offset_ != e.frame_offset || frame_.empty()) {
    frame_shard_.clear();
    Result<int> fd = ShardFd(e.shard);
    if (!fd.ok()) return fd.status();
    Result<std::string> frame = ReadFrameAt(*fd, e.frame_offset, e.frame_size, e.shard);
    if (!frame.ok()) return frame.status().WithContext(where);
    frame_ = std::move(frame).value();
    frame_shard_ = e.shard;
    frame_offset_ = e.frame_offset;
  }
  if (uint64_t(e.record_offset) + e.record_size > frame_.size()) {
    return Status::Error(where + ": record of " + e.id + " lies outside the frame");
  }
  Result<Record> record = DecodeRecord(std::string_view(frame_).substr(e.record_offset, e.record_size));
  if (!record.ok()) return record.status().WithContext(where);
  if (record->id != e.id) {
    return Status::Error(where + ": holds " + record->id + " where the catalog expects " + e.id);
  }
  return record;
}

}  // namespace simshard::pipeline
