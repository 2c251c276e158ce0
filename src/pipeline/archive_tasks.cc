// An archive run cut into tasks, after the analyse tasks: one decide task (every slice in
// input order, against the archive, as one machine decides), one write task per slice
// (its kept documents into shards of its own) and one merge task (those shards taken into
// the archive, the run committed). doc/FORMAT.md, section 10.
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cstdio>
#include <random>
#include <sstream>

#include "pipeline/archive_run.h"
#include "pipeline/archive_state.h"
#include "pipeline/run_json.h"
#include "pipeline/match_stages.h"
#include "pipeline/run_loop.h"
#include "pipeline/slice_files.h"
#include "pipeline/stage_file.h"
#include "simshard/pipeline.h"
#include "util/clock.h"
#include "util/crash_point.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {
namespace {

namespace fs = boost::filesystem;
using pipeline::Analyzed;
using pipeline::Decision;

constexpr std::string_view kPlanMagic = "simshard-decided-run 1";

using pipeline::DecidedRunPath;
using pipeline::TaskFilePath;

std::string DecisionPath(const TaskPlan& plan, unsigned task) { return TaskFilePath(plan, "decided", task); }
std::string WriteDir(const TaskPlan& plan, unsigned task) { return TaskFilePath(plan, "write", task); }
std::string WrittenPath(const TaskPlan& plan, unsigned task) { return WriteDir(plan, task) + ".done"; }

// What the decide task settled for the whole run: the merge commits it as it is.
struct DecidedRun {
  uint64_t run = 0;            // the run's number in the archive
  uint64_t first_ordinal = 0;  // of its first kept document
  std::string archived_at, config, chrome_key;
  std::string token;  // drawn by the decide task: the run row's mark (run_json.h)
  RunSummary summary;
};

std::string NewToken() {
  std::random_device random;
  return Hex64((uint64_t{random()} << 32) ^ random());
}

// One "key value" line each; a skip reason is the rest of its line.
std::string PlanText(const DecidedRun& r) {
  const RunProgress& t = r.summary.totals;
  std::ostringstream out;
  out << kPlanMagic << "\nrun " << r.run << "\nfirst-ordinal " << r.first_ordinal << "\narchived-at "
      << r.archived_at << "\nconfig " << r.config << "\nchrome-key " << r.chrome_key << "\ntoken " << r.token
      << "\ncounts " << t.documents
      << ' ' << t.archived << ' ' << t.duplicates << ' ' << t.near_duplicates << ' ' << t.skipped << ' ' << t.weak
      << ' ' << t.empty << ' ' << t.bytes_scanned << ' ' << t.bytes_total << ' ' << t.elapsed_seconds << '\n';
  for (const auto& [reason, n] : r.summary.skipped_by_reason) {
    std::string line = reason;
    for (char& c : line) c = c == '\n' ? ' ' : c;
    out << "skipped " << n << ' ' << line << '\n';
  }
  return out.str();
}

Result<DecidedRun> ReadDecidedRun(const TaskPlan& plan) {
  Result<std::string> text = ReadFile(DecidedRunPath(plan));
  if (!text.ok()) {
    return Status::InvalidArgument("the decide stage has not finished: no " + DecidedRunPath(plan) +
                                   "; run it (again) first");
  }
  std::istringstream in(*text);
  std::string line, key;
  DecidedRun r;
  RunProgress& t = r.summary.totals;
  if (!std::getline(in, line) || line != kPlanMagic) return Status::Corruption(DecidedRunPath(plan) + ": not a decided run");
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    fields >> key;
    std::string rest = line.size() > key.size() ? line.substr(key.size() + 1) : "";
    if (key == "run") fields >> r.run;
    if (key == "first-ordinal") fields >> r.first_ordinal;
    if (key == "archived-at") r.archived_at = rest;
    if (key == "config") r.config = rest;
    if (key == "chrome-key") r.chrome_key = rest;
    if (key == "token") r.token = rest;
    if (key == "counts") {
      fields >> t.documents >> t.archived >> t.duplicates >> t.near_duplicates >> t.skipped >> t.weak >> t.empty >>
          t.bytes_scanned >> t.bytes_total >> t.elapsed_seconds;
    }
    uint64_t n = 0;
    if (key == "skipped" && fields >> n) r.summary.skipped_by_reason[rest.substr(rest.find(' ') + 1)] = n;
  }
  if (r.run == 0 || r.first_ordinal == 0) return Status::Corruption(DecidedRunPath(plan) + ": damaged (run the decide task again)");
  return r;
}

