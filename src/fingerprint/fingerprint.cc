// SimHash and verification sketch over word features of the folded text.
//
// Each token is hashed once with XXH3_64bits; word n-gram hashes are combined from the
// token hashes. The SimHash adds weighted feature bits in byte-wide counters (eight
// 64-bit adds per feature instead of 64 scalar ones). The sketch is a one-permutation
// MinHash with rotation densification, so two-sentence briefs still fill every bin.
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "simshard/fingerprint.h"

namespace simshard {
namespace {

constexpr uint64_t kCombine2 = 0x9e3779b97f4a7c15ull;
constexpr uint64_t kCombine3 = 0xc2b2ae3d27d4eb4full;

// MurmurHash3's finalizer: every input bit affects every output bit.
inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

inline uint64_t CombineShingle(uint64_t prefix, uint64_t next, uint64_t salt) {
  return Mix(prefix * salt + next);
}

// Byte b of kSpread[v] is bit b of v: one table lookup turns 8 hash bits into 8 counters.
struct SpreadTable {
  uint64_t v[256];
  constexpr SpreadTable() : v() {
    for (int i = 0; i < 256; ++i) {
      uint64_t s = 0;
      for (int b = 0; b < 8; ++b) s |= static_cast<uint64_t>((i >> b) & 1) << (8 * b);
      v[i] = s;
    }
  }
};
constexpr SpreadTable kSpread;

// Weighted per-bit sums of feature hashes. Counts live in 8-bit lanes until they
// could overflow, then move to 32-bit totals.
class SimHashAccumulator {
 public:
  void Add(uint64_t hash, int weight) {
    if (pending_ + weight > 255) Flush();
    const uint64_t w = static_cast<uint64_t>(weight);
    for (int j = 0; j < 8; ++j) lanes_[j] += kSpread.v[(hash >> (8 * j)) & 0xff] * w;
    pending_ += weight;
    total_ += weight;
  }

  uint64_t Result() {
    Flush();
    uint64_t out = 0;
    for (int i = 0; i < 64; ++i) {
      if (2 * static_cast<int64_t>(sums_[i]) > total_) out |= uint64_t{1} << i;
    }
    return out;
  }

 private:
  void Flush() {
    for (int j = 0; j < 8; ++j) {
      for (int b = 0; b < 8; ++b) sums_[8 * j + b] += (lanes_[j] >> (8 * b)) & 0xff;
      lanes_[j] = 0;
    }
    pending_ = 0;
  }

  uint64_t lanes_[8] = {};
  uint32_t sums_[64] = {};
  int pending_ = 0;
  int64_t total_ = 0;
};

// One-permutation MinHash: the top bits of a shingle hash choose a bin, the rest compete
// for the bin's minimum. Only kSketchBitsPerBin bits of each minimum are kept.
class SketchBuilder {
 public:
  static constexpr int kBinShift = 64 - __builtin_ctzll(kSketchBins);
  static constexpr uint64_t kValueMask = (uint64_t{1} << kBinShift) - 1;

  SketchBuilder() { std::fill(std::begin(mins_), std::end(mins_), kEmpty); }

  void Add(uint64_t shingle_hash) {
    const uint64_t h = Mix(shingle_hash ^ 0x5851f42d4c957f2dull);
    uint64_t& slot = mins_[h >> kBinShift];
    slot = std::min(slot, h & kValueMask);
  }

