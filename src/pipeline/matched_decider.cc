// The decide task of a run whose matching was split (match_stages.h): what
// DedupIndex::Find would have found among the pages kept so far, picked from the match
// tasks' findings. Find gives an equal digest first (the archive's earliest, else
// tonight's earliest kept page), else the smallest ordinal among the near candidates (the
// archive's, which all come before tonight's, else tonight's earliest kept page).
#include "pipeline/match_stages.h"
#include "util/encoding.h"

namespace simshard::pipeline {

Status MatchedDecider::Open() {
  for (unsigned t = 0; t < plan_.tasks; ++t) {
    matches_.push_back(std::make_unique<StageReader>());
    SIMSHARD_RETURN_IF_ERROR(matches_.back()->Open(MatchesPath(plan_, t), kFindingMagic));
    heads_.emplace_back();
    has_head_.push_back(matches_.back()->Next(&heads_.back()));
    SIMSHARD_RETURN_IF_ERROR(matches_.back()->status());
  }
  return Status::OK();
}

bool MatchedDecider::Fail(Status status) {
  if (status_.ok()) status_ = std::move(status);
  return false;
}

// Each match file holds its findings in input order; those of page `seq` are taken.
void MatchedDecider::CollectFindings(uint64_t seq) {
  found_.clear();
  for (size_t i = 0; i < matches_.size(); ++i) {
    if (has_head_[i] && heads_[i].seq < seq) {
      Fail(Status::Corruption(MatchesPath(plan_, static_cast<unsigned>(i)) +
                              ": a finding about a page that is not there; run the match stage again"));
    }
    if (!has_head_[i] || heads_[i].seq != seq) continue;
    found_.push_back(std::move(heads_[i]));
    has_head_[i] = matches_[i]->Next(&heads_[i]);
    if (!matches_[i]->status().ok()) Fail(matches_[i]->status());
  }
}

bool MatchedDecider::Decide(Analyzed* a, ReportRow* row) {
  current_ = a->doc.seq;
  if (kept_.size() <= current_) {
    kept_.resize(current_ + 1);
    ids_.resize(current_ + 1);
  }
  if (StartRow(*a, row)) return false;
  // An archive run's chrome stage keeps the text it changed only.
  a->text_stripped = plan_.archive && !a->doc.text.empty();
  CollectFindings(current_);
  return DecideFound(*a, row);
}

bool MatchedDecider::DecideFound(const Analyzed& a, ReportRow* row) {
  // An equal digest: the archive's earliest, else tonight's earliest kept page.
  const Finding* archive_exact = nullptr;
  uint64_t tonight_exact = 0;
  bool has_tonight_exact = false;
  for (const Finding& f : found_) {
    if (f.archive_exact != 0 && (!archive_exact || f.archive_exact < archive_exact->archive_exact)) archive_exact = &f;
    for (uint64_t seq : f.same_digest) {
      if (kept_[seq] && (!has_tonight_exact || seq < tonight_exact)) tonight_exact = seq;
      has_tonight_exact |= kept_[seq];
    }
  }
  const bool weak = a.doc.extraction != Extraction::kExtracted;
  if (weak) row->extraction = ExtractionName(a.doc.extraction);
  if (archive_exact || has_tonight_exact) {
    row->status = "duplicate";
    row->duplicate_of = Hex64(archive_exact ? archive_exact->archive_exact_id : ids_[tonight_exact]);
    if (weak) row->reason = a.weak_reason + ": exact duplicate of identical bytes";
    return false;
  }
  if (weak) {
    row->status = kept_status_;
    row->reason = a.weak_reason + ": kept apart from near-duplicate detection; exact duplicate only of identical bytes";
    return true;
  }
  // A twin (same digest, same fingerprint) not kept was decided near: so is this page.
  const Finding* twin = nullptr;
  for (const Finding& f : found_)
    if (f.has_twin && (!twin || f.twin < twin->twin)) twin = &f;
  NearAnswer answer;
  bool near = false;
  if (twin) {
    auto it = near_answers_.find(twin->twin);
    if (it == near_answers_.end()) {
      return Fail(Status::Corruption("page " + std::to_string(current_) + " repeats page " +
                                     std::to_string(twin->twin) + ", which was not found a near-duplicate; "
                                     "run the match stage again"));
    }
    answer = it->second;
    near = true;
  }
  // Else the archive's earliest near document, else tonight's earliest kept near page.
  const Finding* archive_near = nullptr;
  for (const Finding& f : found_)
    if (f.archive_near != 0 && (!archive_near || f.archive_near < archive_near->archive_near)) archive_near = &f;
  if (!near && archive_near) {
    answer = {archive_near->archive_near_id, archive_near->archive_distance, archive_near->archive_similarity};
    near = true;
  }
  if (!near) {
    const Finding::Near* best = nullptr;
    for (const Finding& f : found_)
      for (const Finding::Near& n : f.near)
        if (kept_[n.seq] && (!best || n.seq < best->seq)) best = &n;
    if (best) answer = {ids_[best->seq], best->distance, best->similarity};
    near = best != nullptr;
  }
  if (!near) {
    row->status = kept_status_;
    return true;
  }
  near_answers_[current_] = answer;
  row->status = "near-duplicate";
  row->duplicate_of = Hex64(answer.id);
  row->distance = answer.distance;
  row->similarity = answer.similarity;
  return false;
}

void MatchedDecider::KeepId(uint64_t ordinal, uint64_t id, const Digest&, const Fingerprint&, Extraction) {
  kept_[current_] = true;
  ids_[current_] = id;
  next_ordinal_ = ordinal + 1;
}

}  // namespace simshard::pipeline
