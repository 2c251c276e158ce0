#include <boost/test/unit_test.hpp>

#include <zstd.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "pipeline/decider.h"
#include "pipeline/report.h"
#include "pipeline/run_loop.h"
#include "simshard/normalize.h"
#include "simshard/pipeline.h"
#include "test_files.h"

namespace fs = boost::filesystem;
using namespace simshard;
using simshard::testing::ReadFile;
using simshard::testing::WriteFile;

namespace {

// A made-up crawl: `n` distinct articles, every fifth saved twice, every seventh
// syndicated with a dateline, one empty file.
struct Crawl {
  fs::path root = fs::temp_directory_path() / fs::unique_path("simshard-pipeline-%%%%%%");
  size_t files = 0;

  explicit Crawl(int n) {
    std::mt19937 rng(42);
    const char* syllables[] = {"ka", "lo", "mer", "tin", "ba", "ros", "el", "du", "vin", "sa"};
    auto word = [&] {
      std::string w;
      for (int i = 0, len = 2 + int(rng() % 3); i < len; ++i) w += syllables[rng() % 10];
      return w;
    };
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> paragraphs;
      for (int p = 0; p < 4; ++p) {
        std::string para;
        for (int w = 0; w < 40; ++w) {
          if (w > 0) para.push_back(' ');
          para += word();
        }
        paragraphs.push_back(para + ".");
      }
      auto page = [&](const std::string& lead, size_t count) {
        std::string text = "Menu | Home | World\n\n" + lead;
        for (size_t p = 0; p < count; ++p) text += paragraphs[p] + "\n\n";
        return text;
      };
      const std::string name = "story" + std::to_string(i) + ".txt";
      Add("site/" + name, page("", 4));
      if (i % 5 == 0) Add("site/copies/" + name, page("", 4));
      if (i % 7 == 0) Add("wire/" + name, page("HARBOUR TOWN (Wire) - ", 3));
    }
    Add("site/zz-empty.txt", "");
  }
  ~Crawl() { fs::remove_all(root); }

  void Add(const std::string& relative, const std::string& bytes) {
    WriteFile(root / "crawl" / relative, bytes);
    ++files;
  }

  RunOptions Options(const std::string& archive, const std::string& report, unsigned threads) const {
    RunOptions o;
    o.inputs = {(root / "crawl").string()};
    o.archive_dir = archive.empty() ? "" : (root / archive).string();
    o.report_path = (root / report).string();
    o.threads = threads;
    o.archive.frame_bytes = 4096;
    o.archive.shard_bytes = 20000;
    return o;
  }
};

size_t CountLines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

}  // namespace

BOOST_AUTO_TEST_CASE(report_rows_leave_out_fields_that_do_not_apply) {
  std::string out;
  ReportRow near{"a.txt", "https://x/1", "near-duplicate", "", "00000000000000ff", 3, 0.75, "", ""};
  pipeline::AppendReportRow(near, &out);
  BOOST_TEST(out ==
             "{\"source\":\"a.txt\",\"url\":\"https://x/1\",\"status\":\"near-duplicate\","
             "\"duplicate_of\":\"00000000000000ff\",\"distance\":3,\"similarity\":0.7500}\n");
  out.clear();
  ReportRow skipped;
  skipped.source = "b.bin";
  skipped.status = "skipped";
  skipped.reason = "binary content";
  pipeline::AppendReportRow(skipped, &out);
  BOOST_TEST(out == "{\"source\":\"b.bin\",\"status\":\"skipped\",\"reason\":\"binary content\"}\n");
}

BOOST_AUTO_TEST_CASE(archive_run_is_the_same_for_any_thread_count) {
  Crawl crawl(60);
  ::setenv("SOURCE_DATE_EPOCH", "1764374400", 1);
  Result<RunSummary> one = RunArchive(crawl.Options("a1", "r1.jsonl", 1));
  Result<RunSummary> three = RunArchive(crawl.Options("a3", "r3.jsonl", 3));
  ::unsetenv("SOURCE_DATE_EPOCH");
  BOOST_REQUIRE_MESSAGE(one.ok(), one.status().message());
  BOOST_REQUIRE_MESSAGE(three.ok(), three.status().message());

  const std::string r1 = ReadFile(crawl.root / "r1.jsonl");
  BOOST_TEST(CountLines(r1) == crawl.files);
  BOOST_TEST(r1 == ReadFile(crawl.root / "r3.jsonl"));
  BOOST_TEST(one->totals.documents == crawl.files);
  BOOST_TEST(one->totals.duplicates == 12u);  // every fifth of 60 saved twice
  BOOST_TEST(one->totals.near_duplicates >= 1u);
  BOOST_TEST(one->totals.skipped == 1u);
  BOOST_TEST(one->skipped_by_reason.size() == 1u);
  BOOST_TEST(one->shards_written.size() >= 2u);
  BOOST_REQUIRE(one->shards_written == three->shards_written);
  for (const std::string& shard : one->shards_written) {
    BOOST_TEST(ReadFile(crawl.root / "a1" / shard) == ReadFile(crawl.root / "a3" / shard),
               shard << " differs between 1 and 3 threads");
  }
}

