#include "pipeline/decider.h"

#include <algorithm>

#include "util/encoding.h"

namespace simshard::pipeline {

std::string DocumentId(const Digest& digest) { return Hex64(digest.high); }

Decider::Decider(DedupOptions dedup, Fingerprinter fingerprinter, ChromeModel chrome,
                 std::string kept_status)
    : index_(dedup),
      fingerprinter_(std::move(fingerprinter)),
      chrome_(std::move(chrome)),
      kept_status_(std::move(kept_status)) {}

bool Decider::Seed(const FingerprintRow& row) {
  Fingerprint fp;
  fp.simhash = row.simhash;
  std::copy_n(row.sketch.begin(), std::min(row.sketch.size(), fp.sketch.size()), fp.sketch.begin());
  KeepId(row.ordinal, row.id, Digest{row.digest_high, row.digest_low}, fp);
  return row.digest_ok;
}

void Decider::Keep(uint64_t ordinal, std::string_view id, const Digest& digest,
                   const Fingerprint& fp) {
  uint64_t value = 0;
  ParseHex64(id, &value);
  KeepId(ordinal, value, digest, fp);
}

void Decider::KeepId(uint64_t ordinal, uint64_t id, const Digest& digest, const Fingerprint& fp) {
  if (ids_.size() < ordinal) ids_.resize(ordinal);
  ids_[ordinal - 1] = id;
  last_ordinal_ = std::max(last_ordinal_, ordinal);
  index_.Add(ordinal, digest, fp);
}

std::string Decider::IdOf(uint64_t ordinal) const {
  return ordinal >= 1 && ordinal <= ids_.size() ? Hex64(ids_[ordinal - 1]) : std::string();
}

void Decider::StripChrome(Analyzed* a) {
  const std::string& site = a->doc.site;
  chrome_.Observe(site, a->paragraph_keys);
  const size_t chrome_paragraphs = chrome_.CountChrome(site, a->paragraph_keys);
  // A page made only of repeated paragraphs keeps its text: better a duplicate kept than
  // an article lost.
  if (chrome_paragraphs == 0 || chrome_paragraphs == a->paragraph_keys.size()) return;
  std::string stripped = chrome_.Strip(site, a->doc.text);
  // Strip only drops paragraphs, and keeps long ones even when they repeat (syndicated
  // copies share whole paragraphs): same size means the same text, and the fingerprint
  // the worker computed stands.
  if (stripped.size() == a->doc.text.size()) return;
  const std::string folded = FoldForFingerprint(stripped);
  if (folded.empty()) return;  // only punctuation would be left: keep the page whole
  a->doc.text = std::move(stripped);
  a->fingerprint = fingerprinter_.Compute(folded);  // the digest stays: see Analyzed
}

bool Decider::Decide(Analyzed* a, ReportRow* row) {
  row->source = a->doc.source;
  row->url = a->doc.url;
  if (a->doc.skipped()) {
    row->status = "skipped";
    row->reason = a->doc.skip_reason;
    return false;
  }
  StripChrome(a);
  const Match match = index_.Find(a->digest, a->fingerprint);
  // Only pages the archive keeps count as pages of their site: a story crawled again or
  // syndicated on the same site would otherwise make its own short paragraphs chrome
  // on the next night, change its fingerprint and hide it from its first copy.
  if (match.kind != Match::Kind::kNone) chrome_.Unobserve(a->doc.site, a->paragraph_keys);
  switch (match.kind) {
    case Match::Kind::kNone:
      row->status = kept_status_;
      return true;
    case Match::Kind::kExact:
      row->status = "duplicate";
      row->duplicate_of = IdOf(match.ordinal);
      return false;
    case Match::Kind::kNear:
      row->status = "near-duplicate";
      row->duplicate_of = IdOf(match.ordinal);
      row->distance = match.distance;
      row->similarity = match.similarity;
      return false;
  }
  return false;
}

void CountDecision(const ReportRow& row, uint64_t input_bytes, RunSummary* summary) {
  RunProgress& t = summary->totals;
  ++t.documents;
  t.bytes_scanned += input_bytes;
  if (row.status == "duplicate") {
    ++t.duplicates;
  } else if (row.status == "near-duplicate") {
    ++t.near_duplicates;
  } else if (row.status == "skipped") {
    ++t.skipped;
    ++summary->skipped_by_reason[row.reason];
  } else {
    ++t.archived;
  }
}

}  // namespace simshard::pipeline
