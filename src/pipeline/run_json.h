// What the catalog's runs table (and `--json`) records of a run, as JSON.
#pragma once

#include <string>
#include <string_view>

#include "simshard/pipeline.h"

namespace simshard::pipeline {

// {"documents":..,"archived":..,...}
std::string CountsJson(const RunSummary& summary);

// The options of a run, recorded in the catalog: the values that ran.
std::string OptionsJson(const RunOptions& options, std::string_view fingerprint_config);

}  // namespace simshard::pipeline
