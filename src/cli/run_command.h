// What `archive`, `dedup` and the stage commands of a run cut into tasks share: the run's
// options, their parsing, and running it here with progress and a summary.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "simshard/pipeline.h"

namespace simshard::cli {

CommandHelp RunCommandHelp(bool archive);
po::options_description RunOptionsDescription(bool archive);
RunOptions ToRunOptions(const po::variables_map& vm, bool archive);

// What runs the run: RunArchive or RunDedup, unless a stage gives its own.
using RunFn = std::function<Result<RunSummary>(const RunOptions&)>;

// Runs `run` in this process: progress line, log, summary, --json. Returns the exit code.
int ExecuteRun(const CommandHelp& help, const po::variables_map& vm, RunOptions run,
               bool archive, const RunFn& runner = {});

// --executor, --tasks, --work-dir, --wait and the Slurm pass-through options.
po::options_description ExecutorOptionsDescription();
// The run cut into tasks, when the options ask for it (--tasks > 1 or --executor slurm):
// runs or submits it and returns true with *exit_code set; false for a plain run.
bool MaybeRunInTasks(const CommandHelp& help, const std::vector<std::string>& args,
                     const po::variables_map& vm, const RunOptions& run, bool archive,
                     int* exit_code);

// `simshard stage analyze|decide|write|merge`: one task of a run cut into tasks.
int StageCommand(const std::vector<std::string>& args);

}  // namespace simshard::cli
