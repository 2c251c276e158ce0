// What the catalog's runs table records of a run: its options and its counts.
#include "pipeline/run_json.h"

#include "pipeline/analyze.h"
#include "util/json_writer.h"

namespace simshard::pipeline {

std::string CountsJson(const RunSummary& summary) {
  const RunProgress& t = summary.totals;

  std::string out;
  JsonObjectWriter w(&out);
  w.Uint("documents", t.documents)
      .Uint("archived", t.archived)
      .Uint("duplicates", t.duplicates)
      .Uint("near_duplicates", t.near_duplicates)
      .Uint("skipped", t.skipped)
      .Raw("skipped_by_reason", JsonCounts(summary.skipped_by_reason))
      .Uint("weak", t.weak)
      .Uint("empty", t.empty)
      .Uint("bytes_in", t.bytes_scanned);
  w.Close();
  return out;
}

std::string OptionsJson(const RunOptions& options, std::string_view fingerprint_config,
                        const TaskRun* tasks) {
  std::string out;
  JsonObjectWriter w(&out);
  w.Raw("inputs", JsonStringArray(options.inputs))
      .Uint("threads", ResolveThreads(options.threads))
      .Uint("max_doc_bytes", options.scan.max_doc_bytes)
      .Int("max_distance", options.dedup.max_distance)
      .Double("min_similarity", options.dedup.min_similarity)
      .String("fingerprint", fingerprint_config);
  if (tasks != nullptr) w.Uint("tasks", tasks->tasks).String("decided", tasks->token);
  w.Close();
  return out;
}

}  // namespace simshard::pipeline
