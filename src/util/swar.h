// Eight bytes at a time in one 64-bit word (SWAR): tests on bytes without a loop per
// byte, for scanning mostly-ASCII text.
#pragma once

#include <cstdint>
#include <cstring>

namespace simshard {

inline constexpr uint64_t kHighBits = 0x8080808080808080ull;
// Bytes with any of these bits set are 0x20 or above: `x & kNotControl` is zero exactly in
// the control bytes of x.
inline constexpr uint64_t kNotControl = 0xe0e0e0e0e0e0e0e0ull;

// The eight bytes at p, the first in the lowest byte on little-endian machines.
inline uint64_t LoadWord(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// 0x80 in each byte of `x` that is zero, 0 in the others (exact: no false hits).
inline uint64_t ZeroBytes(uint64_t x) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

}  // namespace simshard
