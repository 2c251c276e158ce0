// Sixteen bytes at a time: which are ASCII letters and digits (SSE2, which every x86-64
// has). Users guard with SIMSHARD_ASCII_SSE2 and keep a portable byte loop beside it;
// defining SIMSHARD_NO_SIMD selects that loop everywhere (to test it).
#pragma once

#if defined(__SSE2__) && !defined(SIMSHARD_NO_SIMD)
#define SIMSHARD_ASCII_SSE2 1
#include <emmintrin.h>

namespace simshard {

struct AsciiClasses16 {
  __m128i letter;  // 0xff where the byte is A-Z or a-z
  __m128i digit;   // 0xff where the byte is 0-9
  __m128i lower;   // the bytes with 0x20 set: letters lowercased
};

inline AsciiClasses16 ClassifyAscii16(__m128i x) {
  // A range check lo <= c < lo + n as one signed compare: adding 128 - lo moves the
  // range to the bottom of the signed bytes, [-128, -128 + n).
  const auto in_range = [](__m128i v, int lo, int n) {
    return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(128 - lo))),
                          _mm_set1_epi8(static_cast<char>(-128 + n)));
  };
  AsciiClasses16 c;
  c.lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
  c.letter = in_range(c.lower, 'a', 26);
  c.digit = in_range(x, '0', 10);
  return c;
}

}  // namespace simshard
#endif