Decision KeptDecision(Analyzed& a, uint64_t ordinal) {
  Decision d;
  d.kept = true;
  d.ordinal = ordinal;
  d.digest = a.digest;
  d.extraction = a.doc.extraction;
  d.fingerprint = a.fingerprint;
  d.source = a.doc.source;
  d.text_changed = a.text_stripped;
  if (d.text_changed) d.text = std::move(a.doc.text);
  return d;
}

// What deciding changed, put back on the document the slice's stage file holds.
void ApplyDecision(Decision&& d, Analyzed* a) {
  a->digest = d.digest;
  a->doc.extraction = d.extraction;
  a->fingerprint = d.fingerprint;
  a->doc.source = std::move(d.source);
  if (d.text_changed) a->doc.text = std::move(d.text);
}

// Reads the slice's stage file up to its document `index` (documents come in order).
Status SeekDocument(pipeline::StageReader* slice, uint64_t index, uint64_t* read, Analyzed* a) {
  while (*read <= index) {
    if (!slice->Next(a)) {
      return slice->status().ok() ? Status::Corruption("a stage file ends before its document " + std::to_string(index))
                                  : slice->status();
    }
    ++*read;
  }
  return Status::OK();
}

Status WriteSlice(const TaskPlan& plan, unsigned task, const DecidedRun& run,
                  ArchiveWriter* writer) {
  pipeline::StageReader slice, decisions;
  SIMSHARD_RETURN_IF_ERROR(slice.Open(StageFilePath(plan, task)));
  SIMSHARD_RETURN_IF_ERROR(decisions.Open(DecisionPath(plan, task), pipeline::kDecisionMagic));
  Decision d;
  Analyzed a;
  uint64_t read = 0;
  bool started = false;
  while (decisions.Next(&d)) {
    if (!d.kept) continue;
    if (!started) SIMSHARD_RETURN_IF_ERROR(writer->ContinueRun(run.run, d.ordinal));
    started = true;
    SIMSHARD_RETURN_IF_ERROR(SeekDocument(&slice, d.index, &read, &a));
    const uint64_t ordinal = d.ordinal;
    const std::string id = pipeline::DocumentId(d.digest);
    ApplyDecision(std::move(d), &a);
    Result<uint64_t> added = writer->Add(pipeline::MakeRecord(std::move(a), id, run.run, run.archived_at));
    if (!added.ok()) return added.status();
    if (*added != ordinal) return Status::Corruption("slice " + std::to_string(task) + ": documents out of order");
  }
  SIMSHARD_RETURN_IF_ERROR(decisions.status());
  return writer->FinishRun("");
}

ArchiveOptions WriterOptions(const RunOptions& options) {
  ArchiveOptions a = options.archive;
  a.threads = pipeline::ResolveThreads(options.threads);  // frame compression
  return a;
}

