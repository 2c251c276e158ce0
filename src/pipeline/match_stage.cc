// A match task of a run cut into tasks: every page of tonight asked against one
// share of the documents, the archive's and tonight's (match_stages.h).
#include <unistd.h>

#include <unordered_map>

#include "pipeline/archive_run.h"
#include "pipeline/match_stages.h"
#include "util/crash_point.h"
#include "util/file_util.h"

namespace simshard::pipeline {
namespace {

struct DigestHash {
  size_t operator()(const Digest& d) const { return static_cast<size_t>(d.low); }  // already a hash
};

// Share `task` of `tasks`: a range of the archive's ordinals (a tasks-th of them, read
// alone from the catalog) and tonight's pages whose place in the input is task modulo
// tasks. A page is asked about with every share, so each share reports what it holds: the
// archive's earliest equal and near documents, and every earlier page of tonight with the
// same digest or near it. Which of those pages are kept is known only in the decide task,
// which picks among them.
class MatchShare {
 public:
  MatchShare(const DedupOptions& options, const TaskPlan& plan, unsigned task, uint64_t last_ordinal)
      : index_(options),
        task_(task),
        tasks_(plan.tasks),
        last_ordinal_(last_ordinal),
        first_archived_(last_ordinal * task / plan.tasks + 1),
        last_archived_(last_ordinal * (task + 1) / plan.tasks) {}

  Status SeedArchive(const ArchiveReader& reader) {
    Status bad;
    archive_ids_.resize(last_archived_ + 1 - first_archived_);
    const uint64_t first = first_archived_;
    SIMSHARD_RETURN_IF_ERROR(reader.ForEachFingerprintBetween(first, last_archived_, [&](const FingerprintRow& r) {
      if (!r.digest_ok && bad.ok()) bad = MalformedDigest(r);
      archive_ids_[r.ordinal - first_archived_] = r.id;
      const Digest digest{r.digest_high, r.digest_low};
      if (r.extraction != Extraction::kExtracted) return index_.AddExactOnly(r.ordinal, digest);
      Fingerprint fp;
      fp.simhash = r.simhash;
      std::copy_n(r.sketch.begin(), std::min(r.sketch.size(), fp.sketch.size()), fp.sketch.begin());
      index_.Add(r.ordinal, digest, fp);
    }));
    return bad;
  }

  // What this share holds about page `seq`; then the page joins the share when it is one
  // of its own and no earlier page of the share is its twin (a twin is never kept).
  Finding Ask(uint64_t seq, const Analyzed& c) {
    Finding f;
    f.seq = seq;
    const bool weak = c.doc.extraction != Extraction::kExtracted;
    const Match exact = index_.FindExact(c.digest);
    if (exact.kind == Match::Kind::kExact && exact.ordinal <= last_ordinal_) {
      f.archive_exact = exact.ordinal;
      f.archive_exact_id = archive_ids_[exact.ordinal - first_archived_];
    }
    FindSameDigest(c, weak, &f);
    if (!weak && !f.has_twin) FindNear(c.fingerprint, &f);
    if (seq % tasks_ == task_ && !f.has_twin) Hold(seq, c, weak);
    return f;
  }

 private:
  struct Tonight {
    uint64_t seq;
    uint64_t simhash;
    Sketch sketch;
    uint32_t older;  // the share's previous page with the same digest, or kNone
    bool weak;
  };
  static constexpr uint32_t kNone = ~0u;

  void FindSameDigest(const Analyzed& c, bool weak, Finding* f) const {
    auto it = newest_.find(c.digest);
    if (it == newest_.end()) return;
    for (uint32_t e = it->second; e != kNone; e = tonight_[e].older) {
      const Tonight& t = tonight_[e];
      f->same_digest.push_back(t.seq);
      const bool twin = t.weak == weak &&
                        (weak || (t.simhash == c.fingerprint.simhash && t.sketch == c.fingerprint.sketch));
      if (twin && (!f->has_twin || t.seq < f->twin)) {
        f->has_twin = true;
        f->twin = t.seq;
      }
    }
  }

