#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "dedup/partial_scan.h"
#include "simshard/dedup.h"

namespace {

using simshard::DedupIndex;
using simshard::DedupOptions;
using simshard::Digest;
using simshard::Fingerprint;
using simshard::Match;

Digest DigestFor(uint64_t n) { return Digest{n * 0x9e3779b97f4a7c15ull + 1, n}; }

Fingerprint WithSimHash(uint64_t simhash, uint8_t sketch_fill = 0x5a) {
  Fingerprint fp;
  fp.simhash = simhash;
  fp.sketch.fill(sketch_fill);
  return fp;
}

uint64_t FlipBits(std::mt19937_64& rng, uint64_t v, int bits) {
  std::vector<int> positions(64);
  for (int i = 0; i < 64; ++i) positions[i] = i;
  std::shuffle(positions.begin(), positions.end(), rng);
  for (int i = 0; i < bits; ++i) v ^= uint64_t{1} << positions[i];
  return v;
}

DedupOptions Radius(int distance, double min_similarity = 0.0) {
  DedupOptions o;
  o.max_distance = distance;
  o.min_similarity = min_similarity;
  return o;
}

// Position of the first of `stored` within `radius` bits of `query`, or -1.
int64_t EarliestWithin(const std::vector<uint64_t>& stored, uint64_t query, int radius) {
  for (size_t i = 0; i < stored.size(); ++i) {
    if (__builtin_popcountll(stored[i] ^ query) <= radius) return static_cast<int64_t>(i);
  }
  return -1;
}

// Looks up `queries` near documents of `stored` (added with ordinals first_ordinal + i) and
// checks each answer against a brute-force scan.
void ExpectBruteForceAnswers(const DedupIndex& index, const std::vector<uint64_t>& stored,
                             uint64_t first_ordinal, int radius, std::mt19937_64& rng,
                             int queries) {
  for (int q = 0; q < queries; ++q) {
    const uint64_t query = FlipBits(rng, stored[rng() % stored.size()], rng() % (radius + 2));
    const int64_t earliest = EarliestWithin(stored, query, radius);
    const Match m = index.Find(DigestFor(1u << 30), WithSimHash(query));
    BOOST_TEST_CONTEXT("query " << q << " of " << stored.size() << " documents") {
      BOOST_TEST((m.kind == (earliest < 0 ? Match::Kind::kNone : Match::Kind::kNear)));
      if (earliest >= 0) BOOST_TEST(m.ordinal == first_ordinal + earliest);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(exact_digest_finds_earliest_document) {
  DedupIndex index(Radius(-1));
  index.Add(3, DigestFor(1), WithSimHash(1));
  index.Add(8, DigestFor(2), WithSimHash(2));
  index.Add(9, DigestFor(1), WithSimHash(3));
  const Match m = index.Find(DigestFor(1), WithSimHash(~0ull));
  BOOST_TEST((m.kind == Match::Kind::kExact));
  BOOST_TEST(m.ordinal == 3u);
  BOOST_TEST((index.Find(DigestFor(7), WithSimHash(1)).kind == Match::Kind::kNone));
  BOOST_TEST(index.size() == 3u);
}

BOOST_AUTO_TEST_CASE(near_match_returns_earliest_ordinal_that_passes) {
  DedupIndex index(Radius(7, 0.5));
  const uint64_t base = 0x0123456789abcdefull;
  index.Add(10, DigestFor(10), WithSimHash(base ^ 0x1, 0x00));  // fails verification
  index.Add(20, DigestFor(20), WithSimHash(base ^ 0x3f00));     // distance 6, passes
  index.Add(30, DigestFor(30), WithSimHash(base));              // distance 0, passes
  const Match m = index.Find(DigestFor(99), WithSimHash(base));
  BOOST_TEST((m.kind == Match::Kind::kNear));
  BOOST_TEST(m.ordinal == 20u);
  BOOST_TEST(m.distance == 6);
  BOOST_TEST(m.similarity == 1.0);
  BOOST_TEST(index.stats().candidates == 3u);
  BOOST_TEST(index.stats().false_candidates == 1u);
}

BOOST_AUTO_TEST_CASE(nothing_beyond_the_radius_is_a_candidate) {
  DedupIndex index(Radius(3));
  index.Add(0, DigestFor(0), WithSimHash(0xffull));  // distance 8 from 0
  BOOST_TEST((index.Find(DigestFor(1), WithSimHash(0)).kind == Match::Kind::kNone));
  BOOST_TEST(index.stats().candidates == 0u);
}

// Random fingerprints with planted neighbours at every distance up to radius + 2:
// the index must report exactly the documents a brute-force scan finds, with every
// version of the bucket scan this CPU runs (vector ones and the portable fallback).
BOOST_AUTO_TEST_CASE(index_matches_brute_force_at_every_supported_radius) {
  using simshard::dedup_internal::PartialScan;
  PartialScan scans[simshard::dedup_internal::kMaxPartialScans];
  const int scan_count = simshard::dedup_internal::SupportedPartialScans(scans);
  for (int s = 0; s < scan_count; ++s) {
    const simshard::dedup_internal::ScopedPartialScan use(scans[s]);
    for (int radius : {0, 3, 5, 7, 9}) {
      std::mt19937_64 rng(radius + 1);
      DedupIndex index(Radius(radius));
      std::vector<uint64_t> stored;
      std::vector<uint64_t> queries;
      for (int i = 0; i < 20000; ++i) {
        const uint64_t h = (i % 4 == 0 && !queries.empty())
                               ? FlipBits(rng, queries[rng() % queries.size()], rng() % (radius + 3))
                               : rng();
        if (i % 50 == 0) queries.push_back(rng());
        index.Add(i, DigestFor(i), WithSimHash(h));
        stored.push_back(h);
      }
      uint64_t expected_candidates = 0;
      for (size_t q = 0; q < queries.size(); ++q) {
        int64_t earliest = -1;
        for (size_t i = 0; i < stored.size(); ++i) {
          if (__builtin_popcountll(stored[i] ^ queries[q]) > radius) continue;
          ++expected_candidates;
          if (earliest < 0) earliest = static_cast<int64_t>(i);
        }
        const Match m = index.Find(DigestFor(1u << 30), WithSimHash(queries[q]));
        BOOST_TEST_CONTEXT(scans[s].name << " radius " << radius << " query " << q) {
          BOOST_TEST((m.kind == (earliest < 0 ? Match::Kind::kNone : Match::Kind::kNear)));
          if (earliest >= 0) BOOST_TEST(m.ordinal == static_cast<uint64_t>(earliest));
        }
      }
      BOOST_TEST(index.stats().candidates == expected_candidates);
      BOOST_TEST(expected_candidates > queries.size());
    }
  }
}

// A bulk load with Reserve() compacts the index when the reserved count is reached; later
// additions land in the per-bucket tail. Both must answer like a brute-force scan.
BOOST_AUTO_TEST_CASE(reserved_bulk_load_then_more_additions_match_brute_force) {
  std::mt19937_64 rng(99);
  const int radius = DedupOptions::Defaults().max_distance;
  DedupIndex index(Radius(radius));
  const int kLoaded = 30000, kLater = 3000;
  index.Reserve(kLoaded);
  std::vector<uint64_t> stored;
  for (int i = 0; i < kLoaded + kLater; ++i) {
    const uint64_t h = i % 3 == 0 && i > 0 ? FlipBits(rng, stored[rng() % i], rng() % (radius + 3))
                                           : rng();
    index.Add(100 + i, DigestFor(i), WithSimHash(h));
    stored.push_back(h);
    if (i != kLoaded - 1 && i != kLoaded + kLater - 1) continue;
    ExpectBruteForceAnswers(index, stored, 100, radius, rng, 200);
  }
  BOOST_TEST(index.MemoryBytes() > 0u);
}

// Documents added between lookups are indexed at the next lookup: one by one when few
// (recent additions), by a bulk merge when many (also merging the recent additions).
BOOST_AUTO_TEST_CASE(additions_between_lookups_in_every_pattern_match_brute_force) {
  std::mt19937_64 rng(5);
  const int radius = DedupOptions::Defaults().max_distance;
  DedupIndex index(Radius(radius));
  std::vector<uint64_t> stored;
  auto add = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const uint64_t h = stored.size() % 3 == 2 ? FlipBits(rng, stored[rng() % stored.size()],
                                                           rng() % (radius + 3))
                                                : rng();
      index.Add(stored.size(), DigestFor(stored.size()), WithSimHash(h));
      stored.push_back(h);
    }
  };
  add(5000);  // one bulk load, found at the first lookup
  ExpectBruteForceAnswers(index, stored, 0, radius, rng, 100);
  for (int i = 0; i < 300; ++i) {  // a lookup after every addition: recent additions
    add(1);
    ExpectBruteForceAnswers(index, stored, 0, radius, rng, 1);
  }
  add(6000);  // a bulk merge of compacted entries, recent additions and new documents
  ExpectBruteForceAnswers(index, stored, 0, radius, rng, 200);
  add(100);
  ExpectBruteForceAnswers(index, stored, 0, radius, rng, 100);
  BOOST_TEST(index.size() == stored.size());
}

BOOST_AUTO_TEST_CASE(exact_digests_repeated_within_a_bulk_load_find_the_first) {
  DedupIndex index(Radius(7));
  index.Reserve(10000);
  for (int i = 0; i < 10000; ++i) index.Add(i, DigestFor(i % 2500), WithSimHash(i));
  for (int d : {0, 1, 1234, 2499}) {
    const Match m = index.Find(DigestFor(d), WithSimHash(~0ull));
    BOOST_TEST((m.kind == Match::Kind::kExact));
    BOOST_TEST(m.ordinal == static_cast<uint64_t>(d));
  }
}

BOOST_AUTO_TEST_CASE(negative_radius_disables_near_search) {
  DedupIndex index(Radius(-1));
  index.Add(0, DigestFor(0), WithSimHash(42));
  BOOST_TEST((index.Find(DigestFor(1), WithSimHash(42)).kind == Match::Kind::kNone));
}

BOOST_AUTO_TEST_CASE(defaults_are_usable) {
  const DedupOptions o = DedupOptions::Defaults();
  BOOST_TEST(o.max_distance > 0);
  BOOST_TEST(o.min_similarity > 0.0);
  BOOST_TEST(o.min_similarity < 1.0);
}

// Pages too thin to compare are added exact-only: an equal digest finds them, nothing
// else does, and they take no part in near lookups of other documents.
BOOST_AUTO_TEST_CASE(exact_only_documents_are_found_by_their_digest_alone) {
  DedupIndex index(Radius(7, 0.0));
  index.Add(1, DigestFor(1), WithSimHash(0xabcd));
  index.AddExactOnly(2, DigestFor(2));
  index.AddExactOnly(3, DigestFor(2));  // the same bytes again: the first is reported
  BOOST_TEST(index.size() == 3u);
  Match m = index.FindExact(DigestFor(2));
  BOOST_TEST((m.kind == Match::Kind::kExact));
  BOOST_TEST(m.ordinal == 2u);
  m = index.Find(DigestFor(2), WithSimHash(0));
  BOOST_TEST((m.kind == Match::Kind::kExact));
  BOOST_TEST(m.ordinal == 2u);
  BOOST_TEST((index.FindExact(DigestFor(1)).ordinal == 1u));
  // FindExact never reports a near match, though one lies at distance 0.
  BOOST_TEST((index.FindExact(DigestFor(9)).kind == Match::Kind::kNone));
  m = index.Find(DigestFor(9), WithSimHash(0xabcd));
  BOOST_TEST((m.kind == Match::Kind::kNear));
  BOOST_TEST(m.ordinal == 1u);
  // An exact-only document has no SimHash: the all-zero one of a thin page meets nothing.
  BOOST_TEST((index.Find(DigestFor(9), WithSimHash(0)).kind == Match::Kind::kNone));
  BOOST_TEST(index.stats().lookups == 3u);  // Find only
}

// Seeding from the catalog mixes both kinds; reaching the reserved count builds the tables
// for both, and later additions of either kind are indexed at the next lookup.
BOOST_AUTO_TEST_CASE(a_reserved_bulk_load_with_exact_only_documents_finds_them_all) {
  std::mt19937_64 rng(7);
  DedupIndex index(Radius(7));
  const int kLoaded = 20000;
  index.Reserve(kLoaded);
  std::vector<uint64_t> simhashes(kLoaded + 100);
  for (int i = 0; i < kLoaded + 100; ++i) {
    simhashes[i] = rng();
    if (i % 5 == 0) {
      index.AddExactOnly(i, DigestFor(i));
    } else {
      index.Add(i, DigestFor(i), WithSimHash(simhashes[i]));
    }
  }
  BOOST_TEST(index.size() == static_cast<uint64_t>(kLoaded + 100));
  for (int i : {0, 1, 5, 19995, 19999, kLoaded + 5, kLoaded + 99}) {
    const Match m = index.FindExact(DigestFor(i));
    BOOST_TEST_CONTEXT("document " << i) {
      BOOST_TEST((m.kind == Match::Kind::kExact));
      BOOST_TEST(m.ordinal == static_cast<uint64_t>(i));
      // Its SimHash finds the document near only when it was indexed for near lookups.
      const Match near = index.Find(DigestFor(1u << 30), WithSimHash(simhashes[i]));
      BOOST_TEST((near.kind == (i % 5 == 0 ? Match::Kind::kNone : Match::Kind::kNear)));
    }
  }
}
