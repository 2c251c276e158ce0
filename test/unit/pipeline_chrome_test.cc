// What the learned chrome model counts, through the Decider: each site's pages in input
// order, a story copied on its own site once, and nothing the run decides about copies
// across sites (doc/INPUTS.md, "Page chrome").
#include <boost/test/unit_test.hpp>

#include <functional>
#include <sstream>
#include <vector>

#include "decider_fixture.h"
#include "simshard/archive.h"
#include "simshard/normalize.h"

using namespace simshard;
using pipeline::Decider;
using simshard::testing::AnalyzeItem;
using simshard::testing::DecideAndKeep;
using simshard::testing::OwnWords;

namespace {

const std::string kMasthead = "The Lakeside Tribune has served the valley towns since the spring of its first year.";
const std::string kFooter = "Letters to the editor are welcome and may be shortened before they are printed here.";

std::string TribunePage(const std::string& story) { return kMasthead + "\n\n" + story + "\n\n" + kFooter; }

// The model's line for `site` in its saved form: what the next night starts from.
std::string SavedLine(const Decider& decider, const std::string& site) {
  std::istringstream saved(decider.chrome().Serialize());
  for (std::string line; std::getline(saved, line);)
    if (line.starts_with(site + "\t")) return line;
  return "";
}

}  // namespace

// The same pages of a site teach the model the same whatever else the run holds: here the
// second run first meets some of the Tribune's stories on another site, so it drops the
// Tribune's copies of them, and the Tribune's model is still the first run's.
BOOST_AUTO_TEST_CASE(what_a_site_teaches_does_not_depend_on_the_decisions) {
  const int pages = static_cast<int>(ChromeModel::kDefaultMinPages) + 3;
  Decider alone(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  Decider with_wire(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  int dropped = 0;
  for (int i = 0; i < pages; ++i) {
    const std::string page = TribunePage(OwnWords(60, i));
    BOOST_TEST(DecideAndKeep(&alone, AnalyzeItem("https://tribune.example/" + std::to_string(i), page)).status ==
               "archived");
    if (i % 2 == 0) DecideAndKeep(&with_wire, AnalyzeItem("https://wire.example/" + std::to_string(i), page));
    dropped += DecideAndKeep(&with_wire, AnalyzeItem("https://tribune.example/" + std::to_string(i), page)).status ==
               "duplicate";
  }
  BOOST_TEST(dropped == (pages + 1) / 2);
  BOOST_TEST(alone.chrome().IsChrome("tribune.example", ParagraphKey(kMasthead)));
  BOOST_TEST(!SavedLine(alone, "tribune.example").empty());
  BOOST_TEST(SavedLine(with_wire, "tribune.example") == SavedLine(alone, "tribune.example"));
}

// A story the site carries again (a second address, a changed headline) is the same story,
// counted once: its own paragraphs never become the site's chrome, so each copy keeps its
// text and is found as a copy of the first.
BOOST_AUTO_TEST_CASE(a_story_repeated_on_its_own_site_is_counted_once) {
  Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  const std::string quote = "\"We will rebuild the pier before the summer,\" the mayor said on Friday.";
  const std::string story = quote + "\n\n" + OwnWords(150, 7);
  const ReportRow first = DecideAndKeep(&decider, AnalyzeItem("https://tribune.example/pier", TribunePage(story)));
  BOOST_TEST(first.status == "archived");
  for (uint32_t i = 0; i <= ChromeModel::kDefaultMinPages; ++i) {
    const std::string headline = "Pier to be rebuilt, update " + OwnWords(3, 100 + static_cast<int>(i));
    const ReportRow again = DecideAndKeep(
        &decider, AnalyzeItem("https://tribune.example/pier?v=" + std::to_string(i), TribunePage(headline + "\n\n" + story)));
    BOOST_TEST(again.status == "near-duplicate", "copy " << i << ": " << again.status << " " << again.reason);
    BOOST_TEST(again.duplicate_of == first.id);
  }
  BOOST_TEST(!decider.chrome().IsChrome("tribune.example", ParagraphKey(quote)));
}

namespace {

// One night of the Tribune: two stories that quote the same line, and two more. `seed`
// (optional) gives the decider what the archive holds from earlier nights.
std::string TribuneNight(const ChromeModel& model, const std::string& quote,
                         const std::function<void(Decider*)>& seed = {}) {
  Decider decider(DedupOptions::Defaults(), Fingerprinter(), model);
  if (seed) seed(&decider);
  for (int i = 0; i < 4; ++i) {
    const std::string story = (i < 2 ? quote + "\n\n" : "") + OwnWords(60, 20 + i);
    DecideAndKeep(&decider, AnalyzeItem("https://tribune.example/" + std::to_string(i), TribunePage(story)));
  }
  return decider.chrome().Serialize();
}

}  // namespace

// A page crawled again on a later night was counted on the night the archive first saw its
// address (or its text): counting it each night would make the quote its two stories share
// chrome by the third night.
BOOST_AUTO_TEST_CASE(a_page_crawled_again_on_a_later_night_is_not_counted_again) {
  const std::string quote = "\"The ferry will run all winter,\" the harbour master said.";
  const std::string night1 = TribuneNight(ChromeModel(), quote);
  std::string model = night1;
  for (int night = 2; night <= 4; ++night) {
    model = TribuneNight(ChromeModel::Deserialize(model).value(), quote, [](Decider* d) {
      for (int i = 0; i < 4; ++i) d->SeedSeenAddress(AddressHash("https://tribune.example/" + std::to_string(i), ""));
    });
    BOOST_TEST(model == night1, "night " << night);
  }
  BOOST_TEST(!ChromeModel::Deserialize(model).value().IsChrome("tribune.example", ParagraphKey(quote)));
  // Without the addresses, each night counts the pages again.
  const std::string recounted = TribuneNight(ChromeModel::Deserialize(night1).value(), quote);
  BOOST_TEST(recounted != night1);
}
