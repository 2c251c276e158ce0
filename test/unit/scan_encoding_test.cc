// Bytes to text: BOMs, HTTP charset, <meta charset>, and the windows-1252 fallback.
#include <boost/test/unit_test.hpp>

#include "scan/charset.h"
#include "scan_fixture.h"
#include "util/json_writer.h"

using namespace simshard;
using simshard::scan::DecodeToUtf8;
using simshard::scan::HtmlMetaCharset;
using simshard::testing::ScanAll;
using simshard::testing::ScratchDir;

BOOST_AUTO_TEST_CASE(valid_utf8_passes_through_untouched) {
  std::string used;
  BOOST_TEST(DecodeToUtf8("caf\xC3\xA9 \xE4\xB8\xAD", "", &used) == "caf\xC3\xA9 \xE4\xB8\xAD");
  BOOST_TEST(used == "utf-8");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_without_a_declaration_is_windows_1252) {
  std::string used;
  // 0x93/0x94 are curly quotes and 0x80 the euro sign in windows-1252, not in Latin-1.
  BOOST_TEST(DecodeToUtf8("caf\xE9 \x93quoted\x94 \x80" "5", "", &used) ==
             "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC" "5");
  BOOST_TEST(used == "windows-1252");
  // A page labelled Latin-1 is read as windows-1252, as browsers do.
  BOOST_TEST(DecodeToUtf8("\x93x\x94", "ISO-8859-1") == "\xE2\x80\x9Cx\xE2\x80\x9D");
}

BOOST_AUTO_TEST_CASE(byte_order_marks_win_over_declarations) {
  std::string used;
  BOOST_TEST(DecodeToUtf8("\xEF\xBB\xBFhello", "windows-1251", &used) == "hello");
  BOOST_TEST(used == "utf-8");
  const std::string utf16le("\xFF\xFEh\0i\0 \0\x3A\x04", 10);  // "hi ф" (U+043A)
  BOOST_TEST(DecodeToUtf8(utf16le, "", &used) == "hi \xD0\xBA");
  BOOST_TEST(used == "utf-16le");
  const std::string utf16be("\xFE\xFF\0h\0i", 6);
  BOOST_TEST(DecodeToUtf8(utf16be, "") == "hi");
}

BOOST_AUTO_TEST_CASE(declared_charsets_are_decoded_with_icu) {
  // "Привет" in windows-1251 and KOI8-R; "日本" in Shift_JIS.
  BOOST_TEST(DecodeToUtf8("\xCF\xF0\xE8\xE2\xE5\xF2", "windows-1251") ==
             "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  BOOST_TEST(DecodeToUtf8("\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r") ==
             "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  BOOST_TEST(DecodeToUtf8("\x93\xFA\x96\x7B", "Shift_JIS") == "\xE6\x97\xA5\xE6\x9C\xAC");
  // Unknown labels fall through to the next rule.
  BOOST_TEST(DecodeToUtf8("plain", "no-such-charset") == "plain");
  // Mislabelled "utf-8" that is not: still readable, still valid UTF-8.
  BOOST_TEST(IsValidUtf8(DecodeToUtf8("caf\xE9", "utf-8")));
}

BOOST_AUTO_TEST_CASE(meta_charset_is_found_in_both_forms) {
  BOOST_TEST(HtmlMetaCharset("<html><head><meta charset=\"KOI8-R\">") == "koi8-r");
  BOOST_TEST(HtmlMetaCharset("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">") ==
             "windows-1251");
  BOOST_TEST(HtmlMetaCharset("<html><head><title>x</title>").empty());
}

BOOST_AUTO_TEST_CASE(documents_are_decoded_by_declaration_and_keep_original_bytes) {
  ScratchDir dir;
  const std::string koi8 = "<html><head><meta charset=\"koi8-r\"></head><body><p>\xF0\xD2\xC9\xD7\xC5\xD4</p></body></html>";
  const std::string latin = "Caf\xE9 cr\xE8me.";
  const std::string warc_block = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\n\xCF\xF0\xE8\xE2\xE5\xF2";
  const std::string warc = "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://ru.example/\r\n"
                           "Content-Type: application/http\r\nContent-Length: " +
                           std::to_string(warc_block.size()) + "\r\n\r\n" + warc_block + "\r\n\r\n";
  const auto docs = ScanAll({dir.Write("a.html", koi8), dir.Write("b.txt", latin), dir.Write("c.warc", warc)});
  BOOST_REQUIRE_EQUAL(docs.size(), 3u);
  BOOST_TEST(docs[0].text == "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  BOOST_TEST(docs[0].original == koi8);
  BOOST_TEST(docs[1].text == "Caf\xC3\xA9 cr\xC3\xA8me.");
  BOOST_TEST(docs[1].original == latin);
  BOOST_TEST(docs[2].text == "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  for (const Document& d : docs) BOOST_TEST(IsValidUtf8(d.text));
}

BOOST_AUTO_TEST_CASE(json_lines_in_windows_1252_are_read_not_rejected) {
  ScratchDir dir;
  const std::string line = "{\"text\":\"Caf\xE9 opens.\"}";
  const auto docs = ScanAll({dir.Write("latin.jsonl", line + "\n")});
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  BOOST_TEST(docs[0].text == "Caf\xC3\xA9 opens.");
  BOOST_TEST(docs[0].original == line);
}

BOOST_AUTO_TEST_CASE(utf16_files_with_a_bom_are_read_as_text_or_html) {
  ScratchDir dir;
  auto utf16le = [](const std::string& ascii) {
    std::string out = "\xFF\xFE";
    for (char c : ascii) out += std::string{c, '\0'};
    return out;
  };
  const auto docs = ScanAll({dir.Write("a.txt", utf16le("Wide text story.")),
                             dir.Write("b.htm", utf16le("<html><body><p>Wide page.</p></body></html>"))});
  BOOST_REQUIRE_EQUAL(docs.size(), 2u);
  BOOST_TEST(docs[0].text == "Wide text story.");
  BOOST_TEST(docs[1].text == "Wide page.");
  BOOST_TEST((docs[1].kind == OriginalKind::kHtml));
}

// gumbo 0.10 turns an overflowing numeric entity into a lone byte that is not UTF-8 (found
// by fuzzing the HTML extractor); the extracted text and title must still be valid UTF-8.
BOOST_AUTO_TEST_CASE(overflowing_numeric_entity_still_gives_valid_utf8) {
  simshard::RawItem item;
  item.source = "entity.html";
  item.format = simshard::ItemFormat::kHtml;
  item.bytes = "<html><head><title>T &#11999199991</title></head><body><p>Ferry &#11999199991 "
               "sails at dawn from the old harbour.</p></body></html>";
  const simshard::Document doc = simshard::Extract(std::move(item), simshard::ScanOptions{});
  BOOST_TEST(doc.skip_reason == "");
  BOOST_TEST(doc.text.find("sails at dawn") != std::string::npos);
  BOOST_TEST(simshard::IsValidUtf8(doc.text));
  BOOST_TEST(simshard::IsValidUtf8(doc.title));
}
