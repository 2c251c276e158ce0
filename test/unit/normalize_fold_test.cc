// FoldForFingerprint: NFKC, case folding, punctuation and space folding, ICU words.
#include <boost/test/unit_test.hpp>
#include <random>

#include "simshard/normalize.h"
#include "util/paragraphs.h"

using simshard::FoldForFingerprint;
using simshard::FoldForFingerprintIcuOnly;

namespace {

size_t CountTokens(const std::string& folded) {
  if (folded.empty()) return 0;
  return 1 + std::count(folded.begin(), folded.end(), ' ');
}

}  // namespace

BOOST_AUTO_TEST_CASE(ascii_is_lowercased_and_punctuation_folded) {
  BOOST_TEST(FoldForFingerprint("  Hello, World!\n\nIt's 3.5%  of   the U.S.A. budget_line ") ==
             "hello world it s 3 5 of the u s a budget line");
  BOOST_TEST(FoldForFingerprint("").empty());
  BOOST_TEST(FoldForFingerprint("--- !!! ...").empty());
}

BOOST_AUTO_TEST_CASE(curly_quotes_dashes_and_wrapping_fold_like_straight_ones) {
  BOOST_TEST(FoldForFingerprint("\xE2\x80\x9CIt\xE2\x80\x99s here\xE2\x80\x9D \xE2\x80\x94 she said") ==
             FoldForFingerprint("\"It's here\" - she\nsaid"));
}

BOOST_AUTO_TEST_CASE(nfkc_and_case_folding_apply_to_all_scripts) {
  // Full-width letters, the "fi" ligature, German sharp s, Greek final sigma.
  BOOST_TEST(FoldForFingerprint("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 \xEF\xAC\x81le") == "abc file");
  BOOST_TEST(FoldForFingerprint("STRA\xC3\x9F" "E Stra\xC3\x9F" "e") == "strasse strasse");
  BOOST_TEST(FoldForFingerprint("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3") == FoldForFingerprint("\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82"));
  // Cyrillic: "Привет, Мир!" -> "привет мир".
  BOOST_TEST(FoldForFingerprint("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\x9C\xD0\xB8\xD1\x80!") ==
             "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1\x80");
  // Accented Latin keeps its letters.
  BOOST_TEST(FoldForFingerprint("Caf\xC3\xA9 CR\xC3\x88ME") == "caf\xC3\xA9 cr\xC3\xA8me");
}

BOOST_AUTO_TEST_CASE(chinese_and_japanese_without_spaces_yield_words) {
  // "我们今天去北京看长城。" (We go to Beijing today to see the Great Wall.)
  const std::string zh = FoldForFingerprint(
      "\xE6\x88\x91\xE4\xBB\xAC\xE4\xBB\x8A\xE5\xA4\xA9\xE5\x8E\xBB\xE5\x8C\x97\xE4\xBA\xAC"
      "\xE7\x9C\x8B\xE9\x95\xBF\xE5\x9F\x8E\xE3\x80\x82");
  BOOST_TEST(CountTokens(zh) >= 4u);
  BOOST_TEST(zh.find("\xE3\x80\x82") == std::string::npos);  // the full stop is gone
  BOOST_TEST(zh.find("\xE5\x8C\x97\xE4\xBA\xAC") != std::string::npos);  // 北京 is one word
  // "東京で会議が開かれた" (A meeting was held in Tokyo.)
  const std::string ja = FoldForFingerprint(
      "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xA7\xE4\xBC\x9A\xE8\xAD\xB0\xE3\x81\x8C\xE9\x96\x8B"
      "\xE3\x81\x8B\xE3\x82\x8C\xE3\x81\x9F");
  BOOST_TEST(CountTokens(ja) >= 3u);
}

BOOST_AUTO_TEST_CASE(mixed_ascii_and_other_scripts_fold_as_one_text) {
  const std::string text = "Moscow (\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0) said: "
                           "trade hit $240 billion in 2023. \xE5\x8C\x97\xE4\xBA\xAC too.";
  BOOST_TEST(FoldForFingerprint(text) == FoldForFingerprintIcuOnly(text));
}

BOOST_AUTO_TEST_CASE(ascii_fast_path_matches_the_icu_path_exactly) {
  std::mt19937 rng(42);
  const std::string alphabet =
      "abcXYZ019 \n\t.,;:'\"!?-_()[]{}<>/@#$%^&*+=~`|\\\x01\x1f\x7f";
  for (int round = 0; round < 3000; ++round) {
    std::string s(rng() % 200, ' ');  // long enough for the 16-byte blocks
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    BOOST_TEST_REQUIRE(FoldForFingerprint(s) == FoldForFingerprintIcuOnly(s), "input: " << s);
  }
  const std::string prose =
      "On 3 May, the U.S. team's co-captain said: \"It's 50/50 - maybe 60:40.\" e-mail me@x.org";
  BOOST_TEST(FoldForFingerprint(prose) == FoldForFingerprintIcuOnly(prose));
}

namespace {

// What FoldWithParagraphKeys must equal: the whole text folded, and each paragraph keyed.
void CheckOneFoldServesBoth(const std::string& text) {
  std::string folded = "stale";
  std::vector<uint64_t> keys = {1, 2, 3};
  simshard::FoldWithParagraphKeys(text, &folded, &keys);
  BOOST_TEST_REQUIRE(folded == FoldForFingerprint(text), "input: " << text);
  std::vector<uint64_t> expected;
  for (std::string_view p : simshard::SplitParagraphs(text))
    expected.push_back(simshard::ParagraphKey(p));
  BOOST_TEST_REQUIRE(keys == expected, "input: " << text);
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_fold_gives_the_text_fold_and_every_paragraph_key) {
  CheckOneFoldServesBoth("");
  CheckOneFoldServesBoth("\n\n \n\n");
  CheckOneFoldServesBoth("Headline 2024\n\nUpdated 3 May 2024.\n\n\n--- !!! ---\n\n"
                         "Body text, it's here.\n \nLast line 42");
  CheckOneFoldServesBoth("Moscow (\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0) said\n\n"
                         "\xE5\x8C\x97\xE4\xBA\xAC\n\n\xEF\xBC\x91\xEF\xBC\x92 2023\n\n"
                         "STRA\xC3\x9F" "E \xE2\x80\x94 \xEF\xAC\x81le\n\n\xE2\x80\x9C\xE2\x80\x9D");
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"ab", "C1", "42", " ", "\n", "\n\n", ".", "-",
                                           "\xC3\xA9", "\xE5\x8C\x97", "\xE2\x80\x99", "x9"};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    for (size_t n = rng() % 40; n > 0; --n) s += pieces[rng() % pieces.size()];
    CheckOneFoldServesBoth(s);
  }
}
