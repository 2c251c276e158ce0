// A run cut into tasks: `archive`/`dedup` with --tasks or --executor slurm, and
// `simshard stage`, the command each task runs.
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cstdlib>
#include <iostream>

#include "cli/bounded_option.h"
#include "cli/input_options.h"
#include "cli/run_command.h"
#include "util/file_util.h"

namespace simshard::cli {
namespace {

namespace fs = boost::filesystem;

// How often `--wait` looks at the queue; SIMSHARD_SLURM_POLL_SECONDS overrides it (tests).
constexpr double kPollSeconds = 5;

struct Executor {
  bool slurm = false;
  unsigned tasks = 1;
  std::string work_dir;
  bool wait = false;
  SlurmOptions options;
};

Executor ToExecutor(const po::variables_map& vm) {
  Executor e;
  const std::string name = vm["executor"].as<std::string>();
  if (name != "local" && name != "slurm") throw UsageError("--executor must be local or slurm");
  e.slurm = name == "slurm";
  e.tasks = static_cast<unsigned>(BoundedInt(vm, "tasks", kTasksBounds));
  if (vm.count("work-dir")) e.work_dir = vm["work-dir"].as<std::string>();
  e.wait = vm["wait"].as<bool>();
  if (vm.count("partition")) e.options.partition = vm["partition"].as<std::string>();
  if (vm.count("time-limit")) e.options.time_limit = vm["time-limit"].as<std::string>();
  if (vm.count("mem-per-task")) e.options.mem_per_task = vm["mem-per-task"].as<std::string>();
  if (vm.count("sbatch-arg")) e.options.sbatch_args = vm["sbatch-arg"].as<std::vector<std::string>>();
  return e;
}

// A file of the work folder, or "" when it is not there (yet).
std::string ReadOrEmpty(const std::string& path) {
  Result<std::string> bytes = ReadFile(path);
  return bytes.ok() ? std::move(bytes).value() : std::string();
}

// The command a task re-reads its options from: the name, then the arguments, each
// ended by a NUL (arguments may hold any other byte).
std::string CommandFile(const std::string& name, const std::vector<std::string>& args) {
  std::string bytes = name + '\0';
  for (const std::string& a : args) bytes += a + '\0';
  return bytes;
}

// What the stage files depend on: the command and the run's options. A work folder that
// holds another run's slices must not be picked up by this one.
std::string RunIdentity(const std::string& name, const RunOptions& run, unsigned tasks) {
  std::string id = name + "\ntasks " + std::to_string(tasks) + "\narchive " + run.archive_dir +
                   "\nmax-doc-bytes " + std::to_string(run.scan.max_doc_bytes) + "\n";
  for (const auto* names : {&run.scan.json_fields.text, &run.scan.json_fields.url,
                            &run.scan.json_fields.title, &run.scan.json_fields.date}) {
    id += "fields";
    for (const std::string& n : *names) id += " " + n;
    id += "\n";
  }
  for (const std::string& input : run.inputs) id += "input " + input + "\n";
  // Slices of yesterday's files under the same name must not pass for today's.
  Result<std::vector<InputUnit>> units = Scanner(run.scan).ListUnits(run.inputs);
  uint64_t bytes = 0;
  if (units.ok())
    for (const InputUnit& u : *units) bytes += u.bytes;
  id += "units " + std::to_string(units.ok() ? units->size() : 0) + " bytes " + std::to_string(bytes) + "\n";
  return id;
}

// Creates the work folder and records the run in it; refuses one that holds another run.
Status PrepareWorkDir(const TaskPlan& plan, const std::string& name,
                      const std::vector<std::string>& args, const RunOptions& run) {
  boost::system::error_code ec;
  fs::create_directories(plan.work_dir + "/logs", ec);
  if (ec) return Status::IOError("work folder " + plan.work_dir + ": " + ec.message());
  const std::string identity_path = plan.work_dir + "/run";
  const std::string identity = RunIdentity(name, run, plan.tasks);
  if (fs::exists(identity_path) && ReadOrEmpty(identity_path) != identity && PendingTasks(plan).size() < plan.tasks) {
    return Status::InvalidArgument("work folder " + plan.work_dir +
                                   " holds the slices of another run (other inputs or options); give "
                                   "another --work-dir, or remove that folder to start over");
  }
  SIMSHARD_RETURN_IF_ERROR(WriteFileDurably(identity_path, identity));
  return WriteFileDurably(plan.work_dir + "/command", CommandFile(name, args));
}

// A dedup run's decide stage: the report and the kept file, then the run's files are spent.
int DecideHere(const CommandHelp& help, const po::variables_map& vm, const RunOptions& run,
               const TaskPlan& plan) {
  const int code =
      ExecuteRun(help, vm, run, false, [&](const RunOptions& options) { return DecideDedupTasks(options, plan); });
  if (code == kOk || code == kSkipped) {
    const Status removed = RemoveTaskFiles(plan);
    if (!removed.ok()) MakeLog(help.name, vm).Detail(removed.message());
  }
  return code;
}

// An archive run's decide stage: the report and each slice's decisions; the summary waits
// for the merge.
int DecideArchiveHere(const CommandHelp& help, const po::variables_map& vm, const RunOptions& run,
                      const TaskPlan& plan) {
  const Log log = MakeLog(help.name, vm);
  Result<RunSummary> decided = DecideArchiveTasks(run, plan);
  if (!decided.ok()) return Fail(help.name, decided.status());
  log.Detail("decided " + std::to_string(decided->totals.documents) + " documents, " +
             std::to_string(decided->totals.archived) + " to archive");
  return kOk;
}

int MergeHere(const CommandHelp& help, const po::variables_map& vm, const RunOptions& run,
              const TaskPlan& plan) {
  const int code = ExecuteRun(help, vm, run, true,
                              [&](const RunOptions& options) { return MergeArchiveTasks(options, plan); });
  if (code == kOk || code == kSkipped) {
    const Status removed = RemoveTaskFiles(plan);
    if (!removed.ok()) MakeLog(help.name, vm).Detail(removed.message());
  }
  return code;
}

// The chrome stage unless it is done, then every match task still to run.
int MatchHere(const CommandHelp& help, const po::variables_map& vm, const RunOptions& run, const TaskPlan& plan) {
  const Log log = MakeLog(help.name, vm);
  if (!ChromeStageDone(plan)) {
    log.Detail("taking learned site chrome out of every page");
    if (const Status chromed = RunChromeStage(run, plan); !chromed.ok()) return Fail(help.name, chromed);
  }
  for (unsigned t : PendingMatchTasks(plan)) {
    log.Detail("matching against share " + std::to_string(t + 1) + " of " + std::to_string(plan.tasks));
    if (const Status matched = RunMatchTask(run, plan, t); !matched.ok()) return Fail(help.name, matched);
  }
  return kOk;
}

int WriteHere(const CommandHelp& help, const RunOptions& run, const TaskPlan& plan, unsigned task) {
  const Status written = WriteArchiveTask(run, plan, task);
  return written.ok() ? kOk : Fail(help.name, written);
}

int RunTasksHere(const CommandHelp& help, const po::variables_map& vm, const RunOptions& run,
                 const TaskPlan& plan) {
  const Log log = MakeLog(help.name, vm);
  for (unsigned t : PendingTasks(plan)) {
    log.Detail("analysing slice " + std::to_string(t + 1) + " of " + std::to_string(plan.tasks));
    const Status analysed = RunAnalyzeTask(run, plan, t);
    if (!analysed.ok()) return Fail(help.name, analysed);
  }
  if (!plan.archive) {
    if (const int code = MatchHere(help, vm, run, plan); code != kOk) return code;
    return DecideHere(help, vm, run, plan);
  }
  if (!ArchiveDecided(plan)) {
    if (const int code = MatchHere(help, vm, run, plan); code != kOk) return code;
    if (const int code = DecideArchiveHere(help, vm, run, plan); code != kOk) return code;
  }
  for (unsigned t : PendingWriteTasks(plan)) {
    log.Detail("writing slice " + std::to_string(t + 1) + " of " + std::to_string(plan.tasks));
    if (const int code = WriteHere(help, run, plan, t); code != kOk) return code;
  }
  return MergeHere(help, vm, run, plan);
}

std::string SelfPath() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, n) : std::string("simshard");
}

