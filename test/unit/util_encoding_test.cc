#include <boost/test/unit_test.hpp>

#include <xxhash.h>

#include "util/encoding.h"
#include "util/hash.h"

using namespace simshard;

BOOST_AUTO_TEST_CASE(base64_round_trips_every_tail_length) {
  const std::string bytes("\x00\xff\x10 abc", 7);
  std::string back;
  for (size_t n = 0; n <= bytes.size(); ++n) {
    BOOST_REQUIRE(Base64Decode(Base64Encode(bytes.substr(0, n)), &back));
    BOOST_TEST(back == bytes.substr(0, n));
  }
  BOOST_TEST(Base64Encode("foob") == "Zm9vYg==");  // RFC 4648 test vector
  BOOST_TEST(Base64Encode("foobar") == "Zm9vYmFy");
}

BOOST_AUTO_TEST_CASE(base64_rejects_bad_padding_and_characters) {
  std::string out;
  BOOST_TEST(!Base64Decode("Zm9v=g==", &out));
  BOOST_TEST(!Base64Decode("Zm9", &out));
  BOOST_TEST(!Base64Decode("Zm9v!A==", &out));
  BOOST_TEST(!Base64Decode("Z===", &out));
}

BOOST_AUTO_TEST_CASE(hex_forms) {
  const std::string bytes("\x00\xff\x10 abc", 7);
  std::string back;
  BOOST_TEST(HexEncode(bytes) == "00ff1020616263");
  BOOST_REQUIRE(HexDecode("00FF1020616263", &back));
  BOOST_TEST(back == bytes);
  BOOST_TEST(!HexDecode("0g", &back));
  BOOST_TEST(!HexDecode("abc", &back));
  BOOST_TEST(Hex64(0xabc) == "0000000000000abc");
  uint64_t v = 0;
  BOOST_REQUIRE(ParseHex64("DEADbeef00000001", &v));
  BOOST_TEST(v == 0xdeadbeef00000001ull);
  BOOST_TEST(!ParseHex64("", &v));
  BOOST_TEST(!ParseHex64("12345678901234567", &v));
}

BOOST_AUTO_TEST_CASE(hex_appended_to_what_is_there) {
  std::string out = "x";
  AppendHex64(0x0123456789abcdefull, &out);
  BOOST_TEST(out == "x0123456789abcdef");
  AppendHex(std::string_view("\x00\xff\x1a", 3), &out);
  BOOST_TEST(out == "x0123456789abcdef00ff1a");
}

BOOST_AUTO_TEST_CASE(fixed_width_integers_are_little_endian) {
  std::string out;
  PutFixed32(&out, 0x01020304);
  PutFixed64(&out, 0x1122334455667788ull);
  BOOST_TEST(out == std::string("\x04\x03\x02\x01\x88\x77\x66\x55\x44\x33\x22\x11", 12));
  BOOST_TEST(GetFixed32(out.data()) == 0x01020304u);
  BOOST_TEST(GetFixed64(out.data() + 4) == 0x1122334455667788ull);
}

BOOST_AUTO_TEST_CASE(stream_hash_equals_one_shot_xxh64) {
  const std::string data = "a shard is written in pieces, hashed as it goes";
  StreamHash64 hash;
  hash.Update(std::string_view(data).substr(0, 10));
  hash.Update(std::string_view(data).substr(10));
  BOOST_TEST(hash.Digest() == XXH64(data.data(), data.size(), 0));
}