// Each slice's shards, then the duplicates it dropped (committed with the next shard).
Status AdoptSlices(const TaskPlan& plan, ArchiveWriter* writer) {
  for (unsigned t = 0; t < plan.tasks; ++t) {
    SIMSHARD_RETURN_IF_ERROR(writer->AdoptShards(WriteDir(plan, t)));
    pipeline::StageReader decisions;
    SIMSHARD_RETURN_IF_ERROR(decisions.Open(DecisionPath(plan, t), pipeline::kDecisionMagic));
    Decision d;
    while (decisions.Next(&d)) {
      if (!d.kept) SIMSHARD_RETURN_IF_ERROR(writer->AddDropped(std::move(d.dropped)));
    }
    SIMSHARD_RETURN_IF_ERROR(decisions.status());
  }
  return Status::OK();
}

}  // namespace

bool ArchiveDecided(const TaskPlan& plan) { return PathExists(DecidedRunPath(plan)); }

std::vector<unsigned> PendingWriteTasks(const TaskPlan& plan) {
  std::vector<unsigned> pending;
  for (unsigned t = 0; t < plan.tasks; ++t)
    if (!PathExists(WrittenPath(plan, t))) pending.push_back(t);
  return pending;
}

// The decisions, from the chrome stage's records and the match tasks' findings: this task
// holds no dedup index (match_stages.h).
Result<RunSummary> DecideArchiveTasks(const RunOptions& options, const TaskPlan& plan) {
  SIMSHARD_RETURN_IF_ERROR(pipeline::CheckRunPaths(options));
  Result<pipeline::MatchedRun> matched = pipeline::ReadMatchedRun(options, plan);
  if (!matched.ok()) return matched.status();
  const std::vector<std::string>& chromed_files = matched->chromed_files;
  ::unlink(DecidedRunPath(plan).c_str());  // decided again: what was written from before is stale
  for (unsigned t = 0; t < plan.tasks; ++t) ::unlink(WrittenPath(plan, t).c_str());
  Result<std::vector<uint64_t>> ends = pipeline::SliceEnds(chromed_files);
  if (!ends.ok()) return ends.status();
  auto analysis = std::make_unique<pipeline::AnalyzedStream>(chromed_files, pipeline::kChromedMagic);
  // The writer lock keeps other runs out while deciding.
  Result<std::unique_ptr<ArchiveWriter>> writer = ArchiveWriter::Open(options.archive_dir, WriterOptions(options));
  if (!writer.ok()) return writer.status();
  Result<pipeline::ArchiveDecider> prepared = pipeline::PrepareDecider(options, **writer, /*seed=*/false);
  if (!prepared.ok()) return prepared.status();
  pipeline::MatchedDecider decider(plan, matched->chromed.last_ordinal + 1);
  SIMSHARD_RETURN_IF_ERROR(decider.Open());
  DecidedRun run{prepared->runs + 1, decider.next_ordinal(), UtcNowIso8601(), prepared->config,
                 prepared->chrome_key, NewToken(), {}};
  pipeline::PerSliceFiles files([&](unsigned t) { return DecisionPath(plan, t); }, pipeline::kDecisionMagic,
                                std::move(*ends));
  auto append = [&](uint64_t seq, Decision* d) -> Status {
    Result<pipeline::StageWriter*> out = files.For(seq, &d->index);
    return out.ok() ? (*out)->Append(*d) : out.status();
  };
  uint64_t next_ordinal = run.first_ordinal;
  auto keep = [&](Analyzed&& a, const std::string&) -> Result<uint64_t> {
    Decision d = KeptDecision(a, next_ordinal++);
    SIMSHARD_RETURN_IF_ERROR(append(a.doc.seq, &d));
    return d.ordinal;
  };
  auto decided = [&](const ReportRow& row, const Analyzed& a) {
    Decision d;
    return pipeline::DroppedRow(row, a, &d.dropped) ? append(a.doc.seq, &d) : Status::OK();
  };
  Result<RunSummary> summary = pipeline::DecideAll(options, std::move(analysis), &decider, keep, decided);
  if (!summary.ok()) return summary;
  SIMSHARD_RETURN_IF_ERROR(files.Finish());
  run.summary = *summary;
  SIMSHARD_RETURN_IF_ERROR(WriteFileDurably(DecidedRunPath(plan), PlanText(run)));  // last: the stage is done
  return summary;
}