  // Empty bins borrow the next filled bin's minimum, salted with the distance, so two
  // documents agree on an empty bin about as often as on the bin they borrow from.
  Sketch Finish() const {
    Sketch out{};
    constexpr uint64_t kBitsMask = (1u << kSketchBitsPerBin) - 1;
    for (size_t bin = 0; bin < kSketchBins; ++bin) {
      uint64_t value = 0;
      for (size_t d = 0; d < kSketchBins; ++d) {
        const uint64_t m = mins_[(bin + d) % kSketchBins];
        if (m != kEmpty) {
          value = Mix(m + d * kCombine2);
          break;
        }
      }
      const size_t bit = bin * kSketchBitsPerBin;
      out[bit / 8] |= static_cast<uint8_t>((value & kBitsMask) << (bit % 8));
    }
    return out;
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  uint64_t mins_[kSketchBins];
};

// Calls `fn(hash)` for each space-separated token of the folded text.
template <typename Fn>
void ForEachTokenHash(std::string_view text, Fn&& fn) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const void* space = std::memchr(p, ' ', static_cast<size_t>(end - p));
    const char* stop = space ? static_cast<const char*>(space) : end;
    if (stop > p) fn(XXH3_64bits(p, static_cast<size_t>(stop - p)));
    p = stop + 1;
  }
}

}  // namespace

std::string FingerprintConfig::Name() const {
  return "simhash64-xxh3 w1=" + std::to_string(unigram_weight) +
         " w2=" + std::to_string(bigram_weight) + " w3=" + std::to_string(trigram_weight) +
         "; oph" + std::to_string(kSketchBins) + "x" + std::to_string(kSketchBitsPerBin) +
         " shingle=" + std::to_string(sketch_shingle_words) + "; v1";
}

Fingerprinter::Fingerprinter(FingerprintConfig config) : config_(config) {}

Fingerprint Fingerprinter::Compute(std::string_view folded_text) const {
  SimHashAccumulator simhash;
  SketchBuilder sketch;
  const int w1 = config_.unigram_weight, w2 = config_.bigram_weight,
            w3 = config_.trigram_weight;
  const int sketch_words = std::clamp(config_.sketch_shingle_words, 1, 3);

  // h1: this token; h2: last two tokens; h3: last three. `seen` counts tokens so far.
  uint64_t h1 = 0, h2 = 0, h3 = 0, seen = 0;
  ForEachTokenHash(folded_text, [&](uint64_t token) {
    h3 = CombineShingle(h2, token, kCombine3);
    h2 = CombineShingle(h1, token, kCombine2);
    h1 = token;
    ++seen;
    if (w1) simhash.Add(h1, w1);
    if (w2 && seen >= 2) simhash.Add(h2, w2);
    if (w3 && seen >= 3) simhash.Add(h3, w3);
    if (seen >= static_cast<uint64_t>(sketch_words)) {
      sketch.Add(sketch_words == 1 ? h1 : sketch_words == 2 ? h2 : h3);
    }
  });
  // Texts shorter than one shingle are represented by all their words.
  if (seen > 0 && seen < static_cast<uint64_t>(sketch_words)) sketch.Add(seen == 1 ? h1 : h2);

  Fingerprint fp;
  fp.simhash = simhash.Result();
  fp.sketch = sketch.Finish();
  return fp;
}

double SketchSimilarity(const Sketch& a, const Sketch& b) {
  // Count bins whose kept bits agree. Unrelated sets still agree by chance with
  // probability 2^-bits; the Jaccard estimate removes that (b-bit MinHash, Li & König).
  int differing = 0;
  for (size_t i = 0; i < kSketchBytes; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    uint64_t diff = x ^ y;
    // Fold each bin's bits into its lowest bit so one popcount counts differing bins.
    for (size_t s = 1; s < kSketchBitsPerBin; s <<= 1) diff |= diff >> s;
    uint64_t low_bits = 0;
    for (size_t bit = 0; bit < 64; bit += kSketchBitsPerBin) low_bits |= uint64_t{1} << bit;
    differing += __builtin_popcountll(diff & low_bits);
  }
  const double agree = 1.0 - static_cast<double>(differing) / kSketchBins;
  const double chance = 1.0 / (1 << kSketchBitsPerBin);
  return std::clamp((agree - chance) / (1.0 - chance), 0.0, 1.0);
}

}  // namespace simshard
