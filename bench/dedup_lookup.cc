// Lookup speed and memory of DedupIndex at the shipped radius, beside a naive linear
// scan over the same fingerprints.
//
//   bench/dedup_lookup [DOCUMENTS]    (default 10,000,000)
//
// Documents get random SimHashes; every tenth is a planted near neighbour (1 to radius
// bits away) of an earlier one, with the same sketch, so verification has work to do.
// Queries are half near neighbours of stored documents, half unrelated.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "dedup/partial_scan.h"
#include "simshard/dedup.h"

namespace {

using Clock = std::chrono::steady_clock;

// CPU seconds of this thread: lookups per second on one core, not counting the time
// other processes on a shared machine held it.
double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
using simshard::DedupIndex;
using simshard::DedupOptions;
using simshard::DedupStats;
using simshard::Digest;
using simshard::Fingerprint;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// `v` with `bits` distinct bit positions flipped.
uint64_t FlipRandomBits(std::mt19937_64& rng, uint64_t v, int bits) {
  uint64_t mask = 0;
  while (__builtin_popcountll(mask) < bits) mask |= uint64_t{1} << (rng() % 64);
  return v ^ mask;
}

Fingerprint RandomFingerprint(std::mt19937_64& rng) {
  Fingerprint fp;
  fp.simhash = rng();
  for (auto& byte : fp.sketch) byte = static_cast<uint8_t>(rng());
  return fp;
}

simshard::DedupStats Difference(const simshard::DedupStats& a, const simshard::DedupStats& b) {
  return {a.lookups - b.lookups, a.candidates - b.candidates,
          a.false_candidates - b.false_candidates};
}

// Looks every query up; returns how many found a near duplicate.
uint64_t RunLookups(const DedupIndex& index, const std::vector<Fingerprint>& queries,
                    const Digest& absent, double* cpu_seconds, double* wall_seconds) {
  uint64_t found = 0;
  const double cpu_start = ThreadSeconds();
  const auto start = Clock::now();
  for (const Fingerprint& fp : queries) {
    found += index.Find(absent, fp).kind != simshard::Match::Kind::kNone;
  }
  *cpu_seconds = ThreadSeconds() - cpu_start;
  *wall_seconds = SecondsSince(start);
  return found;
}

// The stored documents: random fingerprints, every tenth a near neighbour (1 to `radius`
// bits away, same sketch) of an earlier one, each with a random digest.
void MakeStored(std::mt19937_64& rng, uint64_t documents, int radius, std::vector<Fingerprint>* stored,
                std::vector<Digest>* digests) {
  stored->reserve(documents);
  digests->reserve(documents);
  for (uint64_t i = 0; i < documents; ++i) {
    Fingerprint fp = RandomFingerprint(rng);
    if (i % 10 == 9) {
      fp = (*stored)[rng() % i];
      fp.simhash = FlipRandomBits(rng, fp.simhash, 1 + static_cast<int>(rng() % radius));
    }
    stored->push_back(fp);
    digests->push_back(Digest{rng(), rng()});
  }
}

// Startup of a nightly run: the catalog's documents reserved, added, indexed.
void SeedIndex(DedupIndex* index, const std::vector<Fingerprint>& stored, const std::vector<Digest>& digests) {
  const uint64_t documents = stored.size();
  const double seed_cpu = ThreadSeconds();
  const auto start = Clock::now();
  index->Reserve(documents);
  for (uint64_t i = 0; i < documents; ++i) index->Add(i, digests[i], stored[i]);
  std::printf("  seeding (Reserve, Add of every document): %.2f CPU seconds (wall %.2f s)\n",
              ThreadSeconds() - seed_cpu, SecondsSince(start));
  const double bytes_per_doc = static_cast<double>(index->MemoryBytes()) / documents;
  std::printf("  memory: %.1f bytes/document (index + digests + sketches + ordinals; target <= 128)\n",
              bytes_per_doc);
}

// Half near neighbours (0 to `radius` bits from a stored document), half unrelated.
std::vector<Fingerprint> MakeQueries(std::mt19937_64& rng, const std::vector<Fingerprint>& stored, int radius,
                                     int count) {
  std::vector<Fingerprint> queries;
  for (int q = 0; q < count; ++q) {
    Fingerprint fp = q % 2 ? RandomFingerprint(rng) : stored[rng() % stored.size()];
    if (q % 2 == 0) fp.simhash = FlipRandomBits(rng, fp.simhash, static_cast<int>(rng() % (radius + 1)));
    queries.push_back(fp);
  }
  return queries;
}

// The lookups with the bucket scan in use, then with each slower one this CPU also runs
// (other machines' speed). Returns the lookups per CPU second of the first.
double ReportLookups(const DedupIndex& index, const std::vector<Fingerprint>& queries) {
  const int count = static_cast<int>(queries.size());
  const Digest absent{1, 2};
  const DedupStats before = index.stats();
  double index_seconds = 0;
  double index_wall = 0;
  const uint64_t found = RunLookups(index, queries, absent, &index_seconds, &index_wall);
  const DedupStats stats = Difference(index.stats(), before);
  std::printf("  index lookups: %.0f per CPU second (wall %.0f /s; target >= 100000), %llu of %d "
              "found a near duplicate (bucket scan: %s)\n",
              count / index_seconds, count / index_wall,
              static_cast<unsigned long long>(found), count,
              simshard::dedup_internal::ActivePartialScan().name);
  std::printf("  per lookup: %.3f candidates within radius, %.3f false candidates (failed verification)\n",
              static_cast<double>(stats.candidates) / stats.lookups,
              static_cast<double>(stats.false_candidates) / stats.lookups);
  simshard::dedup_internal::PartialScan scans[simshard::dedup_internal::kMaxPartialScans];
  const int scan_count = simshard::dedup_internal::SupportedPartialScans(scans);
  for (int s = 1; s < scan_count; ++s) {
    const simshard::dedup_internal::ScopedPartialScan use(scans[s]);
    double seconds = 0, wall = 0;
    const uint64_t same = RunLookups(index, queries, absent, &seconds, &wall);
    std::printf("    with the %s bucket scan: %.0f per CPU second (wall %.0f /s)%s\n", scans[s].name,
                count / seconds, count / wall, same == found ? "" : ", DIFFERENT RESULTS");
  }
  return count / index_seconds;
}

// Baseline: compare the query against every stored SimHash (a sample of queries).
double ReportLinearScan(const std::vector<Fingerprint>& stored, const std::vector<Fingerprint>& queries,
                        int radius) {
  std::vector<uint64_t> hashes;
  hashes.reserve(stored.size());
  for (const Fingerprint& fp : stored) hashes.push_back(fp.simhash);
  const int kScanQueries = 20;
  uint64_t within = 0;
  const double cpu_start = ThreadSeconds();
  for (int q = 0; q < kScanQueries; ++q) {
    for (uint64_t h : hashes) within += simshard::HammingDistance(h, queries[q].simhash) <= radius;
  }
  const double scan_rate = kScanQueries / (ThreadSeconds() - cpu_start);
  std::printf("  baseline linear scan: %.1f lookups per CPU second (%llu within radius over %d queries)\n",
              scan_rate, static_cast<unsigned long long>(within), kScanQueries);
  return scan_rate;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t documents = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const DedupOptions options = DedupOptions::Defaults();
  const int radius = options.max_distance;
  std::mt19937_64 rng(20240601);

  std::printf("dedup_lookup: %llu documents, radius %d, min similarity %.2f\n",
              static_cast<unsigned long long>(documents), radius, options.min_similarity);
  std::vector<Fingerprint> stored;
  std::vector<Digest> digests;
  MakeStored(rng, documents, radius, &stored, &digests);
  DedupIndex index(options);
  SeedIndex(&index, stored, digests);
  const std::vector<Fingerprint> queries = MakeQueries(rng, stored, radius, 200'000);
  const double index_rate = ReportLookups(index, queries);
  const double scan_rate = ReportLinearScan(stored, queries, radius);
  std::printf("  speedup over linear scan: %.0fx\n", index_rate / scan_rate);
  return 0;
}
