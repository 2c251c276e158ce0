// Runs cut into tasks, on this machine, stage by stage as the Slurm jobs run them.
#pragma once

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>

#include "simshard/pipeline.h"

namespace simshard::testing {

// An archive run's stages between analyse and write: chrome, each match task, decide.
inline Result<RunSummary> DecideInTasks(const RunOptions& options, const TaskPlan& plan) {
  if (!ArchiveChromed(plan)) SIMSHARD_RETURN_IF_ERROR(RunChromeStage(options, plan));
  for (unsigned t : PendingMatchTasks(plan)) SIMSHARD_RETURN_IF_ERROR(RunMatchTask(options, plan, t));
  return DecideArchiveTasks(options, plan);
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
    Result<RunOptions> decide = DecideTaskOptions(options, plan);
    if (!decide.ok()) return decide.status();
    return RunDedup(*decide);
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
