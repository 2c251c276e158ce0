// DedupIndex: exact digests in a hash table, near duplicates by multi-index SimHash
// search within options.max_distance, each candidate verified by sketch similarity.
#include <algorithm>
#include <array>
#include <bit>
#include <vector>

#include "dedup/block_table.h"
#include "dedup/exact_table.h"
#include "dedup/partial_scan.h"
#include "simshard/dedup.h"

namespace simshard {

using dedup_internal::BlockOf;
using dedup_internal::BlockTable;
using dedup_internal::ExactTable;
using dedup_internal::kBlockBits;
using dedup_internal::kBlocks;

namespace {

constexpr int kMaxSupportedDistance = 3 * kBlocks - 1;  // block radius 2 at most
static_assert(kMaxSupportedDistance == kMaxDistanceBounds.max, "the published bound is the tables' reach");
// Buckets whose entries are being fetched while one is scanned: enough to keep several
// cache misses in flight, few enough that fetched lines are still in L1 when scanned.
constexpr int kAhead = 8;
// Fewer pending documents than this go into the tables one by one.
constexpr uint32_t kMinBulkLoad = 4096;
constexpr int kMaxProbes = kBlocks * (1 + kBlockBits + kBlockBits * (kBlockBits - 1) / 2);

// Block values within `radius` bits of `key` (radius 0, 1 or 2).
template <typename Fn>
__attribute__((always_inline)) inline void ForEachProbe(uint32_t key, int radius, Fn&& fn) {
  fn(key);
  if (radius < 1) return;
  for (int i = 0; i < kBlockBits; ++i) {
    fn(key ^ (1u << i));
    if (radius < 2) continue;
    for (int j = i + 1; j < kBlockBits; ++j) fn(key ^ (1u << i) ^ (1u << j));
  }
}

}  // namespace

struct DedupIndex::Impl {
  explicit Impl(DedupOptions o)
      : options(o),
        // CheckDedupOptions refuses a radius the tables cannot reach; the bound is kept
        // here too so that no caller can make a lookup probe outside them.
        radius(std::min(o.max_distance, kMaxSupportedDistance)),
        block_radius(radius < 0 ? 0 : radius / kBlocks),
        exact(&digests),
        tables{BlockTable(0, 2, &simhashes), BlockTable(1, 2, &simhashes),
               BlockTable(2, 1, &simhashes), BlockTable(3, 1, &simhashes)} {}

  // Calls fn(doc, distance) once for each document within `radius` of `simhash`. By the
  // pigeonhole principle one of its blocks is within block_radius of the query's; it is
  // reported from the first table where that holds.
  template <typename Fn>
  __attribute__((always_inline)) void ForEachCandidate(uint64_t simhash, Fn&& fn) {
    struct Probe {
      int table;
      uint32_t key;
      BlockTable::Range range;
    };
    Probe probes[kMaxProbes];
    int count = 0;
    size_t most_entries = 0;
    for (int t = 0; t < kBlocks; ++t) {
      ForEachProbe(BlockOf(simhash, t), block_radius, [&](uint32_t key) {
        if (!tables[t].MayHave(key)) return;
        tables[t].PrefetchBucket(key);
        probes[count++] = Probe{t, key, {}};
      });
    }
    for (int i = 0; i < count; ++i) {
      probes[i].range = tables[probes[i].table].BucketRange(probes[i].key);
      tables[probes[i].table].PrefetchRecent(probes[i].key);
      most_entries += probes[i].range.end - probes[i].range.begin;
    }
    if (passes.size() < most_entries) passes.resize(most_entries);
    for (int i = 0; i < std::min(kAhead, count); ++i) {
      tables[probes[i].table].PrefetchEntries(probes[i].range);
    }
    // Pass 1: the entries whose stored bits are close enough, table by table.
    const dedup_internal::PartialScan scan = dedup_internal::ActivePartialScan();
    uint32_t* out = passes.data();
    uint32_t* table_end[kBlocks];  // a table without probes ends where the one before it does
    std::fill_n(table_end, kBlocks, out);
    for (int i = 0; i < count; ++i) {
      if (i + kAhead < count) {
        tables[probes[i + kAhead].table].PrefetchEntries(probes[i + kAhead].range);
      }
      const Probe& p = probes[i];
      const BlockTable& table = tables[p.table];
      const int key_distance = __builtin_popcount(p.key ^ BlockOf(simhash, p.table));
      const int partial_radius = PartialRadius(p.table, key_distance);
      // Most buckets of a small index are empty: no call for them.
      if (partial_radius >= 0 && p.range.begin != p.range.end) {
        out = table.Scan(scan, p.range, simhash, partial_radius, out);
      }
      std::fill(table_end + p.table, table_end + kBlocks, out);
      table.ForEachRecentNear(p.key, simhash, radius, [&](uint32_t doc, int distance) {
        if (!SeenInEarlierTable(simhash ^ simhashes[doc], p.table)) fn(doc, distance);
      });
    }
    ForEachPassing(simhash, table_end, fn);
  }

