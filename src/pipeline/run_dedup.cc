// `simshard dedup`: the decisions of `archive` without writing an archive, optionally
// against an existing archive opened read-only.
#include "pipeline/kept_writer.h"
#include "pipeline/run_loop.h"
#include "simshard/pipeline.h"

namespace simshard {

namespace {

// Seeds the decider with the archive's documents; returns the last ordinal.
Result<uint64_t> SeedFromReader(const std::string& dir, pipeline::Decider* decider) {
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(dir);
  if (!reader.ok()) return reader.status();
  uint64_t last = 0;
  Status bad;
  SIMSHARD_RETURN_IF_ERROR((*reader)->List(ListFilter{}, [&](const CatalogEntry& e) {
    if (!decider->Seed(e) && bad.ok()) {
      bad = Status::Error("archive " + dir + ": document " + e.id + " has a malformed digest");
    }
    last = std::max(last, e.ordinal);
  }));
  if (!bad.ok()) return bad;
  return last;
}

}  // namespace

Result<RunSummary> RunDedup(const RunOptions& options) {
  SIMSHARD_RETURN_IF_ERROR(pipeline::CheckInputsExist(options.inputs));
  pipeline::Decider decider(options.dedup, Fingerprinter(), ChromeModel(), "kept");
  uint64_t last_ordinal = 0;
  if (!options.archive_dir.empty()) {
    Result<uint64_t> last = SeedFromReader(options.archive_dir, &decider);
    if (!last.ok()) return last.status();
    last_ordinal = *last;
  }
  pipeline::KeptWriter kept;
  SIMSHARD_RETURN_IF_ERROR(kept.Open(options.kept_path));
  auto keep = [&](pipeline::Analyzed&& a, const std::string& id) -> Result<uint64_t> {
    SIMSHARD_RETURN_IF_ERROR(kept.Write(a, id));
    return ++last_ordinal;
  };
  Result<RunSummary> summary = pipeline::DecideAll(options, &decider, keep);
  if (!summary.ok()) return summary;
  SIMSHARD_RETURN_IF_ERROR(kept.Close());
  return summary;
}

}  // namespace simshard
