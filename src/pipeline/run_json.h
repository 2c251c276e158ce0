// What the catalog's runs table (and `--json`) records of a run, as JSON.
#pragma once

#include <string>
#include <string_view>

#include "simshard/pipeline.h"

namespace simshard::pipeline {

// {"documents":..,"archived":..,...}
std::string CountsJson(const RunSummary& summary);

// A run cut into tasks: how many, and the token its decide stage drew, which tells its
// run row from any other's.
struct TaskRun {
  unsigned tasks = 0;
  std::string token;
};

// The options of a run, recorded in the catalog: the values that ran.
std::string OptionsJson(const RunOptions& options, std::string_view fingerprint_config,
                        const TaskRun* tasks = nullptr);

}  // namespace simshard::pipeline
