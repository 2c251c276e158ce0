// ChromeModel: paragraphs repeating across a site's pages are learned and stripped.
#include <boost/test/unit_test.hpp>

#include "simshard/normalize.h"
#include "util/paragraphs.h"

using simshard::ChromeModel;
using simshard::ParagraphKey;
using simshard::SplitParagraphs;

namespace {

// The text the archive keeps of a page: known chrome out, or the page as it is when
// nothing or nothing but chrome would be left.
std::string Stripped(const ChromeModel& model, const std::string& site, const std::string& text) {
  std::string folded;
  std::vector<uint64_t> keys;
  simshard::FoldWithParagraphKeys(text, &folded, &keys);
  simshard::ChromeStrip strip = model.Apply(site, text, keys);
  return strip.outcome == simshard::ChromeStrip::Outcome::kStripped ? strip.text : text;
}

std::string Page(const std::string& story) {
  return "Home News Sport\n\n" + story + "\n\nUpdated 3 May 2024. Copyright Example News.";
}

}  // namespace

BOOST_AUTO_TEST_CASE(paragraphs_split_on_blank_lines) {
  const auto p = SplitParagraphs("\n\nOne\nline two\n\n\n\nThree\n\n");
  BOOST_REQUIRE_EQUAL(p.size(), 2u);
  BOOST_TEST(p[0] == "One\nline two");
  BOOST_TEST(p[1] == "Three");
}

BOOST_AUTO_TEST_CASE(paragraphs_lose_the_white_space_around_them_and_know_their_offset) {
  const std::string text = " \t\nOne \n\n\r\n \n\nTwo\t";
  std::vector<std::pair<size_t, std::string_view>> seen;
  simshard::ForEachParagraph(text, [&](size_t offset, std::string_view p) {
    seen.emplace_back(offset, p);
  });
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_TEST(seen[0].second == "One");
  BOOST_TEST(seen[0].first == 3u);
  BOOST_TEST(seen[1].second == "Two");
  BOOST_TEST(text.substr(seen[1].first, 3) == "Two");
  int visited = 0;  // an fn returning false stops the walk
  simshard::ForEachParagraph(text, [&](size_t, std::string_view) { return ++visited < 1; });
  BOOST_TEST(visited == 1);
}

BOOST_AUTO_TEST_CASE(paragraph_keys_ignore_case_punctuation_spacing_and_numbers) {
  BOOST_TEST(ParagraphKey("Updated 3 May 2024.  Copyright Example") ==
             ParagraphKey("updated 14 may 2025 \xE2\x80\x94 copyright, example"));
  BOOST_TEST(ParagraphKey("Home News Sport") != ParagraphKey("Home News Culture"));
}

BOOST_AUTO_TEST_CASE(paragraph_keys_leave_out_all_digit_words_wherever_they_stand) {
  const uint64_t words_only = ParagraphKey("budget passed by council");
  BOOST_TEST(ParagraphKey("2024 budget 3 4 passed by council 5") == words_only);
  BOOST_TEST(ParagraphKey("12345678901234567890 budget passed, by council 7") == words_only);
  BOOST_TEST(ParagraphKey("budget passed by council 2024") == words_only);
  BOOST_TEST(ParagraphKey("2024 2025") == ParagraphKey(""));
  // Words with letters and digits stay.
  BOOST_TEST(ParagraphKey("budget passed by council 3rd") != words_only);
  BOOST_TEST(ParagraphKey("mp3 budget passed by council") != words_only);
  // The same in text that is not all ASCII.
  BOOST_TEST(ParagraphKey("\xE2\x80\x9C" "budget\xE2\x80\x9D 2024 passed by council") == words_only);
}

BOOST_AUTO_TEST_CASE(chrome_is_learned_per_site_after_min_pages) {
  ChromeModel model(3);
  const std::string a = Page("Story about a bridge."), b = Page("Story about a ferry."),
                    c = Page("Story about a school.");
  model.Observe("news.example", ChromeModel::Keys(a));
  model.Observe("news.example", ChromeModel::Keys(b));
  BOOST_TEST(!model.IsChrome("news.example", ParagraphKey("Home News Sport")));
  BOOST_TEST(Stripped(model, "news.example", a) == a);
  model.Observe("news.example", ChromeModel::Keys(c));
  BOOST_TEST(model.IsChrome("news.example", ParagraphKey("Home News Sport")));
  BOOST_TEST(!model.IsChrome("other.example", ParagraphKey("Home News Sport")));
  BOOST_TEST(Stripped(model, "news.example", Page("Story about a storm.")) == "Story about a storm.");
  BOOST_TEST(Stripped(model, "other.example", c) == c);
}

BOOST_AUTO_TEST_CASE(unobserve_takes_a_page_back) {
  ChromeModel model(3);
  const std::string a = Page("Story about a bridge."), b = Page("Story about a ferry."),
                    c = Page("Story about a school.");
  model.Observe("news.example", ChromeModel::Keys(a));
  model.Observe("news.example", ChromeModel::Keys(b));
  model.Observe("news.example", ChromeModel::Keys(b));
  model.Unobserve("news.example", ChromeModel::Keys(b));  // b was a repeat
  BOOST_TEST(!model.IsChrome("news.example", ParagraphKey("Home News Sport")));
  model.Unobserve("other.example", ChromeModel::Keys(b));  // an unknown site is no error
  model.Observe("news.example", ChromeModel::Keys(c));
  BOOST_TEST(model.IsChrome("news.example", ParagraphKey("Home News Sport")));
}