BOOST_AUTO_TEST_CASE(a_rerun_archives_nothing_and_points_at_the_first_ids) {
  Crawl crawl(20);
  BOOST_REQUIRE(RunArchive(crawl.Options("a", "first.jsonl", 2)).ok());
  Result<RunSummary> again = RunArchive(crawl.Options("a", "again.jsonl", 2));
  BOOST_REQUIRE_MESSAGE(again.ok(), again.status().message());
  BOOST_TEST(again->totals.archived == 0u);
  BOOST_TEST(again->shards_written.empty());
  BOOST_TEST(again->run_id == 2u);
  const std::string first = ReadFile(crawl.root / "first.jsonl");
  const std::string rerun = ReadFile(crawl.root / "again.jsonl");
  // Each first-run archived id shows up as the rerun's duplicate_of on the same line.
  std::istringstream a(first), b(rerun);
  for (std::string x, y; std::getline(a, x) && std::getline(b, y);) {
    const size_t at = x.find("\"id\":\"");
    if (at == std::string::npos) continue;
    const std::string id = x.substr(at + 6, 16);
    BOOST_TEST(y.find("\"status\":\"duplicate\",\"duplicate_of\":\"" + id + "\"") != std::string::npos, y);
  }
}

// A story and a copy of it with one paragraph edited, both on one site, crawled night
// after night: the copy must stay a near duplicate of the story. Counting the repeats as
// pages of the site made the story's paragraphs chrome by the second night, and the copy,
// stripped to its edited paragraph, was archived.
BOOST_AUTO_TEST_CASE(a_copy_on_the_same_site_stays_a_near_duplicate_night_after_night) {
  Crawl crawl(0);
  const std::string story =
      "The harbour board voted on Tuesday to rebuild the old ferry pier before the winter.\n\n"
      "Work on the pier is due to start in March and should take about eight months.\n\n"
      "The board said the cost would be shared with the regional council and the port.\n\n"
      "Ferry services will run from the north quay while the pier is closed to traffic.";
  std::string copy = story;
  copy.replace(copy.find("eight months"), 12, "eigth monhts");
  crawl.Add("site/story.txt", story);
  crawl.Add("site/story-copy.txt", copy);
  for (int night = 1; night <= 3; ++night) {
    const std::string report = "night" + std::to_string(night) + ".jsonl";
    Result<RunSummary> run = RunArchive(crawl.Options("a", report, 1));
    BOOST_REQUIRE_MESSAGE(run.ok(), run.status().message());
    BOOST_TEST(run->totals.archived == (night == 1 ? 1u : 0u), "night " << night);
    BOOST_TEST(run->totals.near_duplicates == 1u, "night " << night);
  }
}

