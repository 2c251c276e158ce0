// SimHash and verification sketch over word features of the folded text.
//
// Each word is hashed once (by its letter set when ASCII, else XXH3_64bits); word n-gram
// hashes are combined from the word hashes. The SimHash adds weighted feature bits in
// byte-wide counters (eight 64-bit adds per feature instead of 64 scalar ones). The
// sketch is a one-permutation MinHash with rotation densification, so two-sentence
// briefs still fill every bin.
#include <xxhash.h>

#include <algorithm>
#include <bit>
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
// counting bit 8 * j + b, are updated through kSpread. Features of weight one (most of
// them) are first summed sixteen at a time in bit-sliced counters.
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
    if (weight_a == 1 && weight_b == 1) {  // most words (after the lead)
      units_[unit_count_++] = a;
      units_[unit_count_++] = b;
      if (unit_count_ == kUnitGroup) AddUnitGroup();
    } else {
      AddToLanes(a, weight_a, b, weight_b);
    }
    total_ += weight_a + weight_b;
  }

  uint64_t Result() {
    // Missing features are zero hashes, which add nothing.
    std::fill(units_ + unit_count_, units_ + kUnitGroup, 0);
    AddUnitGroup();
    Flush();
    uint64_t out = 0;
    for (int i = 0; i < 64; ++i) {
      const int bit = BitOfCounter(i);
      const int64_t sum = sums_[i] + static_cast<int64_t>((ones_ >> bit) & 1) +
                          2 * static_cast<int64_t>((twos_ >> bit) & 1) +
                          4 * static_cast<int64_t>((fours_ >> bit) & 1) +
                          8 * static_cast<int64_t>((eights_ >> bit) & 1);
      if (2 * sum > total_) out |= uint64_t{1} << bit;
    }
    return out;
  }

 private:
  static constexpr int kUnitGroup = 16;

  // Carry-save adder: a + b + c = 2 * high + low, for 64 bit positions at once.
  static void CarrySave(uint64_t& high, uint64_t& low, uint64_t a, uint64_t b, uint64_t c) {
    const uint64_t u = a ^ b;
    high = (a & b) | (u & c);
    low = u ^ c;
  }

  // Sixteen unit-weight features into bit-sliced counters (Harley-Seal): ones_ to
  // eights_ hold each bit's count below 16, and every 16 go into the byte counters at
  // once. About a quarter of the work of adding them to the byte counters one by one.
  void AddUnitGroup() {
    const uint64_t eights_a = AddUnitOctet(units_);
    const uint64_t eights_b = AddUnitOctet(units_ + 8);
    uint64_t sixteens;
    CarrySave(sixteens, eights_, eights_, eights_a, eights_b);
    AddToLanes(sixteens, 16, 0, 0);
    unit_count_ = 0;
  }

  // Eight features into ones_ to fours_; returns what carries into eights_.
  uint64_t AddUnitOctet(const uint64_t* u) {
    uint64_t twos_a, twos_b, fours_a, fours_b, eights;
    CarrySave(twos_a, ones_, ones_, u[0], u[1]);
    CarrySave(twos_b, ones_, ones_, u[2], u[3]);
    CarrySave(fours_a, twos_, twos_, twos_a, twos_b);
    CarrySave(twos_a, ones_, ones_, u[4], u[5]);
    CarrySave(twos_b, ones_, ones_, u[6], u[7]);
    CarrySave(fours_b, twos_, twos_, twos_a, twos_b);
    CarrySave(eights, fours_, fours_, fours_a, fours_b);
    return eights;
  }

  void AddToLanes(uint64_t a, int weight_a, uint64_t b, int weight_b) {
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
  }

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
  uint64_t units_[kUnitGroup];
  int unit_count_ = 0;
  uint64_t ones_ = 0, twos_ = 0, fours_ = 0, eights_ = 0;
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

struct TokenOptions {
  size_t prefix_bytes;  // hash at most this many bytes of a word
  bool typo_tolerant;
};

