// The loop both `archive` and `dedup` run: documents come in input order from the
// parallel front half, the decider decides, kept documents go to a sink, every document
// gets a report row.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "pipeline/analyze.h"
#include "pipeline/decider.h"
#include "simshard/pipeline.h"

namespace simshard::pipeline {

// Stores a kept document under `id`; returns its ordinal (archive order, 1-based).
using KeepFn = std::function<Result<uint64_t>(Analyzed&& a, const std::string& id)>;

// Before anything is opened or created: every option is within its bounds, every input
// exists, and the report and kept files can be written.
Status CheckRunPaths(const RunOptions& options);

// Every input exists (and there is at least one).
Status CheckInputsExist(const std::vector<std::string>& inputs);

// An output inside an input folder would be read back by its own run (or by the next):
// "<what> <path> is inside input <input>: <consequence>; put it elsewhere".
Status CheckOutsideInputs(const std::vector<std::string>& inputs, const std::string& what,
                          const std::string& path, const std::string& consequence);

// Sees every document once decided, before a kept one is handed to the KeepFn.
using DecidedFn = std::function<Status(const ReportRow& row, const Analyzed& a)>;

// Runs once on the deciding thread after its last decision, while the recording thread
// still stores the documents decided last: the place to save and free the decider's
// state off the run's serial tail. The decider must not be used by DecideAll after it.
using AfterLastDecisionFn = std::function<void()>;

// Starts reading and analysing the run's inputs. A caller that has an archive to open
// and seed starts this first, so the workers get ahead while the catalog is read.
std::unique_ptr<AnalyzedStream> StartAnalysis(const RunOptions& options);

// Runs the whole input through `decider`. Report rows go to options.report_path.
Result<RunSummary> DecideAll(const RunOptions& options, DocumentDecider* decider, const KeepFn& keep,
                             const DecidedFn& decided = {},
                             const AfterLastDecisionFn& after_last_decision = {});
// The same, from a stream StartAnalysis(options) started.
Result<RunSummary> DecideAll(const RunOptions& options, std::unique_ptr<AnalyzedStream> stream,
                             DocumentDecider* decider, const KeepFn& keep, const DecidedFn& decided = {},
                             const AfterLastDecisionFn& after_last_decision = {});

}  // namespace simshard::pipeline
