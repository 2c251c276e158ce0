// `simshard dedup`: the decisions of `archive` without writing an archive, optionally
// against an existing archive opened read-only.
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "pipeline/archive_run.h"
#include "pipeline/archive_state.h"
#include "pipeline/kept_writer.h"
#include "pipeline/match_stages.h"
#include "pipeline/report.h"
#include "pipeline/run_loop.h"
#include "simshard/pipeline.h"
#include "util/encoding.h"

namespace simshard {

namespace {

using pipeline::Analyzed;

// A decider seeded with the archive's documents (when there is one), and the ordinal
// the next kept document gets.
struct SeededDecider {
  std::unique_ptr<pipeline::DocumentDecider> decider;
  uint64_t last_ordinal = 0;
};

// Where a dedup run's documents and its decider come from: its inputs and the archive, or,
// for a run cut into tasks, the chrome stage's records and the match tasks' findings.
struct DedupSource {
  std::function<std::unique_ptr<pipeline::AnalyzedStream>()> documents;
  std::function<Result<SeededDecider>()> decider;
};

// Against an archive, decisions start from what it knows: its documents, its chrome
// model, and its fingerprint configuration (another one is refused).
Result<SeededDecider> MakeDecider(const RunOptions& options) {
  SeededDecider out;
  const Fingerprinter fingerprinter;
  if (options.archive_dir.empty()) {
    out.decider = std::make_unique<pipeline::Decider>(options.dedup, fingerprinter, ChromeModel(), "kept");
    return out;
  }
  const std::string& dir = options.archive_dir;
  Result<pipeline::ArchiveStart> start = pipeline::OpenArchiveStart(dir, pipeline::ReadOnlyState(dir), nullptr);
  if (!start.ok()) return start.status();
  const std::unique_ptr<ArchiveReader>& reader = start->reader;
  auto decider =
      std::make_unique<pipeline::Decider>(options.dedup, fingerprinter, std::move(start->chrome.model), "kept");
  Status bad;
  SIMSHARD_RETURN_IF_ERROR(reader->ForEachFingerprint([&](const FingerprintRow& r) {
    if (!decider->Seed(r) && bad.ok()) {
      bad = Status::Corruption("archive " + dir + ": document " + Hex64(r.id) + " has a malformed digest");
    }
    out.last_ordinal = std::max(out.last_ordinal, r.ordinal);
  }));
  if (!bad.ok()) return bad;
  SIMSHARD_RETURN_IF_ERROR(reader->ForEachSeenAddress([&](int64_t hash) { decider->SeedSeenAddress(hash); }));
  out.decider = std::move(decider);
  return out;
}

DedupSource FromInputs(const RunOptions& options) {
  return {[&options] { return pipeline::StartAnalysis(options); }, [&options] { return MakeDecider(options); }};
}

// What --keep longest needs to know of each document after the first pass.
struct Decided {
  ReportRow row;
  std::string own_id;  // the id it would have if kept
  size_t length = 0;   // of its text
};

// Within each group (a kept document and those reported as its copies) the longest one
// becomes the kept one; ties keep the earliest. The others point at it. Distance and
// similarity stay those measured against the group's first document. A weak or empty
// page is never promoted: its copies have its very bytes, so none is longer.
void PromoteLongest(std::vector<Decided>* docs) {
  std::unordered_map<std::string, size_t> first_by_id, longest_by_id;
  for (size_t i = 0; i < docs->size(); ++i) {
    const Decided& d = (*docs)[i];
    if (d.row.status == "kept") {
      first_by_id[d.row.id] = longest_by_id[d.row.id] = i;
    } else if (auto it = longest_by_id.find(d.row.duplicate_of); it != longest_by_id.end()) {
      if (d.length > (*docs)[it->second].length) it->second = i;
    }
  }
  std::unordered_map<std::string, std::string> new_id;  // first's id -> longest's id
  for (const auto& [id, longest] : longest_by_id) {
    const size_t first = first_by_id[id];
    if (longest == first) continue;
    ReportRow& winner = (*docs)[longest].row;
    ReportRow& loser = (*docs)[first].row;
    loser.status = winner.status;
    loser.distance = winner.distance;
    loser.similarity = winner.similarity;
    loser.duplicate_of = (*docs)[longest].own_id;
    loser.id.clear();
    winner = ReportRow{winner.source, winner.url, "kept", (*docs)[longest].own_id, "", -1, -1, "", ""};
    new_id[id] = winner.id;
  }
  for (Decided& d : *docs) {
    auto it = new_id.find(d.row.duplicate_of);
    if (d.row.status != "kept" && it != new_id.end() && it->second != d.own_id) {
      d.row.duplicate_of = it->second;
    }
  }
}

Status WriteReport(const std::string& path, const std::vector<Decided>& docs) {
  pipeline::ReportWriter report;
  SIMSHARD_RETURN_IF_ERROR(report.Open(path));
  for (const Decided& d : docs) SIMSHARD_RETURN_IF_ERROR(report.Write(d.row));
  return report.Close();
}

// Runs the input again (decisions are deterministic) and writes the documents whose
// input position is in `kept` to the --kept file.
Status WriteKeptSecondPass(const RunOptions& options, const DedupSource& source,
                           const std::unordered_set<uint64_t>& kept) {
  RunOptions again = options;
  again.report_path.clear();
  again.on_progress = nullptr;
  Result<SeededDecider> seeded = source.decider();
  if (!seeded.ok()) return seeded.status();
  pipeline::KeptWriter writer;
  SIMSHARD_RETURN_IF_ERROR(writer.Open(options.kept_path));
  auto keep = [&](Analyzed&&, const std::string&) -> Result<uint64_t> {
    return ++seeded->last_ordinal;
  };
  auto decided = [&](const ReportRow&, const Analyzed& a) -> Status {
    return kept.count(a.doc.seq) ? writer.Write(a, pipeline::DocumentId(a.digest)) : Status::OK();
  };
  Result<RunSummary> run = pipeline::DecideAll(again, source.documents(), seeded->decider.get(), keep, decided);
  if (!run.ok()) return run.status();
  return writer.Close();
}

Result<RunSummary> RunKeepLongest(const RunOptions& options, const DedupSource& source) {
  Result<SeededDecider> seeded = source.decider();
  if (!seeded.ok()) return seeded.status();
  RunOptions first_pass = options;
  first_pass.report_path.clear();
  std::vector<Decided> docs;
  auto decided = [&](const ReportRow& row, const Analyzed& a) -> Status {
    docs.push_back({row, a.doc.skipped() ? "" : pipeline::DocumentId(a.digest), a.doc.text.size()});
    return Status::OK();
  };
  auto keep = [&](Analyzed&&, const std::string&) -> Result<uint64_t> {
    return ++seeded->last_ordinal;
  };
  Result<RunSummary> summary =
      pipeline::DecideAll(first_pass, source.documents(), seeded->decider.get(), keep, decided);
  if (!summary.ok()) return summary;
  PromoteLongest(&docs);
  SIMSHARD_RETURN_IF_ERROR(WriteReport(options.report_path, docs));
  if (options.kept_path.empty()) return summary;
  std::unordered_set<uint64_t> kept;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (docs[i].row.status == "kept") kept.insert(i);
  }
  SIMSHARD_RETURN_IF_ERROR(WriteKeptSecondPass(options, source, kept));
  return summary;
}

// The first kept document of each group, as it comes.
Result<RunSummary> RunKeepFirst(const RunOptions& options, const DedupSource& source) {
  // Analysis runs while --archive's catalog is read into the dedup index.
  std::unique_ptr<pipeline::AnalyzedStream> analysis = source.documents();
  Result<SeededDecider> seeded = source.decider();
  if (!seeded.ok()) return seeded.status();
  pipeline::KeptWriter kept;
  SIMSHARD_RETURN_IF_ERROR(kept.Open(options.kept_path));
  auto keep = [&](Analyzed&& a, const std::string& id) -> Result<uint64_t> {
    SIMSHARD_RETURN_IF_ERROR(kept.Write(a, id));
    return ++seeded->last_ordinal;
  };
  Result<RunSummary> summary = pipeline::DecideAll(options, std::move(analysis), seeded->decider.get(), keep);
  if (!summary.ok()) return summary;
  SIMSHARD_RETURN_IF_ERROR(kept.Close());
  return summary;
}

}  // namespace

