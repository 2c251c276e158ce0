#include "dedup/partial_scan.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SIMSHARD_X86_SCANS 1
#endif

namespace simshard::dedup_internal {

namespace {

// Appends base + the position of every set bit of `mask` (few: most vectors of entries
// have none within the radius).
inline uint32_t* AppendMaskBits(uint32_t base, uint32_t mask, uint32_t* out) {
  while (mask != 0) {
    *out++ = base + static_cast<uint32_t>(__builtin_ctz(mask));
    mask &= mask - 1;
  }
  return out;
}

template <typename Partial>
__attribute__((always_inline)) inline uint32_t* ScanScalar(const Partial* partials,
                                                           uint32_t begin, uint32_t end,
                                                           uint32_t query, int radius,
                                                           uint32_t* out) {
  for (uint32_t i = begin; i < end; ++i) {
    *out = i;
    out += __builtin_popcount(partials[i] ^ query) <= radius;  // no branch to mispredict
  }
  return out;
}

template <typename Partial>
uint32_t* ScanPortable(const Partial* partials, uint32_t begin, uint32_t end, uint32_t query,
                       int radius, uint32_t* out) {
  return ScanScalar(partials, begin, end, query, radius, out);
}

#ifdef SIMSHARD_X86_SCANS

// The POPCNT instruction: every x86-64 CPU since 2008.
template <typename Partial>
__attribute__((target("popcnt"))) uint32_t* ScanPopcnt(const Partial* partials, uint32_t begin,
                                                      uint32_t end, uint32_t query, int radius,
                                                      uint32_t* out) {
  return ScanScalar(partials, begin, end, query, radius, out);
}

#define SIMSHARD_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vpopcntdq")))

// 16 entries, widened to 32-bit lanes; `valid` masks off lanes past the bucket's end.
SIMSHARD_AVX512 inline __m512i Load16(const uint32_t* p, __mmask16 valid) {
  return _mm512_maskz_loadu_epi32(valid, p);
}
SIMSHARD_AVX512 inline __m512i Load16(const uint16_t* p, __mmask16 valid) {
  return _mm512_maskz_cvtepu16_epi32(valid, _mm256_maskz_loadu_epi16(valid, p));
}

SIMSHARD_AVX512 inline __mmask16 Near16(__m512i entries, __m512i q, __m512i r) {
  return _mm512_cmple_epu32_mask(_mm512_popcnt_epi32(_mm512_xor_si512(entries, q)), r);
}

// 16 entries per instruction: xor, per-lane popcount, compare into a mask; two vectors
// per round so that one test of the combined masks covers 32 entries.
template <typename Partial>
SIMSHARD_AVX512 uint32_t* ScanAvx512(const Partial* partials, uint32_t begin, uint32_t end,
                                     uint32_t query, int radius, uint32_t* out) {
  const __m512i q = _mm512_set1_epi32(static_cast<int>(query));
  const __m512i r = _mm512_set1_epi32(radius);
  uint32_t i = begin;
  for (; i + 32 <= end; i += 32) {
    const __mmask16 a = Near16(Load16(partials + i, 0xffff), q, r);
    const __mmask16 b = Near16(Load16(partials + i + 16, 0xffff), q, r);
    if ((a | b) == 0) [[likely]] continue;
    out = AppendMaskBits(i, a | static_cast<uint32_t>(b) << 16, out);
  }
  for (; i < end; i += 16) {
    const uint32_t left = end - i;
    const __mmask16 valid = left >= 16 ? 0xffff : static_cast<__mmask16>((1u << left) - 1);
    out = AppendMaskBits(i, Near16(Load16(partials + i, valid), q, r) & valid, out);
  }
  return out;
}

// 8 entries, widened to 32-bit lanes.
__attribute__((target("avx2"))) inline __m256i Load8(const uint32_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
__attribute__((target("avx2"))) inline __m256i Load8(const uint16_t* p) {
  return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// 8 entries per round: the popcount of each byte from a nibble table (PSHUFB), summed
// into 32-bit lanes with two multiply-adds.
template <typename Partial>
__attribute__((target("avx2"))) uint32_t* ScanAvx2(const Partial* partials, uint32_t begin,
                                                  uint32_t end, uint32_t query, int radius,
                                                  uint32_t* out) {
  const __m256i q = _mm256_set1_epi32(static_cast<int>(query));
  const __m256i r = _mm256_set1_epi32(radius);
  const __m256i nibble_counts =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1,
                       2, 2, 3, 2, 3, 3, 4);
  const __m256i low_nibbles = _mm256_set1_epi8(0x0f);
  const __m256i ones8 = _mm256_set1_epi8(1);
  const __m256i ones16 = _mm256_set1_epi16(1);
  uint32_t i = begin;
  for (; i + 8 <= end; i += 8) {
    const __m256i x = _mm256_xor_si256(Load8(partials + i), q);
    const __m256i bytes = _mm256_add_epi8(
        _mm256_shuffle_epi8(nibble_counts, _mm256_and_si256(x, low_nibbles)),
        _mm256_shuffle_epi8(nibble_counts, _mm256_and_si256(_mm256_srli_epi16(x, 4), low_nibbles)));
    const __m256i counts = _mm256_madd_epi16(_mm256_maddubs_epi16(bytes, ones8), ones16);
    const auto far = static_cast<uint32_t>(
        _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(counts, r))));
    if (far == 0xff) [[likely]] continue;
    out = AppendMaskBits(i, ~far & 0xff, out);
  }
  return ScanPopcnt(partials, i, end, query, radius, out);
}

#endif  // SIMSHARD_X86_SCANS

PartialScan& Override() {
  static PartialScan scan{nullptr, nullptr, nullptr};
  return scan;
}

}  // namespace

int SupportedPartialScans(PartialScan out[kMaxPartialScans]) {
  int n = 0;
#ifdef SIMSHARD_X86_SCANS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vpopcntdq")) {
    out[n++] = PartialScan{"avx512", ScanAvx512<uint32_t>, ScanAvx512<uint16_t>};
  }
  if (__builtin_cpu_supports("avx2")) {
    out[n++] = PartialScan{"avx2", ScanAvx2<uint32_t>, ScanAvx2<uint16_t>};
  }
  if (__builtin_cpu_supports("popcnt")) {
    out[n++] = PartialScan{"popcnt", ScanPopcnt<uint32_t>, ScanPopcnt<uint16_t>};
  }
#endif
  out[n++] = PartialScan{"portable", ScanPortable<uint32_t>, ScanPortable<uint16_t>};
  return n;
}

PartialScan ActivePartialScan() {
  if (Override().name != nullptr) return Override();
  static const PartialScan best = [] {
    PartialScan scans[kMaxPartialScans];
    SupportedPartialScans(scans);
    return scans[0];
  }();
  return best;
}

ScopedPartialScan::ScopedPartialScan(PartialScan scan) : saved_(Override()) {
  Override() = scan;
}
ScopedPartialScan::~ScopedPartialScan() { Override() = saved_; }

}  // namespace simshard::dedup_internal
