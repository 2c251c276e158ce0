// One table of the multi-index SimHash search: documents bucketed by one 16-bit block of
// their SimHash. A query probes its own block value and, within a block radius, the values
// a few bits away (Norouzi et al., "Fast Search in Hamming Space with Multi-Index
// Hashing"; the same pigeonhole idea as Manku et al.'s permuted tables).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dedup/huge_pages.h"

namespace simshard::dedup_internal {

inline constexpr int kBlockBits = 16;
inline constexpr int kBlocks = 64 / kBlockBits;
inline constexpr uint32_t kBuckets = 1u << kBlockBits;

inline uint32_t BlockOf(uint64_t simhash, int block) {
  return static_cast<uint32_t>(simhash >> (block * kBlockBits)) & (kBuckets - 1);
}

// Bucket entries keep 32 of the 48 SimHash bits outside the bucket's block (the next two
// blocks) and the document number: 8 bytes, half the memory a lookup streams through
// compared with whole SimHashes. Entries that pass on those bits are checked against the
// document's full SimHash.
class BlockTable {
 public:
  // `simhashes[doc]` must stay valid for every document added.
  BlockTable(int block, const HugeVector<uint64_t>* simhashes);

  // Adds one document as a recent addition (merged into the compact arrays later).
  void Add(uint64_t simhash, uint32_t doc);
  // Moves recent additions, then documents [first, end) of `simhashes` (not added one by
  // one: a bulk load), into the compact arrays.
  void Compact(uint32_t first = 0, uint32_t end = 0);

  // Lookups run in passes over all probed buckets so that their cache misses overlap:
  // PrefetchBucket, then BucketRange, then a scan of partials() over each range (its
  // entries prefetched by PrefetchEntries a few buckets ahead), then, for the few entries
  // that pass on their partial bits, PrefetchDoc and DocAt.
  void PrefetchBucket(uint32_t key) const { __builtin_prefetch(&offsets_[key]); }
  struct Range {
    uint32_t begin, end;
  };
  Range BucketRange(uint32_t key) const { return Range{offsets_[key], offsets_[key + 1]}; }
  void PrefetchEntries(Range r) const {
    constexpr uintptr_t kLine = 64;
    const uintptr_t first = reinterpret_cast<uintptr_t>(partials_.data() + r.begin) & ~(kLine - 1);
    const uintptr_t last = reinterpret_cast<uintptr_t>(partials_.data() + r.end);
    for (uintptr_t p = first; p < last; p += kLine) __builtin_prefetch(reinterpret_cast<const void*>(p));
  }
  const uint32_t* partials() const { return partials_.data(); }
  // The bits of `simhash` that entries of this table store: the two blocks after the
  // table's own, not the one before it (the index's PartialRadius counts on that).
  uint32_t Partial(uint64_t simhash) const {
    return static_cast<uint32_t>(std::rotr(simhash, (block_ + 1) * kBlockBits));
  }
  void PrefetchDoc(uint32_t entry) const { __builtin_prefetch(&docs_[entry]); }
  uint32_t DocAt(uint32_t entry) const { return docs_[entry]; }

  // Calls fn(doc, distance) for every recent addition (not yet compacted) in bucket `key`
  // within `radius` bits of `query`.
  template <typename Fn>
  void ForEachRecentNear(uint32_t key, uint64_t query, int radius, Fn&& fn) const {
    if (tail_size_ == 0 || !(tail_nonempty_[key / 64] >> (key % 64) & 1)) return;
    for (const Entry& e : tail_[key]) {
      const int distance = __builtin_popcountll(e.simhash ^ query);
      if (distance <= radius) fn(e.doc, distance);
    }
  }

  uint64_t MemoryBytes() const;

 private:
  struct Entry {
    uint64_t simhash;
    uint32_t doc;
  };

  int block_;
  const HugeVector<uint64_t>* simhashes_;
  // Compact part: bucket b holds entries [offsets_[b], offsets_[b+1]).
  HugeVector<uint32_t> offsets_;
  HugeVector<uint32_t> partials_;
  HugeVector<uint32_t> docs_;
  // Recent additions, one small vector per bucket, merged into the compact part once they
  // number an eighth of it, so memory stays near 12 bytes per document. A bit per bucket
  // says whether its vector is non-empty, so most probes skip it without a cache miss.
  std::vector<std::vector<Entry>> tail_;
  std::vector<uint64_t> tail_nonempty_;
  uint64_t tail_size_ = 0;
};

}  // namespace simshard::dedup_internal