Result<RunSummary> RunDedup(const RunOptions& options) {
  SIMSHARD_RETURN_IF_ERROR(pipeline::CheckRunPaths(options));
  const DedupSource source = FromInputs(options);
  return options.keep_longest ? RunKeepLongest(options, source) : RunKeepFirst(options, source);
}

Result<RunSummary> DecideDedupTasks(const RunOptions& options, const TaskPlan& plan) {
  SIMSHARD_RETURN_IF_ERROR(pipeline::CheckRunPaths(options));
  Result<pipeline::MatchedRun> matched = pipeline::ReadMatchedRun(options, plan);
  if (!matched.ok()) return matched.status();
  const std::vector<std::string>& files = matched->chromed_files;
  const uint64_t last_ordinal = matched->chromed.last_ordinal;
  DedupSource source;
  source.documents = [&] { return std::make_unique<pipeline::AnalyzedStream>(files, pipeline::kChromedMagic); };
  source.decider = [&]() -> Result<SeededDecider> {
    auto decider = std::make_unique<pipeline::MatchedDecider>(plan, last_ordinal + 1, "kept");
    SIMSHARD_RETURN_IF_ERROR(decider->Open());
    return SeededDecider{std::move(decider), last_ordinal};
  };
  return options.keep_longest ? RunKeepLongest(options, source) : RunKeepFirst(options, source);
}

}  // namespace simshard
