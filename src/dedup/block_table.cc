#include "dedup/block_table.h"

#include <algorithm>

namespace simshard::dedup_internal {

namespace {
constexpr uint64_t kMinTailBeforeMerge = 4096;
}  // namespace

BlockTable::BlockTable(int block, int stored_blocks, const HugeVector<uint64_t>* simhashes)
    : block_(block),
      stored_blocks_(stored_blocks),
      simhashes_(simhashes), offsets_(kBuckets + 1, 0), nonempty_(kBuckets / 64), tail_head_(kBuckets, kNoEntry),
      tail_nonempty_(kBuckets / 64) {}

void BlockTable::Add(uint64_t simhash, uint32_t doc) {
  const uint32_t key = BlockOf(simhash, block_);
  tail_.push_back(Entry{simhash, doc, tail_head_[key]});
  tail_head_[key] = static_cast<uint32_t>(tail_.size() - 1);
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
  for (const Entry& e : tail_) ++offsets[BlockOf(e.simhash, block_) + 1];
  for (uint32_t d = first; d < end; ++d) ++offsets[BlockOf(simhashes[d], block_) + 1];
  for (uint32_t b = 0; b < kBuckets; ++b) offsets[b + 1] += offsets[b] + (offsets_[b + 1] - offsets_[b]);
  HugeVector<Stored> partials;
  HugeVector<uint32_t> docs;
  partials.resize(offsets[kBuckets]);
  docs.resize(offsets[kBuckets]);
  // Where each bucket's recent additions, then its new documents, go: after its old entries.
  std::vector<uint32_t> cursor(kBuckets);
  for (uint32_t b = 0; b < kBuckets; ++b) {
    const uint32_t old_size = offsets_[b + 1] - offsets_[b];
    std::copy_n(old_partials->data() + offsets_[b], old_size, partials.data() + offsets[b]);
    std::copy_n(docs_.data() + offsets_[b], old_size, docs.data() + offsets[b]);
    cursor[b] = offsets[b] + old_size;
  }
  for (const Entry& e : tail_) {
    const uint32_t out = cursor[BlockOf(e.simhash, block_)]++;
    partials[out] = static_cast<Stored>(Partial(e.simhash));
    docs[out] = e.doc;
  }
  for (uint32_t d = first; d < end; ++d) {
    const uint32_t out = cursor[BlockOf(simhashes[d], block_)]++;
    partials[out] = static_cast<Stored>(Partial(simhashes[d]));
    docs[out] = d;
  }
  offsets_.swap(offsets);
  for (uint32_t b = 0; b < kBuckets; ++b) {
    if (offsets_[b + 1] != offsets_[b]) nonempty_[b / 64] |= uint64_t{1} << (b % 64);
  }
  old_partials->swap(partials);
  docs_.swap(docs);
  ClearRecent();
}

// Only the buckets that have recent additions are touched; the array keeps its memory
// for the next ones.
void BlockTable::ClearRecent() {
  for (const Entry& e : tail_) {
    const uint32_t key = BlockOf(e.simhash, block_);
    tail_head_[key] = kNoEntry;
    tail_nonempty_[key / 64] = 0;
  }
  tail_.clear();
  tail_size_ = 0;
}

uint64_t BlockTable::MemoryBytes() const {
  uint64_t bytes = offsets_.capacity() * sizeof(uint32_t) +
                   partials32_.capacity() * sizeof(uint32_t) +
                   partials16_.capacity() * sizeof(uint16_t) +
                   docs_.capacity() * sizeof(uint32_t) +
                   tail_.capacity() * sizeof(Entry) +
                   nonempty_.capacity() * sizeof(uint64_t) +
                   tail_head_.capacity() * sizeof(uint32_t) +
                   tail_nonempty_.capacity() * sizeof(uint64_t);
  return bytes;
}

}  // namespace simshard::dedup_internal
