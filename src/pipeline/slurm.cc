// The Slurm executor: job scripts, sbatch, and waiting on the queue.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "simshard/pipeline.h"
#include "util/file_util.h"
#include "util/subprocess.h"

namespace simshard {
namespace {

// 'word' for a bash script: single quotes, with each ' written as '\''.
std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// "#SBATCH" lines for what the user asked of the cluster.
std::string ResourceLines(const SlurmOptions& slurm) {
  std::string lines;
  if (!slurm.partition.empty()) lines += "#SBATCH --partition=" + slurm.partition + "\n";
  if (!slurm.time_limit.empty()) lines += "#SBATCH --time=" + slurm.time_limit + "\n";
  if (!slurm.mem_per_task.empty()) lines += "#SBATCH --mem=" + slurm.mem_per_task + "\n";
  return lines;
}

// The run's last job (merge, or decide for dedup) records its exit code, which is the
// run's, where `--wait` reads it: Slurm itself only says whether a job failed.
std::string ScriptText(const std::string& stage, const TaskPlan& plan, const SlurmOptions& slurm,
                       const std::string& binary, const std::string& cwd) {
  const std::string run = ShellQuote(binary) + " stage " + stage + " --work-dir " +
                          ShellQuote(plan.work_dir);
  std::string s = "#!/bin/bash\n# simshard: the " + stage + " stage of a run cut into " +
                  std::to_string(plan.tasks) + " task(s). Written and submitted by simshard.\n";
  s += "#SBATCH --job-name=simshard-" + stage + "\n" + ResourceLines(slurm);
  s += "cd " + ShellQuote(cwd) + " || exit 1\n";
  if (stage != LastStage(plan)) return s + "exec " + run + "\n";
  const std::string rc = ShellQuote(ExitCodePath(plan));
  // Killed (a signal, a time limit) is no exit code of the run: `--wait` then says which
  // job did not finish, and running the command again resubmits it.
  return s + run + "\ncode=$?\n[ \"$code\" -ge 128 ] && exit \"$code\"\necho \"$code\" > " + rc + ".tmp && mv " + rc +
         ".tmp " + rc + "\nexit \"$code\"\n";
}

Status WriteScript(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out || ::chmod(path.c_str(), 0755) != 0) return Status::IOError(path + ": cannot write job script");
  return Status::OK();
}

// sbatch --parsable prints "<job id>[;<cluster>]".
Result<std::string> Submit(std::vector<std::string> argv) {
  Result<ProgramOutput> sbatch = RunProgram(argv);
  if (!sbatch.ok()) return Status::IOError(sbatch.status().message() + " (is Slurm installed here?)");
  if (sbatch->exit_code != 0) {
    return Status::IOError("sbatch failed (exit " + std::to_string(sbatch->exit_code) + "): " +
                           sbatch->err.substr(0, sbatch->err.find_last_not_of('\n') + 1));
  }
  std::string id = sbatch->out.substr(0, sbatch->out.find_first_of(";\n"));
  if (id.empty()) return Status::IOError("sbatch printed no job id");
  return id;
}

std::vector<std::string> SbatchCommand(const SlurmOptions& slurm) {
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  argv.insert(argv.end(), slurm.sbatch_args.begin(), slurm.sbatch_args.end());
  return argv;
}

// Tasks that gave up leave a note beside their log ("analyze-3.failed").
unsigned CountFailed(const TaskPlan& plan, const std::string& stage) {
  unsigned failed = 0;
  for (unsigned t = 0; t < plan.tasks; ++t)
    failed += PathExists(StageLogPath(plan, stage + "-" + std::to_string(t) + ".failed"));
  return failed;
}

// Submits one stage's job (an array when `tasks` is given) after `after`, when set.
Result<std::string> SubmitStage(const TaskPlan& plan, const SlurmOptions& slurm, const std::string& stage,
                                const std::vector<unsigned>* tasks, const std::string& after) {
  std::vector<std::string> argv = SbatchCommand(slurm);
  if (!after.empty()) argv.insert(argv.end(), {"--dependency=afterok:" + after, "--kill-on-invalid-dep=yes"});
  if (tasks != nullptr) {
    argv.insert(argv.end(), {"--array=" + TaskList(*tasks), "--output=" + StageLogPath(plan, stage + "-%a.log")});
  } else {
    argv.insert(argv.end(), {"--output=" + StageLogPath(plan, stage + ".out"),
                             "--error=" + StageLogPath(plan, stage + ".err")});
  }
  argv.push_back(plan.work_dir + "/slurm/" + stage + ".sh");
  return Submit(argv);
}

}  // namespace