  // Pass 2 of a lookup: the documents of the entries in `passes` (table t's end at
  // table_end[t]) that lie within the radius and no earlier table reports, their cache
  // misses (document number, then SimHash) overlapping.
  template <typename Fn>
  __attribute__((always_inline)) void ForEachPassing(uint64_t simhash,
                                                     uint32_t* const table_end[kBlocks],
                                                     Fn&& fn) {
    uint32_t* begin = passes.data();
    for (int t = 0; t < kBlocks; ++t) {
      for (const uint32_t* e = begin; e < table_end[t]; ++e) tables[t].PrefetchDoc(*e);
      begin = table_end[t];
    }
    begin = passes.data();
    for (int t = 0; t < kBlocks; ++t) {
      for (uint32_t* e = begin; e < table_end[t]; ++e) {
        *e = tables[t].DocAt(*e);
        __builtin_prefetch(&simhashes[*e]);
      }
      begin = table_end[t];
    }
    begin = passes.data();
    for (int t = 0; t < kBlocks; ++t) {
      for (const uint32_t* e = begin; e < table_end[t]; ++e) {
        const uint64_t diff = simhash ^ simhashes[*e];
        const int distance = std::popcount(diff);
        if (distance <= radius && !SeenInEarlierTable(diff, t)) fn(*e, distance);
      }
      begin = table_end[t];
    }
  }

  // Puts the documents added since the last call into the exact table and the block
  // tables: many at once by one counting sort, a few as recent additions.
  void IndexPending() {
    const auto exact_only_end = static_cast<uint32_t>(exact_only_ordinals.size());
    exact_only.AddRange(exact_only_indexed, exact_only_end);
    exact_only_indexed = exact_only_end;
    const auto end = static_cast<uint32_t>(ordinals.size());
    if (indexed == end) return;
    exact.AddRange(indexed, end);
    const uint32_t pending = end - indexed;
    if (radius >= 0 && pending >= kMinBulkLoad && pending >= indexed / 8) {
      for (BlockTable& table : tables) table.Compact(indexed, end);
    } else if (radius >= 0) {
      for (uint32_t doc = indexed; doc < end; ++doc) {
        for (BlockTable& table : tables) table.Add(simhashes[doc], doc);
      }
    }
    indexed = end;
  }

  // How many of the bits an entry of `table` stores may differ from the query's, in a
  // bucket key_distance bits from the query's block. A document this table reports
  // differs in more than block_radius bits in the block of every earlier table (else
  // that table reports it); those of them the entry does not store leave fewer bits for
  // the blocks it stores. Tables 2 and 3 store one block and lack two earlier ones, so
  // of their 16 stored bits at most 3 may differ: 1 random entry in 100 or fewer passes.
  int PartialRadius(int table, int key_distance) const {
    int unstored_earlier = 0;
    for (int s = 0; s < table; ++s) {
      const int after = (s - table + kBlocks) % kBlocks;  // blocks after the table's own
      unstored_earlier += after > tables[table].stored_blocks();
    }
    return radius - key_distance - unstored_earlier * (block_radius + 1);
  }

  __attribute__((always_inline)) bool SeenInEarlierTable(uint64_t diff, int table) const {
    for (int t = 0; t < table; ++t) {
      if (__builtin_popcount(BlockOf(diff, t)) <= block_radius) return true;
    }
    return false;
  }

