// Pages with little or no text (weak or empty extraction): archived, never dropped as a
// duplicate of a different page on their thin text, an exact duplicate only of the same
// bytes, and no teachers of the chrome model (doc/DEDUP.md, "Weak evidence").
#include <boost/test/unit_test.hpp>

#include <boost/filesystem.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "decider_fixture.h"
#include "pipeline/decider.h"
#include "simshard/normalize.h"
#include "simshard/pipeline.h"
#include "test_files.h"

namespace fs = boost::filesystem;
using namespace simshard;
using simshard::testing::ReadFile;
using simshard::testing::WriteFile;
using pipeline::Analyzed;
using pipeline::Decider;
using simshard::testing::AnalyzeItem;
using simshard::testing::DecideAndKeep;
using simshard::testing::OwnWords;

namespace {

// An HTML page whose story is drawn by a script: extraction leaves only its ad and share
// labels, the same for every headline.
std::string AdvertOnlyPage(const std::string& headline) {
  return "<html><head><title>" + headline + "</title></head><body><div class=\"story-body\">"
         "<p>Advertisement</p><p>Share</p><p>Advertisement</p></div>"
         "<script>renderStory('" + headline + "')</script></body></html>";
}

// `n` words of a made-up story, different for each `seed`.
std::string Words(int n, int seed) {
  const char* words[] = {"harbour", "council", "ferry", "winter", "market", "bridge", "quay",
                         "island", "tide", "pier", "lantern", "gull", "storm", "harvest"};
  std::string out;
  for (int i = 0; i < n; ++i) out += std::string(i ? " " : "") + words[(i * 7 + seed * 3 + i / 5) % 14];
  return out + ".";
}

const std::string kChromeA =
    "The Harbour Courier is published every morning by Harbour Media Group of the north coast.";
const std::string kChromeB =
    "All our reporting is checked by two editors before it appears in print or on this site.";

}  // namespace

BOOST_AUTO_TEST_CASE(different_pages_with_the_same_thin_text_are_both_kept) {
  Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  Analyzed first = AnalyzeItem("https://news.example/a", AdvertOnlyPage("Bridge reopens"), ItemFormat::kHtml);
  Analyzed second = AnalyzeItem("https://news.example/b", AdvertOnlyPage("Mayor resigns"), ItemFormat::kHtml);
  BOOST_REQUIRE((first.doc.extraction == Extraction::kWeak));
  BOOST_TEST(first.doc.text == second.doc.text);  // the text alone would call them one page
  BOOST_TEST((first.digest == RawBytesDigest(first.doc.original)));
  const ReportRow a = DecideAndKeep(&decider, std::move(first));
  const ReportRow b = DecideAndKeep(&decider, std::move(second));
  for (const ReportRow* row : {&a, &b}) {
    BOOST_TEST(row->status == "archived");
    BOOST_TEST(row->extraction == "weak");
    BOOST_TEST(row->reason.starts_with("weak extraction ("), row->reason);
    const bool rule = row->reason.ends_with("): kept apart from near-duplicate detection; "
                                            "exact duplicate only of identical bytes");
    BOOST_TEST(rule, row->reason);
  }
  BOOST_TEST(a.id != b.id);
}

BOOST_AUTO_TEST_CASE(the_reason_counts_the_words_of_a_weak_page) {
  BOOST_TEST(AnalyzeItem("https://e.example/1", "Advertisement").weak_reason == "weak extraction (1 word)");
  BOOST_TEST(AnalyzeItem("https://e.example/2", Words(24, 3)).weak_reason == "weak extraction (24 words)");
  BOOST_TEST(AnalyzeItem("https://e.example/3", Words(25, 3)).weak_reason.empty());
  std::string arrows;  // 30 "words" to the counter, none to the fingerprint form
  for (int i = 0; i < 30; ++i) arrows += "\xe2\x86\x92 ";
  const Analyzed symbols = AnalyzeItem("https://e.example/4", arrows);
  BOOST_TEST(symbols.weak_reason == "weak extraction (no words)");
  BOOST_TEST((symbols.doc.extraction == Extraction::kWeak));
  BOOST_TEST(!symbols.doc.skipped());
}

