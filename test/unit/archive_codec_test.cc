// Record encoding fast paths: the text of a JSON record is copied from the input line
// only when the input spelled it exactly as the escaper would, and the escaper's
// word-at-a-time scan agrees with the byte-by-byte rules at every position.
#include <boost/test/unit_test.hpp>

#include <string>

#include "archive/frame_compressor.h"
#include "archive/record_codec.h"
#include "archive/shard_format.h"
#include "archive_test_util.h"
#include "util/json_writer.h"

using namespace simshard;
using simshard::testing::MakeRecord;

namespace {

// The "text" member of an encoded record, as written.
std::string EncodedTextOf(const Record& r) {
  std::string line;
  EncodeRecord(r, 1, &line);
  const size_t begin = line.find(",\"text\":");
  BOOST_REQUIRE(begin != std::string::npos);
  std::string expected;
  AppendJsonString(&expected, r.text);
  return line.substr(begin + 8, expected.size());
}

Record JsonRecord(const std::string& text, const std::string& spelled) {
  Record r = MakeRecord(11, text);
  r.kind = OriginalKind::kJsonRecord;
  r.original = "{\"url\":\"u\",\"text\":" + spelled + ",\"n\":1}";
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_record_text_is_written_the_same_however_the_input_spelled_it) {
  const std::string text = "caf\xc3\xa9 \"x\" a/b\n\nnext\ttab \x01 end\\";
  for (const std::string& spelled : {
           std::string("\"caf\xc3\xa9 \\\"x\\\" a/b\\n\\nnext\\ttab \\u0001 end\\\\\""),  // as ours
           std::string("\"caf\\u00e9 \\\"x\\\" a/b\\n\\nnext\\ttab \\u0001 end\\\\\""),  // é escaped
           std::string("\"caf\xc3\xa9 \\\"x\\\" a\\/b\\n\\nnext\\ttab \\u0001 end\\\\\""),  // \/
           std::string("\"caf\xc3\xa9 \\\"x\\\" a/b\\u000a\\nnext\\u0009tab \\u0001 end\\\\\""),
           std::string("\"caf\xc3\xa9 \\\"x\\\" a/b\\n\\nnext\\ttab \\u0001 end\\u005c\""),
           std::string("\"caf\xc3\xa9 \\u0022x\\\" a/b\\n\\nnext\\ttab \\u0001 end\\\\\""),
       }) {
    const Record r = JsonRecord(text, spelled);
    std::string expected;
    AppendJsonString(&expected, text);
    BOOST_TEST(EncodedTextOf(r) == expected, "input spelled " << spelled);
    std::string line;
    EncodeRecord(r, 1, &line);
    auto back = DecodeRecord(line);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(back->text == text);
    BOOST_TEST(line.find("\"record\":{\"url\":\"u\",\"text\":null,\"n\":1}") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(upper_case_unicode_escapes_are_not_copied) {
  const Record r = JsonRecord("a\x1f" "b", "\"a\\u001Fb\"");
  BOOST_TEST(EncodedTextOf(r) == "\"a\\u001fb\"");
}

BOOST_AUTO_TEST_CASE(escaping_is_the_same_at_every_position_of_a_word) {
  // Each special byte (or sequence) at each offset of a 24-byte plain run, so it lands in
  // every lane of the 8-byte scan and in the tail.
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\xc3\xa9",
                                  "\xe2\x80\x9c", "\xff", "\xc3", "\xed\xa0\x80"};
  const std::string escaped[] = {"\\\"", "\\\\", "\\n", "\\u0001", "\\u001f", "\x7f", "\xc3\xa9",
                                 "\xe2\x80\x9c", "\xEF\xBF\xBD", "\xEF\xBF\xBD",
                                 "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"};
  const std::string plain(24, 'p');
  for (size_t k = 0; k < std::size(specials); ++k) {
    for (size_t at = 0; at <= plain.size(); ++at) {
      const std::string in = plain.substr(0, at) + specials[k] + plain.substr(at);
      std::string out;
      AppendJsonString(&out, in);
      std::string expected(1, '"');
      expected.append(plain, 0, at).append(escaped[k]).append(plain, at).push_back('"');
      BOOST_TEST(out == expected, "special " << k << " at " << at);
      const bool valid = escaped[k].find("\xEF\xBF\xBD") == std::string::npos;
      BOOST_TEST(IsValidUtf8(in) == valid, "special " << k << " at " << at);
    }
  }
}

BOOST_AUTO_TEST_CASE(text_member_is_found_behind_nested_values_and_repeated_keys) {
  // Members before the text hold brackets, quotes and backslashes inside strings, nested
  // arrays and objects, bare numbers and literals, and spaces around the separators; a
  // first "body" that is not the text, and a repeated key, must be passed over.
  const std::string text = "The \"real\" text \\ here";
  const std::string spelled = "\"The \\\"real\\\" text \\\\ here\"";
  const std::string before =
      "{ \"a\" : \"}]\\\\\\\"{[\" , \"n\":[1,{\"x\":\"]\"},[true,null]] ,\"num\": -1.5e3 ,"
      "\"body\":\"other\",\"body\":" + spelled + ",\"t\":false, \"text\" :  ";
  const std::string after = " , \"z\":{\"q\":\"\\\"\"}}\r";
  Record r = MakeRecord(12, text);
  r.kind = OriginalKind::kJsonRecord;
  r.original = before + spelled + after;
  std::string line;
  EncodeRecord(r, 1, &line);
  const std::string embedded = before + "null" + " , \"z\":{\"q\":\"\\\"\"}}";
  BOOST_TEST(line.find("\"record\":" + embedded + ",\"record_text_key\":\"text\"") != std::string::npos,
             line);
  BOOST_TEST(EncodedTextOf(r) == spelled);
  auto back = DecodeRecord(line);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->original == before + spelled + " , \"z\":{\"q\":\"\\\"\"}}");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_or_json_records_are_stored_whole) {
  Record r = MakeRecord(13, "caf\xc3\xa9");
  r.kind = OriginalKind::kJsonRecord;
  for (const std::string& original : {std::string("{\"text\":\"caf\xc3\xa9\",\"x\":\"\xc0\xaf\"}"),
                                     std::string("{\"text\":\"caf\xc3\xa9\",\"x\":\"\xed\xa0\x80\"}"),
                                     std::string("{\"text\":\"caf\xc3\xa9\",}")}) {
    r.original = original;
    std::string line;
    EncodeRecord(r, 1, &line);
    BOOST_TEST(line.find("\"record\":") == std::string::npos);
    auto back = DecodeRecord(line);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(back->original == original);
  }
}

BOOST_AUTO_TEST_CASE(compressed_frame_checksum_is_that_of_its_records) {
  std::string raw;
  for (int i = 0; raw.size() < 300000; ++i) raw += "record " + std::to_string(i * 7919) + "\n";
  for (const std::string_view bytes : {std::string_view(raw), std::string_view(raw).substr(0, 1),
                                       std::string_view(raw).substr(0, 0)}) {
    auto frame = CompressFrame(bytes, 3);
    BOOST_REQUIRE(frame.ok());
    BOOST_TEST(frame->checksum == shard::Checksum32(bytes), "size " << bytes.size());
    BOOST_TEST(frame->decompressed_size == bytes.size());
  }
}

// SimHash and sketch are left out of new records (the text gives them back) and still
// read from records written before.
BOOST_AUTO_TEST_CASE(fingerprints_are_not_written_but_older_records_are_read) {
  const Record r = MakeRecord(5);
  BOOST_REQUIRE(!r.sketch.empty());
  std::string line;
  EncodeRecord(r, 5, &line);
  BOOST_TEST(line.find("\"simhash\"") == std::string::npos);
  BOOST_TEST(line.find("\"sketch\"") == std::string::npos);
  Result<Record> now = DecodeRecord(line);
  BOOST_REQUIRE(now.ok());
  BOOST_TEST(now->sketch.empty());
  Record recomputed = *now;
  FingerprintStoredText(&recomputed);
  BOOST_TEST(recomputed.simhash == r.simhash);
  BOOST_TEST(recomputed.sketch == r.sketch);

  const std::string older = line.substr(0, line.find(",\"kind\"")) + ",\"simhash\":\"00000000000000ff\"" +
                            ",\"sketch\":\"" + std::string(64, 'a') + "\"" + line.substr(line.find(",\"kind\""));
  Result<Record> before = DecodeRecord(older);
  BOOST_REQUIRE_MESSAGE(before.ok(), before.status().message());
  BOOST_TEST(before->simhash == 0xffu);
  BOOST_TEST(before->sketch == std::string(32, '\xaa'));
  BOOST_TEST(before->text == r.text);
}

// A weak or empty page says so in its record; an extracted one has no such field, so its
// record is what it always was. Neither kind is fingerprinted from its text.
BOOST_AUTO_TEST_CASE(extraction_is_written_only_for_weak_and_empty_pages) {
  Record extracted = MakeRecord(6);
  std::string line;
  EncodeRecord(extracted, 6, &line);
  BOOST_TEST(line.find("extraction") == std::string::npos);
  BOOST_TEST((DecodeRecord(line)->extraction == Extraction::kExtracted));

  for (Extraction e : {Extraction::kWeak, Extraction::kEmpty}) {
    Record r = MakeRecord(7, e == Extraction::kWeak ? "Advertisement\n\nShare\n\nAdvertisement" : "");
    r.extraction = e;
    r.simhash = 0;
    r.sketch.clear();
    r.kind = OriginalKind::kHtml;
    r.original = "<html><body><p>Advertisement</p><aside>Share</aside></body></html>";
    line.clear();
    EncodeRecord(r, 7, &line);
    BOOST_TEST(line.find(std::string("\"extraction\":\"") + ExtractionName(e) + "\",\"kind\":\"html\"") !=
               std::string::npos, line);
    Result<Record> back = DecodeRecord(line);
    BOOST_REQUIRE_MESSAGE(back.ok(), back.status().message());
    BOOST_TEST((back->extraction == e));
    BOOST_TEST(back->text == r.text);
    BOOST_TEST(OriginalBytes(*back) == r.original);
    FingerprintStoredText(&*back);
    BOOST_TEST(back->sketch.empty());
    BOOST_TEST(back->simhash == 0u);
  }
  const std::string unknown = line.substr(0, line.find("\"empty\"")) + "\"partial\"" +
                              line.substr(line.find("\"empty\"") + 7);
  BOOST_TEST(!DecodeRecord(unknown).ok());
}
