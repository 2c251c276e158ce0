#include "pipeline/archive_run.h"

#include <boost/filesystem.hpp>

#include "pipeline/archive_state.h"
#include "util/encoding.h"

namespace simshard::pipeline {

namespace fs = boost::filesystem;

namespace {

// Reads the catalog's binary columns: nothing is parsed from text, nothing allocated per
// document.
Status SeedFromArchive(const ArchiveWriter& writer, Decider* decider) {
  Status bad;
  SIMSHARD_RETURN_IF_ERROR(writer.ForEachFingerprint([&](const FingerprintRow& r) {
    if (!decider->Seed(r) && bad.ok()) {
      bad = MalformedDigest(r);
    }
  }));
  return bad;
}

}  // namespace

Status MalformedDigest(const FingerprintRow& row) {
  return Status::Corruption("catalog: document " + Hex64(row.id) + " has a malformed digest");
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

bool DroppedRow(const ReportRow& row, const Analyzed& a, DroppedEntry* entry) {
  const bool near = row.status == "near-duplicate";
  if (!near && row.status != "duplicate") return false;
  DroppedEntry& e = *entry;
  e = DroppedEntry{};
  e.url = a.doc.url;
  e.source = a.doc.source;
  e.date = a.doc.date;
  e.crawled_at = a.doc.crawled_at;
  e.near = near;
  e.duplicate_of = row.duplicate_of;
  e.distance = row.distance;
  e.similarity = row.similarity;
  return true;
}

Result<ArchiveStart> OpenArchiveStart(const std::string& dir, const StateReader& state, ArchiveWriter* writer) {
  ArchiveStart out;
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(dir);
  if (!reader.ok()) return reader.status();
  out.reader = std::move(reader).value();
  out.config = Fingerprinter().config().Name();
  bool absent = false;
  SIMSHARD_RETURN_IF_ERROR(CheckFingerprintConfig(state, dir, out.config, &absent));
  if (absent && writer) SIMSHARD_RETURN_IF_ERROR(writer->PutState(kFingerprintKey, out.config));
  Result<LoadedChrome> chrome = LoadChromeModel(state, *out.reader, dir);
  if (!chrome.ok()) return chrome.status();
  out.chrome = std::move(chrome).value();
  Result<ArchiveStats> stats = out.reader->Stats();
  if (!stats.ok()) return stats.status();
  out.stats = *stats;
  return out;
}

Result<ArchiveDecider> PrepareDecider(const RunOptions& options, ArchiveWriter& writer, bool seed) {
  const std::string& dir = options.archive_dir;
  const StateReader state = [&](std::string_view key) { return writer.GetState(key); };
  Result<ArchiveStart> start = OpenArchiveStart(dir, state, &writer);
  if (!start.ok()) return start.status();
  ArchiveDecider out;
  out.config = start->config;
  out.chrome_key = start->chrome.key;
  const ArchiveStats& stats = start->stats;
  Result<std::vector<RunInfo>> runs = start->reader->Runs();  // by id
  if (!runs.ok()) return runs.status();
  out.runs = runs->empty() ? 0 : runs->back().id;
  out.decider = std::make_unique<Decider>(options.dedup, Fingerprinter(), std::move(start->chrome.model));
  if (!seed) return out;
  out.decider->Reserve(stats.documents);
  SIMSHARD_RETURN_IF_ERROR(SeedFromArchive(writer, out.decider.get()));
  Decider* decider = out.decider.get();
  SIMSHARD_RETURN_IF_ERROR(writer.ForEachSeenAddress([&](int64_t hash) { decider->SeedSeenAddress(hash); }));
  if (options.on_event) {
    options.on_event("archive " + dir + ": " + std::to_string(stats.documents) + " documents from " +
                     std::to_string(stats.runs) + " earlier run(s) indexed" +
                     (out.chrome_key.empty() ? "" : ", chrome model from " + out.chrome_key));
  }
  return out;
}

}  // namespace simshard::pipeline
