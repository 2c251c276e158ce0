#include "dedup/exact_table.h"

namespace simshard::dedup_internal {

namespace {
// Grow past half full: a miss (the common case) then reads about 2.5 slots, each of them
// a digest comparison that may miss the cache; about 11 bytes per document.
bool TooFull(uint64_t size, size_t capacity) { return size * 2 >= capacity; }
}  // namespace

void ExactTable::Reserve(uint64_t documents) {
  size_t capacity = slots_.empty() ? 16 : slots_.size();
  while (TooFull(documents + 1, capacity)) capacity *= 2;
  if (capacity != slots_.size()) Rehash(capacity);
}

size_t ExactTable::SlotFor(const Digest& digest) const {
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(digest.low) & mask;
  while (slots_[i] != 0 && !((*digests_)[slots_[i] - 1] == digest)) i = (i + 1) & mask;
  return i;
}

void ExactTable::Add(uint32_t doc) {
  if (slots_.empty() || TooFull(size_ + 1, slots_.size())) {
    Rehash(slots_.empty() ? 16 : slots_.size() * 2);
  }
  const size_t slot = SlotFor((*digests_)[doc]);
  if (slots_[slot] != 0) return;
  slots_[slot] = doc + 1;
  ++size_;
}

uint32_t ExactTable::Find(const Digest& digest) const {
  if (slots_.empty()) return kNotFound;
  const uint32_t v = slots_[SlotFor(digest)];
  return v == 0 ? kNotFound : v - 1;
}

void ExactTable::Rehash(size_t capacity) {
  HugeVector<uint32_t> old;
  old.swap(slots_);
  slots_.assign(capacity, 0);
  for (uint32_t v : old) {
    if (v != 0) slots_[SlotFor((*digests_)[v - 1])] = v;
  }
}

}  // namespace simshard::dedup_internal
