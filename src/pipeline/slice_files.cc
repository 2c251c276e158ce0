#include "pipeline/slice_files.h"

namespace simshard::pipeline {

Result<std::vector<uint64_t>> SliceEnds(const std::vector<std::string>& slice_files) {
  std::vector<uint64_t> ends;
  uint64_t total = 0;
  for (const std::string& path : slice_files) {
    Result<uint64_t> n = StageRecordCount(path);
    if (!n.ok()) return n.status();
    ends.push_back(total += *n);
  }
  return ends;
}

Result<StageWriter*> PerSliceFiles::For(uint64_t seq, uint64_t* index) {
  while (slice_ < ends_.size() && seq >= ends_[slice_]) SIMSHARD_RETURN_IF_ERROR(FinishSlice());
  if (slice_ == ends_.size()) return Status::Corruption("document " + std::to_string(seq) + " is in no slice");
  SIMSHARD_RETURN_IF_ERROR(OpenSlice());
  *index = seq - (slice_ == 0 ? 0 : ends_[slice_ - 1]);
  return writer_.get();
}

Status PerSliceFiles::Finish() {
  while (slice_ < ends_.size()) SIMSHARD_RETURN_IF_ERROR(FinishSlice());
  return Status::OK();
}

Status PerSliceFiles::OpenSlice() {
  if (writer_) return Status::OK();
  writer_ = std::make_unique<StageWriter>();
  return writer_->Open(path_of_(static_cast<unsigned>(slice_)), magic_);
}

Status PerSliceFiles::FinishSlice() {
  SIMSHARD_RETURN_IF_ERROR(OpenSlice());
  SIMSHARD_RETURN_IF_ERROR(writer_->Finish());
  writer_.reset();
  ++slice_;
  return Status::OK();
}

}  // namespace simshard::pipeline
