// Exact-duplicate lookup: content digest -> earliest document, as an open-addressing
// table of 4-byte document numbers (the digests themselves live in the index's arrays).
#pragma once

#include <cstdint>
#include <vector>

#include "dedup/huge_pages.h"
#include "simshard/fingerprint.h"

namespace simshard::dedup_internal {

class ExactTable {
 public:
  static constexpr uint32_t kNotFound = ~0u;

  // `digests[doc]` must stay valid for every document added.
  explicit ExactTable(const HugeVector<Digest>* digests) : digests_(digests) {}

  void Reserve(uint64_t documents);
  // Keeps the earliest document when the digest is already present.
  void Add(uint32_t doc);
  // Adds documents [first, end) in order, their cache misses overlapping (a bulk load).
  void AddRange(uint32_t first, uint32_t end);
  uint32_t Find(const Digest& digest) const;

  uint64_t MemoryBytes() const { return slots_.capacity() * sizeof(uint32_t); }

 private:
  size_t SlotFor(const Digest& digest) const;  // the digest's slot or the empty one
  size_t HomeSlot(const Digest& digest) const { return static_cast<size_t>(digest.low) & (slots_.size() - 1); }
  void Insert(uint32_t doc);  // with room for it
  void Rehash(size_t capacity);

  const HugeVector<Digest>* digests_;
  HugeVector<uint32_t> slots_;  // doc + 1; 0 is empty
  uint64_t size_ = 0;
};

}  // namespace simshard::dedup_internal