void PrintProgress(const Log& log, const TaskPlan& plan, const SlurmProgress& p) {
  std::string line = "simshard " + log.command + ": slurm: " + std::to_string(p.done) + " of " +
                     std::to_string(p.tasks) + " analyse tasks done, " + std::to_string(p.failed) + " failed";
  line += ", " + std::to_string(p.matched) + " of " + std::to_string(p.tasks) + " match tasks done";
  if (plan.archive) line += ", " + std::to_string(p.written) + " of " + std::to_string(p.tasks) + " write tasks done";
  line += p.chroming ? "; taking out site chrome" : p.deciding ? "; deciding" : p.merging ? "; merging" : "";
  log.Info(line);
}

std::string JobName(const std::string& id) { return id.empty() ? "(none: done before)" : id; }

std::string SubmittedLine(const TaskPlan& plan, const SlurmJobs& jobs) {
  std::string line = "analyse job " + JobName(jobs.analyze_job) + " (" + std::to_string(jobs.tasks.size()) + " of " +
                     std::to_string(plan.tasks) + " tasks), decide job " + JobName(jobs.decide_job);
  if (plan.archive) {
    line += ", write job " + JobName(jobs.write_job) + " (" + std::to_string(jobs.write_tasks.size()) + " of " +
            std::to_string(plan.tasks) + " tasks), merge job " + jobs.merge_job;
  }
  // Added after the jobs this line has always named, so that scripts reading them still do.
  return line + "; before decide: chrome job " + JobName(jobs.chrome_job) + ", match job " + JobName(jobs.match_job) +
         " (" + std::to_string(jobs.match_tasks.size()) + " of " + std::to_string(plan.tasks) + " tasks)";
}

