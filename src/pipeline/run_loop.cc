#include "pipeline/run_loop.h"

#include <sys/stat.h>

#include <algorithm>
#include <boost/filesystem.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "pipeline/bounded_queue.h"
#include "pipeline/report.h"
#include "util/file_util.h"
#include "util/json_writer.h"
#include "util/thread_name.h"

namespace simshard::pipeline {

namespace {

namespace fs = boost::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Calls the progress callback at most a few times a second.
class ProgressTicker {
 public:
  ProgressTicker(const RunOptions& options, Clock::time_point start)
      : fn_(options.on_progress), start_(start) {}

  void Tick(RunSummary* summary, bool final_tick) {
    if (!fn_ || (!final_tick && (++calls_ & 63) != 0)) return;
    const auto now = Clock::now();
    if (!final_tick && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    summary->totals.elapsed_seconds = SecondsSince(start_);
    fn_(summary->totals);
  }

 private:
  const std::function<void(const RunProgress&)>& fn_;
  Clock::time_point start_, last_{};
  uint64_t calls_ = 0;
};

// A document with its decision, on its way from the deciding thread to the recording one.
struct DecidedDoc {
  Analyzed a;
  ReportRow row;
  bool kept = false;
};

// Chrome, dedup and the id: everything later documents' decisions depend on. A kept
// document is registered under the ordinal the archive will give it.
DecidedDoc DecideNext(Analyzed&& a, DocumentDecider* decider) {
  DecidedDoc d{std::move(a), {}, false};
  d.kept = decider->Decide(&d.a, &d.row);
  if (d.kept) {
    d.row.id = DocumentId(d.a.digest);
    decider->KeepId(decider->next_ordinal(), d.a.digest.high, d.a.digest, d.a.fingerprint,
                    d.a.doc.extraction);
  }
  return d;
}

// Everything after the decision: the callbacks, storing a kept document, counts, the
// report row. Called in input order.
class Recorder {
 public:
  Recorder(const RunOptions& options, const KeepFn& keep, const DecidedFn& decided,
           ReportWriter* report, RunSummary* summary, ProgressTicker* ticker)
      : options_(options), keep_(keep), decided_(decided), report_(report),
        summary_(summary), ticker_(ticker) {}

  Status Record(DecidedDoc&& d) {
    const uint64_t input_bytes = d.a.doc.input_bytes;
    if (decided_) SIMSHARD_RETURN_IF_ERROR(decided_(d.row, d.a));
    if (d.kept) {
      Result<uint64_t> ordinal = keep_(std::move(d.a), d.row.id);
      if (!ordinal.ok()) return ordinal.status();
    }
    CountDecision(d.row, input_bytes, summary_);
    if (options_.on_row) options_.on_row(d.row);
    SIMSHARD_RETURN_IF_ERROR(report_->Write(d.row));
    ticker_->Tick(summary_, false);
    return Status::OK();
  }

