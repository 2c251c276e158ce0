// Content digest: 128-bit xxh3 of the folded text (or, for a page with too little text,
// of its original bytes), and its hex form for the catalog.
#include <xxhash.h>

#include "simshard/fingerprint.h"

namespace simshard {

Digest ContentDigest(std::string_view folded_text) {
  const XXH128_hash_t h = XXH3_128bits(folded_text.data(), folded_text.size());
  return Digest{h.high64, h.low64};
}

Digest RawBytesDigest(std::string_view original) {
  // Any seed but 0 (ContentDigest's) separates the two domains; this one spells "raw bytes".
  constexpr XXH64_hash_t kRawBytesSeed = 0x7261772062797465ull;
  const XXH128_hash_t h = XXH3_128bits_withSeed(original.data(), original.size(), kRawBytesSeed);
  return Digest{h.high64, h.low64};
}

std::string Digest::Hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[i] = kDigits[(high >> (60 - 4 * i)) & 0xf];
    out[16 + i] = kDigits[(low >> (60 - 4 * i)) & 0xf];
  }
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseHex64(std::string_view hex, uint64_t* out) {
  uint64_t v = 0;
  for (char c : hex) {
    const int d = HexValue(c);
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

}  // namespace

bool Digest::FromHex(std::string_view hex, Digest* out) {
  if (hex.size() != 32) return false;
  Digest d;
  if (!ParseHex64(hex.substr(0, 16), &d.high) || !ParseHex64(hex.substr(16), &d.low)) {
    return false;
  }
  *out = d;
  return true;
}

}  // namespace simshard