BOOST_AUTO_TEST_CASE(the_same_bytes_of_a_weak_or_empty_page_are_an_exact_duplicate) {
  Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  const std::string empty = "<html><body><div id=\"root\"></div><script>x()</script></body></html>";
  const std::string weak = AdvertOnlyPage("Bridge reopens");
  for (const std::string* page : {&empty, &weak}) {
    const ReportRow first = DecideAndKeep(&decider, AnalyzeItem("https://e.example/1", *page, ItemFormat::kHtml));
    const ReportRow again = DecideAndKeep(&decider, AnalyzeItem("https://e.example/2", *page, ItemFormat::kHtml));
    BOOST_TEST(first.status == "archived");
    BOOST_TEST(first.extraction == (page == &empty ? "empty" : "weak"));
    BOOST_TEST(again.status == "duplicate");
    BOOST_TEST(again.duplicate_of == first.id);
    BOOST_TEST(again.extraction == first.extraction);
    BOOST_TEST(again.reason.ends_with(": exact duplicate of identical bytes"), again.reason);
  }
  BOOST_TEST(decider.indexed() == 2u);
}

// Without the rule, a story whose first 24 words are the whole text of a thin page lies
// within a few bits of it and was dropped as its near duplicate.
BOOST_AUTO_TEST_CASE(an_article_is_never_a_near_duplicate_of_a_weak_page) {
  const std::string thin = Words(24, 1);
  const std::string article = Words(24, 1) + " " + Words(2, 2);
  const Fingerprinter f;
  const Fingerprint a = f.Compute(FoldForFingerprint(thin)), b = f.Compute(FoldForFingerprint(article));
  BOOST_REQUIRE_LE(HammingDistance(a.simhash, b.simhash), DedupOptions::Defaults().max_distance);
  BOOST_REQUIRE_GE(SketchSimilarity(a, b), DedupOptions::Defaults().min_similarity);

  Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  const ReportRow weak = DecideAndKeep(&decider, AnalyzeItem("https://e.example/w", thin));
  BOOST_TEST(weak.extraction == "weak");
  const ReportRow kept = DecideAndKeep(&decider, AnalyzeItem("https://e.example/a", article));
  BOOST_TEST(kept.status == "archived");
  BOOST_TEST(kept.extraction.empty());
  BOOST_TEST(kept.reason.empty());
  // Nor the other way round: the thin page after the article is kept too.
  const ReportRow later = DecideAndKeep(&decider, AnalyzeItem("https://e.example/w2", thin + "\n"));
  BOOST_TEST(later.status == "archived");
}

// Seeded from the catalog, a weak page of an earlier night is found by its bytes only.
BOOST_AUTO_TEST_CASE(a_seeded_weak_page_is_an_exact_duplicate_only_of_its_bytes) {
  const std::string thin = Words(24, 1);
  Analyzed night1 = AnalyzeItem("https://e.example/w", thin);
  const Fingerprint would_be = Fingerprinter().Compute(FoldForFingerprint(thin));
  Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  FingerprintRow row;
  row.ordinal = 4;
  row.id = night1.digest.high;
  row.digest_high = night1.digest.high;
  row.digest_low = night1.digest.low;
  row.simhash = would_be.simhash;  // even if the catalog held a SimHash, it is not used
  row.extraction = Extraction::kWeak;
  BOOST_TEST(decider.Seed(row));
  const ReportRow again = DecideAndKeep(&decider, AnalyzeItem("https://e.example/w", thin));
  BOOST_TEST(again.status == "duplicate");
  BOOST_TEST(again.duplicate_of == pipeline::DocumentId(night1.digest));
  const ReportRow article = DecideAndKeep(&decider, AnalyzeItem("https://e.example/a", thin + " " + Words(2, 2)));
  BOOST_TEST(article.status == "archived");
}

