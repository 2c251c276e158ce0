#include <boost/test/unit_test.hpp>

#include "util/json_writer.h"

using simshard::AppendJsonString;

BOOST_AUTO_TEST_CASE(json_string_escapes_quotes_controls_and_bad_utf8) {
  std::string out;
  AppendJsonString(&out, std::string("a\"b\\c\nd\x01" "\xff" "\xc3\xa9", 11));
  BOOST_TEST(out == "\"a\\\"b\\\\c\\nd\\u0001\xEF\xBF\xBD\xc3\xa9\"");
}

BOOST_AUTO_TEST_CASE(valid_utf8_rejects_overlongs_and_surrogates) {
  BOOST_TEST(simshard::IsValidUtf8("plain ascii \xe4\xb8\xad"));
  BOOST_TEST(!simshard::IsValidUtf8("\xc0\xaf"));          // overlong '/'
  BOOST_TEST(!simshard::IsValidUtf8("\xed\xa0\x80"));      // surrogate
  BOOST_TEST(!simshard::IsValidUtf8("\xe4\xb8"));          // cut short
}

BOOST_AUTO_TEST_CASE(object_writer_builds_flat_objects) {
  std::string out;
  simshard::JsonObjectWriter(&out).String("id", "x").Uint("n", 42).Bool("ok", true).Close();
  BOOST_TEST(out == "{\"id\":\"x\",\"n\":42,\"ok\":true}");
}
