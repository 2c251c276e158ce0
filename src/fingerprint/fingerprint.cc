// SimHash and verification sketch over word features of the folded text.
//
// Each word is hashed once (by its letter set when ASCII, else XXH3_64bits); word n-gram
// hashes are combined from the word hashes. The SimHash adds weighted feature bits in
// byte-wide counters (eight 64-bit adds per feature instead of 64 scalar ones). The
// sketch is a one-permutation MinHash with rotation densification, so two-sentence
// briefs still fill every bin.
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__) && !defined(SIMSHARD_NO_SIMD)
#define SIMSHARD_SIMHASH_SSE2 1
#include <emmintrin.h>
#endif

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

#if !defined(SIMSHARD_SIMHASH_SSE2)
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
#endif

// Weighted per-bit sums of feature hashes in 64 byte-wide counters, until they could
// overflow, then in 32-bit totals.
//
// With SSE2 (every x86-64) the counters are four registers: counter byte p of register r
// counts bit 8 * (p % 8) + 2 * r + p / 8 of the hash. A hash broadcast to both halves of
// a register has byte p % 8 at byte p, so one AND and one compare per register pick that
// bit out for 16 counters at once. Elsewhere, eight 64-bit words, byte b of word j
// counting bit 8 * j + b, are updated through kSpread.
class SimHashAccumulator {
 public:
  SimHashAccumulator() {
#if defined(SIMSHARD_SIMHASH_SSE2)
    for (int r = 0; r < 4; ++r) {
      lanes_[r] = _mm_setzero_si128();
      bits_[r] = _mm_set_epi64x(static_cast<int64_t>(0x0101010101010101ull << (2 * r + 1)),
                                static_cast<int64_t>(0x0101010101010101ull << (2 * r)));
    }
#endif
  }

  // Adds two features at once (a word and the bigram it ends); weights in [0, 127].
  void AddPair(uint64_t a, int weight_a, uint64_t b, int weight_b) {
    const int weight = weight_a + weight_b;
    if (pending_ + weight > 255) Flush();
#if defined(SIMSHARD_SIMHASH_SSE2)
    const __m128i ha = _mm_set1_epi64x(static_cast<int64_t>(a));
    const __m128i hb = _mm_set1_epi64x(static_cast<int64_t>(b));
    const __m128i wa = _mm_set1_epi8(static_cast<char>(weight_a));
    const __m128i wb = _mm_set1_epi8(static_cast<char>(weight_b));
    for (int r = 0; r < 4; ++r) {
      const __m128i on_a = _mm_cmpeq_epi8(_mm_and_si128(ha, bits_[r]), bits_[r]);
      const __m128i on_b = _mm_cmpeq_epi8(_mm_and_si128(hb, bits_[r]), bits_[r]);
      lanes_[r] = _mm_add_epi8(lanes_[r], _mm_add_epi8(_mm_and_si128(on_a, wa),
                                                       _mm_and_si128(on_b, wb)));
    }
#else
    const auto wa = static_cast<uint64_t>(weight_a), wb = static_cast<uint64_t>(weight_b);
    for (int j = 0; j < 8; ++j) {
      lanes_[j] += kSpread.v[(a >> (8 * j)) & 0xff] * wa + kSpread.v[(b >> (8 * j)) & 0xff] * wb;
    }
#endif
    pending_ += weight;
    total_ += weight;
  }

  uint64_t Result() {
    Flush();
    uint64_t out = 0;
    for (int i = 0; i < 64; ++i) {
      if (2 * static_cast<int64_t>(sums_[i]) > total_) out |= uint64_t{1} << BitOfCounter(i);
    }
    return out;
  }

 private:
  static int BitOfCounter(int i) {
#if defined(SIMSHARD_SIMHASH_SSE2)
    const int r = i / 16, p = i % 16;
    return 8 * (p % 8) + 2 * r + p / 8;
#else
    return i;
#endif
  }

  void Flush() {
    uint8_t counts[64];
#if defined(SIMSHARD_SIMHASH_SSE2)
    std::memcpy(counts, lanes_, sizeof counts);
#else
    for (int i = 0; i < 64; ++i) counts[i] = static_cast<uint8_t>(lanes_[i / 8] >> (8 * (i % 8)));
#endif
    std::memset(lanes_, 0, sizeof lanes_);
    for (int i = 0; i < 64; ++i) sums_[i] += counts[i];
    pending_ = 0;
  }

#if defined(SIMSHARD_SIMHASH_SSE2)
  __m128i lanes_[4];
  __m128i bits_[4];
#else
  uint64_t lanes_[8] = {};
#endif
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

