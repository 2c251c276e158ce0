// The rule set for chrome that survives markup: each rule removes its kind of chrome
// and leaves the story alone.
#include <boost/test/unit_test.hpp>

#include "scan/chrome_rules.h"
#include "scan_fixture.h"

using simshard::scan::ChromeRuleStats;
using simshard::scan::IsSpacedMenuLine;
using simshard::scan::RemoveRuleChrome;
using simshard::testing::Contains;

namespace {

const std::string kStory =
    "The town council voted on Tuesday to rebuild the harbour wall before winter.\n\n"
    "Work will start in September and cost about 2 million pounds, the council said.\n\n"
    "\"We cannot wait another year,\" said the mayor, who has supported the plan since spring.";

std::string WithChrome(const std::string& chrome_before, const std::string& chrome_after) {
  std::string out;
  if (!chrome_before.empty()) out += chrome_before + "\n\n";
  out += kStory;
  if (!chrome_after.empty()) out += "\n\n" + chrome_after;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_donation_appeal_glued_to_the_end_is_removed) {
  const std::string appeal =
      "A Message from The Harbour Gazette:\n\nDear readers,\n\n"
      "We are facing hard times. Advertising has collapsed and the printing press is closing.\n\n"
      "We, the reporters of the Gazette, want to keep going. But to continue our work, we need your help.\n\n"
      "Your support, no matter how small, matters. Please support us monthly from just 2 pounds.\n\n"
      "By supporting the Gazette you keep independent journalism alive. Thank you.\n\n"
      "Remind me later.";
  ChromeRuleStats stats;
  BOOST_TEST(RemoveRuleChrome(WithChrome("", appeal), &stats) == kStory);
  BOOST_TEST(stats.paragraphs_removed == 7u);
}

BOOST_AUTO_TEST_CASE(a_single_appeal_paragraph_at_the_end_is_removed) {
  BOOST_TEST(RemoveRuleChrome(WithChrome("", "The Herald is free to read because readers support it. "
                                             "Become a supporter today from just 3 pounds a month.")) == kStory);
}

BOOST_AUTO_TEST_CASE(cookie_notices_share_bars_and_newsletters_are_removed) {
  const std::string before =
      "Skip to main content\n\n"
      "We use cookies to improve your experience. By continuing you accept our cookie policy.\n\n"
      "Share this article: Facebook | X | WhatsApp | Email";
  const std::string after =
      "Sign up for our morning newsletter and get the day's news in your inbox.\n\n"
      "Share on Facebook\n\nAdvertisement\n\n"
      "About us | Contact | Privacy policy | Terms | Cookie policy\n\n"
      "(c) Harbour Gazette Ltd. All rights reserved.";
  BOOST_TEST(RemoveRuleChrome(WithChrome(before, after)) == kStory);
}

// Phrases are found whatever their case, and when they end the paragraph.
BOOST_AUTO_TEST_CASE(cue_phrases_are_found_in_capitals_and_at_the_very_end) {
  const std::string before = "WE USE COOKIES. PLEASE ACCEPT THEM OR READ OUR PRIVACY POLICY.";
  const std::string after =
      "Get The Gazette NEWSLETTER: Sign Up\n\n"
      "(C) Harbour Gazette Ltd. ALL RIGHTS RESERVED";
  ChromeRuleStats stats;
  BOOST_TEST(RemoveRuleChrome(WithChrome(before, after), &stats) == kStory);
  BOOST_TEST(stats.paragraphs_removed == 3u);
  // One letter short of a phrase is not the phrase.
  const std::string near_miss = WithChrome("", "The newslette came. Sign u");
  BOOST_TEST(RemoveRuleChrome(near_miss) == near_miss);
}

BOOST_AUTO_TEST_CASE(read_more_and_related_lists_are_removed) {
  const std::string after =
      "Read more: Harbour wall repairs delayed again\n\n"
      "Related stories\n\n- Storm damage bill rises\n\n- Fishermen welcome new wall\n\n"
      "Most read\n\n1. Ferry back in service\n\n2. Lido reopens";
  BOOST_TEST(RemoveRuleChrome(WithChrome("", after)) == kStory);
}

BOOST_AUTO_TEST_CASE(headlines_and_bylines_after_an_inline_heading_survive) {
  const std::string page =
      "Trending now: Ten things to do | Best chips in town | Pictures of the week\n\n"
      "Harbour wall to be rebuilt\n\nBy Gazette staff | 16 May 2024\n\n" + kStory;
  BOOST_TEST(RemoveRuleChrome(page) == "Harbour wall to be rebuilt\n\nBy Gazette staff | 16 May 2024\n\n" + kStory);
}

BOOST_AUTO_TEST_CASE(news_about_donations_and_support_is_not_chrome) {
  const std::string story =
      "The hospital charity said donations had doubled this year after a local appeal.\n\n"
      "Support for the new ward came from schools, churches and the football club.\n\n"
      "Related charges were dropped against the former treasurer last month.\n\n"
      "Read the full report on the council website, the spokesman said.";
  BOOST_TEST(RemoveRuleChrome(story) == story);
}

BOOST_AUTO_TEST_CASE(a_page_that_is_all_chrome_is_kept_whole) {
  BOOST_TEST(RemoveRuleChrome("Read more\n\nShare this") == "Read more\n\nShare this");
}

BOOST_AUTO_TEST_CASE(spaced_menus_are_recognised_on_raw_lines) {
  BOOST_TEST(IsSpacedMenuLine("Home  News  Sport  Culture  Opinion  Puzzles  Subscribe\n"));
  BOOST_TEST(!IsSpacedMenuLine("The mayor said.  Then she left.  Nobody followed.  Rain fell."));
  BOOST_TEST(!IsSpacedMenuLine("Home News Sport Culture"));
}

BOOST_AUTO_TEST_CASE(link_rows_are_told_by_their_bars) {
  const std::string story =
      "The harbour wall will be rebuilt next spring, the council said on Tuesday after a "
      "long debate about the cost of the work and who should pay for it.";
  BOOST_TEST(RemoveRuleChrome(story + "\n\nAbout | Contact | Jobs") == story);
  // Bars without spaces around them, or too few, are not a row of links.
  BOOST_TEST(RemoveRuleChrome(story + "\n\nAbout|Contact|Jobs") == story + "\n\nAbout|Contact|Jobs");
  BOOST_TEST(RemoveRuleChrome(story + "\n\nAbout | Contact") == story + "\n\nAbout | Contact");
  // " | | " is one separator then a bar: two bars are not counted from it.
  BOOST_TEST(RemoveRuleChrome(story + "\n\nA | | B") == story + "\n\nA | | B");
}

BOOST_AUTO_TEST_CASE(text_without_chrome_comes_back_unchanged_in_place) {
  std::string text = "First paragraph here.\n\nSecond one, longer than the first.";
  const std::string before = text;
  simshard::scan::RemoveRuleChrome(&text);
  BOOST_TEST(text == before);
  std::string untidy = "  First paragraph here.\n\n\n\nSecond one.  ";
  simshard::scan::RemoveRuleChrome(&untidy);
  BOOST_TEST(untidy == "First paragraph here.\n\nSecond one.");
}

BOOST_AUTO_TEST_CASE(the_paragraph_that_is_most_of_the_text_is_never_chrome) {
  // A story whose one paragraph speaks to the reader about support, beside a share line:
  // the appeal rule would match it, but it is the text.
  const std::string story =
      "Today marks an important election in the States, and what better way to show your "
      "support than with your nails? Readers sent us their manicures in the colours of their "
      "candidate, from periwinkle stars to striped tips, and your support for the local nail "
      "bars has never been louder, the salon owners told us this week when we visited them.";
  const std::string text = "Sharing = More friends = Awesome!\n\n" + story;
  BOOST_TEST(Contains(RemoveRuleChrome(text), "show your support"));
}
