// `simshard archive`: the decisions of the run loop, kept documents written to the
// archive, state that later nights need kept in the catalog.
#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include <boost/filesystem.hpp>

#include "pipeline/archive_state.h"
#include "pipeline/run_json.h"
#include "pipeline/run_loop.h"
#include "simshard/pipeline.h"
#include "util/clock.h"
#include "util/encoding.h"

namespace simshard {

namespace fs = boost::filesystem;
using pipeline::Analyzed;

namespace {

// Reads the catalog's binary columns: nothing is parsed from text, nothing allocated per
// document.
Status SeedFromArchive(const ArchiveWriter& writer, pipeline::Decider* decider) {
  Status bad;
  SIMSHARD_RETURN_IF_ERROR(writer.ForEachFingerprint([&](const FingerprintRow& r) {
    if (!decider->Seed(r) && bad.ok()) {
      bad = Status::Corruption("catalog: document " + Hex64(r.id) + " has a malformed digest");
    }
  }));
  return bad;
}

std::set<std::string> ShardNames(const std::string& dir) {
  std::set<std::string> names;
  boost::system::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > 10 && name.ends_with(".jsonl.zst")) names.insert(name);
  }
  return names;
}

void AddShardsWritten(const std::string& dir, const std::set<std::string>& before,
                      RunSummary* summary) {
  for (const std::string& name : ShardNames(dir)) {
    if (before.count(name)) continue;
    boost::system::error_code ec;
    const uintmax_t size = fs::file_size(fs::path(dir) / name, ec);
    summary->bytes_stored += ec ? 0 : size;
    summary->shards_written.push_back(name);
  }
}

Record MakeRecord(Analyzed&& a, const std::string& id, uint64_t run,
                  const std::string& archived_at) {
  Record r;
  r.id = id;
  r.url = std::move(a.doc.url);
  r.source = std::move(a.doc.source);
  r.title = std::move(a.doc.title);
  r.date = std::move(a.doc.date);
  r.crawled_at = std::move(a.doc.crawled_at);
  r.archived_at = archived_at;
  r.run = run;
  r.digest = a.digest.Hex();
  if (a.doc.extraction == Extraction::kExtracted) {  // a weak page has no fingerprint
    r.simhash = a.fingerprint.simhash;
    r.sketch.assign(a.fingerprint.sketch.begin(), a.fingerprint.sketch.end());
  }
  r.kind = a.doc.kind;
  r.extraction = a.doc.extraction;
  if (a.doc.original != a.doc.text) r.original = std::move(a.doc.original);
  r.text = std::move(a.doc.text);
  r.warc = std::move(a.doc.warc);
  return r;
}

// A duplicate keeps a catalog row, so that its URL still answers (doc/FORMAT.md, 5.2).
Status RememberDropped(ArchiveWriter& writer, const ReportRow& row, const Analyzed& a) {
  const bool near = row.status == "near-duplicate";
  if (!near && row.status != "duplicate") return Status::OK();
  DroppedEntry e;
  e.url = a.doc.url;
  e.source = a.doc.source;
  e.date = a.doc.date;
  e.crawled_at = a.doc.crawled_at;
  e.near = near;
  e.duplicate_of = row.duplicate_of;
  e.distance = row.distance;
  e.similarity = row.similarity;
  return writer.AddDropped(std::move(e));
}

// The decider of a run on this archive: its fingerprint settings checked (and recorded on a
// new archive), its chrome model loaded and its dedup index seeded with every document.
struct ArchiveDecider {
  std::unique_ptr<pipeline::Decider> decider;
  std::string config;     // the fingerprint settings' name
  std::string chrome_key; // the state key of the chrome model loaded, empty when none
};

Result<ArchiveDecider> PrepareDecider(const RunOptions& options, ArchiveWriter& writer) {
  const std::string& dir = options.archive_dir;
  const Fingerprinter fingerprinter;
  ArchiveDecider out;
  out.config = fingerprinter.config().Name();
  const pipeline::StateReader state = [&](std::string_view key) { return writer.GetState(key); };
  bool new_archive = false;
  SIMSHARD_RETURN_IF_ERROR(pipeline::CheckFingerprintConfig(state, dir, out.config, &new_archive));
  if (new_archive) SIMSHARD_RETURN_IF_ERROR(writer.PutState(pipeline::kFingerprintKey, out.config));
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(dir);
  if (!reader.ok()) return reader.status();
  Result<pipeline::LoadedChrome> chrome = pipeline::LoadChromeModel(state, **reader, dir);
  if (!chrome.ok()) return chrome.status();
  Result<ArchiveStats> stats = (*reader)->Stats();
  if (!stats.ok()) return stats.status();
  out.chrome_key = chrome->key;
  out.decider = std::make_unique<pipeline::Decider>(options.dedup, fingerprinter, std::move(chrome->model));
  out.decider->Reserve(stats->documents);
  SIMSHARD_RETURN_IF_ERROR(SeedFromArchive(writer, out.decider.get()));
  if (options.on_event) {
    options.on_event("archive " + dir + ": " + std::to_string(stats->documents) + " documents from " +
                     std::to_string(stats->runs) + " earlier run(s) indexed" +
                     (out.chrome_key.empty() ? "" : ", chrome model from " + out.chrome_key));
  }
  return out;
}

}  // namespace

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
  Result<ArchiveDecider> prepared = PrepareDecider(options, writer);
  if (!prepared.ok()) return prepared.status();
  std::unique_ptr<pipeline::Decider>& decider = prepared->decider;
  auto event = [&](const std::string& line) {
    if (options.on_event) options.on_event(line);
  };

  const std::set<std::string> shards_before = ShardNames(dir);
  Result<uint64_t> run = writer.BeginRun(pipeline::OptionsJson(options, prepared->config));
  if (!run.ok()) return run.status();
  event("run " + std::to_string(*run) + " started");
  const std::string archived_at = UtcNowIso8601();
  auto keep = [&](Analyzed&& a, const std::string& id) -> Result<uint64_t> {
    return writer.Add(MakeRecord(std::move(a), id, *run, archived_at));
  };
  // The chrome model is saved on the deciding thread while this one still records the
  // last documents, and the decider's memory (dedup index, chrome counts) is freed on
  // another while this one seals and commits: neither lengthens the run's serial tail.
  std::optional<std::string> chrome_state;
  auto save_chrome_model = [&] { chrome_state = decider->chrome().Serialize(); };
  auto decided = [&](const ReportRow& row, const Analyzed& a) { return RememberDropped(writer, row, a); };
  Result<RunSummary> summary =
      pipeline::DecideAll(options, std::move(analysis), decider.get(), keep, decided, save_chrome_model);
  if (!summary.ok()) return summary;
  if (!chrome_state) save_chrome_model();  // a guard: DecideAll has run it
  std::jthread free_decider([doomed = std::move(decider)]() mutable { doomed.reset(); });

  SIMSHARD_RETURN_IF_ERROR(writer.PutState(pipeline::ChromeKey(*run), *chrome_state));
  SIMSHARD_RETURN_IF_ERROR(writer.FinishRun(pipeline::CountsJson(*summary)));
  if (!prepared->chrome_key.empty()) SIMSHARD_RETURN_IF_ERROR(writer.PutState(prepared->chrome_key, ""));
  summary->run_id = *run;
  AddShardsWritten(dir, shards_before, &*summary);
  event("run " + std::to_string(*run) + " committed: " + std::to_string(summary->shards_written.size()) +
        " new shard(s)");
  return summary;
}

}  // namespace simshard
