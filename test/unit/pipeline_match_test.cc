// Matching split across tasks (chrome stage, match tasks, decide task) decides exactly as
// one process does, on a feed built to make the decisions depend on each other: chains of
// edits where a page is near a copy that was dropped but not near what that copy repeats,
// identical copies (twins) across sites, the same text made different by one site's
// learned chrome, weak pages, and a second night against the first.
#include <boost/test/unit_test.hpp>

#include <boost/filesystem.hpp>
#include <random>

#include "pipeline/stage_file.h"
#include "simshard/pipeline.h"
#include "task_run.h"
#include "test_files.h"

namespace fs = boost::filesystem;
using namespace simshard;

namespace {

using Words = std::vector<std::string>;

struct Feed {
  std::mt19937 rng{7};
  std::vector<std::string> rows;

  std::string Word() {
    static const char* syllables[] = {"ka", "lo", "mer", "tin", "ba", "ros", "el", "du", "vin", "sa", "po", "qui"};
    std::string w;
    for (int i = 0, len = 2 + int(rng() % 3); i < len; ++i) w += syllables[rng() % 12];
    return w;
  }
  Words Story(int words) {
    Words out;
    for (int i = 0; i < words; ++i) out.push_back(Word());
    return out;
  }
  // The story with about `percent` of its words replaced.
  Words Edited(Words words, int percent) {
    for (std::string& w : words)
      if (int(rng() % 100) < percent) w = Word();
    return words;
  }
  static std::string Text(const Words& words, const std::string& lead = "") {
    std::string text = lead;
    for (size_t i = 0; i < words.size(); ++i) text += words[i] + ((i + 1) % 30 == 0 ? ".\\n\\n" : " ");
    return text;
  }
  void Add(const std::string& url, const std::string& text) {
    rows.push_back("{\"url\":\"" + url + "\",\"text\":\"" + text + "\"}");
  }
  void Shuffle() { std::shuffle(rows.begin(), rows.end(), rng); }
  std::string Jsonl() const {
    std::string out;
    for (const std::string& r : rows) out += r + "\n";
    return out;
  }
};

const std::string kTemplate =
    "Subscribe to the Harbour Gazette newsletter for the morning news, every day of the week.\\n\\n";

// Night 1: 30 stories, each edited step by step on five sites (so that version 2 is near
// version 1 but maybe not near version 0), version 0 mirrored word for word on other
// sites and twice on its own; a site whose template becomes learned chrome, and a site
// that copies two of its pages with the template left in; weak pages, some identical.
void Night1(Feed* feed, std::vector<Words>* stories) {
  for (int i = 0; i < 30; ++i) {
    Words v = feed->Story(180);
    stories->push_back(v);
    for (int k = 0; k < 5; ++k) {
      feed->Add("https://s" + std::to_string(k) + ".example/story" + std::to_string(i), Feed::Text(v));
      v = feed->Edited(v, 5);
    }
    const std::string v0 = Feed::Text((*stories)[i]);
    feed->Add("https://mirror" + std::to_string(i % 3) + ".example/" + std::to_string(i), v0);
    feed->Add("https://s0.example/again/story" + std::to_string(i), v0);
  }
  for (int i = 0; i < 12; ++i) {
    feed->Add("https://gone" + std::to_string(i % 6) + ".example/x" + std::to_string(i), "Page not found.");
    feed->Add("https://pics.example/" + std::to_string(i), "Photo: the harbour at dawn, " + feed->Word() + ".");
  }
  feed->Shuffle();
  for (int i = 0; i < 8; ++i) {
    feed->Add("https://tpl.example/" + std::to_string(i), Feed::Text(feed->Edited((*stories)[i], 3), kTemplate));
  }
  const size_t first_tpl = feed->rows.size() - 8;
  for (int i = 5; i < 8; ++i) {  // the same bytes as tpl's, whose template copy.example never learns
    const std::string row = feed->rows[first_tpl + i];
    feed->rows.push_back(row.substr(0, row.find("tpl.example")) + "copy.example" + row.substr(row.find("tpl.example") + 11));
  }
}

// Night 2: half of night 1 again, a further edit of each story, and new stories.
void Night2(const Feed& night1, const std::vector<Words>& stories, Feed* feed) {
  for (size_t r = 0; r < night1.rows.size(); r += 2) feed->rows.push_back(night1.rows[r]);
  for (size_t i = 0; i < stories.size(); ++i) {
    feed->Add("https://late.example/" + std::to_string(i), Feed::Text(feed->Edited(stories[i], 14)));
  }
  for (int i = 0; i < 10; ++i) {
    const Words v = feed->Story(150);
    feed->Add("https://new.example/" + std::to_string(i), Feed::Text(v));
    feed->Add("https://new2.example/" + std::to_string(i), Feed::Text(feed->Edited(v, 9)));
  }
  feed->Shuffle();
}

// root/n1/feed.jsonl and root/n2/feed.jsonl.
void WriteNights(const fs::path& root) {
  Feed night1, night2;
  std::vector<Words> stories;
  Night1(&night1, &stories);
  Night2(night1, stories, &night2);
  testing::WriteFile(root / "n1" / "feed.jsonl", night1.Jsonl());
  testing::WriteFile(root / "n2" / "feed.jsonl", night2.Jsonl());
}

size_t Count(const std::string& report, const std::string& needle) {
  size_t n = 0;
  for (size_t at = report.find(needle); at != std::string::npos; at = report.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(split_matching_decides_as_one_process_on_chains_twins_and_learned_chrome) {
  const fs::path root = fs::temp_directory_path() / fs::unique_path("simshard-match-%%%%%%");
  ::setenv("SOURCE_DATE_EPOCH", "1764374400", 1);
  WriteNights(root);
  auto options = [&](const std::string& night, const std::string& archive, const std::string& report) {
    RunOptions o;
    o.inputs = {(root / night).string()};
    o.archive_dir = (root / archive).string();
    o.report_path = (root / report).string();
    o.threads = 2;
    return o;
  };
  BOOST_REQUIRE(RunArchive(options("n1", "one", "one-1.jsonl")).ok());
  BOOST_REQUIRE(RunArchive(options("n2", "one", "one-2.jsonl")).ok());
  const std::string one1 = testing::ReadFile(root / "one-1.jsonl"), one2 = testing::ReadFile(root / "one-2.jsonl");
  // The feed does what it is for: near copies, exact copies and weak pages on both nights.
  BOOST_TEST(Count(one1, "near-duplicate") >= 60u);
  BOOST_TEST(Count(one1, "\"duplicate\"") >= 40u);
  BOOST_TEST(Count(one1, "\"weak\"") >= 20u);
  BOOST_TEST(Count(one2, "near-duplicate") >= 20u);
  for (unsigned tasks : {1u, 2u, 3u, 5u}) {
    const std::string name = "t" + std::to_string(tasks);
    for (const char* night : {"1", "2"}) {
      Result<RunSummary> cut = testing::RunInTasks(options(std::string("n") + night, name, name + "-" + night + ".jsonl"),
                                                   (root / (name + "-work")).string(), tasks, true);
      BOOST_REQUIRE_MESSAGE(cut.ok(), cut.status().message());
    }
    BOOST_TEST(testing::ReadFile(root / (name + "-1.jsonl")) == one1, tasks << " tasks, night 1");
    BOOST_TEST(testing::ReadFile(root / (name + "-2.jsonl")) == one2, tasks << " tasks, night 2");
  }
  ::unsetenv("SOURCE_DATE_EPOCH");
  fs::remove_all(root);
}

BOOST_AUTO_TEST_CASE(a_dedup_cut_into_tasks_reports_and_keeps_as_one_process_does) {
  const fs::path root = fs::temp_directory_path() / fs::unique_path("simshard-match-%%%%%%");
  WriteNights(root);
  RunOptions night1_archive;
  night1_archive.inputs = {(root / "n1").string()};
  night1_archive.archive_dir = (root / "archive").string();
  night1_archive.report_path = (root / "archive.jsonl").string();
  BOOST_REQUIRE(RunArchive(night1_archive).ok());
  // Alone and against the archive of night 1; the first of each group kept, and the longest.
  for (const bool against_archive : {false, true}) {
    for (const bool longest : {false, true}) {
      auto options = [&](const std::string& name) {
        RunOptions o;
        o.inputs = {(root / "n2").string()};
        if (against_archive) o.archive_dir = (root / "archive").string();
        o.report_path = (root / (name + ".jsonl")).string();
        o.kept_path = (root / (name + "-kept.jsonl.zst")).string();
        o.keep_longest = longest;
        o.threads = 2;
        return o;
      };
      BOOST_REQUIRE(RunDedup(options("one")).ok());
      for (unsigned tasks : {1u, 3u}) {
        const std::string name = "t" + std::to_string(tasks);
        Result<RunSummary> cut = testing::RunInTasks(options(name), (root / (name + "-work")).string(), tasks, false);
        BOOST_REQUIRE_MESSAGE(cut.ok(), cut.status().message());
        const std::string what = std::to_string(tasks) + " tasks, archive " + std::to_string(against_archive) +
                                 ", longest " + std::to_string(longest);
        BOOST_TEST(testing::ReadFile(root / (name + ".jsonl")) == testing::ReadFile(root / "one.jsonl"), what);
        BOOST_TEST(testing::ReadFile(root / (name + "-kept.jsonl.zst")) ==
                       testing::ReadFile(root / "one-kept.jsonl.zst"), what);
      }
    }
  }
  fs::remove_all(root);
}

BOOST_AUTO_TEST_CASE(a_finding_reads_back_and_a_cut_or_lying_one_is_refused) {
  pipeline::Finding f;
  f.seq = 9;
  f.archive_exact = 3;
  f.archive_exact_id = 0xabc;
  f.archive_near = 2;
  f.archive_near_id = 0xdef;
  f.archive_distance = 4;
  f.archive_similarity = 0.625;
  f.has_twin = true;
  f.twin = 0;  // page 0 is a twin like any other
  f.same_digest = {1, 4};
  f.near = {{5, 3, 0.5}, {7, 0, 1.0}};
  std::string bytes;
  pipeline::EncodeFinding(f, &bytes);
  size_t pos = 0;
  pipeline::Finding g;
  BOOST_REQUIRE(pipeline::DecodeFinding(bytes, &pos, &g));
  BOOST_TEST(pos == bytes.size());
  BOOST_TEST(g.seq == 9u);
  BOOST_TEST(g.archive_exact_id == 0xabcu);
  BOOST_TEST(g.archive_near == 2u);
  BOOST_TEST(g.archive_distance == 4);
  BOOST_TEST(g.archive_similarity == 0.625);
  BOOST_TEST(g.has_twin);
  BOOST_TEST(g.twin == 0u);
  BOOST_TEST(g.same_digest == f.same_digest);
  BOOST_REQUIRE(g.near.size() == 2u);
  BOOST_TEST(g.near[1].seq == 7u);
  BOOST_TEST(g.near[0].distance == 3);
  BOOST_TEST(g.near[0].similarity == 0.5);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    pos = 0;
    BOOST_TEST(!pipeline::DecodeFinding(std::string_view(bytes).substr(0, cut), &pos, &g), cut);
  }
  // A count of near pages that claims more than the record holds, so large that three
  // times it wraps around to a small number.
  std::string lying = bytes;
  const uint64_t wraps = (uint64_t{1} << 63) / 3 * 2 + 2;  // 3 * wraps = 2^64 + 2
  for (int i = 0; i < 8; ++i) lying[9 * 8 + i] = static_cast<char>(wraps >> (8 * i));
  pos = 0;
  BOOST_TEST(!pipeline::DecodeFinding(lying, &pos, &g));
}
