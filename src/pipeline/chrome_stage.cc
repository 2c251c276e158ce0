// The chrome stage of a run cut into tasks: every page through the site chrome
// model in input order, as a one-machine run strips it (match_stages.h).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "pipeline/archive_state.h"
#include "pipeline/archive_run.h"
#include "pipeline/match_stages.h"
#include "pipeline/slice_files.h"
#include "util/file_util.h"

namespace simshard::pipeline {
namespace {

constexpr std::string_view kChromedRunMagic = "simshard-chromed-run 1";

// What the chrome model asks of the archive: the digests it holds (sorted, 16 bytes a
// document) and the addresses it has seen.
struct ArchiveForChrome {
  std::unique_ptr<ChromeLearner> learner;  // with the archive's model and addresses
  std::vector<Digest> digests;
  uint64_t last_ordinal = 0;
};

bool DigestLess(const Digest& a, const Digest& b) {
  return a.high != b.high ? a.high < b.high : a.low < b.low;
}

// The archive as the chrome model asks about it. `writer` (archive runs, which hold the
// archive's lock) records the fingerprint settings of a new archive; `dedup --archive`
// reads an archive someone else may be writing.
Result<ArchiveForChrome> ReadArchive(const RunOptions& options, const StateReader& state, ArchiveWriter* writer) {
  Result<ArchiveStart> start = OpenArchiveStart(options.archive_dir, state, writer);
  if (!start.ok()) return start.status();
  ArchiveForChrome out;
  out.digests.reserve(start->stats.documents);
  Status bad;
  SIMSHARD_RETURN_IF_ERROR(start->reader->ForEachFingerprint([&](const FingerprintRow& r) {
    if (!r.digest_ok && bad.ok()) bad = MalformedDigest(r);
    out.digests.push_back(Digest{r.digest_high, r.digest_low});
    out.last_ordinal = std::max(out.last_ordinal, r.ordinal);
  }));
  if (!bad.ok()) return bad;
  std::sort(out.digests.begin(), out.digests.end(), DigestLess);
  out.learner = std::make_unique<ChromeLearner>(options.dedup, Fingerprinter(), std::move(start->chrome.model));
  ChromeLearner& learner = *out.learner;
  SIMSHARD_RETURN_IF_ERROR(start->reader->ForEachSeenAddress([&](int64_t hash) { learner.SeedSeenAddress(hash); }));
  return out;
}

// An archive run opens the archive as its writer, for the lock that keeps other runs out
// (nothing is written but a new archive's fingerprint settings); a dedup run reads the
// archive it is given, or starts from nothing.
Result<ArchiveForChrome> OpenArchive(const RunOptions& options, const TaskPlan& plan,
                                     std::unique_ptr<ArchiveWriter>* writer) {
  if (plan.archive) {
    Result<std::unique_ptr<ArchiveWriter>> opened = ArchiveWriter::Open(options.archive_dir, options.archive);
    if (!opened.ok()) return opened.status();
    *writer = std::move(opened).value();
    ArchiveWriter* w = writer->get();
    return ReadArchive(options, [w](std::string_view key) { return w->GetState(key); }, w);
  }
  if (!options.archive_dir.empty()) return ReadArchive(options, ReadOnlyState(options.archive_dir), nullptr);
  ArchiveForChrome none;
  none.learner = std::make_unique<ChromeLearner>(options.dedup, Fingerprinter(), ChromeModel());
  return none;
}

// What the stages after this one read of a page: its final extraction, digest and
// fingerprint, what its report row and dropped row name, and its text only when learned
// chrome was taken out of it (never empty then: a page left with nothing is weak). A
// dedup run's kept file takes every kept page's title and text: those are kept for all.
Analyzed Chromed(Analyzed&& a, bool archive) {
  Analyzed c;
  Document& d = c.doc;
  d.source = std::move(a.doc.source);
  d.url = std::move(a.doc.url);
  d.date = std::move(a.doc.date);
  d.crawled_at = std::move(a.doc.crawled_at);
  d.skip_reason = std::move(a.doc.skip_reason);
  d.kind = a.doc.kind;
  d.extraction = a.doc.extraction;
  d.input_bytes = a.doc.input_bytes;
  if (a.text_stripped || !archive) d.text = std::move(a.doc.text);
  if (!archive) d.title = std::move(a.doc.title);
  c.weak_reason = std::move(a.weak_reason);
  c.digest = a.digest;
  c.fingerprint = a.fingerprint;
  return c;
}

// Stale once the chrome stage runs again: what the stages after it wrote.
void RemoveLaterStages(const TaskPlan& plan) {
  ::unlink(ChromedRunPath(plan).c_str());
  for (unsigned t = 0; t < plan.tasks; ++t) ::unlink(MatchesPath(plan, t).c_str());
  ::unlink(DecidedRunPath(plan).c_str());
}

}  // namespace

std::string TaskFilePath(const TaskPlan& plan, const char* kind, unsigned task) {
  char name[64];
  std::snprintf(name, sizeof name, "/%s-%05u-of-%05u", kind, task, plan.tasks);
  return plan.work_dir + name;
}

std::string ChromedPath(const TaskPlan& plan, unsigned slice) { return TaskFilePath(plan, "chromed", slice); }
std::string MatchesPath(const TaskPlan& plan, unsigned task) { return TaskFilePath(plan, "matches", task); }
std::string ChromeModelPath(const TaskPlan& plan) { return plan.work_dir + "/decided.chrome"; }
std::string ChromedRunPath(const TaskPlan& plan) { return plan.work_dir + "/chromed.run"; }
std::string DecidedRunPath(const TaskPlan& plan) { return plan.work_dir + "/decided.run"; }

Result<ChromedRun> ReadChromedRun(const TaskPlan& plan) {
  Result<std::string> text = ReadFile(ChromedRunPath(plan));
  if (!text.ok()) {
    return Status::InvalidArgument("the chrome stage has not finished: no " + ChromedRunPath(plan) +
                                   "; run it (again) first");
  }
  std::istringstream in(*text);
  std::string magic, key;
  ChromedRun run;
  if (!std::getline(in, magic) || magic != kChromedRunMagic || !(in >> key >> run.last_ordinal) ||
      key != "last-ordinal")
    return Status::Corruption(ChromedRunPath(plan) + ": damaged (run the chrome stage again)");
  return run;
}

Result<MatchedRun> ReadMatchedRun(const RunOptions& options, const TaskPlan& plan) {
  Result<RunOptions> staged = DecideTaskOptions(options, plan);  // every slice analysed
  if (!staged.ok()) return staged.status();
  Result<ChromedRun> chromed = ReadChromedRun(plan);
  if (!chromed.ok()) return chromed.status();
  if (const std::vector<unsigned> pending = PendingMatchTasks(plan); !pending.empty()) {
    return Status::InvalidArgument("the match stage is not complete: task(s) " + TaskList(pending) +
                                   " have not finished; run them (again) first");
  }
  MatchedRun run{*chromed, {}};
  for (unsigned t = 0; t < plan.tasks; ++t) run.chromed_files.push_back(ChromedPath(plan, t));
  return run;
}

}  // namespace simshard::pipeline

