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
#include "dedup/partial_scan.h"

namespace simshard::dedup_internal {

inline constexpr int kBlockBits = 16;
inline constexpr int kBlocks = 64 / kBlockBits;
inline constexpr uint32_t kBuckets = 1u << kBlockBits;

inline uint32_t BlockOf(uint64_t simhash, int block) {
  return static_cast<uint32_t>(simhash >> (block * kBlockBits)) & (kBuckets - 1);
}

// Asks for every cache line of [begin, end) to be brought in. GCC deems a prefetch free of
// side effects and, once it has seen through a call, drops calls to a loop of them: the
// empty asm statement keeps them.
inline void PrefetchLines(const void* begin, const void* end) {
  constexpr uintptr_t kLine = 64;
  const char* first = static_cast<const char*>(begin) - reinterpret_cast<uintptr_t>(begin) % kLine;
  for (const char* p = first; p < static_cast<const char*>(end); p += kLine) {
    __builtin_prefetch(p);
    asm volatile("" : : "r"(p));
  }
}

// Bucket entries keep the next one or two 16-bit blocks after the bucket's own (16 or 32
// of the 48 other SimHash bits; the document number sits in a parallel array): a lookup
// streams 2 or 4 bytes per entry instead of 8 for whole SimHashes. Entries that pass on
// those bits are checked against the document's full SimHash.
class BlockTable {
 public:
  // `simhashes[doc]` must stay valid for every document added. `stored_blocks`: 1 or 2.
  BlockTable(int block, int stored_blocks, const HugeVector<uint64_t>* simhashes);

  // Adds one document as a recent addition (merged into the compact arrays later).
  void Add(uint64_t simhash, uint32_t doc);
  // Moves recent additions, then documents [first, end) of `simhashes` (not added one by
  // one: a bulk load), into the compact arrays.
  void Compact(uint32_t first = 0, uint32_t end = 0);

  // Lookups run in passes over all probed buckets so that their cache misses overlap:
  // PrefetchBucket, then BucketRange and PrefetchRecent, then Scan over each range (its
  // entries prefetched by PrefetchEntries a few buckets ahead), then, for the few entries
  // that pass on their partial bits, PrefetchDoc and DocAt.
  // False when bucket `key` holds no document: a probe of a small index mostly meets
  // empty buckets, and skips them on one bit instead of a cache miss in offsets_.
  bool MayHave(uint32_t key) const {
    return ((nonempty_[key / 64] | tail_nonempty_[key / 64]) >> (key % 64)) & 1;
  }
  void PrefetchBucket(uint32_t key) const {
    __builtin_prefetch(&offsets_[key]);
    if (HasRecent(key)) __builtin_prefetch(&tail_head_[key]);
  }
  struct Range {
    uint32_t begin, end;
  };
  Range BucketRange(uint32_t key) const { return Range{offsets_[key], offsets_[key + 1]}; }
  // The newest recent addition of bucket `key`, once its head (PrefetchBucket) is in.
  void PrefetchRecent(uint32_t key) const {
    if (HasRecent(key)) __builtin_prefetch(&tail_[tail_head_[key]]);
  }
  void PrefetchEntries(Range r) const {
    if (stored_blocks_ == 2) {
      PrefetchLines(partials32_.data() + r.begin, partials32_.data() + r.end);
    } else {
      PrefetchLines(partials16_.data() + r.begin, partials16_.data() + r.end);
    }
  }
  // Writes to `out` the entries of `r` whose stored bits are within `radius` of the
  // query's (see PartialScanFn).
  uint32_t* Scan(const PartialScan& scan, Range r, uint64_t query, int radius,
                 uint32_t* out) const {
    return stored_blocks_ == 2
               ? scan.scan32(partials32_.data(), r.begin, r.end, Partial(query), radius, out)
               : scan.scan16(partials16_.data(), r.begin, r.end, Partial(query), radius, out);
  }
  // Entries store the `stored_blocks` blocks after the table's own, never the one before it.
  int stored_blocks() const { return stored_blocks_; }
  void PrefetchDoc(uint32_t entry) const { __builtin_prefetch(&docs_[entry]); }
  uint32_t DocAt(uint32_t entry) const { return docs_[entry]; }

  // Calls fn(doc, distance) for every recent addition (not yet compacted) in bucket `key`
  // within `radius` bits of `query`.
  template <typename Fn>
  void ForEachRecentNear(uint32_t key, uint64_t query, int radius, Fn&& fn) const {
    if (!HasRecent(key)) return;
    for (uint32_t i = tail_head_[key]; i != kNoEntry; i = tail_[i].next) {
      const int distance = __builtin_popcountll(tail_[i].simhash ^ query);
      if (distance <= radius) fn(tail_[i].doc, distance);
    }
  }

  uint64_t MemoryBytes() const;

 private:
  // A recent addition; `next` is the one added before it to the same bucket.
  struct Entry {
    uint64_t simhash;
    uint32_t doc;
    uint32_t next;
  };
  static constexpr uint32_t kNoEntry = ~0u;

  bool HasRecent(uint32_t key) const {
    return tail_size_ != 0 && (tail_nonempty_[key / 64] >> (key % 64) & 1);
  }
  void ClearRecent();

  // The bits of `simhash` that entries of this table store.
  uint32_t Partial(uint64_t simhash) const {
    const auto next = static_cast<uint32_t>(std::rotr(simhash, (block_ + 1) * kBlockBits));
    return stored_blocks_ == 2 ? next : next & (kBuckets - 1);
  }
  template <typename Stored>
  void CompactInto(HugeVector<Stored>* partials, uint32_t first, uint32_t end);

  int block_;
  int stored_blocks_;
  const HugeVector<uint64_t>* simhashes_;
  // Compact part: bucket b holds entries [offsets_[b], offsets_[b+1]) of docs_ and of
  // the one partials array in use (stored_blocks_ 2: partials32_, 1: partials16_).
  HugeVector<uint32_t> offsets_;
  HugeVector<uint32_t> partials32_;
  HugeVector<uint16_t> partials16_;
  HugeVector<uint32_t> docs_;
  std::vector<uint64_t> nonempty_;  // a bit per bucket with compact entries
  // Recent additions, in one array in the order added and chained per bucket from
  // tail_head_ (newest first): no allocation per addition, and a probe touches a 4-byte
  // head and a small array instead of a vector header and its own block. Merged into the
  // compact part once they number an eighth of it, so memory stays near 8 bytes per
  // document. A bit per bucket says whether its chain is non-empty, so most probes skip it
  // without a cache miss.
  std::vector<Entry> tail_;
  std::vector<uint32_t> tail_head_;
  std::vector<uint64_t> tail_nonempty_;
  uint64_t tail_size_ = 0;
};

}  // namespace simshard::dedup_internal
