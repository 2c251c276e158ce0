#include "archive/shard_reader.h"

#include <fcntl.h>
#include <zstd.h>

#include "archive/record_codec.h"
#include "util/encoding.h"

namespace simshard {

Result<ShardFile> ShardFile::Open(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Status::Error(path + ": cannot open shard: " + ErrnoText());
  auto index = shard::ReadShardIndex(fd.get(), name);
  if (!index.ok()) return index.status();
  return ShardFile(name, std::move(fd), std::move(index).value());
}

Result<std::string> ReadFrameAt(int fd, uint64_t frame_offset, uint64_t frame_size, const std::string& name) {
  if (frame_size > ZSTD_compressBound(shard::kMaxFrameBytes)) {
    return Status::Error(name + ": frame size " + std::to_string(frame_size) + " is implausible");
  }
  std::string compressed;
  SIMSHARD_RETURN_IF_ERROR(PreadExact(fd, frame_offset, frame_size, &compressed, name));
  return shard::DecompressFrame(compressed);
}

Result<std::string> ShardFile::ReadFrame(uint32_t i) const {
  const shard::FrameInfo& f = index_.frames.at(i);
  auto data = ReadFrameAt(fd_.get(), f.offset, f.compressed_size, name_);
  if (!data.ok()) return data.status().WithContext(name_ + ": frame " + std::to_string(i));
  if (data->size() != f.decompressed_size || shard::Checksum32(*data) != f.checksum) {
    return Status::Error(name_ + ": frame " + std::to_string(i) + ": does not match the seek table");
  }
  return data;
}

CatalogEntry EntryFor(const Record& r, uint64_t ordinal, const std::string& shard,
                      const shard::FrameInfo& frame, const shard::RecordInfo& info) {
  CatalogEntry e = EntryFromRecord(r, ordinal);
  e.shard = shard;
  e.frame = info.frame;
  e.frame_offset = frame.offset;
  e.frame_size = frame.compressed_size;
  e.record_offset = info.offset;
  e.record_size = info.length;
  return e;
}

Status ForEachShardRecord(const ShardFile& shard,
                          const std::function<Status(const CatalogEntry&, const Record&)>& fn) {
  const shard::ShardIndex& index = shard.index();
  std::string frame;
  int64_t loaded = -1;
  for (size_t i = 0; i < index.records.size(); ++i) {
    const shard::RecordInfo& info = index.records[i];
    const std::string where = shard.name() + ": frame " + std::to_string(info.frame);
    if (loaded != info.frame) {
      auto data = shard.ReadFrame(info.frame);
      if (!data.ok()) return data.status();
      frame = std::move(data).value();
      loaded = info.frame;
    }
    const std::string_view line(frame.data() + info.offset, info.length);
    if (shard::Checksum32(line) != info.checksum || frame[info.offset + info.length] != '\n') {
      return Status::Error(where + ": record " + std::to_string(i) + " does not match the index");
    }
    uint64_t ordinal = 0;
    auto record = DecodeRecord(line, &ordinal);
    if (!record.ok()) return record.status().WithContext(where);
    if (record->id != Hex64(info.id) || ordinal != info.ordinal) {
      return Status::Error(where + ": record " + record->id + " is not the one the index names");
    }
    SIMSHARD_RETURN_IF_ERROR(fn(EntryFor(*record, ordinal, shard.name(), index.frames[info.frame], info), *record));
  }
  return Status::OK();
}

}  // namespace simshard
