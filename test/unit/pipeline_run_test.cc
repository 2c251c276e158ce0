#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "pipeline/archive_state.h"
#include "pipeline/decider.h"
#include "pipeline/report.h"
#include "pipeline/run_loop.h"
#include "pipeline/stage_file.h"
#include "simshard/normalize.h"
#include "simshard/pipeline.h"
#include "task_run.h"
#include "test_files.h"

namespace fs = boost::filesystem;
using namespace simshard;
using simshard::testing::ReadFile;
using simshard::testing::WriteFile;
using simshard::testing::DecideInTasks;
using simshard::testing::RunInTasks;

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

  // Kept as a zstd frame; the plain text older catalogs hold loads as well.
  Result<std::string> text = pipeline::UnpackChromeModel(state("chrome_model.3"));
  BOOST_REQUIRE(text.ok());
  BOOST_TEST(text->starts_with("chrome-model "));
  BOOST_TEST(pipeline::UnpackChromeModel(*text).value() == *text);
  const std::string many = *text + std::string(4096, 'a');
  const std::string packed = pipeline::PackChromeModel(many);
  BOOST_TEST(packed.size() < many.size());
  BOOST_TEST(pipeline::UnpackChromeModel(packed).value() == many);
  BOOST_TEST(!pipeline::UnpackChromeModel(packed.substr(0, packed.size() - 1)).ok());
  {
    Result<std::unique_ptr<ArchiveWriter>> writer = ArchiveWriter::Open(dir, ArchiveOptions{});
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->PutState("chrome_model.3", *text).ok());
  }
  Result<RunSummary> fourth = RunArchive(crawl.Options("a", "r4.jsonl", 1));
  BOOST_REQUIRE_MESSAGE(fourth.ok(), fourth.status().message());
  BOOST_TEST(pipeline::UnpackChromeModel(state("chrome_model.4")).value() == *text);
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

namespace {

std::vector<Damage> Verify(const fs::path& dir) {
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(dir.string());
  BOOST_REQUIRE(reader.ok());
  return (*reader)->Verify();
}

// Everything an archive answers, whatever shard holds it: each document as restored with
// its catalog row (shard and frame left out), each dropped row, the runs' counts.
// `stripped` counts the documents stored with learned chrome taken out of their text.
std::string ArchiveContents(const fs::path& dir, size_t* stripped = nullptr) {
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(dir.string());
  BOOST_REQUIRE(reader.ok());
  std::ostringstream out;
  BOOST_REQUIRE((*reader)->List({}, [&](const CatalogEntry& e) {
    Result<Record> r = (*reader)->Read(e);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().message());
    if (stripped != nullptr && !r->original.empty()) ++*stripped;
    out << e.ordinal << ' ' << e.id << ' ' << e.url << ' ' << e.source << ' ' << e.title << ' ' << e.date << ' '
        << e.archived_at << ' ' << e.run << ' ' << e.digest << ' ' << e.simhash << ' ' << e.sketch << ' '
        << int(e.extraction) << ' ' << e.original_size << '|' << r->text << '|' << r->original << '|' << r->simhash
        << '\n';
  }).ok());
  BOOST_REQUIRE((*reader)->ListDropped({}, [&](const DroppedEntry& d) {
    out << d.url << ' ' << d.source << ' ' << d.status() << ' ' << d.duplicate_of << ' ' << d.distance << ' '
        << d.similarity << ' ' << d.run << '\n';
  }).ok());
  Result<std::vector<RunInfo>> runs = (*reader)->Runs();
  BOOST_REQUIRE(runs.ok());
  for (const RunInfo& run : *runs) out << run.id << ' ' << run.counts_json << '\n';
  return out.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_run_cut_into_tasks_decides_as_one_machine_does) {
  Crawl crawl(40);
  ::setenv("SOURCE_DATE_EPOCH", "1764374400", 1);
  Result<RunSummary> whole = RunArchive(crawl.Options("a", "whole.jsonl", 2));
  BOOST_REQUIRE_MESSAGE(whole.ok(), whole.status().message());
  size_t stripped = 0;
  const std::string contents = ArchiveContents(crawl.root / "a", &stripped);
  BOOST_TEST(stripped > 5u);  // the decide task's changes to the text reach the shards
  for (unsigned tasks : {1u, 2u, 3u, 7u, 500u}) {  // 500: more tasks than files
    const std::string name = "t" + std::to_string(tasks);
    Result<RunSummary> cut = RunInTasks(crawl.Options(name, name + ".jsonl", 1),
                                        (crawl.root / (name + "-work")).string(), tasks, true);
    BOOST_REQUIRE_MESSAGE(cut.ok(), cut.status().message());
    BOOST_TEST(ReadFile(crawl.root / (name + ".jsonl")) == ReadFile(crawl.root / "whole.jsonl"),
               "report of " << tasks << " tasks");
    BOOST_TEST(ArchiveContents(crawl.root / name) == contents, "archive of " << tasks << " tasks");
    BOOST_TEST(Verify(crawl.root / name).empty());
    BOOST_TEST(fs::is_empty(crawl.root / (name + "-work")));  // the run's files are spent
  }
  // The second night, against archives built either way, decides the same again.
  Result<RunSummary> night2 = RunArchive(crawl.Options("a", "whole2.jsonl", 2));
  Result<RunSummary> night2_cut =
      RunInTasks(crawl.Options("t3", "t3-2.jsonl", 2), (crawl.root / "t3-work2").string(), 3, true);
  Result<RunSummary> night2_on_cut = RunArchive(crawl.Options("t7", "t7-2.jsonl", 2));
  ::unsetenv("SOURCE_DATE_EPOCH");
  BOOST_REQUIRE(night2.ok());
  BOOST_REQUIRE_MESSAGE(night2_cut.ok(), night2_cut.status().message());
  BOOST_REQUIRE(night2_on_cut.ok());
  BOOST_TEST(ReadFile(crawl.root / "t3-2.jsonl") == ReadFile(crawl.root / "whole2.jsonl"));
  BOOST_TEST(ReadFile(crawl.root / "t7-2.jsonl") == ReadFile(crawl.root / "whole2.jsonl"));
  BOOST_TEST(ArchiveContents(crawl.root / "t3") == ArchiveContents(crawl.root / "a"));
  BOOST_TEST(night2->totals.archived == 0u);
}

