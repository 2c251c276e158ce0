// The whole run: scan -> extract -> normalize -> fingerprint on worker threads, decide in
// input order on one thread, archive. The CLI is a thin layer over these functions.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "simshard/archive.h"
#include "simshard/dedup.h"
#include "simshard/scan.h"
#include "simshard/status.h"

namespace simshard {

// One line of the report (JSON Lines), one per input document, in input order.
struct ReportRow {
  std::string source;
  std::string url;
  std::string status;        // archived | duplicate | near-duplicate | skipped
  std::string id;            // archived
  std::string duplicate_of;  // duplicate, near-duplicate
  int distance = -1;         // near-duplicate
  double similarity = -1;    // near-duplicate
  std::string reason;        // skipped; weak or empty: why it is kept apart
  // "weak" or "empty" for a page with little or no text (doc/DEDUP.md); empty (and left
  // out of the report) for an extracted page.
  std::string extraction;
};

struct RunOptions {
  std::vector<std::string> inputs;
  std::string archive_dir;   // archive: where to write; dedup: optional, read-only
  std::string report_path;   // empty: no report
  std::string kept_path;     // dedup --kept: kept documents as .jsonl.zst
  unsigned threads = 0;      // 0: all cores
  bool keep_longest = false; // dedup: keep the longest copy of each group, not the first
  ScanOptions scan;
  DedupOptions dedup = DedupOptions::Defaults();
  ArchiveOptions archive;
  // A run cut into tasks: when set, the documents come from these files, which the
  // analyse tasks wrote from `inputs` (RunAnalyzeTask), and `inputs` are not read again.
  std::vector<std::string> stage_files;
  // Progress callback, called from the deciding thread now and then.
  std::function<void(const struct RunProgress&)> on_progress;
  // Called from the deciding thread with every report row, in input order (for logs).
  std::function<void(const ReportRow&)> on_row;
  // One line per event of the run (archive opened, run started and finished), for logs.
  std::function<void(const std::string&)> on_event;
};

// 0 is all cores.
inline constexpr Bounds<int64_t> kThreadsBounds{0, 1024};
inline constexpr Bounds<int64_t> kTasksBounds{1, 100000};
// Every option of the run within its bounds (scan, dedup and archive options included):
// RunArchive, RunDedup and RunExtract refuse a run that is not, so what ran is what the
// catalog records.
struct RunProgress {
  uint64_t documents = 0, archived = 0, duplicates = 0, near_duplicates = 0, skipped = 0;
  // Of the documents, those whose extraction was weak or empty (whatever their status):
  // a night with many of them has pages the extractor could not read.
  uint64_t weak = 0, empty = 0;
  uint64_t bytes_scanned = 0, bytes_total = 0;
  double elapsed_seconds = 0;
};

struct RunSummary {
  RunProgress totals;
  std::map<std::string, uint64_t> skipped_by_reason;
  uint64_t bytes_stored = 0;
  std::vector<std::string> shards_written;
  uint64_t run_id = 0;
  bool any_skipped() const { return totals.skipped > 0; }
};

// Every option of the run within its bounds (scan, dedup and archive options included):
// RunArchive and RunDedup refuse a run that is not, so what ran is what the catalog
// records.
Status CheckRunOptions(const RunOptions& options);

// A run cut into tasks (`--tasks N`, on one machine or as a Slurm job array): the input is
// shared out by file, in scan order, into N slices of about equal bytes; each task
// analyses its slice into a stage file in the work folder; then a chrome task, N match
// tasks and one decide task decide every document in input order as a one-machine run
// decides, so that reports, ids and shards are the same for any task count.
struct TaskPlan {
  std::string work_dir;  // on a filesystem every task sees
  unsigned tasks = 1;
  bool archive = false;  // an archive run: decide, then write and merge stages (below)
};
// Where task `task`'s stage file goes (it is complete when it exists).
std::string StageFilePath(const TaskPlan& plan, unsigned task);
// An archive run's slice `task` as its decide task reads it: without the original bytes
// (absent where they are not the bulk of the slice: then it reads the stage file).
std::string DecideFilePath(const TaskPlan& plan, unsigned task);
// The tasks whose stage file is missing: the ones to run (again).
std::vector<unsigned> PendingTasks(const TaskPlan& plan);
// "0,3,7": task numbers as sbatch --array and messages give them.
std::string TaskList(const std::vector<unsigned>& tasks);
// InvalidArgument unless `task` is one of the plan's (0-based).
Status CheckTaskNumber(const TaskPlan& plan, unsigned task);
// Analyses slice `task` (0-based) of options.inputs into its stage file.
Status RunAnalyzeTask(const RunOptions& options, const TaskPlan& plan, unsigned task);
// `options` with stage_files set to every task's file (an archive run's: its decide
// files where there are): what the chrome task reads. Refused until every slice is.
Result<RunOptions> DecideTaskOptions(RunOptions options, const TaskPlan& plan);

// After the analyse tasks, matching is split so that no task holds the whole dedup index:
// - chrome (one task): every page through the site chrome model, in input order;
// - match (one task per share): every page against a share of the archive's documents
//   and of tonight's pages;
// - decide (one task): the findings picked in input order, as one machine decides; writes
//   the report (dedup: and the kept file; archive: each slice's decisions, no shard).
// An archive run then has two more, so that compressing and writing shards is shared out
// too (doc/FORMAT.md, section 10):
// - write (one task per slice): the slice's kept documents into shards of its own;
// - merge (one task): those shards taken into the archive in slice order, the run
//   committed. A merge run again after it was killed completes it.
Status RunChromeStage(const RunOptions& options, const TaskPlan& plan);
Status RunMatchTask(const RunOptions& options, const TaskPlan& plan, unsigned task);
bool ChromeStageDone(const TaskPlan& plan);
std::vector<unsigned> PendingMatchTasks(const TaskPlan& plan);
Result<RunSummary> DecideArchiveTasks(const RunOptions& options, const TaskPlan& plan);
// A dedup run's decide task after the same chrome and match stages: the report and the
// kept file, as `simshard dedup` writes them.
Result<RunSummary> DecideDedupTasks(const RunOptions& options, const TaskPlan& plan);
Status WriteArchiveTask(const RunOptions& options, const TaskPlan& plan, unsigned task);
Result<RunSummary> MergeArchiveTasks(const RunOptions& options, const TaskPlan& plan);
// Whether the decide stage has finished, and the write tasks still to run.
bool ArchiveDecided(const TaskPlan& plan);
std::vector<unsigned> PendingWriteTasks(const TaskPlan& plan);
// Once the run is committed, its files in the work folder are spent.
Status RemoveTaskFiles(const TaskPlan& plan);

// The same run as Slurm jobs, each after the one before (--dependency=afterok): a job array
// of analyse tasks, the chrome job, a job array of match tasks, the decide job; for an
// archive run, then a job array of write tasks and the merge job. Only the stages still to
// run are submitted. Each runs `simshard stage ...` from the work folder.
struct SlurmOptions {
  std::string partition;                // sbatch --partition, when set
  std::string time_limit;               // sbatch --time, when set
  std::string mem_per_task;             // sbatch --mem, when set
  std::vector<std::string> sbatch_args; // passed to every sbatch as they are
};
struct SlurmJobs {
  std::string analyze_job;  // empty when every slice was already analysed
  std::string chrome_job;   // archive runs: empty when not run again
  std::string match_job;    // archive runs: empty when every share was already matched
  std::string decide_job;   // empty when an archive run was decided already
  std::string write_job;    // archive runs: empty when every slice was already written
  std::string merge_job;    // archive runs
  std::vector<unsigned> tasks;  // the analyse array indices submitted
  std::vector<unsigned> match_tasks;  // the match array indices submitted
  std::vector<unsigned> write_tasks;  // the write array indices submitted
  // The job whose end is the run's end; it records the run's exit code.
  const std::string& last_job() const { return merge_job.empty() ? decide_job : merge_job; }
};
// Writes the job scripts under plan.work_dir/slurm and submits them; `binary` and `cwd`
// are what the jobs run and where. The stage commands read the run's options from
// plan.work_dir/command, which the caller wrote.
Result<SlurmJobs> SubmitToSlurm(const TaskPlan& plan, const SlurmOptions& slurm,
                                const std::string& binary, const std::string& cwd);
// Progress of a submitted run while it is waited for.
struct SlurmProgress {
  unsigned tasks = 0, done = 0, failed = 0;
  bool deciding = false;  // the analyse tasks are over and the decide job runs
  bool chroming = false;  // archive runs: the chrome job runs
  unsigned matched = 0;   // archive runs: match tasks done
  unsigned written = 0;   // archive runs: write tasks done
  bool merging = false;   // archive runs: the merge job runs
};
// Polls the queue every `poll_seconds` until every job has left it, calling `progress`
// when something changed. Returns the last job's exit code (the run's), or an error
// that names the tasks that failed and their logs.
Result<int> WaitForSlurm(const TaskPlan& plan, const SlurmJobs& jobs, double poll_seconds,
                         const std::function<void(const SlurmProgress&)>& progress);
// Where the stage commands and the executor keep their files in the work folder.
std::string StageLogPath(const TaskPlan& plan, const std::string& name);  // <work>/logs/<name>
std::string ExitCodePath(const TaskPlan& plan);  // the run's exit code, once it ended
// The stage whose job ends the run and writes its exit code: merge, or decide for dedup.
std::string LastStage(const TaskPlan& plan);

// `simshard archive`: every input document gets one decision and one report row.
Result<RunSummary> RunArchive(const RunOptions& options);

// `simshard dedup`: the same decisions, no archive written.
Result<RunSummary> RunDedup(const RunOptions& options);

// `simshard extract`: the text of every input document as JSON Lines, in input order,
// the same for any number of threads. Nothing is deduplicated, and the learned per-site
// chrome model is not applied: the text is Extract()'s (markup and rule chrome removed).
struct ExtractOptions {
  std::vector<std::string> inputs;
  // Written under a temporary name beside it and renamed into place once complete (a
  // FIFO or device such as /dev/null is written in place). Empty: the stream RunExtract
  // is given.
  std::string output_path;
  unsigned threads = 0;  // 0: all cores
  ScanOptions scan;
  // Called with every skipped document, in input order (for logs).
  std::function<void(const std::string& source, const std::string& reason)> on_skipped;
};

struct ExtractSummary {
  uint64_t documents = 0, extracted = 0, weak = 0, empty = 0, skipped = 0;
  std::map<std::string, uint64_t> skipped_by_reason;
  uint64_t bytes_in = 0;
  double elapsed_seconds = 0;
  bool any_skipped() const { return skipped > 0; }
};

// One line per document, with all seven fields (a value not known is ""):
// {"source","url","title","date","text","status","reason"}. status is extracted, weak,
// empty or skipped; reason is "" for extracted, says why for the others.
Result<ExtractSummary> RunExtract(const ExtractOptions& options, std::FILE* out = stdout);

// `simshard export`: the archive as a WARC file (doc/FORMAT.md, section 11), one gzip
// member per record: each document read from WARC as the record it was read from, byte for
// byte; other documents as `resource` records; documents dropped as duplicates as
// `revisit` records (identical-payload-digest) and near-duplicates as `metadata` records.
// With format "cdxj" it writes instead the CDXJ index of that WARC file (SURT key,
// timestamp, JSON with url, mime, status, digest, length, offset, filename), sorted, for
// pywb and OutbackCDX: the export is deterministic, so the offsets are those of the WARC
// file the same archive exports.
struct ExportOptions {
  std::string archive_dir;
  std::string output_path;  // written as OUTPUT.tmp, renamed into place when complete
  std::string format = "warc";  // warc | cdxj
  std::string warc_name;        // cdxj: the WARC file's name in the index ("filename")
};

struct ExportSummary {
  uint64_t originals = 0, resources = 0, revisits = 0, metadata = 0;
  uint64_t unreferenced = 0;  // dropped rows whose document the archive lost (none written)
  uint64_t bytes = 0;         // of the output file
};

Result<ExportSummary> RunExport(const ExportOptions& options);

}  // namespace simshard
