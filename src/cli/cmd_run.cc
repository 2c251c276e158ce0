// `simshard archive` and `simshard dedup`: the two commands that run the pipeline.
#include <cstdio>
#include <iostream>

#include "cli/bounded_option.h"
#include "cli/command.h"
#include "cli/input_options.h"
#include "cli/progress.h"
#include "cli/run_command.h"
#include "simshard/pipeline.h"

namespace simshard::cli {

namespace {

// "0.3" rather than "0.29999999999999999" in --help.
std::string ShortNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

}  // namespace

po::options_description RunOptionsDescription(bool archive) {
  po::options_description run(archive ? "Archive options" : "Dedup options");
  AddInputOption(&run);
  run.add_options()
      ("archive,a", po::value<std::string>()->value_name("DIR"),
       archive ? "the archive folder (created when new)"
               : "also check against this archive (read-only)")
      ("report,r", po::value<std::string>()->value_name("FILE"),
       "write one JSON line per input document: source, url, status, id, duplicate_of, "
       "distance, similarity, extraction (weak or empty), reason");
  AddThreadsOption(&run);
  if (!archive) {
    run.add_options()
        ("kept", po::value<std::string>()->value_name("FILE"),
         "write the kept documents to FILE as zstd-compressed JSON Lines (.jsonl.zst)")
        ("keep", po::value<std::string>()->default_value("first")->value_name("first|longest"),
         "which copy of a duplicate group to keep");
  }
  po::options_description dedup("Duplicate detection");
  const DedupOptions d = DedupOptions::Defaults();
  dedup.add_options()
      ("threshold",
       po::value<double>()->default_value(d.min_similarity, ShortNumber(d.min_similarity))
           ->value_name("S"),
       WithRange("similarity a near-duplicate candidate must reach", kMinSimilarityBounds).c_str())
      ("max-distance", po::value<int64_t>()->default_value(d.max_distance)->value_name("K"),
       WithRange("SimHash Hamming radius searched for near-duplicate candidates",
                 kMaxDistanceBounds).c_str());
  po::options_description all;
  all.add(run).add(dedup).add(ScanOptionsDescription());
  if (archive) {
    const ArchiveOptions a;
    po::options_description shards("Shards");
    shards.add_options()
        ("shard-bytes", po::value<int64_t>()->default_value(a.shard_bytes)->value_name("BYTES"),
         WithRange("seal a shard once its records reach this size uncompressed",
                   kShardBytesBounds).c_str())
        ("frame-bytes", po::value<int64_t>()->default_value(a.frame_bytes)->value_name("BYTES"),
         WithRange("records per zstd frame (uncompressed); restore reads one frame",
                   kFrameBytesBounds).c_str())
        ("level", po::value<int64_t>()->default_value(a.level)->value_name("N"),
         WithRange("zstd level", CompressionLevelBounds()).c_str());
    all.add(shards);
  }
  all.add(ExecutorOptionsDescription());
  all.add(CommonOptions());
  return all;
}

RunOptions ToRunOptions(const po::variables_map& vm, bool archive) {
  Require(vm, "input");
  Require(vm, archive ? "archive" : "report");
  RunOptions o;
  o.inputs = vm["input"].as<std::vector<std::string>>();
  if (vm.count("archive")) o.archive_dir = vm["archive"].as<std::string>();
  if (vm.count("report")) o.report_path = vm["report"].as<std::string>();
  if (vm.count("kept")) o.kept_path = vm["kept"].as<std::string>();
  o.threads = ThreadsOption(vm);
  o.dedup.min_similarity = BoundedDouble(vm, "threshold", kMinSimilarityBounds);
  o.dedup.max_distance = static_cast<int>(BoundedInt(vm, "max-distance", kMaxDistanceBounds));
  o.scan = ToScanOptions(vm);
  if (archive) {
    o.archive.shard_bytes = BoundedInt(vm, "shard-bytes", kShardBytesBounds);
    o.archive.frame_bytes = static_cast<uint32_t>(BoundedInt(vm, "frame-bytes", kFrameBytesBounds));
    o.archive.level = static_cast<int>(BoundedInt(vm, "level", CompressionLevelBounds()));
  } else {
    const std::string keep = vm["keep"].as<std::string>();
    if (keep != "first" && keep != "longest") throw UsageError("--keep must be first or longest");
    o.keep_longest = keep == "longest";
  }
  return o;
}

int ExecuteRun(const CommandHelp& help, const po::variables_map& vm, RunOptions run,
               bool archive, const RunFn& runner) {
  const Log log = MakeLog(help.name, vm);
  ProgressLine progress(!log.quiet);
  if (progress.enabled()) run.on_progress = [&](const RunProgress& p) { progress.Update(p); };
  if (log.verbose && !log.quiet) {
    run.on_event = [&](const std::string& line) {
      progress.Clear();
      log.Detail(line);
    };
    run.on_row = [&](const ReportRow& row) {
      if (row.status != "skipped") return;
      progress.Clear();
      log.Detail("skipped " + row.source + ": " + row.reason);
    };
  }
  log.Detail("reading " + std::to_string(run.inputs.size()) + " input(s) with " +
             (run.threads ? std::to_string(run.threads) : std::string("all")) + " thread(s)");
  Result<RunSummary> summary = runner ? runner(run) : archive ? RunArchive(run) : RunDedup(run);
  progress.Clear();
  if (!summary.ok()) {
    const int code = Fail(help.name, summary.status());
    if (vm["json"].as<bool>()) {
      std::cout << SummaryJson(help.name, RunSummary{}, code);
    }
    return code;
  }
  const int code = ExitCodeFor(summary.status(), summary->any_skipped());
  PrintSummary(log, *summary, archive ? "archived" : "kept");
  if (!run.report_path.empty()) log.Detail("report written to " + run.report_path);
  if (vm["json"].as<bool>()) std::cout << SummaryJson(help.name, *summary, code) << std::flush;
  return code;
}

namespace {

int RunCommand(const CommandHelp& help, const std::vector<std::string>& args, bool archive) {
  const po::options_description options = RunOptionsDescription(archive);
  po::variables_map vm;
  if (!ParseCommandLine(help, args, options, InputPositional(), &vm)) return kOk;
  const RunOptions run = ToRunOptions(vm, archive);
  int code = kOk;
  if (MaybeRunInTasks(help, args, vm, run, archive, &code)) return code;
  return ExecuteRun(help, vm, run, archive);
}

}  // namespace

CommandHelp RunCommandHelp(bool archive) {
  if (!archive) {
    return CommandHelp{
      "dedup", "simshard dedup INPUT... --report FILE [--archive DIR] [--kept FILE] [options]",
      "Makes the decisions `archive` would make without writing an archive: each document is\n"
      "kept, a duplicate or near-duplicate of a kept one (or of one in --archive, opened\n"
      "read-only), or skipped. Report statuses: kept, duplicate, near-duplicate, skipped.\n"
      "--keep longest keeps each group's longest copy instead of its first: it holds one report\n"
      "row per document in memory and reads the input twice when --kept is given.\n"
      "With --tasks N or --executor slurm the run is cut into tasks (see archive --help).\n"
      "Exit codes: 0 ok; 1 fatal error; 2 usage error; 3 done, but some inputs were skipped.",
      "  simshard dedup scraped/ --report dups.jsonl --kept clean.jsonl.zst --keep longest"};
  }
  return CommandHelp{
      "archive", "simshard archive INPUT... --archive DIR [--report FILE] [--threads N] [options]",
      "Reads crawler output (text, HTML, JSON Lines, WARC; .gz/.zst too), drops documents that\n"
      "repeat one already archived (exactly or nearly, this run or an earlier one) and archives\n"
      "the rest. Every input document gets one decision and one report line.\n"
      "Exit codes: 0 ok; 1 fatal error; 2 usage error; 3 done, but some inputs were skipped\n"
      "(see the report). Only one archive run per archive at a time. When SOURCE_DATE_EPOCH\n"
      "is set, its time is recorded as the archive time (for reproducible shards).\n"
      "With --tasks N, or --executor slurm, the run is cut into N tasks: slices of the input\n"
      "are analysed apart (a Slurm job array), then one task decides in input order, so the\n"
      "report, ids and shards are those of one process. A rerun with the same options picks\n"
      "up the slices already done.",
      "  simshard archive crawl/2026-11-28 --archive /srv/news --report report.jsonl\n"
      "  simshard archive --config nightly.conf crawl/$(date +%F)\n"
      "  simshard archive crawl/ --archive /srv/news --executor slurm --tasks 64 --wait"};
}

int ArchiveCommand(const std::vector<std::string>& args) {
  return RunCommand(RunCommandHelp(true), args, true);
}

int DedupCommand(const std::vector<std::string>& args) {
  return RunCommand(RunCommandHelp(false), args, false);
}

}  // namespace simshard::cli