BOOST_AUTO_TEST_CASE(a_merge_killed_half_way_is_completed_by_running_it_again) {
  Crawl crawl(30);
  ::setenv("SOURCE_DATE_EPOCH", "1764374400", 1);
  BOOST_REQUIRE(RunArchive(crawl.Options("a", "whole.jsonl", 1)).ok());
  RunOptions options = crawl.Options("b", "cut.jsonl", 1);
  const TaskPlan plan{(crawl.root / "work").string(), 3, true};
  fs::create_directories(plan.work_dir);
  for (unsigned t = 0; t < 3; ++t) BOOST_REQUIRE(RunAnalyzeTask(options, plan, t).ok());
  BOOST_REQUIRE(DecideInTasks(options, plan).ok());
  BOOST_REQUIRE(WriteArchiveTask(options, plan, 0).ok());
  Result<RunSummary> early = MergeArchiveTasks(options, plan);
  BOOST_REQUIRE(!early.ok());
  BOOST_TEST(early.status().message().find("task(s) 1,2 ") != std::string::npos, early.status().message());
  for (unsigned t = 1; t < 3; ++t) BOOST_REQUIRE(WriteArchiveTask(options, plan, t).ok());
  // The merge dies with its first shard in place and not committed.
  const pid_t child = ::fork();
  if (child == 0) {
    ::setenv("SIMSHARD_CRASH_AT", "before-merge-commit", 1);
    (void)MergeArchiveTasks(options, plan);
    ::_exit(0);
  }
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  BOOST_REQUIRE(WIFSIGNALED(wstatus));
  Result<RunSummary> merged = MergeArchiveTasks(options, plan);
  BOOST_REQUIRE_MESSAGE(merged.ok(), merged.status().message());
  BOOST_TEST(ReadFile(crawl.root / "cut.jsonl") == ReadFile(crawl.root / "whole.jsonl"));
  BOOST_TEST(ArchiveContents(crawl.root / "b") == ArchiveContents(crawl.root / "a"));
  BOOST_TEST(Verify(crawl.root / "b").empty());
  // Run again once committed, the merge has nothing left to do.
  Result<RunSummary> again = MergeArchiveTasks(options, plan);
  BOOST_REQUIRE_MESSAGE(again.ok(), again.status().message());
  BOOST_TEST(again->shards_written.empty());
  ::unsetenv("SOURCE_DATE_EPOCH");
}