  // `h` must already be well mixed (shingle hashes are).
  void Add(uint64_t h) {
    uint64_t& slot = mins_[h >> kBinShift];
    slot = std::min(slot, h & kValueMask);
  }

  // Empty bins borrow the next filled bin's minimum, salted with the distance, so two
  // documents agree on an empty bin about as often as on the bin they borrow from
  // (rotation densification, Shrivastava & Li 2014).
  Sketch Finish() const {
    Sketch out{};
    constexpr uint64_t kBitsMask = (1u << kSketchBitsPerBin) - 1;
    // Walk backwards twice so every bin knows its next filled bin, wrapping around.
    uint64_t next_min = kEmpty;
    size_t distance = 0;
    uint64_t values[kSketchBins];
    for (size_t step = 2 * kSketchBins; step-- > 0;) {
      const size_t bin = step % kSketchBins;
      if (mins_[bin] != kEmpty) {
        next_min = mins_[bin];
        distance = 0;
      } else {
        ++distance;
      }
      values[bin] = next_min == kEmpty ? 0 : Mix(next_min + distance * kCombine2);
    }
    for (size_t bin = 0; bin < kSketchBins; ++bin) {
      const size_t bit = bin * kSketchBitsPerBin;
      out[bit / 8] |= static_cast<uint8_t>((values[bin] & kBitsMask) << (bit % 8));
    }
    return out;
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  uint64_t mins_[kSketchBins];
};

// An ASCII word is hashed by its first letter and the set of its letters; other words
// (where this would merge too many distinct words) by all their bytes.
inline uint64_t TypoTolerantHash(const char* p, size_t length) {
  uint64_t set = 0;
  uint8_t high = 0;
  for (size_t i = 0; i < length; ++i) {
    const auto c = static_cast<uint8_t>(p[i]);
    set |= uint64_t{1} << (c & 63);
    high |= c;
  }
  if (high & 0x80) return XXH3_64bits(p, length);
  return Mix(set * kCombine3 + static_cast<uint8_t>(p[0]));
}

struct TokenOptions {
  size_t prefix_bytes;  // hash at most this many bytes of a word
  bool typo_tolerant;
};

// kLetterBit.v[c]: the bit TypoTolerantHash sets for byte c (a table load is cheaper than
// a shift by a variable amount).
struct LetterBitTable {
  uint64_t v[256];
  constexpr LetterBitTable() : v() {
    for (int c = 0; c < 256; ++c) v[c] = uint64_t{1} << (c & 63);
  }
};
constexpr LetterBitTable kLetterBit;

// Calls `fn(hash, length)` for each space-separated word of the folded text. The letter
// set is gathered while looking for the word's end, so each byte is read once.
template <typename Fn>
void ForEachTokenHash(std::string_view text, TokenOptions options, Fn&& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto* const end = p + text.size();
  while (p < end) {
    if (*p == ' ') {
      ++p;
      continue;
    }
    const uint8_t* const start = p;
    uint64_t set = 0;
    uint8_t high = 0;
    do {
      set |= kLetterBit.v[*p];
      high |= *p;
    } while (++p < end && *p != ' ');
    const auto* word = reinterpret_cast<const char*>(start);
    const size_t length = static_cast<size_t>(p - start);
    uint64_t hash;
    if (length > options.prefix_bytes) {
      hash = options.typo_tolerant ? TypoTolerantHash(word, options.prefix_bytes)
                                   : XXH3_64bits(word, options.prefix_bytes);
    } else if (!options.typo_tolerant || (high & 0x80)) {
      hash = XXH3_64bits(word, length);
    } else {
      hash = Mix(set * kCombine3 + *start);
    }
    fn(hash, length);
  }
}

// The weight of a feature starting at word `position`: 1 outside the lead, lead_weight
// inside it, with linear ramps of lead_ramp_words at both edges.
int LeadWeight(uint64_t position, uint64_t begin, uint64_t end, const FingerprintConfig& c) {
  if (position < begin || position >= end) return 1;
  const uint64_t ramp = static_cast<uint64_t>(std::max(0, c.lead_ramp_words));
  const uint64_t edge = std::min(position - begin, end - 1 - position) + 1;
  if (ramp == 0 || edge >= ramp) return c.lead_weight;
  return 1 + static_cast<int>((c.lead_weight - 1) * edge / ramp);
}

}  // namespace