  DedupOptions options;
  int radius;
  int block_radius;
  // Per document, indexed by the order of Add().
  dedup_internal::HugeVector<uint64_t> ordinals;
  dedup_internal::HugeVector<uint64_t> simhashes;
  dedup_internal::HugeVector<Digest> digests;
  dedup_internal::HugeVector<Sketch> sketches;
  ExactTable exact;
  std::array<BlockTable, kBlocks> tables;
  // Exact-only documents: their own numbers, digests and table, no SimHash, no sketch.
  dedup_internal::HugeVector<uint64_t> exact_only_ordinals;
  dedup_internal::HugeVector<Digest> exact_only_digests;
  ExactTable exact_only{&exact_only_digests};
  uint32_t exact_only_indexed = 0;
  DedupStats stats;
  std::vector<uint32_t> passes;  // lookup scratch: entries, then documents, that pass
  uint64_t compact_at = 0;  // size given to Reserve()
  // Documents [indexed, size) are stored but not yet in the tables: Add only appends, and
  // the next Find (or reaching the reserved size) indexes them.
  uint32_t indexed = 0;
};

Status CheckDedupOptions(const DedupOptions& options) {
  SIMSHARD_RETURN_IF_ERROR(CheckBounds<int64_t>("max_distance", options.max_distance, kMaxDistanceBounds));
  return CheckBounds("min_similarity", options.min_similarity, kMinSimilarityBounds);
}

DedupOptions DedupOptions::Defaults() {
  DedupOptions o;
  o.max_distance = 7;
  o.min_similarity = 0.3;
  return o;
}

DedupIndex::DedupIndex(DedupOptions options) : impl_(std::make_unique<Impl>(options)) {}
DedupIndex::~DedupIndex() = default;

void DedupIndex::Reserve(uint64_t documents) {
  impl_->compact_at = documents;
  impl_->ordinals.reserve(documents);
  impl_->simhashes.reserve(documents);
  impl_->digests.reserve(documents);
  impl_->sketches.reserve(documents);
  impl_->exact.Reserve(documents);
}

void DedupIndex::Add(uint64_t ordinal, const Digest& digest, const Fingerprint& fp) {
  Impl& m = *impl_;
  m.ordinals.push_back(ordinal);
  m.simhashes.push_back(fp.simhash);
  m.digests.push_back(digest);
  m.sketches.push_back(fp.sketch);
  // The reserved documents are in (a bulk load from the catalog): make lookups fast.
  if (m.ordinals.size() + m.exact_only_ordinals.size() == m.compact_at) m.IndexPending();
}

void DedupIndex::AddExactOnly(uint64_t ordinal, const Digest& digest) {
  Impl& m = *impl_;
  m.exact_only_ordinals.push_back(ordinal);
  m.exact_only_digests.push_back(digest);
  if (m.ordinals.size() + m.exact_only_ordinals.size() == m.compact_at) m.IndexPending();
}

Match DedupIndex::FindExact(const Digest& digest) const {
  Impl& m = *impl_;
  m.IndexPending();
  Match match;
  const uint32_t doc = m.exact.Find(digest);
  const uint32_t exact_only = m.exact_only.Find(digest);
  // The two kinds hash different things (text, bytes), so at most one finds it; the
  // earlier wins all the same.
  if (doc != ExactTable::kNotFound) {
    match.kind = Match::Kind::kExact;
    match.ordinal = m.ordinals[doc];
  }
  if (exact_only != ExactTable::kNotFound &&
      (match.kind == Match::Kind::kNone || m.exact_only_ordinals[exact_only] < match.ordinal)) {
    match.kind = Match::Kind::kExact;
    match.ordinal = m.exact_only_ordinals[exact_only];
  }
  return match;
}

// Hamming distances dominate a lookup: on x86-64 a second copy of this function uses the
// POPCNT instruction (present on every x86-64 CPU since 2008), chosen when the program
// loads; other CPUs run the portable copy.
// Not under ThreadSanitizer: its runtime starts after ifunc resolvers run, so they crash.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("popcnt", "default")))
#endif
Match DedupIndex::Find(const Digest& digest, const Fingerprint& fp) const {
  Impl& m = *impl_;
  ++m.stats.lookups;
  Match match = FindExact(digest);
  if (match.kind == Match::Kind::kExact || m.radius < 0) return match;
  m.ForEachCandidate(fp.simhash, [&](uint32_t doc, int distance) {
    ++m.stats.candidates;
    const double similarity = SketchSimilarity(m.sketches[doc], fp.sketch);
    if (similarity < m.options.min_similarity) {
      ++m.stats.false_candidates;
      return;
    }
    const uint64_t ordinal = m.ordinals[doc];
    if (match.kind == Match::Kind::kNear && ordinal >= match.ordinal) return;
    match.kind = Match::Kind::kNear;
    match.ordinal = ordinal;
    match.distance = distance;
    match.similarity = similarity;
  });
  return match;
}

// With the POPCNT copy too, as Find.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("popcnt", "default")))
#endif
void DedupIndex::ForEachNear(const Fingerprint& fp, const NearFn& fn) const {
  Impl& m = *impl_;
  m.IndexPending();
  m.ForEachCandidate(fp.simhash, [&](uint32_t doc, int distance) {
    const double similarity = SketchSimilarity(m.sketches[doc], fp.sketch);
    if (similarity >= m.options.min_similarity) fn(m.ordinals[doc], distance, similarity);
  });
}

const DedupStats& DedupIndex::stats() const { return impl_->stats; }
uint64_t DedupIndex::size() const {
  return impl_->ordinals.size() + impl_->exact_only_ordinals.size();
}

uint64_t DedupIndex::MemoryBytes() const {
  const Impl& m = *impl_;
  uint64_t bytes = m.ordinals.capacity() * sizeof(uint64_t) +
                   m.simhashes.capacity() * sizeof(uint64_t) +
                   m.digests.capacity() * sizeof(Digest) +
                   m.sketches.capacity() * sizeof(Sketch) + m.exact.MemoryBytes() +
                   m.exact_only_ordinals.capacity() * sizeof(uint64_t) +
                   m.exact_only_digests.capacity() * sizeof(Digest) +
                   m.exact_only.MemoryBytes() + m.passes.capacity() * sizeof(uint32_t);
  for (const BlockTable& table : m.tables) bytes += table.MemoryBytes();
  return bytes;
}

}  // namespace simshard
