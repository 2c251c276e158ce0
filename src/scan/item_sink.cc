#include "scan/item_sink.h"

#include <algorithm>

namespace simshard::scan {

bool ItemSink::Flush() {
  if (!pending_ || stopped_) return !stopped_;
  pending_->seq = seq_++;
  if (!sink_(std::move(*pending_))) stopped_ = true;
  pending_.reset();
  return !stopped_;
}

bool ItemSink::Add(RawItem&& item, uint64_t file_offset) {
  if (!Flush()) return false;
  item.input_bytes = file_offset > charged_ ? file_offset - charged_ : 0;
  charged_ = std::max(charged_, file_offset);
  pending_ = std::move(item);
  return true;
}

bool ItemSink::EndFile(uint64_t file_size) {
  if (pending_ && file_size > charged_) pending_->input_bytes += file_size - charged_;
  charged_ = 0;
  return Flush();
}

}  // namespace simshard::scan
