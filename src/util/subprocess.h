// Runs another program and captures what it prints, without a shell in between (no
// quoting to get wrong): how the cluster executor talks to sbatch and squeue.
#pragma once

#include <string>
#include <vector>

#include "simshard/status.h"

namespace simshard {

struct ProgramOutput {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv[0] (looked up in PATH) with `argv` and waits for it. An error only when it
// could not be started; its own failure is in exit_code and err.
Result<ProgramOutput> RunProgram(const std::vector<std::string>& argv);

}  // namespace simshard
