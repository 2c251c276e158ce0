#include "dedup/block_table.h"

namespace simshard::dedup_internal {

namespace {
constexpr uint32_t kBuckets = 1u << kBlockBits;
constexpr uint64_t kMinTailBeforeMerge = 4096;
}  // namespace

BlockTable::BlockTable(int block) : block_(block), offsets_(kBuckets + 1, 0), tail_(kBuckets) {}

void BlockTable::Add(uint64_t simhash, uint32_t doc) {
  tail_[BlockOf(simhash, block_)].push_back(Entry{simhash, doc});
  ++tail_size_;
  if (tail_size_ >= kMinTailBeforeMerge && tail_size_ * 8 >= base_docs_.size()) MergeTail();
}

// Counting sort of base and tail into a fresh compact part; documents keep their
// insertion order inside a bucket.
void BlockTable::MergeTail() {
  std::vector<uint32_t> offsets(kBuckets + 1, 0);
  for (uint32_t b = 0; b < kBuckets; ++b) {
    offsets[b + 1] = offsets[b] + (offsets_[b + 1] - offsets_[b]) +
                     static_cast<uint32_t>(tail_[b].size());
  }
  const size_t total = offsets[kBuckets];
  std::vector<uint64_t> hashes(total);
  std::vector<uint32_t> docs(total);
  for (uint32_t b = 0; b < kBuckets; ++b) {
    uint32_t out = offsets[b];
    for (uint32_t i = offsets_[b]; i < offsets_[b + 1]; ++i, ++out) {
      hashes[out] = base_hashes_[i];
      docs[out] = base_docs_[i];
    }
    for (const Entry& e : tail_[b]) {
      hashes[out] = e.simhash;
      docs[out] = e.doc;
      ++out;
    }
  }
  offsets_.swap(offsets);
  base_hashes_.swap(hashes);
  base_docs_.swap(docs);
  std::vector<std::vector<Entry>>(kBuckets).swap(tail_);
  tail_size_ = 0;
}

uint64_t BlockTable::MemoryBytes() const {
  uint64_t bytes = offsets_.capacity() * sizeof(uint32_t) +
                   base_hashes_.capacity() * sizeof(uint64_t) +
                   base_docs_.capacity() * sizeof(uint32_t) +
                   tail_.capacity() * sizeof(std::vector<Entry>);
  for (const auto& bucket : tail_) bytes += bucket.capacity() * sizeof(Entry);
  return bytes;
}

}  // namespace simshard::dedup_internal
