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
  size_t i = HomeSlot(digest);
  while (slots_[i] != 0 && !((*digests_)[slots_[i] - 1] == digest)) i = (i + 1) & mask;
  return i;
}

void ExactTable::Insert(uint32_t doc) {
  const size_t slot = SlotFor((*digests_)[doc]);
  if (slots_[slot] != 0) return;
  slots_[slot] = doc + 1;
  ++size_;
}

void ExactTable::Add(uint32_t doc) { AddRange(doc, doc + 1); }

void ExactTable::AddRange(uint32_t first, uint32_t end) {
  if (first == end) return;
  size_t capacity = slots_.empty() ? 16 : slots_.size();
  while (TooFull(size_ + (end - first), capacity)) capacity *= 2;
  if (capacity != slots_.size()) Rehash(capacity);
  // Slots are random places in a table of hundreds of megabytes: fetch a document's home
  // slot kAhead documents before inserting it, and the digest found there (a collision to
  // compare with) half as far ahead.
  constexpr uint32_t kAhead = 16;
  const Digest* digests = digests_->data();
  for (uint32_t d = first; d < end; ++d) {
    if (end - d > kAhead) __builtin_prefetch(&slots_[HomeSlot(digests[d + kAhead])]);
    if (end - d > kAhead / 2) {
      const uint32_t there = slots_[HomeSlot(digests[d + kAhead / 2])];
      if (there != 0) __builtin_prefetch(&digests[there - 1]);
    }
    Insert(d);
  }
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
