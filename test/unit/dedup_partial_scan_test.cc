#include <boost/test/unit_test.hpp>

#include <random>
#include <vector>

#include "dedup/partial_scan.h"

namespace {

using simshard::dedup_internal::PartialScan;
using simshard::dedup_internal::SupportedPartialScans;

std::vector<PartialScan> Scans() {
  PartialScan scans[simshard::dedup_internal::kMaxPartialScans];
  const int n = SupportedPartialScans(scans);
  return std::vector<PartialScan>(scans, scans + n);
}

uint32_t FlipBits(std::mt19937& rng, uint32_t v, int bits) {
  uint32_t mask = 0;
  while (__builtin_popcount(mask) < bits) mask |= 1u << (rng() % 32);
  return v ^ mask;
}

}  // namespace

BOOST_AUTO_TEST_CASE(portable_scan_is_always_offered_last) {
  const std::vector<PartialScan> scans = Scans();
  BOOST_TEST(!scans.empty());
  BOOST_TEST(std::string(scans.back().name) == "portable");
}

// Every version must return exactly the entries a plain loop finds, in order, whatever
// the range's length and alignment (vector bodies and their tails), for 32- and 16-bit
// entries.
template <typename Partial>
void ExpectPlainLoopAnswers(const PartialScan& scan, const std::vector<Partial>& partials,
                            uint32_t query) {
  for (int radius : {0, 1, 3, 6, 7, 9}) {
    for (uint32_t begin : {0u, 1u, 5u, 17u, 31u}) {
      for (uint32_t length : {0u, 1u, 7u, 8u, 15u, 16u, 31u, 32u, 33u, 100u, 2900u}) {
        const uint32_t end = begin + length;
        std::vector<uint32_t> expected;
        for (uint32_t i = begin; i < end; ++i) {
          if (__builtin_popcount(partials[i] ^ query) <= radius) expected.push_back(i);
        }
        std::vector<uint32_t> out(length + 1, ~0u);
        const auto fn = [&] {
          if constexpr (sizeof(Partial) == 4) return scan.scan32;
          else return scan.scan16;
        }();
        uint32_t* last = fn(partials.data(), begin, end, query, radius, out.data());
        BOOST_TEST_CONTEXT(scan.name << " " << sizeof(Partial) * 8 << "-bit radius " << radius
                                     << " [" << begin << ", " << end << ")") {
          BOOST_TEST(std::vector<uint32_t>(out.data(), last) == expected,
                     boost::test_tools::per_element());
          BOOST_TEST(out[length] == ~0u);  // nothing written past end - begin
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(every_scan_version_matches_a_plain_loop) {
  std::mt19937 rng(7);
  const uint32_t query = rng();
  std::vector<uint32_t> partials32(3000);
  std::vector<uint16_t> partials16(3000);
  for (uint32_t& p : partials32) {
    p = rng() % 3 == 0 ? FlipBits(rng, query, static_cast<int>(rng() % 10)) : rng();
  }
  for (uint16_t& p : partials16) {
    p = static_cast<uint16_t>(rng() % 3 == 0 ? FlipBits(rng, query, static_cast<int>(rng() % 6))
                                             : rng());
  }
  for (const PartialScan& scan : Scans()) {
    ExpectPlainLoopAnswers(scan, partials32, query);
    ExpectPlainLoopAnswers(scan, partials16, query & 0xffff);
  }
}
