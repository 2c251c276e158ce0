#include "archive/shard_builder.h"

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

#include "archive/parity.h"
#include "util/crash_point.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {

Result<std::unique_ptr<ShardBuilder>> ShardBuilder::Create(const std::string& dir, uint64_t number,
                                                           uint32_t frame_bytes,
                                                           FrameCompressor* compressor, RowSink sink) {
  const std::string name = shard::ShardName(number);
  const std::string temp = dir + "/" + name + std::string(shard::kTempSuffix);
  // Read and write: the parity of the frames is computed from the file at the seal.
  UniqueFd fd(::open(temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd.valid()) return PosixError(temp + ": cannot create shard");
  return std::unique_ptr<ShardBuilder>(new ShardBuilder(dir, name, frame_bytes, compressor, std::move(sink), std::move(fd)));
}

ShardBuilder::ShardBuilder(std::string dir, std::string name, uint32_t frame_bytes,
                           FrameCompressor* compressor, RowSink sink, UniqueFd fd)
    : dir_(std::move(dir)), name_(std::move(name)), frame_bytes_(frame_bytes),
      compressor_(compressor), sink_(std::move(sink)), fd_(std::move(fd)) {
  temp_path_ = dir_ + "/" + name_ + std::string(shard::kTempSuffix);
  frame_.reserve(frame_bytes_);
}

ShardBuilder::~ShardBuilder() {
  if (!sealed_) {
    // Drop frames still being compressed so the shared compressor is clean for the next.
    Result<CompressedFrame> ignored = Status::IOError("");
    while (compressor_->Next(true, &ignored)) {
    }
    fd_.reset();
    ::unlink(temp_path_.c_str());
  }
}

Status ShardBuilder::Append(std::string_view line, uint64_t id, CatalogEntry entry) {
  const uint32_t frames_before = frame_number_;
  if (!frame_.empty() && frame_.size() + line.size() + 1 > frame_bytes_) CutFrame();
  shard::RecordInfo info{id, entry.ordinal, frame_number_, static_cast<uint32_t>(frame_.size()),
                         static_cast<uint32_t>(line.size()), shard::Checksum32(line)};
  index_.records.push_back(info);
  entry.shard = name_;
  entry.frame = info.frame;
  entry.record_offset = info.offset;
  entry.record_size = info.length;
  open_rows_.push_back(std::move(entry));
  frame_.append(line);
  frame_.push_back('\n');
  data_bytes_ += line.size() + 1;
  if (frame_.size() >= frame_bytes_) CutFrame();
  // Compressed frames are collected when one is cut, not after every record: the
  // compressor's lock is taken once per frame rather than once per record.
  return frame_number_ != frames_before ? WriteReadyFrames(false) : Status::OK();
}

void ShardBuilder::CutFrame() {
  compressor_->Submit(std::move(frame_));
  frame_ = compressor_->TakeBuffer();
  frame_.reserve(frame_bytes_);  // the next frame fills it without growing step by step
  queued_rows_.push_back(std::move(open_rows_));
  open_rows_.clear();
  ++frame_number_;
}

Status ShardBuilder::WriteReadyFrames(bool wait_all) {
  Result<CompressedFrame> frame = Status::IOError("");
  // Waiting while the queue is full bounds memory to a few frames per worker.
  while (compressor_->Next(wait_all || compressor_->full(), &frame)) {
    if (!frame.ok()) return frame.status().WithContext(temp_path_);
    SIMSHARD_RETURN_IF_ERROR(WriteFrame(*frame));
  }
  return Status::OK();
}

Status ShardBuilder::WriteBytes(std::string_view bytes) {
  hash_.Update(bytes);
  file_bytes_ += bytes.size();
  return WriteAll(fd_.get(), bytes, temp_path_);
}

// Starts writing a frame to disk now rather than when the shard is sealed, so the fsync
// that seals it waits for the last frames only, not for the whole shard at the end of
// the run. Only a hint: the fsync is what makes the shard durable.
void ShardBuilder::StartWriteback(uint64_t offset, uint64_t size) {
#if defined(__linux__)
  ::sync_file_range(fd_.get(), static_cast<off64_t>(offset), static_cast<off64_t>(size), SYNC_FILE_RANGE_WRITE);
#else
  (void)offset, (void)size;
#endif
}

Status ShardBuilder::WriteFrame(const CompressedFrame& frame) {
  index_.frames.push_back(shard::FrameInfo{file_bytes_, static_cast<uint32_t>(frame.bytes.size()),
                                           frame.decompressed_size, frame.checksum});
  const std::string_view bytes = frame.bytes;
  const size_t half = bytes.size() / 2;
  SIMSHARD_RETURN_IF_ERROR(WriteBytes(bytes.substr(0, half)));
  CrashPoint("mid-frame-write");
  SIMSHARD_RETURN_IF_ERROR(WriteBytes(bytes.substr(half)));
  StartWriteback(index_.frames.back().offset, bytes.size());
  std::vector<CatalogEntry> rows = std::move(queued_rows_.front());
  queued_rows_.pop_front();
  for (CatalogEntry& e : rows) {
    e.frame_offset = index_.frames.back().offset;
    e.frame_size = index_.frames.back().compressed_size;
  }
  return sink_(std::move(rows));
}

// One parity frame per group of data frames, each computed from the group's bytes read
// back from the file (in the page cache: they were just written).
Status ShardBuilder::WriteParity() {
  for (const parity::GroupPlan& plan : parity::PlanGroups(index_.frames)) {
    std::string data;
    SIMSHARD_RETURN_IF_ERROR(PreadExact(fd_.get(), plan.start, plan.length, &data, temp_path_));
    SIMSHARD_RETURN_IF_ERROR(WriteBytes(parity::EncodeParityFrame(plan, data)));
  }
  return Status::OK();
}

Status ShardBuilder::Seal() {
  if (!frame_.empty()) CutFrame();
  SIMSHARD_RETURN_IF_ERROR(WriteReadyFrames(true));
  index_.data_end = file_bytes_;
  index_.data_bytes = data_bytes_;
  SIMSHARD_RETURN_IF_ERROR(WriteParity());
  index_.index_offset = file_bytes_;
  CrashPoint("before-index-write");
  SIMSHARD_RETURN_IF_ERROR(WriteBytes(shard::EncodeIndexFrames(index_)));
  CrashPoint("before-shard-fsync");
  SIMSHARD_RETURN_IF_ERROR(FsyncFd(fd_.get(), temp_path_));
  if (::close(fd_.release()) != 0) return PosixError(temp_path_ + ": close failed");
  CrashPoint("before-shard-rename");
  const std::string final_path = dir_ + "/" + name_;
  if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    return PosixError(final_path + ": cannot rename the sealed shard into place");
  }
  sealed_ = true;
  SIMSHARD_RETURN_IF_ERROR(FsyncDir(dir_));
  CrashPoint("after-shard-rename");
  checksum_hex_ = Hex64(hash_.Digest());
  return Status::OK();
}

ShardRow ShardBuilder::Row(uint64_t run, const std::string& sealed_at) const {
  return ShardRow{name_, file_bytes_, data_bytes_, index_.frames.size(), index_.records.size(), run,
                  checksum_hex_, sealed_at};
}

}  // namespace simshard