BOOST_AUTO_TEST_CASE(a_merge_into_an_archive_that_moved_on_is_refused) {
  Crawl crawl(12);
  RunOptions options = crawl.Options("a", "cut.jsonl", 1);
  const TaskPlan plan{(crawl.root / "work").string(), 2, true};
  fs::create_directories(plan.work_dir);
  for (unsigned t = 0; t < 2; ++t) BOOST_REQUIRE(RunAnalyzeTask(options, plan, t).ok());
  BOOST_REQUIRE(DecideInTasks(options, plan).ok());
  for (unsigned t = 0; t < 2; ++t) BOOST_REQUIRE(WriteArchiveTask(options, plan, t).ok());
  BOOST_REQUIRE(RunArchive(crawl.Options("a", "other.jsonl", 1)).ok());  // takes run 1 first
  Result<RunSummary> stale = MergeArchiveTasks(options, plan);
  BOOST_REQUIRE(!stale.ok());
  BOOST_TEST(stale.status().message().find("changed after this run was decided") != std::string::npos,
             stale.status().message());
}

BOOST_AUTO_TEST_CASE(a_dedup_cut_into_tasks_reports_as_one_machine_does) {
  Crawl crawl(25);
  BOOST_REQUIRE(RunDedup(crawl.Options("", "whole.jsonl", 2)).ok());
  Result<RunSummary> cut =
      RunInTasks(crawl.Options("", "cut.jsonl", 2), (crawl.root / "work").string(), 4, false);
  BOOST_REQUIRE_MESSAGE(cut.ok(), cut.status().message());
  BOOST_TEST(ReadFile(crawl.root / "cut.jsonl") == ReadFile(crawl.root / "whole.jsonl"));
}

BOOST_AUTO_TEST_CASE(the_decide_task_waits_for_every_slice_and_names_the_missing_ones) {
  Crawl crawl(10);
  const std::string work = (crawl.root / "work").string();
  fs::create_directories(work);
  const TaskPlan plan{work, 3};
  BOOST_REQUIRE(RunAnalyzeTask(crawl.Options("a", "r.jsonl", 1), plan, 1).ok());
  BOOST_TEST((PendingTasks(plan) == std::vector<unsigned>{0, 2}));
  Result<RunOptions> early = DecideTaskOptions(crawl.Options("a", "r.jsonl", 1), plan);
  BOOST_REQUIRE(!early.ok());
  BOOST_TEST(early.status().message().find("task(s) 0,2") != std::string::npos, early.status().message());
  BOOST_TEST(!RunAnalyzeTask(crawl.Options("a", "r.jsonl", 1), plan, 3).ok());
  // A slice file cut short is refused by the decide task, not read as fewer documents.
  RunAnalyzeTask(crawl.Options("a", "r.jsonl", 1), plan, 0);
  RunAnalyzeTask(crawl.Options("a", "r.jsonl", 1), plan, 2);
  const std::string slice = StageFilePath(plan, 2);
  const std::string bytes = ReadFile(slice);
  WriteFile(slice, bytes.substr(0, bytes.size() - 3));
  Result<RunOptions> decide = DecideTaskOptions(crawl.Options("a", "r.jsonl", 1), plan);
  BOOST_REQUIRE(decide.ok());
  Result<RunSummary> run = RunArchive(*decide);
  BOOST_REQUIRE(!run.ok());
  BOOST_TEST(run.status().message().find("run its task again") != std::string::npos,
             run.status().message());
}

