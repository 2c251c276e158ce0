// What a run tells people: a progress line while it runs (terminals only), a summary at
// the end, and a JSON summary for monitoring.
#pragma once

#include <string>

#include "cli/command.h"
#include "simshard/pipeline.h"

namespace simshard::cli {

// A single status line on stderr, redrawn in place. Off when stderr is not a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(bool wanted);
  void Update(const RunProgress& p);
  void Clear();  // erases the line before other output
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  bool drawn_ = false;
};

// "archived 120 of 150 documents (...)" and a few more lines, on stderr.
void PrintSummary(const Log& log, const RunSummary& summary, const std::string& kept_word);

// The machine-readable summary: counts by status and reason, bytes, time, shards.
std::string SummaryJson(const std::string& command, const RunSummary& summary, int exit_code);

// "1:05" or "2:03:04".
std::string Clock(double seconds);

}  // namespace simshard::cli
