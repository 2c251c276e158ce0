// SHA-1 and the WARC form of its digest, checked against known values at every padding case.
#include <boost/test/unit_test.hpp>

#include "util/encoding.h"
#include "util/sha1.h"

using namespace simshard;

namespace {

std::string HexOf(const std::array<uint8_t, 20>& d) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

}  // namespace

BOOST_AUTO_TEST_CASE(sha1_matches_known_digests) {
  BOOST_TEST(HexOf(Sha1("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  BOOST_TEST(HexOf(Sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  BOOST_TEST(HexOf(Sha1(std::string(55, 'a'))) == "c1c8bbdc22796e28c0e15163d20899b65621d65a");  // one block
  BOOST_TEST(HexOf(Sha1(std::string(56, 'a'))) == "c2db330f6083854c99d4b5bfb6e8f29f201be699");  // two
  BOOST_TEST(HexOf(Sha1(std::string(64, 'a'))) == "0098ba824b5c16427bd7a1122a5a442a25ec644d");
  BOOST_TEST(HexOf(Sha1(std::string(1000, 'a'))) == "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}

BOOST_AUTO_TEST_CASE(warc_digests_are_base32) {
  BOOST_TEST(WarcSha1Digest("") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
  BOOST_TEST(WarcSha1Digest("abc") == "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
}