Status WriteArchiveTask(const RunOptions& options, const TaskPlan& plan, unsigned task) {
  SIMSHARD_RETURN_IF_ERROR(CheckTaskNumber(plan, task));
  Result<DecidedRun> run = ReadDecidedRun(plan);
  if (!run.ok()) return run.status();
  const std::string dir = WriteDir(plan, task);
  boost::system::error_code ec;
  fs::remove_all(dir, ec);  // what a killed attempt left: this one starts afresh
  if (ec) return Status::IOError(dir + ": cannot clear: " + ec.message());
  {
    Result<std::unique_ptr<ArchiveWriter>> writer = ArchiveWriter::Open(dir, WriterOptions(options));
    if (!writer.ok()) return writer.status();
    SIMSHARD_RETURN_IF_ERROR(WriteSlice(plan, task, *run, writer->get()));
  }
  CrashPoint("write-task-" + std::to_string(task));  // drills: one task dies unfinished
  return WriteFileDurably(WrittenPath(plan, task), "");
}

Result<RunSummary> MergeArchiveTasks(const RunOptions& options, const TaskPlan& plan) {
  Result<DecidedRun> run = ReadDecidedRun(plan);
  if (!run.ok()) return run.status();
  const std::vector<unsigned> pending = PendingWriteTasks(plan);
  if (!pending.empty()) {
    return Status::InvalidArgument("the write stage is not complete: task(s) " + TaskList(pending) +
                                   " have not finished; run them (again) first");
  }
  const std::string& dir = options.archive_dir;
  Result<std::unique_ptr<ArchiveWriter>> opened = ArchiveWriter::Open(dir, WriterOptions(options));
  if (!opened.ok()) return opened.status();
  ArchiveWriter& writer = **opened;
  const std::set<std::string> shards_before = pipeline::ShardNames(dir);
  const pipeline::TaskRun tasks{plan.tasks, run->token};
  Result<bool> finished = writer.ResumeRun(run->run, pipeline::OptionsJson(options, run->config, &tasks));
  if (!finished.ok()) return finished.status();
  RunSummary summary = run->summary;
  summary.run_id = run->run;
  if (!*finished) {
    SIMSHARD_RETURN_IF_ERROR(AdoptSlices(plan, &writer));
    Result<std::string> chrome = ReadFile(pipeline::ChromeModelPath(plan));
    if (!chrome.ok()) return chrome.status();
    SIMSHARD_RETURN_IF_ERROR(writer.PutState(pipeline::ChromeKey(run->run), *chrome));
    SIMSHARD_RETURN_IF_ERROR(writer.FinishRun(pipeline::CountsJson(summary)));
    if (!run->chrome_key.empty()) SIMSHARD_RETURN_IF_ERROR(writer.PutState(run->chrome_key, ""));
  }
  pipeline::AddShardsWritten(dir, shards_before, &summary);
  return summary;
}

Status RemoveTaskFiles(const TaskPlan& plan) {
  boost::system::error_code ec;
  for (unsigned t = 0; t < plan.tasks; ++t) {
    for (const std::string& path :
         {StageFilePath(plan, t), DecideFilePath(plan, t), pipeline::ChromedPath(plan, t),
          pipeline::MatchesPath(plan, t), DecisionPath(plan, t), WrittenPath(plan, t)})
      ::unlink(path.c_str());
    fs::remove_all(WriteDir(plan, t), ec);
  }
  for (const std::string& path :
       {pipeline::ChromeModelPath(plan), pipeline::ChromedRunPath(plan), DecidedRunPath(plan)})
    ::unlink(path.c_str());
  return ec ? Status::IOError(plan.work_dir + ": cannot remove the run's files: " + ec.message()) : Status::OK();
}

}  // namespace simshard