std::string StageLogPath(const TaskPlan& plan, const std::string& name) {
  return plan.work_dir + "/logs/" + name;
}

std::string ExitCodePath(const TaskPlan& plan) { return plan.work_dir + "/exit-code"; }

std::string LastStage(const TaskPlan& plan) { return plan.archive ? "merge" : "decide"; }

Result<SlurmJobs> SubmitToSlurm(const TaskPlan& plan, const SlurmOptions& slurm,
                                const std::string& binary, const std::string& cwd) {
  for (const std::string& dir : {plan.work_dir + "/slurm", plan.work_dir + "/logs"}) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
      return Status::IOError(dir + ": cannot create: " + std::strerror(errno));
  }
  ::unlink(ExitCodePath(plan).c_str());
  std::vector<std::string> stages = {"analyze", "chrome", "match", "decide"};
  if (plan.archive) stages.insert(stages.end(), {"write", "merge"});
  for (const std::string& stage : stages) {
    SIMSHARD_RETURN_IF_ERROR(WriteScript(plan.work_dir + "/slurm/" + stage + ".sh",
                                         ScriptText(stage, plan, slurm, binary, cwd)));
  }
  SlurmJobs jobs;
  jobs.tasks = PendingTasks(plan);
  std::string after;  // the job the next stage waits for
  auto submit = [&](const std::string& stage, const std::vector<unsigned>* tasks, std::string* id) -> Status {
    Result<std::string> submitted = SubmitStage(plan, slurm, stage, tasks, after);
    if (!submitted.ok()) return submitted.status();
    after = *id = *submitted;
    return Status::OK();
  };
  if (!jobs.tasks.empty()) SIMSHARD_RETURN_IF_ERROR(submit("analyze", &jobs.tasks, &jobs.analyze_job));
  // A dedup run is decided by its last job, every time it is submitted.
  if (!jobs.tasks.empty() || !plan.archive || !ArchiveDecided(plan)) {
    // Analysing again starts the chrome stage afresh, and that every share's matching.
    if (!jobs.tasks.empty() || !ChromeStageDone(plan)) {
      SIMSHARD_RETURN_IF_ERROR(submit("chrome", nullptr, &jobs.chrome_job));
    }
    if (jobs.chrome_job.empty()) {
      jobs.match_tasks = PendingMatchTasks(plan);
    } else {
      for (unsigned t = 0; t < plan.tasks; ++t) jobs.match_tasks.push_back(t);
    }
    if (!jobs.match_tasks.empty()) SIMSHARD_RETURN_IF_ERROR(submit("match", &jobs.match_tasks, &jobs.match_job));
    SIMSHARD_RETURN_IF_ERROR(submit("decide", nullptr, &jobs.decide_job));
  }
  if (!plan.archive) return jobs;
  // Deciding again starts every slice's writing afresh.
  if (jobs.decide_job.empty()) {
    jobs.write_tasks = PendingWriteTasks(plan);
  } else {
    for (unsigned t = 0; t < plan.tasks; ++t) jobs.write_tasks.push_back(t);
  }
  if (!jobs.write_tasks.empty()) SIMSHARD_RETURN_IF_ERROR(submit("write", &jobs.write_tasks, &jobs.write_job));
  SIMSHARD_RETURN_IF_ERROR(submit("merge", nullptr, &jobs.merge_job));
  return jobs;
}

