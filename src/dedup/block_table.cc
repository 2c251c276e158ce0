#include "dedup/block_table.h"

#include <algorithm>

namespace simshard::dedup_internal {

namespace {
constexpr uint64_t kMinTailBeforeMerge = 4096;
}  // namespace

BlockTable::BlockTable(int block, int stored_blocks, const HugeVector<uint64_t>* simhashes)
    : block_(block),
      stored_blocks_(stored_blocks),
      simhashes_(simhashes), offsets_(kBuckets + 1, 0), tail_(kBuckets), tail_nonempty_(kBuckets / 64) {}

void BlockTable::Add(uint64_t simhash, uint32_t doc) {
  const uint32_t key = BlockOf(simhash, block_);
  tail_[key].push_back(Entry{simhash, doc});
  tail_nonempty_[key / 64] |= uint64_t{1} << (key % 64);
  ++tail_size_;
  if (tail_size_ >= kMinTailBeforeMerge && tail_size_ * 8 >= docs_.size()) Compact();
}

// Counting sort of the compact part, the tail and the new documents into fresh arrays;
// documents keep their insertion order inside a bucket.
void BlockTable::Compact(uint32_t first, uint32_t end) {
  if (tail_size_ == 0 && first == end) return;
  if (stored_blocks_ == 2) {
    CompactInto(&partials32_, first, end);
  } else {
    CompactInto(&partials16_, first, end);
  }
}

template <typename Stored>
void BlockTable::CompactInto(HugeVector<Stored>* old_partials, uint32_t first, uint32_t end) {
  const uint64_t* simhashes = simhashes_->data();
  HugeVector<uint32_t> offsets(kBuckets + 1, 0);
  for (uint32_t d = first; d < end; ++d) ++offsets[BlockOf(simhashes[d], block_) + 1];
  for (uint32_t b = 0; b < kBuckets; ++b) {
    offsets[b + 1] += offsets[b] + (offsets_[b + 1] - offsets_[b]) +
                      static_cast<uint32_t>(tail_[b].size());
  }
  HugeVector<Stored> partials;
  HugeVector<uint32_t> docs;
  partials.resize(offsets[kBuckets]);
  docs.resize(offsets[kBuckets]);
  // Where each bucket's new documents go: after its old entries and its tail.
  std::vector<uint32_t> cursor(kBuckets);
  for (uint32_t b = 0; b < kBuckets; ++b) {
    uint32_t out = offsets[b];
    const uint32_t old_size = offsets_[b + 1] - offsets_[b];
    std::copy_n(old_partials->data() + offsets_[b], old_size, partials.data() + out);
    std::copy_n(docs_.data() + offsets_[b], old_size, docs.data() + out);
    out += old_size;
    for (const Entry& e : tail_[b]) {
      partials[out] = static_cast<Stored>(Partial(e.simhash));
      docs[out] = e.doc;
      ++out;
    }
    cursor[b] = out;
  }
  for (uint32_t d = first; d < end; ++d) {
    const uint32_t out = cursor[BlockOf(simhashes[d], block_)]++;
    partials[out] = static_cast<Stored>(Partial(simhashes[d]));
    docs[out] = d;
  }
  offsets_.swap(offsets);
  old_partials->swap(partials);
  docs_.swap(docs);
  if (tail_size_ != 0) {
    std::vector<std::vector<Entry>>(kBuckets).swap(tail_);
    tail_nonempty_.assign(kBuckets / 64, 0);
    tail_size_ = 0;
  }
}

uint64_t BlockTable::MemoryBytes() const {
  uint64_t bytes = offsets_.capacity() * sizeof(uint32_t) +
                   partials32_.capacity() * sizeof(uint32_t) +
                   partials16_.capacity() * sizeof(uint16_t) +
                   docs_.capacity() * sizeof(uint32_t) +
                   tail_.capacity() * sizeof(std::vector<Entry>) +
                   tail_nonempty_.capacity() * sizeof(uint64_t);
  for (const auto& bucket : tail_) bytes += bucket.capacity() * sizeof(Entry);
  return bytes;
}

}  // namespace simshard::dedup_internal
