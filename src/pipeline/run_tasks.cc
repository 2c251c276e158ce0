// A run cut into tasks: slices of the input analysed apart, decided together.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "pipeline/analyze.h"
#include "pipeline/match_stages.h"
#include "pipeline/stage_file.h"
#include "simshard/fingerprint.h"
#include "simshard/pipeline.h"
#include "util/crash_point.h"
#include "util/file_util.h"

namespace simshard {
namespace {

// Slice `task` of `units`: consecutive units, cut where the bytes before reach
// task / tasks of the whole, so slices are about equal in bytes and together are the
// input in order. The same units and task count give the same slices everywhere.
std::span<const InputUnit> SliceOf(const std::vector<InputUnit>& units, unsigned task,
                                   unsigned tasks) {
  uint64_t total = 0;
  for (const InputUnit& u : units) total += u.bytes;
  auto start_of = [&](unsigned t) {
    if (t == 0) return size_t{0};
    if (t >= tasks) return units.size();
    const long double goal = static_cast<long double>(total) * t / tasks;
    uint64_t before = 0;
    size_t i = 0;
    while (i < units.size() && before + units[i].bytes / 2.0L < goal) before += units[i++].bytes;
    return i;
  };
  const size_t begin = start_of(task), end = start_of(task + 1);
  return std::span<const InputUnit>(units).subspan(begin, end - begin);
}

// What an analyse task writes: the slice's stage file and, for an archive run, the lighter
// decide file its decide task reads (no original bytes). Where the original bytes are not
// the bulk of the records (JSON Lines text feeds), the decide file would cost more to
// write than it saves the decide task: it is given up after a first look, and the decide
// task reads the stage file.
class SliceFiles {
 public:
  SliceFiles(const TaskPlan& plan, unsigned task) : plan_(plan), task_(task) {}

  Status Open() {
    ::unlink(DecideFilePath(plan_, task_).c_str());  // a killed attempt's
    SIMSHARD_RETURN_IF_ERROR(full_.Open(StageFilePath(plan_, task_)));
    if (!plan_.archive) return Status::OK();
    light_ = std::make_unique<pipeline::StageWriter>();
    return light_->Open(DecideFilePath(plan_, task_));
  }

  Status Append(const pipeline::Analyzed& a) {
    SIMSHARD_RETURN_IF_ERROR(full_.Append(a));
    if (!light_) return Status::OK();
    const Document& d = a.doc;
    heavy_ += d.original.size() + d.title.size() + d.warc.header.size() + d.warc.http_header.size() +
              d.warc.http_body.size();
    all_ += d.original.size() + d.text.size() + 8 * a.paragraph_keys.size() + 64;
    if (all_ >= kLookBytes && 3 * heavy_ < 2 * all_) {  // it would be over a third of the stage file
      light_.reset();  // removes its temp file
      return Status::OK();
    }
    return light_->Append(pipeline::ForDecideTask(a));
  }

  // The decide file first: the stage file under its name marks the slice complete.
  Status Finish() {
    if (light_) SIMSHARD_RETURN_IF_ERROR(light_->Finish());
    return full_.Finish();
  }

 private:
  static constexpr uint64_t kLookBytes = 4 << 20;
  const TaskPlan& plan_;
  const unsigned task_;
  pipeline::StageWriter full_;
  std::unique_ptr<pipeline::StageWriter> light_;
  uint64_t heavy_ = 0, all_ = 0;  // bytes of the original and of everything, so far
};

}  // namespace

std::string StageFilePath(const TaskPlan& plan, unsigned task) {
  char name[48];
  std::snprintf(name, sizeof name, "/slice-%05u-of-%05u.stage", task, plan.tasks);
  return plan.work_dir + name;
}

std::string DecideFilePath(const TaskPlan& plan, unsigned task) {
  std::string path = StageFilePath(plan, task);
  return path.replace(path.size() - 5, 5, "decide");
}

std::vector<unsigned> PendingTasks(const TaskPlan& plan) {
  std::vector<unsigned> pending;
  for (unsigned t = 0; t < plan.tasks; ++t)
    if (!PathExists(StageFilePath(plan, t))) pending.push_back(t);
  return pending;
}

std::string TaskList(const std::vector<unsigned>& tasks) {
  std::string list;
  for (unsigned t : tasks) {
    if (!list.empty()) list += ',';
    list += std::to_string(t);
  }
  return list;
}

Status CheckTaskNumber(const TaskPlan& plan, unsigned task) {
  if (task < plan.tasks) return Status::OK();
  return Status::InvalidArgument("task " + std::to_string(task) + " is out of range: the run has " +
                                 std::to_string(plan.tasks) + " tasks, numbered from 0");
}

Status RunAnalyzeTask(const RunOptions& options, const TaskPlan& plan, unsigned task) {
  SIMSHARD_RETURN_IF_ERROR(CheckTaskNumber(plan, task));
  // A slice analysed again: what the later stages made of the slices is stale.
  if (plan.archive) {
    for (const std::string& path : {pipeline::ChromedRunPath(plan), pipeline::DecidedRunPath(plan)})
      ::unlink(path.c_str());
  }
  // Pieces of at most a quarter of a task's share: every task lists the same inputs, so all
  // cut them alike.
  ScanOptions scan = options.scan;
  scan.pieces_wanted = 4 * plan.tasks;
  const Scanner scanner(scan);
  Result<std::vector<InputUnit>> units = scanner.ListUnits(options.inputs);
  if (!units.ok()) return units.status();
  const std::span<const InputUnit> slice = SliceOf(*units, task, plan.tasks);
  // The slice's items are analysed as a one-machine run analyses them: same workers,
  // same function, so the decide task sees the documents that run would see.
  pipeline::AnalyzedStream stream(
      std::vector<InputUnit>(slice.begin(), slice.end()), options.scan, options.threads,
      pipeline::FullAnalysis(Fingerprinter()));
  SliceFiles files(plan, task);
  SIMSHARD_RETURN_IF_ERROR(files.Open());
  while (std::optional<pipeline::Analyzed> a = stream.Next()) {
    Status appended = files.Append(*a);
    if (!appended.ok()) {
      stream.Cancel();
      stream.Finish();
      return appended;
    }
  }
  SIMSHARD_RETURN_IF_ERROR(stream.Finish());
  CrashPoint("analyze-task-" + std::to_string(task));  // drills: one task dies unfinished
  return files.Finish();
}

Result<RunOptions> DecideTaskOptions(RunOptions options, const TaskPlan& plan) {
  const std::vector<unsigned> pending = PendingTasks(plan);
  if (!pending.empty()) {
    return Status::InvalidArgument("the analyse stage is not complete: no stage file in " + plan.work_dir +
                                   " for task(s) " + TaskList(pending) + "; run them (again) first");
  }
  options.stage_files.clear();
  for (unsigned t = 0; t < plan.tasks; ++t) {
    const bool light = plan.archive && PathExists(DecideFilePath(plan, t));
    options.stage_files.push_back(light ? DecideFilePath(plan, t) : StageFilePath(plan, t));
  }
  return options;
}

}  // namespace simshard