// kLetterBit.v[c]: the bit the letter-set hash sets for byte c (a table load is cheaper
// than a shift by a variable amount).
struct LetterBitTable {
  uint64_t v[256];
  constexpr LetterBitTable() : v() {
    for (int c = 0; c < 256; ++c) v[c] = uint64_t{1} << (c & 63);
  }
};
constexpr LetterBitTable kLetterBit;

// An ASCII word is hashed by its first letter and the set of its letters; other words
// (where this would merge too many distinct words) by all their bytes.
inline uint64_t LetterSetHash(uint64_t set, uint8_t first) {
  return Mix(set * kCombine3 + first);
}

uint64_t HashWordByteByByte(const uint8_t* word, size_t length, bool typo_tolerant) {
  if (!typo_tolerant) return XXH3_64bits(word, length);
  uint64_t set = 0;
  uint8_t high = 0;
  for (size_t i = 0; i < length; ++i) {
    set |= kLetterBit.v[word[i]];
    high |= word[i];
  }
  return (high & 0x80) ? XXH3_64bits(word, length) : LetterSetHash(set, word[0]);
}

// Eight bytes from p, the first in the lowest byte whatever the machine's byte order.
inline uint64_t LoadLittle64(const uint8_t* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);
  return x;
}

inline uint64_t LetterBitsOf8(uint64_t x) {
  uint64_t set = 0;
  for (int k = 0; k < 8; ++k) set |= kLetterBit.v[(x >> (8 * k)) & 0xff];
  return set;
}

// kKeep.v[n]: masks of the first n bytes of two eight-byte loads (n <= 16).
struct KeepTable {
  uint64_t v[17][2];
  constexpr KeepTable() : v() {
    for (int n = 0; n <= 16; ++n) {
      v[n][0] = n >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1;
      v[n][1] = n >= 16 ? ~uint64_t{0} : n <= 8 ? 0 : (uint64_t{1} << (8 * (n - 8))) - 1;
    }
  }
};
constexpr KeepTable kKeep;

// The same hash as HashWordByteByByte for a word of 1 to 16 bytes with 16 bytes readable
// at `word`, without a branch per byte: the bytes past the word are replaced by copies of
// its first byte, which add nothing to its letter set.
inline uint64_t HashShortWord(const uint8_t* word, size_t length) {
  const uint64_t fill = word[0] * 0x0101010101010101ull;
  const uint64_t* keep = kKeep.v[length];
  const uint64_t x0 = (LoadLittle64(word) & keep[0]) | (fill & ~keep[0]);
  const uint64_t x1 = (LoadLittle64(word + 8) & keep[1]) | (fill & ~keep[1]);
  if ((x0 | x1) & 0x8080808080808080ull) return XXH3_64bits(word, length);
  uint64_t set = LetterBitsOf8(x0);
  if (length > 8) set |= LetterBitsOf8(x1);
  return LetterSetHash(set, word[0]);
}

// Bit k is set where byte k of the 64 bytes at p is a space.
inline uint64_t SpaceBits64(const uint8_t* p) {
#if defined(SIMSHARD_SIMHASH_SSE2)
  const __m128i space = _mm_set1_epi8(' ');
  uint64_t bits = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    bits |= static_cast<uint64_t>(static_cast<uint32_t>(
                _mm_movemask_epi8(_mm_cmpeq_epi8(x, space))))
            << (16 * k);
  }
  return bits;
#else
  uint64_t bits = 0;
  for (int k = 0; k < 64; ++k) bits |= static_cast<uint64_t>(p[k] == ' ') << k;
  return bits;
#endif
}

// std::popcount is a library call on x86-64 without POPCNT (not in the baseline ISA).
inline size_t PopCount(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<size_t>((x * 0x0101010101010101ull) >> 56);
}