// Known chrome is no evidence either: a page the learned model strips below 25 words, or
// leaves with nothing but known chrome, is weak; its digest is that of its bytes.
BOOST_AUTO_TEST_CASE(a_page_the_chrome_model_leaves_thin_is_weak) {
  Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  auto page = [](const std::string& story) { return kChromeA + "\n\n" + story + "\n\n" + kChromeB + "\n"; };
  for (uint32_t i = 0; i < ChromeModel::kDefaultMinPages; ++i) {  // the site's two footer paragraphs become chrome
    const ReportRow row = DecideAndKeep(&decider, AnalyzeItem("https://courier.example/" + std::to_string(i), page(OwnWords(40, i))));
    BOOST_TEST(row.extraction.empty());
  }
  Analyzed brief = AnalyzeItem("https://courier.example/brief", page(Words(10, 9)));
  BOOST_REQUIRE((brief.doc.extraction == Extraction::kExtracted));  // 40 words as extracted
  const std::string original = brief.doc.original;
  ReportRow row;
  BOOST_TEST(decider.Decide(&brief, &row));
  BOOST_TEST((brief.doc.extraction == Extraction::kWeak));
  BOOST_TEST(brief.doc.text == Words(10, 9));
  BOOST_TEST((brief.digest == RawBytesDigest(original)));
  BOOST_TEST(row.extraction == "weak");
  BOOST_TEST(row.reason.starts_with("weak extraction (10 words once known site chrome is taken out): "), row.reason);

  // Two different pages that are nothing but the site's chrome: both kept, text whole.
  const ReportRow only1 = DecideAndKeep(&decider, AnalyzeItem("https://courier.example/x", kChromeA + "\n\n" + kChromeB));
  const ReportRow only2 = DecideAndKeep(&decider, AnalyzeItem("https://courier.example/y", kChromeA + "\n\n\n" + kChromeB + "\n"));
  for (const ReportRow* r : {&only1, &only2}) {
    BOOST_TEST(r->status == "archived");
    BOOST_TEST(r->reason.starts_with("weak extraction (only known site chrome): "), r->reason);
  }
}

// Weak pages are all kept, even when their text repeats: counting them would make a
// repeated teaser chrome and strip it from the story it belongs to.
BOOST_AUTO_TEST_CASE(weak_pages_teach_the_chrome_model_nothing) {
  Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  const std::string teaser = "Ferry services to the islands resume on Monday after the storm.";
  for (uint32_t i = 0; i <= ChromeModel::kDefaultMinPages; ++i) {
    const ReportRow row = DecideAndKeep(&decider, AnalyzeItem("https://courier.example/t" + std::to_string(i),
                                                              teaser + "\n\nPhoto " + std::to_string(i)));
    BOOST_TEST(row.extraction == "weak");
    BOOST_TEST(row.status == "archived");
  }
  BOOST_TEST(!decider.chrome().IsChrome("courier.example", ParagraphKey(teaser)));
  // A page that turns weak on the deciding thread is taken back from the counts as well.
  for (uint32_t i = 0; i < ChromeModel::kDefaultMinPages; ++i) {
    DecideAndKeep(&decider, AnalyzeItem("https://courier.example/s" + std::to_string(i),
                                        kChromeA + "\n\n" + OwnWords(40, i) + "\n\n" + kChromeB));
  }
  const std::string short_story = Words(8, 5);
  for (uint32_t i = 0; i <= ChromeModel::kDefaultMinPages; ++i) {
    const ReportRow row = DecideAndKeep(
        &decider, AnalyzeItem("https://courier.example/b" + std::to_string(i),
                              kChromeA + "\n\n" + short_story + "\n\nPhoto " + std::to_string(i) + "\n\n" + kChromeB));
    BOOST_TEST(row.status == "archived");
    BOOST_TEST(row.reason.starts_with("weak extraction (10 words once known site chrome"), row.reason);
  }
  BOOST_TEST(decider.chrome().IsChrome("courier.example", ParagraphKey(kChromeA)));
  BOOST_TEST(!decider.chrome().IsChrome("courier.example", ParagraphKey(short_story)));
}

namespace {

// Stories, two different advert-only pages, one of them crawled twice, and a page with no
// text at all.
struct ThinCrawl {
  fs::path root = fs::temp_directory_path() / fs::unique_path("simshard-weak-%%%%%%");