  void FindNear(const Fingerprint& fp, Finding* f) const {
    index_.ForEachNear(fp, [&](uint64_t ordinal, int distance, double similarity) {
      if (ordinal > last_ordinal_) {
        f->near.push_back({ordinal - last_ordinal_ - 1, distance, similarity});
      } else if (f->archive_near == 0 || ordinal < f->archive_near) {
        f->archive_near = ordinal;
        f->archive_near_id = archive_ids_[ordinal - first_archived_];
        f->archive_distance = distance;
        f->archive_similarity = similarity;
      }
    });
  }

  void Hold(uint64_t seq, const Analyzed& c, bool weak) {
    const uint64_t ordinal = last_ordinal_ + 1 + seq;  // after the archive's, in input order
    if (weak) {
      index_.AddExactOnly(ordinal, c.digest);
    } else {
      index_.Add(ordinal, c.digest, c.fingerprint);
    }
    auto [it, added] = newest_.try_emplace(c.digest, kNone);
    tonight_.push_back(Tonight{seq, c.fingerprint.simhash, c.fingerprint.sketch, it->second, weak});
    it->second = static_cast<uint32_t>(tonight_.size() - 1);
  }

  DedupIndex index_;
  const unsigned task_, tasks_;
  const uint64_t last_ordinal_;
  const uint64_t first_archived_, last_archived_;  // the share of the archive's ordinals
  std::vector<uint64_t> archive_ids_;  // by ordinal - first_archived_
  std::vector<Tonight> tonight_;
  std::unordered_map<Digest, uint32_t, DigestHash> newest_;  // digest -> its newest page here
};

bool Found(const Finding& f) {
  return f.archive_exact != 0 || f.archive_near != 0 || f.has_twin || !f.same_digest.empty() || !f.near.empty();
}

// Every page of the chrome stage's files, in input order.
Status AskEveryPage(const TaskPlan& plan, MatchShare* share, StageWriter* out) {
  uint64_t seq = 0;
  for (unsigned t = 0; t < plan.tasks; ++t) {
    StageReader chromed;
    SIMSHARD_RETURN_IF_ERROR(chromed.Open(ChromedPath(plan, t), kChromedMagic));
    Analyzed c;
    while (chromed.Next(&c)) {
      const uint64_t page = seq++;
      if (c.doc.skipped()) continue;
      const Finding f = share->Ask(page, c);
      if (Found(f)) SIMSHARD_RETURN_IF_ERROR(out->Append(f));
    }
    SIMSHARD_RETURN_IF_ERROR(chromed.status());
  }
  return Status::OK();
}

}  // namespace
}  // namespace simshard::pipeline

namespace simshard {

std::vector<unsigned> PendingMatchTasks(const TaskPlan& plan) {
  std::vector<unsigned> pending;
  for (unsigned t = 0; t < plan.tasks; ++t)
    if (!PathExists(pipeline::MatchesPath(plan, t))) pending.push_back(t);
  return pending;
}

Status RunMatchTask(const RunOptions& options, const TaskPlan& plan, unsigned task) {
  using namespace pipeline;
  SIMSHARD_RETURN_IF_ERROR(CheckTaskNumber(plan, task));
  Result<ChromedRun> chromed = ReadChromedRun(plan);
  if (!chromed.ok()) return chromed.status();
  ::unlink(DecidedRunPath(plan).c_str());  // decided from other findings: stale
  MatchShare share(options.dedup, plan, task, chromed->last_ordinal);
  if (!options.archive_dir.empty()) {  // a dedup run may have none
    Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(options.archive_dir);
    if (!reader.ok()) return reader.status();
    SIMSHARD_RETURN_IF_ERROR(share.SeedArchive(**reader));
  }
  StageWriter out;
  SIMSHARD_RETURN_IF_ERROR(out.Open(MatchesPath(plan, task), kFindingMagic));
  SIMSHARD_RETURN_IF_ERROR(AskEveryPage(plan, &share, &out));
  CrashPoint("match-task-" + std::to_string(task));  // drills: one task dies unfinished
  return out.Finish();
}

}  // namespace simshard
