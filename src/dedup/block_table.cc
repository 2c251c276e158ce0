#include "dedup/block_table.h"

namespace simshard::dedup_internal {

namespace {
constexpr uint64_t kMinTailBeforeMerge = 4096;
}  // namespace

BlockTable::BlockTable(int block, const HugeVector<uint64_t>* simhashes)
    : block_(block), simhashes_(simhashes), offsets_(kBuckets + 1, 0), tail_(kBuckets), tail_nonempty_(kBuckets / 64) {}

void BlockTable::Add(uint64_t simhash, uint32_t doc) {
  const uint32_t key = BlockOf(simhash, block_);
  tail_[key].push_back(Entry{simhash, doc});
  tail_nonempty_[key / 64] |= uint64_t{1} << (key % 64);
  ++tail_size_;
  if (tail_size_ >= kMinTailBeforeMerge && tail_size_ * 8 >= docs_.size()) Compact();
}

// Counting sort of base and tail into fresh compact arrays; documents keep their
// insertion order inside a bucket.
void BlockTable::Compact() {
  if (tail_size_ == 0) return;
  HugeVector<uint32_t> offsets(kBuckets + 1, 0);
  for (uint32_t b = 0; b < kBuckets; ++b) {
    offsets[b + 1] = offsets[b] + (offsets_[b + 1] - offsets_[b]) +
                     static_cast<uint32_t>(tail_[b].size());
  }
  const size_t total = offsets[kBuckets];
  HugeVector<uint32_t> partials(total);
  HugeVector<uint32_t> docs(total);
  for (uint32_t b = 0; b < kBuckets; ++b) {
    uint32_t out = offsets[b];
    for (uint32_t i = offsets_[b]; i < offsets_[b + 1]; ++i, ++out) {
      partials[out] = partials_[i];
      docs[out] = docs_[i];
    }
    for (const Entry& e : tail_[b]) {
      partials[out] = Partial(e.simhash);
      docs[out] = e.doc;
      ++out;
    }
  }
  offsets_.swap(offsets);
  partials_.swap(partials);
  docs_.swap(docs);
  std::vector<std::vector<Entry>>(kBuckets).swap(tail_);
  tail_nonempty_.assign(kBuckets / 64, 0);
  tail_size_ = 0;
}

uint64_t BlockTable::MemoryBytes() const {
  uint64_t bytes = offsets_.capacity() * sizeof(uint32_t) +
                   partials_.capacity() * sizeof(uint32_t) +
                   docs_.capacity() * sizeof(uint32_t) +
                   tail_.capacity() * sizeof(std::vector<Entry>) +
                   tail_nonempty_.capacity() * sizeof(uint64_t);
  for (const auto& bucket : tail_) bytes += bucket.capacity() * sizeof(Entry);
  return bytes;
}

}  // namespace simshard::dedup_internal