int SubmitAndMaybeWait(const CommandHelp& help, const po::variables_map& vm, const Executor& e,
                       const TaskPlan& plan) {
  const Log log = MakeLog(help.name, vm);
  Result<SlurmJobs> jobs = SubmitToSlurm(plan, e.options, SelfPath(), fs::current_path().string());
  if (!jobs.ok()) return Fail(help.name, jobs.status());
  if (!e.wait) {
    std::cout << "submitted: " << SubmittedLine(plan, *jobs) << "; work folder " << plan.work_dir << "\n";
    return kOk;
  }
  log.Detail("submitted " + SubmittedLine(plan, *jobs));
  double poll = kPollSeconds;
  if (const char* env = std::getenv("SIMSHARD_SLURM_POLL_SECONDS")) poll = std::atof(env);
  Result<int> code = WaitForSlurm(plan, *jobs, poll > 0 ? poll : kPollSeconds,
                                  [&](const SlurmProgress& p) { PrintProgress(log, plan, p); });
  // The last job's own summary and errors, as a run on this machine prints them.
  const std::string last = LastStage(plan);
  std::cout << ReadOrEmpty(StageLogPath(plan, last + ".out")) << std::flush;
  std::cerr << ReadOrEmpty(StageLogPath(plan, last + ".err")) << std::flush;
  if (!code.ok()) return Fail(help.name, code.status());
  return *code;
}

// The task number: --task, else the array index Slurm (or a Kubernetes Indexed Job) gives.
unsigned TaskNumber(const po::variables_map& vm) {
  if (vm.count("task")) {
    const Bounds<int64_t> tasks{0, kTasksBounds.max - 1};
    return static_cast<unsigned>(BoundedInt(vm, "task", tasks));
  }
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    char* end = nullptr;
    const unsigned long n = std::strtoul(value, &end, 10);
    if (*end != '\0' || n > 100000) throw UsageError(std::string(name) + " is not a task number: " + value);
    return static_cast<unsigned>(n);
  }
  throw UsageError("missing --task (and neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set)");
}

}  // namespace

po::options_description ExecutorOptionsDescription() {
  po::options_description e("Tasks and cluster");
  e.add_options()
      ("executor", po::value<std::string>()->default_value("local")->value_name("local|slurm"),
       "run here, or submit the run to Slurm as a job array and a decide job")
      ("tasks", po::value<int64_t>()->default_value(1)->value_name("N"),
       WithRange("cut the run into N tasks", kTasksBounds).c_str())
      ("work-dir", po::value<std::string>()->value_name("DIR"),
       "where the tasks keep their files, on a filesystem every node sees "
       "(default: ARCHIVE/tasks; dedup needs it)")
      ("wait", po::bool_switch(), "slurm: wait for the run, print progress, exit with its code")
      ("partition", po::value<std::string>()->value_name("NAME"), "slurm: sbatch --partition")
      ("time-limit", po::value<std::string>()->value_name("TIME"), "slurm: sbatch --time, per job")
      ("mem-per-task", po::value<std::string>()->value_name("SIZE"), "slurm: sbatch --mem, per task")
      ("sbatch-arg", po::value<std::vector<std::string>>()->value_name("ARG"),
       "slurm: pass ARG to every sbatch (repeatable)");
  return e;
}

bool MaybeRunInTasks(const CommandHelp& help, const std::vector<std::string>& args,
                     const po::variables_map& vm, const RunOptions& run, bool archive,
                     int* exit_code) {
  const Executor e = ToExecutor(vm);
  // One task here is a plain run, unless a work folder is asked for (to run its stages by hand).
  if (!e.slurm && e.tasks == 1 && e.work_dir.empty()) return false;
  TaskPlan plan{e.work_dir, e.tasks, archive};
  if (plan.work_dir.empty()) {
    if (run.archive_dir.empty() || !archive)
      throw UsageError("--work-dir is needed to cut a dedup run into tasks");
    plan.work_dir = run.archive_dir + "/tasks";
  }
  const Status prepared = PrepareWorkDir(plan, help.name, args, run);
  if (!prepared.ok()) {
    *exit_code = Fail(help.name, prepared);
    return true;
  }
  *exit_code = e.slurm ? SubmitAndMaybeWait(help, vm, e, plan) : RunTasksHere(help, vm, run, plan);
  return true;
}

