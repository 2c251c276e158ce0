// Runs cut into tasks, on this machine, stage by stage as the Slurm jobs run them.
#pragma once

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>

#include "simshard/pipeline.h"

namespace simshard::testing {

// The stages after analyse up to decide: chrome, each match task, decide (dedup: the last).
inline Result<RunSummary> DecideInTasks(const RunOptions& options, const TaskPlan& plan) {
  if (!ChromeStageDone(plan)) SIMSHARD_RETURN_IF_ERROR(RunChromeStage(options, plan));
  for (unsigned t : PendingMatchTasks(plan)) SIMSHARD_RETURN_IF_ERROR(RunMatchTask(options, plan, t));
  return plan.archive ? DecideArchiveTasks(options, plan) : DecideDedupTasks(options, plan);
}

// A run cut into `tasks`, on this machine: each analyse task, then the decide task; an
// archive run then each write task and the merge.
inline Result<RunSummary> RunInTasks(const RunOptions& options, const std::string& work, unsigned tasks,
                                     bool archive) {
  boost::filesystem::create_directories(work);
  const TaskPlan plan{work, tasks, archive};
  for (unsigned t : PendingTasks(plan)) {
    const Status analysed = RunAnalyzeTask(options, plan, t);
    if (!analysed.ok()) return analysed;
  }
  if (!archive) {
    Result<RunSummary> decided = DecideInTasks(options, plan);
    if (decided.ok()) BOOST_REQUIRE(RemoveTaskFiles(plan).ok());
    return decided;
  }
  if (!ArchiveDecided(plan)) {
    Result<RunSummary> decided = DecideInTasks(options, plan);
    if (!decided.ok()) return decided.status();
  }
  for (unsigned t : PendingWriteTasks(plan)) {
    const Status written = WriteArchiveTask(options, plan, t);
    if (!written.ok()) return written;
  }
  Result<RunSummary> merged = MergeArchiveTasks(options, plan);
  if (merged.ok()) BOOST_REQUIRE(RemoveTaskFiles(plan).ok());
  return merged;
}

}  // namespace simshard::testing