// Shards do not store SimHash and sketch: reindex computes them from the stored text.
// That gives back what the pipeline computed only because it fingerprints exactly the
// text it stores, chrome stripped or not; this holds it to that.
BOOST_AUTO_TEST_CASE(reindex_gives_back_the_fingerprints_the_pipeline_archived) {
  Crawl crawl(40);
  const std::string dir = (crawl.root / "a").string();
  BOOST_REQUIRE(RunArchive(crawl.Options("a", "r.jsonl", 2)).ok());
  auto fingerprints = [&] {
    std::vector<std::string> rows;
    auto reader = ArchiveReader::Open(dir);
    BOOST_REQUIRE(reader.ok());
    BOOST_REQUIRE((*reader)->ForEachFingerprint([&](const FingerprintRow& r) {
      rows.push_back(std::to_string(r.ordinal) + " " + std::to_string(r.simhash) + " " + std::string(r.sketch));
    }).ok());
    return rows;
  };
  const std::vector<std::string> archived = fingerprints();
  BOOST_REQUIRE(archived.size() >= 40u);
  size_t stripped = 0;  // pages whose menu line the chrome model took out
  {
    auto reader = ArchiveReader::Open(dir);
    BOOST_REQUIRE(reader.ok());
    BOOST_REQUIRE((*reader)->List({}, [&](const CatalogEntry& e) {
      Result<Record> record = (*reader)->Read(e);
      BOOST_REQUIRE(record.ok());
      if (record->text.find("Menu | Home") == std::string::npos) ++stripped;
    }).ok());
  }
  BOOST_TEST(stripped >= 10u);
  BOOST_REQUIRE(Reindex(dir).ok());
  BOOST_TEST(fingerprints() == archived, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_archive_of_another_fingerprint_config_is_refused) {
  Crawl crawl(3);
  const std::string dir = (crawl.root / "a").string();
  {
    Result<std::unique_ptr<ArchiveWriter>> writer = ArchiveWriter::Open(dir, ArchiveOptions{});
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->PutState("fingerprint_config", "simhash-v0-other").ok());
  }
  Result<RunSummary> run = RunArchive(crawl.Options("a", "r.jsonl", 1));
  BOOST_REQUIRE(!run.ok());
  BOOST_TEST(run.status().message().find("simhash-v0-other") != std::string::npos,
             run.status().message());
  BOOST_TEST(run.status().message().find(dir) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dedup_writes_no_archive_and_keeps_the_kept_documents) {
  Crawl crawl(15);
  RunOptions o = crawl.Options("", "dedup.jsonl", 2);
  o.kept_path = (crawl.root / "kept.jsonl.zst").string();
  Result<RunSummary> run = RunDedup(o);
  BOOST_REQUIRE_MESSAGE(run.ok(), run.status().message());
  BOOST_TEST(run->shards_written.empty());
  const std::string compressed = ReadFile(crawl.root / "kept.jsonl.zst");
  std::string kept(ZSTD_getFrameContentSize(compressed.data(), compressed.size()) ==
                           ZSTD_CONTENTSIZE_UNKNOWN
                       ? 1 << 20
                       : ZSTD_getFrameContentSize(compressed.data(), compressed.size()),
                   '\0');
  const size_t n = ZSTD_decompress(kept.data(), kept.size(), compressed.data(), compressed.size());
  BOOST_REQUIRE(!ZSTD_isError(n));
  kept.resize(n);
  BOOST_TEST(CountLines(kept) == run->totals.archived);
  BOOST_TEST(ReadFile(crawl.root / "dedup.jsonl").find("\"status\":\"kept\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(chrome_model_is_kept_per_finished_run_only) {
  Crawl crawl(12);
  const std::string dir = (crawl.root / "a").string();
  BOOST_REQUIRE(RunArchive(crawl.Options("a", "r1.jsonl", 1)).ok());
  auto state = [&](const std::string& key) {
    Result<std::unique_ptr<ArchiveWriter>> writer = ArchiveWriter::Open(dir, ArchiveOptions{});
    BOOST_REQUIRE(writer.ok());
    Result<std::string> value = (*writer)->GetState(key);
    BOOST_REQUIRE(value.ok());
    return std::move(value).value();
  };
  BOOST_TEST(!state("chrome_model.1").empty());  // the menu line repeats on every page
  {
    // A run that died after saving its model but before finishing: its model is not used
    // (loading this one would fail the next run).
    BOOST_REQUIRE(!ChromeModel::Deserialize("not a chrome model").ok());
    Result<std::unique_ptr<ArchiveWriter>> writer = ArchiveWriter::Open(dir, ArchiveOptions{});
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->BeginRun("{}").ok());
    BOOST_REQUIRE((*writer)->PutState("chrome_model.2", "not a chrome model").ok());
  }
  Result<RunSummary> third = RunArchive(crawl.Options("a", "r3.jsonl", 1));
  BOOST_REQUIRE_MESSAGE(third.ok(), third.status().message());
  BOOST_TEST(third->run_id == 3u);
  BOOST_TEST(!state("chrome_model.3").empty());
  BOOST_TEST(state("chrome_model.1").empty());  // replaced by the newer one
}

BOOST_AUTO_TEST_CASE(decider_numbers_new_documents_after_the_archived_ones) {
  pipeline::Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel());
  BOOST_TEST(decider.next_ordinal() == 1u);
  const Digest digest = ContentDigest("an archived story");
  FingerprintRow row;
  row.ordinal = 7;  // earlier nights may leave gaps
  row.id = 0xaa;
  row.digest_high = digest.high;
  row.digest_low = digest.low;
  BOOST_TEST(decider.Seed(row));
  BOOST_TEST(decider.next_ordinal() == 8u);
  decider.Keep(decider.next_ordinal(), "00000000000000bb", ContentDigest("a new story"),
               Fingerprinter().Compute("a new story"));
  BOOST_TEST(decider.next_ordinal() == 9u);
}

BOOST_AUTO_TEST_CASE(a_report_to_dev_null_is_no_write_error) {
  Crawl crawl(5);
  RunOptions options = crawl.Options("a", "unused", 2);
  options.report_path = "/dev/null";  // cannot be fsynced: EINVAL
  Result<RunSummary> run = RunArchive(options);
  BOOST_TEST(run.ok(), run.status().message());
}

BOOST_AUTO_TEST_CASE(after_the_last_decision_runs_once_every_document_is_decided) {
  Crawl crawl(20);
  for (unsigned threads : {1u, 3u}) {
    pipeline::Decider decider(DedupOptions::Defaults(), Fingerprinter(), ChromeModel(), "kept");
    uint64_t stored = 0;
    auto keep = [&](pipeline::Analyzed&&, const std::string&) -> Result<uint64_t> {
      return ++stored;
    };
    size_t calls = 0;
    uint64_t kept_when_called = 0;
    auto after = [&] {  // on the deciding thread, which numbers each kept document
      ++calls;
      kept_when_called = decider.next_ordinal() - 1;
    };
    RunOptions options = crawl.Options("", "r.jsonl", threads);
    Result<RunSummary> run = pipeline::DecideAll(options, &decider, keep, {}, after);
    BOOST_REQUIRE_MESSAGE(run.ok(), run.status().message());
    BOOST_TEST(calls == 1u);
    BOOST_TEST(run->totals.documents == crawl.files);
    BOOST_TEST(kept_when_called == run->totals.archived);
    BOOST_TEST(stored == run->totals.archived);
  }
}