BOOST_AUTO_TEST_CASE(a_paragraph_repeated_on_one_page_counts_once) {
  ChromeModel model(2);
  model.Observe("s", ChromeModel::Keys("Share\n\nStory one.\n\nShare"));
  BOOST_TEST(!model.IsChrome("s", ParagraphKey("Share")));
}

BOOST_AUTO_TEST_CASE(a_page_made_only_of_known_paragraphs_is_kept) {
  ChromeModel model(2);
  const std::string repeated = "The same story published twice.";
  model.Observe("s", ChromeModel::Keys(repeated));
  model.Observe("s", ChromeModel::Keys(repeated));
  BOOST_TEST(model.IsChrome("s", ParagraphKey(repeated)));
  BOOST_TEST(Stripped(model, "s", repeated) == repeated);
}

BOOST_AUTO_TEST_CASE(serialize_round_trips_and_rejects_garbage) {
  ChromeModel model(2);
  for (int i = 0; i < 3; ++i)
    model.Observe("news.example", ChromeModel::Keys(Page("Story " + std::string(1, char('a' + i)))));
  model.Observe("b.example", ChromeModel::Keys("Only once."));
  const std::string bytes = model.Serialize();
  auto back = ChromeModel::Deserialize(bytes);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->min_pages() == 2u);
  BOOST_TEST(back->IsChrome("news.example", ParagraphKey("Home News Sport")));
  BOOST_TEST(back->Serialize() == bytes);
  BOOST_TEST(bytes.find("b.example") == std::string::npos);  // singletons are not kept
  BOOST_TEST(!ChromeModel::Deserialize("nonsense").ok());
  BOOST_TEST(!ChromeModel::Deserialize("chrome-model 1 2\nsite\tzz:1\n").ok());
  BOOST_TEST(ChromeModel::Deserialize("chrome-model 1 3\n").ok());
}

BOOST_AUTO_TEST_CASE(ascii_and_unicode_paragraphs_get_the_same_key_for_the_same_words) {
  // The em dash sends the second paragraph down the Unicode path.
  BOOST_TEST(ParagraphKey("Updated 3 May 2024: (c) Example-News, 12 pages") ==
             ParagraphKey("updated may \xE2\x80\x94 c example news pages 2025"));
  BOOST_TEST(ParagraphKey("2024 2025") == ParagraphKey("\xE2\x80\x94 1999 \xE2\x80\x94"));
  BOOST_TEST(ParagraphKey("abc 123 def") != ParagraphKey("abc def ghi"));
}

namespace {

// Apply() as the deciding thread calls it: with the keys the worker's fold produced.
simshard::ChromeStrip ApplyTo(const ChromeModel& model, const std::string& site,
                              const std::string& text) {
  std::string folded;
  std::vector<uint64_t> keys;
  simshard::FoldWithParagraphKeys(text, &folded, &keys);
  return model.Apply(site, text, keys);
}

ChromeModel ModelThatKnows(const std::vector<std::string>& pages) {
  ChromeModel model(3);
  for (const std::string& page : pages) model.Observe("news.example", ChromeModel::Keys(page));
  return model;
}

}  // namespace

BOOST_AUTO_TEST_CASE(apply_strips_known_chrome_and_folds_what_is_left) {
  const ChromeModel model = ModelThatKnows({Page("A bridge."), Page("A ferry."), Page("A school.")});
  using Outcome = simshard::ChromeStrip::Outcome;
  const simshard::ChromeStrip strip = ApplyTo(model, "news.example", Page("Storm hits the Coast."));
  BOOST_TEST((strip.outcome == Outcome::kStripped));
  BOOST_TEST(strip.text == "Storm hits the Coast.");
  BOOST_TEST(strip.folded == simshard::FoldForFingerprint("Storm hits the Coast."));
  BOOST_TEST(strip.paragraphs_removed == 2u);
  // Another site, or a page without the chrome: nothing to do, nothing computed.
  BOOST_TEST((ApplyTo(model, "other.example", Page("Storm.")).outcome == Outcome::kUnchanged));
  const simshard::ChromeStrip clean = ApplyTo(model, "news.example", "Storm hits the coast.");
  BOOST_TEST((clean.outcome == Outcome::kUnchanged));
  BOOST_TEST(clean.text.empty());
}

BOOST_AUTO_TEST_CASE(apply_calls_a_page_of_nothing_but_chrome_no_evidence) {
  const ChromeModel model = ModelThatKnows({Page("A bridge."), Page("A ferry."), Page("A school.")});
  using Outcome = simshard::ChromeStrip::Outcome;
  BOOST_TEST((ApplyTo(model, "news.example", Page("")).outcome == Outcome::kOnlyChrome));
  // What is left has no word to fingerprint.
  BOOST_TEST((ApplyTo(model, "news.example", Page("* * *")).outcome == Outcome::kOnlyChrome));
}

BOOST_AUTO_TEST_CASE(apply_keeps_long_paragraphs_that_repeat) {
  // Syndicated copies on one site share whole paragraphs: those are story, not chrome.
  std::string paragraph;
  while (paragraph.size() <= 2000) paragraph += "The council met again to argue about the bridge. ";
  const ChromeModel model =
      ModelThatKnows({Page(paragraph), Page(paragraph + "\n\nOne."), Page(paragraph + "\n\nTwo.")});
  const simshard::ChromeStrip strip = ApplyTo(model, "news.example", Page(paragraph + "\n\nThree."));
  BOOST_TEST((strip.outcome == simshard::ChromeStrip::Outcome::kStripped));
  BOOST_TEST(strip.text == paragraph.substr(0, paragraph.size() - 1) + "\n\nThree.");
}
