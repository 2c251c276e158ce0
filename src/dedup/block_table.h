// One table of the multi-index SimHash search: documents bucketed by one 16-bit block of
// their SimHash. A query probes its own block value and, within a block radius, the values
// a few bits away (Norouzi et al., "Fast Search in Hamming Space with Multi-Index
// Hashing"; the same pigeonhole idea as Manku et al.'s permuted tables).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace simshard::dedup_internal {

inline constexpr int kBlockBits = 16;
inline constexpr int kBlocks = 64 / kBlockBits;

inline uint32_t BlockOf(uint64_t simhash, int block) {
  return static_cast<uint32_t>(simhash >> (block * kBlockBits)) & ((1u << kBlockBits) - 1);
}

class BlockTable {
 public:
  explicit BlockTable(int block);

  void Add(uint64_t simhash, uint32_t doc);

  // Calls fn(simhash, doc) for every document whose block equals `key`.
  template <typename Fn>
  void ForEachInBucket(uint32_t key, Fn&& fn) const {
    for (uint32_t i = offsets_[key], end = offsets_[key + 1]; i < end; ++i) {
      fn(base_hashes_[i], base_docs_[i]);
    }
    for (const Entry& e : tail_[key]) fn(e.simhash, e.doc);
  }

  uint64_t MemoryBytes() const;

 private:
  struct Entry {
    uint64_t simhash;
    uint32_t doc;
  };
  void MergeTail();

  int block_;
  // Compact part: bucket b holds base_*[offsets_[b], offsets_[b+1]).
  std::vector<uint32_t> offsets_;
  std::vector<uint64_t> base_hashes_;
  std::vector<uint32_t> base_docs_;
  // Recent additions, one small vector per bucket, merged into the compact part once it
  // holds an eighth as many documents, so memory stays near 12 bytes per document.
  std::vector<std::vector<Entry>> tail_;
  uint64_t tail_size_ = 0;
};

}  // namespace simshard::dedup_internal
