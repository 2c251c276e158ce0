#include "archive/shard_reader.h"

#include <fcntl.h>
#include <zstd.h>

#include "archive/record_codec.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {

Result<ShardFile> ShardFile::Open(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(path + ": cannot open shard");
  auto index = shard::ReadShardIndex(fd.get(), name);
  if (!index.ok()) return index.status();
  return ShardFile(name, std::move(fd), std::move(index).value());
}

Result<std::string> ReadFrameAt(int fd, uint64_t frame_offset, uint64_t frame_size, const std::string& name) {
  if (frame_size > ZSTD_compressBound(shard::kMaxFrameBytes)) {
    return Status::Corruption(name + ": frame size " + std::to_string(frame_size) + " is implausible");
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
    return Status::Corruption(name_ + ": frame " + std::to_string(i) + ": does not match the seek table");
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
  size_t next = 0;  // records are listed in frame order
  // Every frame is read, also one no record points into, so that what reads back here
  // is what verify calls intact.
  for (uint32_t f = 0; f < index.frames.size(); ++f) {
    auto frame = shard.ReadFrame(f);
    if (!frame.ok()) return frame.status();
    const std::string where = shard.name() + ": frame " + std::to_string(f);
    for (; next < index.records.size() && index.records[next].frame == f; ++next) {
      const shard::RecordInfo& info = index.records[next];
      const std::string_view line(frame->data() + info.offset, info.length);
      if (shard::Checksum32(line) != info.checksum || (*frame)[info.offset + info.length] != '\n') {
        return Status::Corruption(where + ": record " + std::to_string(next) + " does not match the index");
      }
      uint64_t ordinal = 0;
      auto record = DecodeRecord(line, &ordinal);
      if (!record.ok()) return record.status().WithContext(where);
      auto fast_id = DecodeRecordId(line);  // what verify reads: must agree
      if (record->id != Hex64(info.id) || ordinal != info.ordinal || !fast_id.ok() || *fast_id != record->id) {
        return Status::Corruption(where + ": record " + record->id + " is not the one the index names");
      }
      SIMSHARD_RETURN_IF_ERROR(fn(EntryFor(*record, ordinal, shard.name(), index.frames[f], info), *record));
    }
  }
  if (next != index.records.size()) return Status::Corruption(shard.name() + ": record index is not in frame order");
  return Status::OK();
}

}  // namespace simshard