BOOST_AUTO_TEST_CASE(a_stage_record_carries_every_field_the_decide_task_reads) {
  pipeline::Analyzed a;
  a.doc.seq = 7;
  a.doc.source = "crawl/a.warc.gz#1234";
  a.doc.url = "https://site.example/x";
  a.doc.title = "Title";
  a.doc.date = "2026-11-30";
  a.doc.crawled_at = "2026-12-01T02:03:04Z";
  a.doc.warc = WarcOrigin{"WARC/1.1\r\nContent-Length: 9\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n", "0\r\n\r\n"};
  a.doc.site = "site.example";
  a.doc.original = std::string("raw\0bytes", 9);
  a.doc.text = "Para one.\n\nPara two.";
  a.doc.kind = OriginalKind::kHtml;
  a.doc.extraction = Extraction::kWeak;
  a.doc.skip_reason = "";
  a.doc.input_bytes = 999;
  a.weak_reason = "weak extraction (4 words)";
  a.digest = Digest{0x1122334455667788ull, 0x99aabbccddeeff00ull};
  a.fingerprint.simhash = 0xfeedfacecafebeefull;
  for (size_t i = 0; i < a.fingerprint.sketch.size(); ++i) a.fingerprint.sketch[i] = uint8_t(i * 7);
  a.paragraph_keys = {1, 2, 0xffffffffffffffffull};
  std::string bytes;
  pipeline::EncodeAnalyzed(a, &bytes);
  pipeline::Analyzed b;
  size_t pos = 0;
  BOOST_REQUIRE(pipeline::DecodeAnalyzed(bytes, &pos, &b));
  BOOST_TEST(pos == bytes.size());
  BOOST_TEST(b.doc.seq == 7u);
  BOOST_TEST(b.doc.source == a.doc.source);
  BOOST_TEST(b.doc.url == a.doc.url);
  BOOST_TEST(b.doc.title == a.doc.title);
  BOOST_TEST(b.doc.date == a.doc.date);
  BOOST_TEST(b.doc.crawled_at == a.doc.crawled_at);
  BOOST_TEST(b.doc.warc.header == a.doc.warc.header);
  BOOST_TEST(b.doc.warc.http_header == a.doc.warc.http_header);
  BOOST_TEST(b.doc.warc.http_body == a.doc.warc.http_body);
  BOOST_TEST(b.doc.site == a.doc.site);
  BOOST_TEST(b.doc.original == a.doc.original);
  BOOST_TEST(b.doc.text == a.doc.text);
  BOOST_TEST((b.doc.kind == OriginalKind::kHtml));
  BOOST_TEST((b.doc.extraction == Extraction::kWeak));
  BOOST_TEST(b.doc.input_bytes == 999u);
  BOOST_TEST(b.weak_reason == a.weak_reason);
  BOOST_TEST((b.digest == a.digest));
  BOOST_TEST(b.fingerprint.simhash == a.fingerprint.simhash);
  BOOST_TEST((b.fingerprint.sketch == a.fingerprint.sketch));
  BOOST_TEST((b.paragraph_keys == a.paragraph_keys));
  // Any cut of the record is refused, never read as a shorter document.
  for (size_t cut = 0; cut < bytes.size(); cut += 3) {
    size_t p = 0;
    pipeline::Analyzed c;
    BOOST_TEST(!pipeline::DecodeAnalyzed(std::string_view(bytes).substr(0, cut), &p, &c), cut);
  }
  // What an archive run's decide task reads: no original bytes, yet a page the decider finds
  // weak gets the digest of those bytes, as on one machine.
  pipeline::Analyzed light = pipeline::ForDecideTask(a);
  bytes.clear();
  pipeline::EncodeAnalyzed(light, &bytes);
  pos = 0;
  BOOST_REQUIRE(pipeline::DecodeAnalyzed(bytes, &pos, &b));
  BOOST_TEST(b.doc.original.empty());
  BOOST_TEST(b.doc.text == a.doc.text);
  BOOST_TEST((b.paragraph_keys == a.paragraph_keys));
  pipeline::MarkWeak(&a, Extraction::kWeak, "only chrome");
  pipeline::MarkWeak(&b, Extraction::kWeak, "only chrome");
  BOOST_TEST((b.digest == a.digest));
  BOOST_TEST((b.digest == RawBytesDigest(a.doc.original)));
}

// `whole` run in one process, then cut into pieces of about 3 KB shared out to 4 tasks:
// the units the cut run reads, and its report (which must equal the one-process one).
struct CutRun {
  std::vector<InputUnit> units;
  std::string report;
};

CutRun RunWholeThenCut(const Crawl& crawl, const RunOptions& whole) {
  BOOST_REQUIRE(RunDedup(whole).ok());
  RunOptions cut = whole;
  cut.report_path = (crawl.root / "cut.jsonl").string();
  cut.scan.piece_bytes = 3000;
  Result<std::vector<InputUnit>> units = Scanner(cut.scan).ListUnits(cut.inputs);
  BOOST_REQUIRE(units.ok());
  Result<RunSummary> run = RunInTasks(cut, (crawl.root / "work").string(), 4, false);
  BOOST_REQUIRE_MESSAGE(run.ok(), run.status().message());
  CutRun result{*units, ReadFile(crawl.root / "cut.jsonl")};
  BOOST_TEST(result.report == ReadFile(whole.report_path));
  return result;
}

