// Numbers raw items in input order and charges each with the input bytes read since the
// previous one, so per-item byte counts of a file sum to the file's size.
#pragma once

#include <functional>
#include <optional>

#include "simshard/scan.h"

namespace simshard::scan {

class ItemSink {
 public:
  explicit ItemSink(const std::function<bool(RawItem&&)>& sink) : sink_(sink) {}

  // Queues `item`, having read the file up to `file_offset`. Returns false once the
  // consumer asked to stop.
  bool Add(RawItem&& item, uint64_t file_offset);
  // The file is done at `file_size` bytes: the last item takes the remainder.
  bool EndFile(uint64_t file_size);
  bool stopped() const { return stopped_; }

 private:
  bool Flush();
  const std::function<bool(RawItem&&)>& sink_;
  std::optional<RawItem> pending_;
  uint64_t charged_ = 0;  // bytes of the current file already given to items
  uint64_t seq_ = 0;
  bool stopped_ = false;
};

}  // namespace simshard::scan
