// The inner loop of a lookup: which entries of a bucket lie within a few bits of the
// query on the SimHash bits they store (32 or 16). A lookup at 10 million documents runs it
// over about 10,000 entries, so it comes in vector versions (AVX-512 with VPOPCNTDQ, AVX2),
// a scalar one with the POPCNT instruction and a portable one, chosen once from what the
// CPU supports.
#pragma once

#include <cstdint>

namespace simshard::dedup_internal {

// Writes to `out` the index of every i in [begin, end) with
// popcount(partials[i] ^ query) <= radius (radius >= 0), in increasing order, and returns
// the end of what it wrote (at most end - begin indices).
template <typename Partial>
using PartialScanFn = uint32_t* (*)(const Partial* partials, uint32_t begin, uint32_t end,
                                    uint32_t query, int radius, uint32_t* out);

struct PartialScan {
  const char* name;
  PartialScanFn<uint32_t> scan32;
  PartialScanFn<uint16_t> scan16;
};

// Every version this CPU can run, the fastest first; the last is the portable one.
// Returns how many were written to `out`.
inline constexpr int kMaxPartialScans = 4;
int SupportedPartialScans(PartialScan out[kMaxPartialScans]);

// The version lookups use: the fastest supported, unless overridden below.
PartialScan ActivePartialScan();

// Makes ActivePartialScan() return `scan` while alive: tests and benchmarks of every
// version. Not thread-safe; lookups pick the version when they start.
class ScopedPartialScan {
 public:
  explicit ScopedPartialScan(PartialScan scan);
  ~ScopedPartialScan();
  ScopedPartialScan(const ScopedPartialScan&) = delete;
  ScopedPartialScan& operator=(const ScopedPartialScan&) = delete;

 private:
  PartialScan saved_;
};

}  // namespace simshard::dedup_internal