BOOST_AUTO_TEST_CASE(a_large_json_lines_feed_is_shared_out_in_pieces_with_the_same_line_numbers) {
  Crawl crawl(30);
  // One feed of the crawl's stories and copies, with blank lines, a line too long to keep
  // and a line that is not JSON, cut into pieces of about 3 KB.
  std::string feed;
  int n = 0;
  for (fs::recursive_directory_iterator it(crawl.root / "crawl"), end; it != end; ++it) {
    if (!fs::is_regular_file(it->path())) continue;
    std::string text = ReadFile(it->path()), escaped;
    for (char c : text) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
    feed += "{\"url\":\"https://feed.example/" + std::to_string(n++) + "\",\"text\":\"" + escaped + "\"}\n";
    if (n % 9 == 0) feed += "\n\n";
    if (n == 17) feed += "{\"text\":\"" + std::string(5000, 'x') + "\"}\n";
    if (n == 23) feed += "not json\n";
  }
  WriteFile(crawl.root / "feed" / "day.jsonl", feed);
  RunOptions whole = crawl.Options("", "whole.jsonl", 2);
  whole.inputs = {(crawl.root / "feed").string()};
  whole.scan.max_doc_bytes = 4000;
  const CutRun cut = RunWholeThenCut(crawl, whole);
  BOOST_TEST(cut.units.size() > 10u);
  uint64_t bytes = 0;
  for (const InputUnit& u : cut.units) {
    BOOST_TEST((u.begin == 0 || feed[u.begin - 1] == '\n'), "a piece starts mid-line at " << u.begin);
    BOOST_TEST(u.begin == bytes);
    bytes = u.end;
  }
  BOOST_TEST(bytes == feed.size());
  BOOST_TEST(cut.report.find("day.jsonl#" + std::to_string(std::count(feed.begin(), feed.end(), '\n'))) !=
             std::string::npos);
}

// The same for a large plain WARC file: cut at record starts, its records keep the byte
// offsets of the whole file in the report, and the decisions are one machine's.
BOOST_AUTO_TEST_CASE(a_large_plain_warc_is_shared_out_in_pieces_with_the_same_decisions) {
  Crawl crawl(30);
  std::string warc;
  int n = 0;
  for (fs::recursive_directory_iterator it(crawl.root / "crawl"), end; it != end; ++it) {
    if (!fs::is_regular_file(it->path())) continue;
    const std::string text = ReadFile(it->path());
    warc += "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://wire.example/" +
            std::to_string(n++) + "\r\nContent-Type: text/plain\r\nContent-Length: " +
            std::to_string(text.size()) + "\r\n\r\n" + text + "\r\n\r\n";
  }
  WriteFile(crawl.root / "warc" / "day.warc", warc);
  RunOptions whole = crawl.Options("", "whole.jsonl", 2);
  whole.inputs = {(crawl.root / "warc").string()};
  const CutRun cut = RunWholeThenCut(crawl, whole);
  BOOST_TEST(cut.units.size() > 4u);
  for (const InputUnit& u : cut.units) {
    BOOST_TEST(u.warc);
    BOOST_TEST((u.begin == 0 || warc.compare(u.begin, 8, "WARC/1.1") == 0));
  }
  const uint64_t last = cut.units.back().begin;
  BOOST_TEST(cut.report.find("day.warc#" + std::to_string(last)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_run_outside_an_options_bounds_is_refused_not_changed) {
  Crawl crawl(3);
  RunOptions o = crawl.Options("a", "r.jsonl", 1);
  o.dedup.max_distance = 30;  // once run at 11 while the catalog recorded 30
  Result<RunSummary> run = RunArchive(o);
  BOOST_REQUIRE(!run.ok());
  BOOST_TEST(run.status().IsInvalidArgument());
  BOOST_TEST(run.status().message() == "max_distance 30 is out of range (0 to 11)");
  BOOST_TEST(!fs::exists(crawl.root / "a"));  // refused before anything was created
  o = crawl.Options("", "r.jsonl", 1);
  o.scan.max_doc_bytes = 0;
  BOOST_TEST(!RunDedup(o).ok());
  o = crawl.Options("", "r.jsonl", 1);
  o.dedup.min_similarity = 1.01;
  BOOST_TEST(!RunDedup(o).ok());
  o.dedup.min_similarity = 1;
  o.dedup.max_distance = kMaxDistanceBounds.max;
  BOOST_TEST(RunDedup(o).ok());
}