namespace {

// The run a work folder records: its command line as the user gave it, parsed again.
struct RecordedRun {
  CommandHelp help;
  po::variables_map vm;
  RunOptions options;
  TaskPlan plan;
};

Result<RecordedRun> ReadRecordedRun(const std::string& work_dir) {
  std::vector<std::string> args;
  const std::string command = ReadOrEmpty(work_dir + "/command");
  for (size_t pos = 0, end; (end = command.find('\0', pos)) != std::string::npos; pos = end + 1)
    args.push_back(command.substr(pos, end - pos));
  if (args.empty() || (args[0] != "archive" && args[0] != "dedup"))
    return Status::NotFound("no run recorded in work folder " + work_dir + " (its file `command`)");
  const bool archive = args[0] == "archive";
  args.erase(args.begin());
  RecordedRun r;
  r.help = RunCommandHelp(archive);
  ParseCommandLine(r.help, args, RunOptionsDescription(archive), InputPositional(), &r.vm);
  r.options = ToRunOptions(r.vm, archive);
  r.plan = TaskPlan{work_dir, ToExecutor(r.vm).tasks, archive};
  return r;
}

// A task of an array (analyse, match or write); a failure leaves a note `--wait` counts.
int RunArrayTask(const std::string& stage, const RecordedRun& r, unsigned task) {
  const std::string failed = StageLogPath(r.plan, stage + "-" + std::to_string(task) + ".failed");
  ::unlink(failed.c_str());
  const Status done = stage == "analyze" ? RunAnalyzeTask(r.options, r.plan, task)
                      : stage == "match" ? RunMatchTask(r.options, r.plan, task)
                                         : WriteArchiveTask(r.options, r.plan, task);
  if (done.ok()) return kOk;
  WriteFileDurably(failed, done.message() + "\n");
  return Fail("stage", done);
}

}  // namespace

int StageCommand(const std::vector<std::string>& args) {
  const CommandHelp help{
      "stage", "simshard stage analyze|chrome|match|decide|write|merge --work-dir DIR [--task N]",
      "Runs one task of a run cut into tasks (archive or dedup with --tasks or --executor\n"
      "slurm), with the options that run recorded in DIR. `analyze` reads slice N of the\n"
      "input into DIR; N comes from --task, else SLURM_ARRAY_TASK_ID, else\n"
      "JOB_COMPLETION_INDEX. `decide` decides every slice in input order and writes the\n"
      "report (dedup: and the kept file), as the run would. Before it come `chrome` (every\n"
      "page through the site chrome model) and `match` (every page against share N of the\n"
      "archive's and tonight's documents). An archive run then has `write` (slice N's kept\n"
      "documents into shards of its own) and `merge` (every slice's shards into the archive,\n"
      "the run committed). Exit codes: those of the run.",
      "  SLURM_ARRAY_TASK_ID=3 simshard stage analyze --work-dir /srv/news/tasks"};
  po::options_description options("Stage options");
  options.add_options()
      ("stage", po::value<std::string>()->value_name("analyze|chrome|match|decide|write|merge"), "which stage")
      ("work-dir", po::value<std::string>()->value_name("DIR"), "the run's work folder")
      ("task", po::value<int64_t>()->value_name("N"),
       WithRange("the task number", Bounds<int64_t>{0, kTasksBounds.max - 1}).c_str());
  options.add(CommonOptions());
  po::positional_options_description positional;
  positional.add("stage", 1);
  po::variables_map vm;
  if (!ParseCommandLine(help, args, options, positional, &vm)) return kOk;
  Require(vm, "stage");
  Require(vm, "work-dir");
  const std::string stage = vm["stage"].as<std::string>();
  if (stage != "analyze" && stage != "chrome" && stage != "match" && stage != "decide" && stage != "write" &&
      stage != "merge")
    throw UsageError("the stage must be analyze, chrome, match, decide, write or merge");
  const bool array = stage == "analyze" || stage == "match" || stage == "write";
  const unsigned task = array ? TaskNumber(vm) : 0;
  Result<RecordedRun> r = ReadRecordedRun(vm["work-dir"].as<std::string>());
  if (!r.ok()) return Fail("stage", r.status());
  if (!r->plan.archive && (stage == "write" || stage == "merge"))
    throw UsageError("a dedup run has no " + stage + " stage: it ends with decide");
  if (array) return RunArrayTask(stage, *r, task);
  if (stage == "chrome") {
    const Status chromed = RunChromeStage(r->options, r->plan);
    return chromed.ok() ? kOk : Fail("stage", chromed);
  }
  if (stage == "merge") return MergeHere(r->help, r->vm, r->options, r->plan);
  return r->plan.archive ? DecideArchiveHere(r->help, r->vm, r->options, r->plan)
                    : DecideHere(r->help, r->vm, r->options, r->plan);
}

}  // namespace simshard::cli
