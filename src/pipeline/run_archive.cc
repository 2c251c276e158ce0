// `simshard archive`: the decisions of the run loop, kept documents written to the
// archive, state that later nights need kept in the catalog.
#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include <boost/filesystem.hpp>

#include "pipeline/archive_run.h"
#include "pipeline/archive_state.h"
#include "pipeline/run_json.h"
#include "pipeline/run_loop.h"
#include "simshard/pipeline.h"
#include "util/clock.h"
#include "util/encoding.h"

namespace simshard {

using pipeline::Analyzed;

Result<RunSummary> RunArchive(const RunOptions& options) {
  SIMSHARD_RETURN_IF_ERROR(pipeline::CheckRunPaths(options));
  const std::string& dir = options.archive_dir;
  ArchiveOptions archive_options = options.archive;
  archive_options.threads = pipeline::ResolveThreads(options.threads);  // frame compression
  // Scanning and analysis need nothing from the archive: they run while it is opened
  // (a new catalog waits on a dozen syncs) and the dedup index is seeded.
  std::unique_ptr<pipeline::AnalyzedStream> analysis = pipeline::StartAnalysis(options);
  Result<std::unique_ptr<ArchiveWriter>> opened = ArchiveWriter::Open(dir, archive_options);
  if (!opened.ok()) return opened.status();
  ArchiveWriter& writer = **opened;
  Result<pipeline::ArchiveDecider> prepared = pipeline::PrepareDecider(options, writer);
  if (!prepared.ok()) return prepared.status();
  std::unique_ptr<pipeline::Decider>& decider = prepared->decider;
  auto event = [&](const std::string& line) {
    if (options.on_event) options.on_event(line);
  };

  const std::set<std::string> shards_before = pipeline::ShardNames(dir);
  Result<uint64_t> run = writer.BeginRun(pipeline::OptionsJson(options, prepared->config));
  if (!run.ok()) return run.status();
  event("run " + std::to_string(*run) + " started");
  const std::string archived_at = UtcNowIso8601();
  auto keep = [&](Analyzed&& a, const std::string& id) -> Result<uint64_t> {
    return writer.Add(pipeline::MakeRecord(std::move(a), id, *run, archived_at));
  };
  // The chrome model is saved on the deciding thread while this one still records the
  // last documents, and the decider's memory (dedup index, chrome counts) is freed on
  // another while this one seals and commits: neither lengthens the run's serial tail.
  std::optional<std::string> chrome_state;
  auto save_chrome_model = [&] { chrome_state = pipeline::PackChromeModel(decider->chrome().Serialize()); };
  auto decided = [&](const ReportRow& row, const Analyzed& a) {
    DroppedEntry e;
    return pipeline::DroppedRow(row, a, &e) ? writer.AddDropped(std::move(e)) : Status::OK();
  };
  Result<RunSummary> summary =
      pipeline::DecideAll(options, std::move(analysis), decider.get(), keep, decided, save_chrome_model);
  if (!summary.ok()) return summary;
  if (!chrome_state) save_chrome_model();  // a guard: DecideAll has run it
  std::jthread free_decider([doomed = std::move(decider)]() mutable { doomed.reset(); });

  SIMSHARD_RETURN_IF_ERROR(writer.PutState(pipeline::ChromeKey(*run), *chrome_state));
  SIMSHARD_RETURN_IF_ERROR(writer.FinishRun(pipeline::CountsJson(*summary)));
  if (!prepared->chrome_key.empty()) SIMSHARD_RETURN_IF_ERROR(writer.PutState(prepared->chrome_key, ""));
  summary->run_id = *run;
  pipeline::AddShardsWritten(dir, shards_before, &*summary);
  event("run " + std::to_string(*run) + " committed: " + std::to_string(summary->shards_written.size()) +
        " new shard(s)");
  return summary;
}

}  // namespace simshard