namespace simshard {

bool ChromeStageDone(const TaskPlan& plan) { return PathExists(pipeline::ChromedRunPath(plan)); }

Status RunChromeStage(const RunOptions& options, const TaskPlan& plan) {
  using namespace pipeline;
  Result<RunOptions> staged = DecideTaskOptions(options, plan);
  if (!staged.ok()) return staged.status();
  RemoveLaterStages(plan);
  Result<std::vector<uint64_t>> ends = SliceEnds(staged->stage_files);
  if (!ends.ok()) return ends.status();
  AnalyzedStream stream(staged->stage_files);
  std::unique_ptr<ArchiveWriter> writer;
  Result<ArchiveForChrome> found = OpenArchive(options, plan, &writer);
  if (!found.ok()) return found.status();
  ChromeLearner* learner = found->learner.get();
  PerSliceFiles files([&](unsigned t) { return ChromedPath(plan, t); }, kChromedMagic, std::move(*ends));
  while (std::optional<Analyzed> a = stream.Next()) {
    if (!a->doc.skipped() && a->doc.extraction == Extraction::kExtracted) learner->Strip(&*a);
    if (!a->doc.skipped() && a->doc.extraction == Extraction::kExtracted) {
      learner->Count(*a, std::binary_search(found->digests.begin(), found->digests.end(), a->digest, DigestLess));
    }
    uint64_t index = 0;
    Result<StageWriter*> out = files.For(a->doc.seq, &index);
    if (!out.ok()) return out.status();
    SIMSHARD_RETURN_IF_ERROR((*out)->Append(Chromed(std::move(*a), plan.archive)));
  }
  SIMSHARD_RETURN_IF_ERROR(stream.Finish());
  SIMSHARD_RETURN_IF_ERROR(files.Finish());
  SIMSHARD_RETURN_IF_ERROR(
      WriteFileDurably(ChromeModelPath(plan), PackChromeModel(learner->chrome().Serialize())));
  const std::string run =
      std::string(kChromedRunMagic) + "\nlast-ordinal " + std::to_string(found->last_ordinal) + "\n";
  return WriteFileDurably(ChromedRunPath(plan), run);  // last: the stage is done
}

}  // namespace simshard