 private:
  const RunOptions& options_;
  const KeepFn& keep_;
  const DecidedFn& decided_;
  ReportWriter* report_;
  RunSummary* summary_;
  ProgressTicker* ticker_;
};

// The decider runs ahead on its own thread while this one stores kept documents (record
// encoding, catalog rows) and writes the report: two serial stages that overlap, for any
// number of analysis workers. The order of both is the input order, so decisions, ids and
// shard bytes are those of deciding and recording each document in turn.
Status DecideAndRecordApart(AnalyzedStream* stream, DocumentDecider* decider, Recorder* recorder,
                            const AfterLastDecisionFn& after_last_decision) {
  constexpr size_t kBatch = 64;
  BoundedQueue<std::vector<DecidedDoc>> decided(4);
  std::thread decider_thread([&] {
    NameThisThread("ss-decide");
    std::vector<DecidedDoc> batch;
    batch.reserve(kBatch);  // documents are large: moved once, not again as the batch grows
    while (std::optional<Analyzed> a = stream->Next()) {
      batch.push_back(DecideNext(std::move(*a), decider));
      if (batch.size() < kBatch) continue;
      if (!decided.Push(std::exchange(batch, {}))) return;
      batch.reserve(kBatch);
    }
    if (!batch.empty() && !decided.Push(std::move(batch))) return;
    decided.Close();
    if (after_last_decision) after_last_decision();
  });
  Status st;
  while (st.ok()) {
    std::optional<std::vector<DecidedDoc>> batch = decided.Pop();
    if (!batch) break;
    for (DecidedDoc& d : *batch) {
      st = recorder->Record(std::move(d));
      if (!st.ok()) break;
    }
  }
  if (!st.ok()) {
    stream->Cancel();
    decided.Cancel();
  }
  decider_thread.join();
  return st;
}

}  // namespace

Status CheckInputsExist(const std::vector<std::string>& inputs) {
  if (inputs.empty()) return Status::InvalidArgument("no input given");
  for (const std::string& input : inputs) {
    struct stat st {};
    if (::stat(input.c_str(), &st) != 0) {
      return PosixError("input " + input);
    }
  }
  return Status::OK();
}

Status CheckOutsideInputs(const std::vector<std::string>& inputs, const std::string& what,
                          const std::string& path, const std::string& consequence) {
  boost::system::error_code ec;
  const fs::path output = fs::weakly_canonical(path, ec);
  if (ec) return Status::OK();  // the output's own open reports what is wrong
  for (const std::string& input : inputs) {
    const fs::path in = fs::weakly_canonical(input, ec);
    if (ec) continue;
    auto mismatch = std::mismatch(in.begin(), in.end(), output.begin(), output.end());
    if (mismatch.first == in.end()) {
      return Status::InvalidArgument(what + " " + path + " is inside input " + input + ": " + consequence +
                                     "; put it elsewhere");
    }
  }
  return Status::OK();
}

Status CheckRunPaths(const RunOptions& options) {
  SIMSHARD_RETURN_IF_ERROR(CheckRunOptions(options));
  SIMSHARD_RETURN_IF_ERROR(CheckInputsExist(options.inputs));
  if (!options.archive_dir.empty()) {
    SIMSHARD_RETURN_IF_ERROR(CheckOutsideInputs(options.inputs, "archive", options.archive_dir,
                                                "it would archive its own shards"));
  }
  for (const auto& [what, path] : {std::pair{"report", &options.report_path},
                                   std::pair{"kept file", &options.kept_path}}) {
    if (path->empty()) continue;
    std::FILE* f = std::fopen(path->c_str(), "wb");
    if (f == nullptr) {
      return PosixError(std::string(what) + " " + *path + ": cannot create");
    }
    std::fclose(f);
  }
  return Status::OK();
}

std::unique_ptr<AnalyzedStream> StartAnalysis(const RunOptions& options) {
  if (!options.stage_files.empty()) return std::make_unique<AnalyzedStream>(options.stage_files);
  return std::make_unique<AnalyzedStream>(options.inputs, options.scan, options.threads,
                                          FullAnalysis(Fingerprinter()));
}

Result<RunSummary> DecideAll(const RunOptions& options, DocumentDecider* decider, const KeepFn& keep,
                             const DecidedFn& decided,
                             const AfterLastDecisionFn& after_last_decision) {
  return DecideAll(options, StartAnalysis(options), decider, keep, decided, after_last_decision);
}

Result<RunSummary> DecideAll(const RunOptions& options, std::unique_ptr<AnalyzedStream> stream,
                             DocumentDecider* decider, const KeepFn& keep, const DecidedFn& decided,
                             const AfterLastDecisionFn& after_last_decision) {
  const auto start = Clock::now();
  RunSummary summary;
  summary.totals.bytes_total = Scanner::TotalInputBytes(options.inputs);
  ReportWriter report;
  SIMSHARD_RETURN_IF_ERROR(report.Open(options.report_path));

  ProgressTicker ticker(options, start);
  Recorder recorder(options, keep, decided, &report, &summary, &ticker);
  Status st = DecideAndRecordApart(stream.get(), decider, &recorder, after_last_decision);
  if (st.ok()) st = decider->status();
  if (!st.ok()) {
    stream->Cancel();
    stream->Finish();
    return st;
  }
  SIMSHARD_RETURN_IF_ERROR(stream->Finish());
  SIMSHARD_RETURN_IF_ERROR(report.Close());
  ticker.Tick(&summary, true);
  summary.totals.elapsed_seconds = SecondsSince(start);
  return summary;
}

}  // namespace simshard::pipeline

namespace simshard {

Status CheckRunOptions(const RunOptions& options) {
  SIMSHARD_RETURN_IF_ERROR(CheckBounds<int64_t>("threads", options.threads, kThreadsBounds));
  SIMSHARD_RETURN_IF_ERROR(CheckScanOptions(options.scan));
  SIMSHARD_RETURN_IF_ERROR(CheckDedupOptions(options.dedup));
  return CheckArchiveOptions(options.archive);
}

}  // namespace simshard