  ThinCrawl() {
    std::mt19937 rng(11);
    const char* syllables[] = {"ka", "lo", "mer", "tin", "ba", "ros", "el", "du", "vin", "sa"};
    for (int i = 0; i < 12; ++i) {
      std::string story = "Story " + std::to_string(i) + "\n\n";
      for (int w = 0; w < 80; ++w) {
        for (int k = 0, len = 2 + int(rng() % 3); k < len; ++k) story += syllables[rng() % 10];
        story += w % 20 == 19 ? ".\n\n" : " ";
      }
      WriteFile(root / "crawl/site" / ("story" + std::to_string(i) + ".txt"), story);
    }
    WriteFile(root / "crawl/site/advert-a.html", AdvertOnlyPage("Bridge reopens"));
    WriteFile(root / "crawl/site/advert-b.html", AdvertOnlyPage("Mayor resigns"));
    WriteFile(root / "crawl/site/copy-of-a.html", AdvertOnlyPage("Bridge reopens"));
    WriteFile(root / "crawl/site/no-text.html", "<html><body><div id=\"app\"></div><script>go()</script></body></html>");
  }
  ~ThinCrawl() { fs::remove_all(root); }

  RunOptions Options(const std::string& archive, const std::string& report, unsigned threads) const {
    RunOptions o;
    o.inputs = {(root / "crawl").string()};
    o.archive_dir = (root / archive).string();
    o.report_path = (root / report).string();
    o.threads = threads;
    o.archive.frame_bytes = 2048;
    return o;
  }
};

std::vector<std::string> Fingerprints(const std::string& dir) {
  std::vector<std::string> rows;
  auto reader = ArchiveReader::Open(dir);
  BOOST_REQUIRE(reader.ok());
  BOOST_REQUIRE((*reader)->ForEachFingerprint([&](const FingerprintRow& r) {
    rows.push_back(std::to_string(r.ordinal) + " " + std::to_string(r.simhash) + " " +
                   std::string(r.sketch) + " " + ExtractionName(r.extraction));
  }).ok());
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_CASE(weak_pages_are_archived_the_same_for_any_thread_count_and_found_again) {
  ThinCrawl crawl;
  ::setenv("SOURCE_DATE_EPOCH", "1764374400", 1);
  Result<RunSummary> one = RunArchive(crawl.Options("a1", "r1.jsonl", 1));
  Result<RunSummary> three = RunArchive(crawl.Options("a3", "r3.jsonl", 3));
  ::unsetenv("SOURCE_DATE_EPOCH");
  BOOST_REQUIRE_MESSAGE(one.ok(), one.status().message());
  BOOST_REQUIRE_MESSAGE(three.ok(), three.status().message());
  const std::string report = ReadFile(crawl.root / "r1.jsonl");
  BOOST_TEST(report == ReadFile(crawl.root / "r3.jsonl"));
  BOOST_TEST(one->totals.archived == 15u);  // 12 stories, two advert pages, the empty one
  BOOST_TEST(one->totals.duplicates == 1u);
  BOOST_TEST(one->totals.skipped == 0u);
  BOOST_TEST(report.find("\"extraction\":\"empty\",\"reason\":\"empty extraction (no text): ") != std::string::npos);
  for (const std::string& shard : one->shards_written) {
    BOOST_TEST(ReadFile(crawl.root / "a1" / shard) == ReadFile(crawl.root / "a3" / shard));
  }

  // The next night finds every page again, thin ones by their bytes.
  Result<RunSummary> again = RunArchive(crawl.Options("a1", "r2.jsonl", 2));
  BOOST_REQUIRE_MESSAGE(again.ok(), again.status().message());
  BOOST_TEST(again->totals.archived == 0u);
  BOOST_TEST(again->totals.duplicates == 16u);

  // Rebuilt from the shards, the catalog seeds the same index: thin pages without a SimHash.
  const std::string dir = (crawl.root / "a1").string();
  const std::vector<std::string> before = Fingerprints(dir);
  BOOST_REQUIRE(Reindex(dir).ok());
  BOOST_TEST(Fingerprints(dir) == before, boost::test_tools::per_element());
  size_t weak = 0;
  for (const std::string& row : before) weak += row.ends_with(" weak") || row.ends_with(" empty");
  BOOST_TEST(weak == 3u);
}