std::string FingerprintConfig::Name() const {
  // Appended piece by piece: "literal" + std::string trips a false -Wrestrict in GCC 12.
  std::string name = "simhash64-xxh3";
  auto add = [&name](const char* label, int value) {
    name += label;
    name += std::to_string(value);
  };
  add(" w=", unigram_weight);
  add(",", bigram_weight);
  add(",", trigram_weight);
  add(" lead=", lead_start);
  add("+", lead_words);
  add("x", lead_weight);
  if (lead_ramp_words > 0) add("/", lead_ramp_words);
  add(" minuni=", min_unigram_bytes);
  add(" prefix=", token_prefix_bytes);
  if (letter_set_tokens) name += " letterset";
  add("; oph", static_cast<int>(kSketchBins));
  add("x", static_cast<int>(kSketchBitsPerBin));
  add(" shingle=", sketch_shingle_words);
  name += "; v2";
  return name;
}

Fingerprinter::FeatureWeights Fingerprinter::WeightsFor(const FingerprintConfig& c,
                                                        uint64_t position) {
  const uint64_t lead_begin = static_cast<uint64_t>(std::max(0, c.lead_start));
  const uint64_t lead_end = lead_begin + static_cast<uint64_t>(std::max(0, c.lead_words));
  const int lead = LeadWeight(position, lead_begin, lead_end, c);
  // Weights live in 8-bit counter lanes, two features at a time.
  auto weight = [lead](int w) { return static_cast<uint8_t>(std::clamp(w * lead, 0, 127)); };
  return {weight(c.unigram_weight), weight(c.bigram_weight), weight(c.trigram_weight)};
}

Fingerprinter::Fingerprinter(FingerprintConfig config) : config_(config) {
  // Worked out once rather than per word: the weights at each position of the lead, and
  // last those of every position after it.
  lead_end_ = static_cast<uint64_t>(std::max(0, config_.lead_start)) +
              static_cast<uint64_t>(std::max(0, config_.lead_words));
  const uint64_t positions = std::min<uint64_t>(lead_end_, kMaxTabledPositions);
  for (uint64_t position = 0; position < positions; ++position)
    weights_.push_back(WeightsFor(config_, position));
  weights_.push_back(WeightsFor(config_, lead_end_));
}

Fingerprint Fingerprinter::Compute(std::string_view folded_text) const {
  SimHashAccumulator simhash;
  SketchBuilder sketch;
  const FingerprintConfig& c = config_;
  const size_t min_unigram = static_cast<size_t>(std::max(0, c.min_unigram_bytes));
  const uint64_t sketch_words = static_cast<uint64_t>(std::clamp(c.sketch_shingle_words, 1, 3));
  const TokenOptions tokens{c.token_prefix_bytes > 0 ? static_cast<size_t>(c.token_prefix_bytes)
                                                     : SIZE_MAX,
                            c.letter_set_tokens};

  // h1: this word; h2: the last two; h3: the last three. `seen` counts words so far.
  uint64_t h1 = 0, h2 = 0, h3 = 0, seen = 0;
  const bool need_h3 = c.trigram_weight > 0 || sketch_words == 3;
  ForEachTokenHash(folded_text, tokens, [&](uint64_t token, size_t length) {
    if (need_h3) h3 = CombineShingle(h2, token, kCombine3);
    h2 = CombineShingle(h1, token, kCombine2);
    h1 = token;
    const FeatureWeights w = seen + 1 < weights_.size() ? weights_[seen]
                             : seen >= lead_end_        ? weights_.back()
                                                        : WeightsFor(c, seen);
    ++seen;
    const int unigram = length >= min_unigram ? w.unigram : 0;
    const int bigram = seen >= 2 ? w.bigram : 0;
    simhash.AddPair(h1, unigram, h2, bigram);
    if (c.trigram_weight > 0 && seen >= 3) simhash.AddPair(h3, w.trigram, 0, 0);
    if (seen >= sketch_words) {
      sketch.Add(sketch_words == 1 ? Mix(h1) : sketch_words == 2 ? h2 : h3);
    }
  });
  // Texts shorter than one shingle are represented by all their words.
  if (seen > 0 && seen < sketch_words) sketch.Add(Mix(seen == 1 ? h1 : h2));

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