// Appends `offset` plus the index of each set bit to `out`; returns how many. The first
// sixteen are written whatever their number (out has room), so the usual chunk takes no
// branch that depends on it.
inline size_t AppendBitPositions(uint64_t bits, size_t offset, size_t* out) {
  const size_t count = PopCount(bits);
  for (size_t i = 0; i < 16; ++i) {
    out[i] = offset + static_cast<size_t>(std::countr_zero(bits));
    bits &= bits - 1;
  }
  for (size_t i = 16; i < count; ++i) {
    out[i] = offset + static_cast<size_t>(std::countr_zero(bits));
    bits &= bits - 1;
  }
  return count;
}

// Calls `fn(hash, length)` for each space-separated word of the folded text.
//
// A byte loop that stops at each word's end mispredicts a branch per word, which cost
// more than the hashing. Instead the word boundaries of 64 bytes at a time are found
// from a bit mask of their spaces and listed; the words are hashed from that list.
template <typename Fn>
void ForEachTokenHash(std::string_view text, TokenOptions options, Fn&& fn) {
  const auto* const base = reinterpret_cast<const uint8_t*>(text.data());
  const size_t size = text.size();
  // Ends are listed in batches of at least kBatch; a chunk adds at most 32 starts and
  // ends, plus 16 written beyond.
  constexpr size_t kBatch = 64;
  size_t starts[kBatch + 32 + 16 + 1];
  size_t ends[kBatch + 32 + 16];
  size_t start_count = 0, end_count = 0;
  uint64_t last_in_word = 0;  // 1 when the byte before the chunk is not a space
  auto hash_words = [&] {
    for (size_t i = 0; i < end_count; ++i) {
      const size_t start = starts[i];
      const size_t length = ends[i] - start;
      const size_t hashed = std::min(length, options.prefix_bytes);
      const uint64_t hash = options.typo_tolerant && hashed <= 16 && start + 16 <= size
                                ? HashShortWord(base + start, hashed)
                                : HashWordByteByByte(base + start, hashed, options.typo_tolerant);
      fn(hash, length);
    }
    // A word still open moves to the front.
    if (start_count > end_count) starts[0] = starts[end_count];
    start_count -= end_count;
    end_count = 0;
  };
  for (size_t offset = 0; offset < size; offset += 64) {
    uint64_t spaces;
    if (offset + 64 <= size) {
      spaces = SpaceBits64(base + offset);
    } else {  // the last chunk, padded with spaces
      uint8_t padded[64];
      std::memset(padded, ' ', sizeof padded);
      std::memcpy(padded, base + offset, size - offset);
      spaces = SpaceBits64(padded);
    }
    const uint64_t in_word = ~spaces;
    const uint64_t after_word = (in_word << 1) | last_in_word;
    start_count += AppendBitPositions(in_word & ~after_word, offset, starts + start_count);
    end_count += AppendBitPositions(spaces & after_word, offset, ends + end_count);
    last_in_word = in_word >> 63;
    const bool last_chunk = offset + 64 >= size;
    // A word running to the end of a full last chunk has no space after it.
    if (last_chunk && offset + 64 == size && last_in_word) ends[end_count++] = size;
    if (end_count >= kBatch || last_chunk) hash_words();
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
  const bool trigrams = c.trigram_weight > 0;
  const bool need_h3 = trigrams || sketch_words == 3;
  // Read once: in the loop they would be read again after every store.
  const FeatureWeights* const tabled = weights_.data();
  const uint64_t tabled_count = weights_.size() - 1;
  const FeatureWeights after_lead = weights_.back();
  const uint64_t lead_end = lead_end_;
  ForEachTokenHash(folded_text, tokens, [&](uint64_t token, size_t length) {
    if (need_h3) h3 = CombineShingle(h2, token, kCombine3);
    h2 = CombineShingle(h1, token, kCombine2);
    h1 = token;
    const FeatureWeights w = seen < tabled_count ? tabled[seen]
                             : seen >= lead_end  ? after_lead
                                                 : WeightsFor(c, seen);
    ++seen;
    const int unigram = length >= min_unigram ? w.unigram : 0;
    const int bigram = seen >= 2 ? w.bigram : 0;
    simhash.AddPair(h1, unigram, h2, bigram);
    if (trigrams && seen >= 3) simhash.AddPair(h3, w.trigram, 0, 0);
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
