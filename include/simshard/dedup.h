// Stage 4: dedup. Finds the earliest archived document that a new one repeats, exactly
// (same digest) or nearly (SimHash candidates within a Hamming radius, then verified by
// sketch similarity). Never an all-pairs scan.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "simshard/bounds.h"
#include "simshard/fingerprint.h"

namespace simshard {

struct DedupOptions {
  // SimHash Hamming radius searched for candidates (kMaxDistanceBounds): up to 7 a lookup
  // probes 68 buckets, 8 to 11 548; the permuted tables reach no further.
  int max_distance = 0;
  double min_similarity = 0.0;  // sketch similarity a candidate must reach (--threshold)
  // Radius 7 and similarity 0.3, chosen by measurement: see doc/DEDUP.md.
  static DedupOptions Defaults();
};

inline constexpr Bounds<int64_t> kMaxDistanceBounds{0, 11};
inline constexpr Bounds<double> kMinSimilarityBounds{0.0, 1.0};
// Every option within its bounds; DedupIndex assumes it.
Status CheckDedupOptions(const DedupOptions& options);

struct Match {
  enum class Kind : uint8_t { kNone, kExact, kNear };
  Kind kind = Kind::kNone;
  uint64_t ordinal = 0;     // of the document repeated (earliest one that passed)
  int distance = 0;         // SimHash Hamming distance (kNear)
  double similarity = 1.0;  // verified similarity (kNear)
};

struct DedupStats {
  uint64_t lookups = 0;
  uint64_t candidates = 0;        // documents within the radius
  uint64_t false_candidates = 0;  // candidates that failed verification
};

class DedupIndex {
 public:
  explicit DedupIndex(DedupOptions options = DedupOptions::Defaults());
  ~DedupIndex();
  DedupIndex(const DedupIndex&) = delete;
  DedupIndex& operator=(const DedupIndex&) = delete;

  // Sizes the index for `documents`; when that many have been added, the index builds its
  // tables at once, so reserve before a bulk load (earlier nights) for the fastest start.
  void Reserve(uint64_t documents);

  // Ordinals are archive order. Add them in increasing order: an exact lookup reports the
  // first document added with a digest (near lookups compare ordinals themselves).
  // Documents added since the last Find are indexed by the next Find, in bulk when many.
  void Add(uint64_t ordinal, const Digest& digest, const Fingerprint& fp);
  // A document that only an equal digest may repeat: never a near-duplicate candidate
  // (a page whose text is too thin to compare, doc/DEDUP.md).
  void AddExactOnly(uint64_t ordinal, const Digest& digest);

  // The earliest added document that this one repeats, or kind kNone: an equal digest
  // first (kExact), else the smallest ordinal among the documents within max_distance
  // whose sketch similarity reaches min_similarity (kNear). Updates stats(), so calls
  // must not overlap (the pipeline decides on one thread).
  Match Find(const Digest& digest, const Fingerprint& fp) const;
  // The earliest added document (exact-only or not) with this digest, or kind kNone;
  // never a near match. Not counted in stats().
  Match FindExact(const Digest& digest) const;

  // Every added document that is a near-duplicate candidate (not exact-only) within
  // max_distance whose sketch similarity reaches min_similarity, as fn(ordinal, distance,
  // similarity), in no particular order: the set Find takes the earliest of. Matching
  // split across tasks asks this, and picks later, once it knows which were kept.
  using NearFn = std::function<void(uint64_t ordinal, int distance, double similarity)>;
  void ForEachNear(const Fingerprint& fp, const NearFn& fn) const;

  const DedupStats& stats() const;
  uint64_t size() const;
  // Heap bytes held by the index and the verification data (for benchmarks).
  uint64_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simshard
