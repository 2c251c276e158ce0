// Stage 3: fingerprint. A 64-bit SimHash for candidate search, a compact sketch of the
// shingle set for verification, and a content digest for exact duplicates, all computed
// from the folded text (normalize.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

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

// Number of bytes of the verification sketch kept per document.
inline constexpr size_t kSketchBytes = 32;

struct Fingerprint {
  uint64_t simhash = 0;
  std::array<uint8_t, kSketchBytes> sketch{};
};

struct FingerprintConfig {
  // Recorded in the catalog; an archive made with another name is refused.
  std::string Name() const;
};

class Fingerprinter {
 public:
  explicit Fingerprinter(FingerprintConfig config = {});
  Fingerprint Compute(std::string_view folded_text) const;
  const FingerprintConfig& config() const { return config_; }

 private:
  FingerprintConfig config_;
};

// Estimated Jaccard similarity of the shingle sets behind two sketches, in [0, 1].
double SketchSimilarity(const Fingerprint& a, const Fingerprint& b);

}  // namespace simshard
