// Stage 3: fingerprint. A 64-bit SimHash for candidate search, a compact sketch of the
// shingle set for verification, and a content digest for exact duplicates, all computed
// from the folded text (normalize.h). doc/DEDUP.md explains the choices and measurements.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace simshard {

// 128-bit xxh3 of the folded text. Equal digests mean exact duplicates.
struct Digest {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const Digest&) const = default;
  std::string Hex() const;  // 32 lowercase hex digits
  static bool FromHex(std::string_view hex, Digest* out);
};

Digest ContentDigest(std::string_view folded_text);

// 128-bit xxh3 of a document's original bytes, seeded so that it can never meet a
// ContentDigest: the digest of a page whose extracted text is too thin to compare
// (Extraction::kWeak, kEmpty), which is thus an exact duplicate only of the same bytes.
Digest RawBytesDigest(std::string_view original);

// Number of bytes of the verification sketch kept per document: a one-permutation
// MinHash of the word-shingle set, kSketchBins bins of kSketchBitsPerBin bits each.
inline constexpr size_t kSketchBytes = 32;
inline constexpr size_t kSketchBitsPerBin = 2;
inline constexpr size_t kSketchBins = kSketchBytes * 8 / kSketchBitsPerBin;

using Sketch = std::array<uint8_t, kSketchBytes>;

struct Fingerprint {
  uint64_t simhash = 0;
  Sketch sketch{};
};

// Which features feed the SimHash and the sketch. The defaults are the measured choice;
// the other settings exist for the quality harness (bench/quality.cc).
struct FingerprintConfig {
  // SimHash feature weights; 0 leaves a feature out. Word n-gram hashes are combined
  // from the token hashes, so adding a feature costs no extra pass over the text.
  int unigram_weight = 1;
  int bigram_weight = 1;
  int trigram_weight = 0;
  // Features that start at words [lead_start, lead_start + lead_words) count up to
  // lead_weight times: copies differ mostly at the end (trimmed paragraphs, notes) and in
  // the first words (headline, dateline), rarely in the lead paragraphs.
  int lead_start = 0;
  int lead_words = 120;
  int lead_weight = 15;
  // The weight climbs to lead_weight over this many words at each edge of the lead, so a
  // byline or dateline added at the top shifts weights a little instead of moving whole
  // words across a step (0: a step).
  int lead_ramp_words = 40;
  // Words shorter than this many bytes add no unigram feature (0: all words do).
  int min_unigram_bytes = 0;
  // Only the first this many bytes of a word are hashed (0: all).
  int token_prefix_bytes = 0;
  // Hash a word by its first byte and the set of bytes in it, so swapped or doubled
  // letters (common typos) leave the hash unchanged.
  bool letter_set_tokens = true;
  // Words per shingle in the verification sketch.
  int sketch_shingle_words = 2;

  // Recorded in the catalog; an archive made with another name is refused.
  std::string Name() const;
};

class Fingerprinter {
 public:
  explicit Fingerprinter(FingerprintConfig config = {});
  // Pure and thread-safe; allocates nothing per word.
  Fingerprint Compute(std::string_view folded_text) const;
  const FingerprintConfig& config() const { return config_; }

 private:
  struct FeatureWeights {
    uint8_t unigram, bigram, trigram;
  };
  static constexpr uint64_t kMaxTabledPositions = 1 << 16;
  static FeatureWeights WeightsFor(const FingerprintConfig& config, uint64_t position);

  FingerprintConfig config_;
  uint64_t lead_end_ = 0;  // first word position after the lead
  // Feature weights at positions [0, min(lead_end_, kMaxTabledPositions)), then the
  // weights after the lead.
  std::vector<FeatureWeights> weights_;
};

// Estimated Jaccard similarity of the shingle sets behind two sketches, in [0, 1].
double SketchSimilarity(const Sketch& a, const Sketch& b);
inline double SketchSimilarity(const Fingerprint& a, const Fingerprint& b) {
  return SketchSimilarity(a.sketch, b.sketch);
}

// Number of differing bits between two SimHashes.
inline int HammingDistance(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

}  // namespace simshard
