// A run cut into tasks: slices of the input analysed apart, decided together.
#include <sys/stat.h>

#include <cstdio>

#include "pipeline/analyze.h"
#include "pipeline/stage_file.h"
#include "simshard/fingerprint.h"
#include "simshard/pipeline.h"
#include "util/crash_point.h"

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

}  // namespace

std::string StageFilePath(const TaskPlan& plan, unsigned task) {
  char name[48];
  std::snprintf(name, sizeof name, "/slice-%05u-of-%05u.stage", task, plan.tasks);
  return plan.work_dir + name;
}

std::vector<unsigned> PendingTasks(const TaskPlan& plan) {
  std::vector<unsigned> pending;
  for (unsigned t = 0; t < plan.tasks; ++t) {
    struct stat st;
    if (::stat(StageFilePath(plan, t).c_str(), &st) != 0) pending.push_back(t);
  }
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

Status RunAnalyzeTask(const RunOptions& options, const TaskPlan& plan, unsigned task) {
  if (task >= plan.tasks) {
    return Status::InvalidArgument("task " + std::to_string(task) + " is out of range: the run has " +
                                   std::to_string(plan.tasks) + " tasks, numbered from 0");
  }
  const Scanner scanner(options.scan);
  Result<std::vector<InputUnit>> units = scanner.ListUnits(options.inputs);
  if (!units.ok()) return units.status();
  const std::span<const InputUnit> slice = SliceOf(*units, task, plan.tasks);
  // The slice's items are analysed as a one-machine run analyses them: same workers,
  // same function, so the decide task sees the documents that run would see.
  pipeline::AnalyzedStream stream(
      std::vector<InputUnit>(slice.begin(), slice.end()), options.scan, options.threads,
      pipeline::FullAnalysis(Fingerprinter()));
  pipeline::StageWriter writer;
  SIMSHARD_RETURN_IF_ERROR(writer.Open(StageFilePath(plan, task)));
  while (std::optional<pipeline::Analyzed> a = stream.Next()) {
    Status appended = writer.Append(*a);
    if (!appended.ok()) {
      stream.Cancel();
      stream.Finish();
      return appended;
    }
  }
  SIMSHARD_RETURN_IF_ERROR(stream.Finish());
  CrashPoint("analyze-task-" + std::to_string(task));  // drills: one task dies unfinished
  return writer.Finish();
}

Result<RunOptions> DecideTaskOptions(RunOptions options, const TaskPlan& plan) {
  const std::vector<unsigned> pending = PendingTasks(plan);
  if (!pending.empty()) {
    return Status::InvalidArgument("the analyse stage is not complete: no stage file in " + plan.work_dir +
                                   " for task(s) " + TaskList(pending) + "; run them (again) first");
  }
  options.stage_files.clear();
  for (unsigned t = 0; t < plan.tasks; ++t) options.stage_files.push_back(StageFilePath(plan, t));
  return options;
}

}  // namespace simshard
