#include "pipeline/decider.h"

#include <xxhash.h>

#include <algorithm>

#include "scan/text_util.h"
#include "util/encoding.h"

namespace simshard::pipeline {

std::string DocumentId(const Digest& digest) { return Hex64(digest.high); }

bool CountedPages::SeenAddress(int64_t hash) {
  if (!seen_sorted_) {
    std::sort(seen_.begin(), seen_.end());
    seen_.erase(std::unique(seen_.begin(), seen_.end()), seen_.end());
    seen_.shrink_to_fit();
    seen_sorted_ = true;
  }
  return std::binary_search(seen_.begin(), seen_.end(), static_cast<int32_t>(hash));
}

// One index for all sites: each site's SimHashes and digests are XORed with a mask drawn
// from its name. Within a site distances stay as they were; across sites two SimHashes lie
// about 32 bits apart whatever their text, so a page of another site is found (and must
// then pass the sketch check too) with a chance below 1e-10.
bool CountedPages::RepeatsOrCount(std::string_view site, const Digest& digest, const Fingerprint& fp) {
  const uint64_t mask = XXH3_64bits(site.data(), site.size());
  const Digest masked_digest{digest.high ^ mask, digest.low ^ (mask * 0x9E3779B97F4A7C15ull)};
  Fingerprint masked = fp;
  masked.simhash ^= mask;
  if (index_.Find(masked_digest, masked).kind != Match::Kind::kNone) return true;
  index_.Add(++counted_, masked_digest, masked);
  return false;
}

Decider::Decider(DedupOptions dedup, Fingerprinter fingerprinter, ChromeModel chrome,
                 std::string kept_status)
    : learner_(dedup, std::move(fingerprinter), std::move(chrome)),
      index_(dedup),
      kept_status_(std::move(kept_status)) {}

bool Decider::Seed(const FingerprintRow& row) {
  Fingerprint fp;
  fp.simhash = row.simhash;
  std::copy_n(row.sketch.begin(), std::min(row.sketch.size(), fp.sketch.size()), fp.sketch.begin());
  KeepId(row.ordinal, row.id, Digest{row.digest_high, row.digest_low}, fp, row.extraction);
  seeded_ordinal_ = std::max(seeded_ordinal_, row.ordinal);
  return row.digest_ok;
}

void Decider::Keep(uint64_t ordinal, std::string_view id, const Digest& digest,
                   const Fingerprint& fp, Extraction extraction) {
  uint64_t value = 0;
  ParseHex64(id, &value);
  KeepId(ordinal, value, digest, fp, extraction);
}

void Decider::KeepId(uint64_t ordinal, uint64_t id, const Digest& digest, const Fingerprint& fp,
                     Extraction extraction) {
  if (ids_.size() < ordinal) ids_.resize(ordinal);
  ids_[ordinal - 1] = id;
  last_ordinal_ = std::max(last_ordinal_, ordinal);
  // A thin page is no near-duplicate candidate: a later page near its few words (or its
  // chrome) is not a copy of it.
  if (extraction == Extraction::kExtracted) {
    index_.Add(ordinal, digest, fp);
  } else {
    index_.AddExactOnly(ordinal, digest);
  }
}

std::string Decider::IdOf(uint64_t ordinal) const {
  return ordinal >= 1 && ordinal <= ids_.size() ? Hex64(ids_[ordinal - 1]) : std::string();
}

// Weak pages teach the chrome model nothing. Distinct weak pages are all kept, so counting
// them would let a site's failed extractions (the same teaser or caption on many pages)
// make a story's own paragraphs chrome, as counting duplicates once did (doc/INPUTS.md).
void ChromeLearner::MarkWeakHere(Analyzed* a, std::string why) {
  chrome_.Unobserve(a->doc.site, a->paragraph_keys);
  MarkWeak(a, Extraction::kWeak, std::move(why));
}

void ChromeLearner::Strip(Analyzed* a) {
  const std::string& site = a->doc.site;
  chrome_.Observe(site, a->paragraph_keys);
  ChromeStrip strip = chrome_.Apply(site, a->doc.text, a->paragraph_keys);
  switch (strip.outcome) {
    case ChromeStrip::Outcome::kUnchanged:
      return;  // the fingerprint the worker computed stands
    case ChromeStrip::Outcome::kOnlyChrome:
      return MarkWeakHere(a, "weak extraction (only known site chrome)");
    case ChromeStrip::Outcome::kStripped:
      break;
  }
  a->doc.text = std::move(strip.text);
  a->text_stripped = true;
  const int words = scan::CountWords(a->doc.text, kWeakTextWords);
  if (words < kWeakTextWords) {
    return MarkWeakHere(a, "weak extraction (" + WordCount(words) +
                               " once known site chrome is taken out)");
  }
  a->fingerprint = fingerprinter_.Compute(strip.folded);  // the digest stays: see Analyzed
}

// The reason names what made the page weak, then the rule: kept apart from near-duplicate
// detection, a duplicate only of the same bytes.
bool Decider::DecideWeak(const Analyzed& a, ReportRow* row) {
  row->extraction = ExtractionName(a.doc.extraction);
  const Match match = index_.FindExact(a.digest);
  if (match.kind == Match::Kind::kNone) {
    row->status = kept_status_;
    row->reason = a.weak_reason +
                  ": kept apart from near-duplicate detection; exact duplicate only of identical bytes";
    return true;
  }
  row->status = "duplicate";
  row->duplicate_of = IdOf(match.ordinal);
  row->reason = a.weak_reason + ": exact duplicate of identical bytes";
  return false;
}

// Whether this page is evidence of its site's chrome. Not when the archive has seen its
// address, or holds its text, from an earlier night: it counted then (counting it each
// night it is crawled again would turn its own paragraphs into chrome); nor when it
// repeats a page its site has counted tonight. None of this depends on what the run
// decides: the archive is what it was when the run began.
void ChromeLearner::Count(const Analyzed& a, bool archive_holds_text) {
  const bool counts = !counted_.SeenAddress(AddressHash(a.doc.url, a.doc.source)) && !archive_holds_text &&
                      !counted_.RepeatsOrCount(a.doc.site, a.digest, a.fingerprint);
  if (!counts) chrome_.Unobserve(a.doc.site, a.paragraph_keys);
}

bool StartRow(const Analyzed& a, ReportRow* row) {
  row->source = a.doc.source;
  row->url = a.doc.url;
  if (!a.doc.skipped()) return false;
  row->status = "skipped";
  row->reason = a.doc.skip_reason;
  return true;
}

bool Decider::Decide(Analyzed* a, ReportRow* row) {
  if (StartRow(*a, row)) return false;
  if (a->doc.extraction == Extraction::kExtracted) learner_.Strip(a);
  if (a->doc.extraction != Extraction::kExtracted) return DecideWeak(*a, row);
  // A story crawled again or copied on its own site is counted once: counting each copy
  // would make its own short paragraphs chrome, change its fingerprint on the next night
  // and hide it from its first copy. Of the lookup only an exact match in the archive is
  // asked about, which no decision of the run can change: an equal digest is always
  // found first, at its smallest ordinal.
  const Match match = index_.Find(a->digest, a->fingerprint);
  learner_.Count(*a, match.kind == Match::Kind::kExact && match.ordinal <= seeded_ordinal_);
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
  t.weak += row.extraction == "weak";
  t.empty += row.extraction == "empty";
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
