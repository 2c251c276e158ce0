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
#include "util/subprocess.h"

namespace simshard {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

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

// The decide job records its exit code, which is the run's, where `--wait` reads it:
// Slurm itself only says whether a job failed.
std::string ScriptText(const std::string& stage, const TaskPlan& plan, const SlurmOptions& slurm,
                       const std::string& binary, const std::string& cwd) {
  const std::string run = ShellQuote(binary) + " stage " + stage + " --work-dir " +
                          ShellQuote(plan.work_dir);
  std::string s = "#!/bin/bash\n# simshard: the " + stage + " stage of a run cut into " +
                  std::to_string(plan.tasks) + " task(s). Written and submitted by simshard.\n";
  s += "#SBATCH --job-name=simshard-" + stage + "\n" + ResourceLines(slurm);
  s += "cd " + ShellQuote(cwd) + " || exit 1\n";
  if (stage != "decide") return s + "exec " + run + "\n";
  const std::string rc = ShellQuote(DecideExitCodePath(plan));
  return s + run + "\ncode=$?\necho \"$code\" > " + rc + ".tmp && mv " + rc + ".tmp " + rc +
         "\nexit \"$code\"\n";
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

// Analyse tasks that gave up leave a note beside their log.
unsigned CountFailed(const TaskPlan& plan) {
  unsigned failed = 0;
  for (unsigned t = 0; t < plan.tasks; ++t)
    failed += Exists(StageLogPath(plan, "analyze-" + std::to_string(t) + ".failed"));
  return failed;
}

}  // namespace

std::string StageLogPath(const TaskPlan& plan, const std::string& name) {
  return plan.work_dir + "/logs/" + name;
}

std::string DecideExitCodePath(const TaskPlan& plan) { return plan.work_dir + "/decide.exit-code"; }

Result<SlurmJobs> SubmitToSlurm(const TaskPlan& plan, const SlurmOptions& slurm,
                                const std::string& binary, const std::string& cwd) {
  for (const std::string& dir : {plan.work_dir + "/slurm", plan.work_dir + "/logs"}) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
      return Status::IOError(dir + ": cannot create: " + std::strerror(errno));
  }
  ::unlink(DecideExitCodePath(plan).c_str());
  const std::string analyze = plan.work_dir + "/slurm/analyze.sh";
  const std::string decide = plan.work_dir + "/slurm/decide.sh";
  SIMSHARD_RETURN_IF_ERROR(WriteScript(analyze, ScriptText("analyze", plan, slurm, binary, cwd)));
  SIMSHARD_RETURN_IF_ERROR(WriteScript(decide, ScriptText("decide", plan, slurm, binary, cwd)));
  SlurmJobs jobs;
  jobs.tasks = PendingTasks(plan);
  std::vector<std::string> decide_argv = SbatchCommand(slurm);
  if (!jobs.tasks.empty()) {
    std::vector<std::string> argv = SbatchCommand(slurm);
    argv.insert(argv.end(), {"--array=" + TaskList(jobs.tasks),
                             "--output=" + StageLogPath(plan, "analyze-%a.log"), analyze});
    Result<std::string> id = Submit(argv);
    if (!id.ok()) return id.status();
    jobs.analyze_job = *id;
    decide_argv.insert(decide_argv.end(),
                       {"--dependency=afterok:" + jobs.analyze_job, "--kill-on-invalid-dep=yes"});
  }
  decide_argv.insert(decide_argv.end(), {"--output=" + StageLogPath(plan, "decide.out"),
                                         "--error=" + StageLogPath(plan, "decide.err"), decide});
  Result<std::string> id = Submit(decide_argv);
  if (!id.ok()) return id.status();
  jobs.decide_job = *id;
  return jobs;
}

Result<int> WaitForSlurm(const TaskPlan& plan, const SlurmJobs& jobs, double poll_seconds,
                         const std::function<void(const SlurmProgress&)>& progress) {
  const std::string ids = jobs.analyze_job.empty() ? jobs.decide_job
                                                   : jobs.analyze_job + "," + jobs.decide_job;
  SlurmProgress last{plan.tasks, ~0u, 0, false};
  for (;;) {
    Result<ProgramOutput> queue = RunProgram({"squeue", "--noheader", "--jobs=" + ids,
                                              "--format=%i %T"});
    if (!queue.ok()) return queue.status();
    // squeue fails for ids it has already forgotten: then they have left the queue too.
    const bool queued = queue->exit_code == 0 && !queue->out.empty();
    // The decide task removes the slices once it is done with them.
    const bool decided = Exists(DecideExitCodePath(plan));
    SlurmProgress now{plan.tasks,
                      decided ? plan.tasks
                              : plan.tasks - static_cast<unsigned>(PendingTasks(plan).size()),
                      CountFailed(plan), false};
    now.deciding = queued && queue->out.find(jobs.decide_job + " RUNNING") != std::string::npos;
    if (progress && (now.done != last.done || now.failed != last.failed || now.deciding != last.deciding))
      progress(now);
    last = now;
    if (!queued) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_seconds));
  }
  std::ifstream code_file(DecideExitCodePath(plan));
  int code = -1;
  if (code_file >> code) return code;
  const std::vector<unsigned> missing = PendingTasks(plan);
  if (!missing.empty()) {
    return Status::IOError("analyse task(s) " + TaskList(missing) + " did not finish (see " +
                           StageLogPath(plan, "analyze-<task>.log") +
                           "); run the same command again to resubmit only those");
  }
  return Status::IOError("the decide job did not finish (see " + StageLogPath(plan, "decide.err") +
                         "); run the same command again to resubmit it");
}

}  // namespace simshard