namespace {

// "<job id> <state>" lines of the run's jobs still queued (an array's tasks under the
// array's id). All jobs are listed and filtered here: `squeue --jobs` fails as a whole once
// one of the ids has left the queue, while later jobs of the chain still wait.
Result<std::string> OurJobsInQueue(const SlurmJobs& jobs) {
  Result<ProgramOutput> queue = RunProgram({"squeue", "--noheader", "--format=%F %T"});
  if (!queue.ok()) return queue.status();
  if (queue->exit_code != 0) return Status::IOError("squeue failed: " + queue->err);
  std::string ours;
  std::istringstream lines(queue->out);
  for (std::string line; std::getline(lines, line);) {
    const std::string id = line.substr(0, line.find(' '));
    for (const std::string* job :
         {&jobs.analyze_job, &jobs.chrome_job, &jobs.match_job, &jobs.decide_job, &jobs.write_job, &jobs.merge_job})
      if (!job->empty() && id == *job) ours += line + "\n";
  }
  return ours;
}

bool Running(const std::string& queue, const std::string& job) {
  return !job.empty() && queue.find(job + " RUNNING") != std::string::npos;
}

Status ArrayUnfinished(const TaskPlan& plan, const std::string& what, const std::string& stage,
                       const std::vector<unsigned>& tasks) {
  return Status::IOError(what + " task(s) " + TaskList(tasks) + " did not finish (see " +
                         StageLogPath(plan, stage + "-<task>.log") +
                         "); run the same command again to resubmit only those");
}

// Why the run has no exit code: the first stage with tasks that did not finish.
Status WhatFailed(const TaskPlan& plan) {
  const std::vector<unsigned> missing = PendingTasks(plan);
  if (!missing.empty()) return ArrayUnfinished(plan, "analyse", "analyze", missing);
  const bool decided = plan.archive && ArchiveDecided(plan);
  if (!decided) {
    if (!ChromeStageDone(plan)) {
      return Status::IOError("the chrome job did not finish (see " + StageLogPath(plan, "chrome.err") +
                             "); run the same command again to resubmit it");
    }
    const std::vector<unsigned> unmatched = PendingMatchTasks(plan);
    if (!unmatched.empty()) return ArrayUnfinished(plan, "match", "match", unmatched);
  }
  if (decided) {
    const std::vector<unsigned> unwritten = PendingWriteTasks(plan);
    if (!unwritten.empty()) return ArrayUnfinished(plan, "write", "write", unwritten);
  }
  const std::string last = decided ? "merge" : "decide";
  return Status::IOError("the " + last + " job did not finish (see " + StageLogPath(plan, last + ".err") +
                         "); run the same command again to resubmit it");
}

}  // namespace

Result<int> WaitForSlurm(const TaskPlan& plan, const SlurmJobs& jobs, double poll_seconds,
                         const std::function<void(const SlurmProgress&)>& progress) {
  SlurmProgress last;
  last.done = ~0u;
  for (int failures = 0;;) {
    Result<std::string> ours = OurJobsInQueue(jobs);
    if (!ours.ok() && ++failures < 5) {  // the controller may be busy for a moment
      std::this_thread::sleep_for(std::chrono::duration<double>(poll_seconds));
      continue;
    }
    if (!ours.ok()) return ours.status();
    failures = 0;
    const std::string* queue = &*ours;
    const bool queued = !queue->empty();
    // The last job removes the run's files once it is done with them.
    const bool ended = PathExists(ExitCodePath(plan));
    // Once decided, the slices are spent (the last task removes them): all were analysed.
    const bool decided = ended || (plan.archive && ArchiveDecided(plan));
    SlurmProgress now;
    now.tasks = plan.tasks;
    now.done = decided ? plan.tasks : plan.tasks - static_cast<unsigned>(PendingTasks(plan).size());
    now.failed = CountFailed(plan, "analyze") + CountFailed(plan, "match") + CountFailed(plan, "write");
    now.deciding = queued && Running(*queue, jobs.decide_job);
    now.chroming = queued && Running(*queue, jobs.chrome_job);
    now.matched = decided ? plan.tasks
                  : ChromeStageDone(plan)
                      ? plan.tasks - static_cast<unsigned>(PendingMatchTasks(plan).size())
                      : 0;
    now.written = ended && plan.archive ? plan.tasks
                  : plan.archive && decided ? plan.tasks - static_cast<unsigned>(PendingWriteTasks(plan).size())
                                            : 0;
    now.merging = queued && Running(*queue, jobs.merge_job);
    if (progress && (now.done != last.done || now.failed != last.failed || now.deciding != last.deciding ||
                     now.chroming != last.chroming || now.matched != last.matched || now.written != last.written ||
                     now.merging != last.merging))
      progress(now);
    last = now;
    if (!queued) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_seconds));
  }
  std::ifstream code_file(ExitCodePath(plan));
  int code = -1;
  if (code_file >> code) return code;
  return WhatFailed(plan);
}

}  // namespace simshard
