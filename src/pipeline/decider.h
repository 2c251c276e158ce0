// The one deciding stage of a run. Sees documents strictly in input order, so chrome
// learning, duplicate choices and ids never depend on the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/analyze.h"
#include "simshard/archive.h"
#include "simshard/dedup.h"
#include "simshard/normalize.h"
#include "simshard/pipeline.h"

namespace simshard::pipeline {

// 16 lowercase hex digits: the document id derived from its content digest.
std::string DocumentId(const Digest& digest);

// The pages the chrome model has counted, each site apart. A page that repeats one of them
// (the same text, or a near duplicate by the run's own options) is the same story again,
// on the same site: no evidence of chrome. Only pages of the same site are compared, so
// what the model learns depends on the pages of each site, in input order, and on nothing
// the run decides about copies across sites (doc/INPUTS.md, "Page chrome").
class CountedPages {
 public:
  explicit CountedPages(const DedupOptions& options) : index_(options) {}
  // An address (AddressHash) the archive has seen on an earlier night: a page there was
  // counted then, and is not counted again however often it is crawled.
  void AddSeenAddress(int64_t hash) { seen_.push_back(static_cast<int32_t>(hash)); }
  void ReserveSeen(uint64_t addresses) { seen_.reserve(addresses); }
  bool SeenAddress(int64_t hash);
  // True when `site` has a counted page that this one repeats; else it is counted now.
  bool RepeatsOrCount(std::string_view site, const Digest& digest, const Fingerprint& fp);

 private:
  DedupIndex index_;  // fingerprints and digests under a mask of their site
  uint64_t counted_ = 0;
  std::vector<int32_t> seen_;  // sorted at the first lookup: 4 bytes an address
  bool seen_sorted_ = false;
};

// What the deciding loop (DecideAll) asks of a decider: one decision per document, in
// input order, and the kept ones registered under the ordinal the archive gives them.
class DocumentDecider {
 public:
  virtual ~DocumentDecider() = default;
  // Fills `row` except for an archived id; true when the document is new and kept.
  virtual bool Decide(Analyzed* a, ReportRow* row) = 0;
  // Registers a kept document under `ordinal`, with its id's 16 hex digits as a number.
  virtual void KeepId(uint64_t ordinal, uint64_t id, const Digest& digest, const Fingerprint& fp,
                      Extraction extraction) = 0;
  // The ordinal the next kept document gets.
  virtual uint64_t next_ordinal() const = 0;
  // Damage met on the way that Decide could not return (files a decider reads); the
  // deciding loop fails the run with it.
  virtual Status status() const { return Status::OK(); }
};

// The per-site chrome model as a run uses it: learned from each site's pages in input
// order, taken out of each page's text. What it learns depends on the pages of each site
// and on the archive as the run found it, never on a dedup decision, so it can run as a
// stage of its own before matching (doc/INPUTS.md, "Page chrome").
class ChromeLearner {
 public:
  ChromeLearner(const DedupOptions& dedup, Fingerprinter fingerprinter, ChromeModel chrome)
      : counted_(dedup), fingerprinter_(std::move(fingerprinter)), chrome_(std::move(chrome)) {}

  void SeedSeenAddress(int64_t hash) { counted_.AddSeenAddress(hash); }
  void ReserveSeen(uint64_t addresses) { counted_.ReserveSeen(addresses); }

  // Learns from an extracted page and takes known chrome out of its text (refingerprinting
  // it), or marks it weak when little or nothing else is left.
  void Strip(Analyzed* a);
  // After Strip, for a page still extracted: takes it back out of its site's counts unless
  // it is evidence of chrome. `archive_holds_text`: the archive holds its digest.
  void Count(const Analyzed& a, bool archive_holds_text);

  const ChromeModel& chrome() const { return chrome_; }

 private:
  void MarkWeakHere(Analyzed* a, std::string why);

  CountedPages counted_;
  Fingerprinter fingerprinter_;
  ChromeModel chrome_;
};

class Decider : public DocumentDecider {
 public:
  // `kept_status` is the report status of a new document ("archived", or "kept" when
  // nothing is archived).
  Decider(DedupOptions dedup, Fingerprinter fingerprinter, ChromeModel chrome,
          std::string kept_status = "archived");

  // A document already in the archive (earlier nights), in archive order. False when
  // its catalog digest is malformed (it is still indexed by fingerprint). A weak or empty
  // one is indexed for exact lookups only.
  bool Seed(const FingerprintRow& row);
  // An address the archive has seen (ArchiveWriter::ForEachSeenAddress).
  void SeedSeenAddress(int64_t hash) { learner_.SeedSeenAddress(hash); }
  void Reserve(uint64_t documents) {
    index_.Reserve(documents);
    ids_.reserve(documents);
    learner_.ReserveSeen(documents);
  }

  // Learns and strips chrome (ChromeLearner), then looks for an earlier document this one
  // repeats. Fills `row` except for an archived id. Returns true when the document is new
  // and should be kept.
  // A weak or empty page (as extracted, or once known chrome is out) is looked up by the
  // digest of its bytes alone and teaches the chrome model nothing (doc/DEDUP.md).
  bool Decide(Analyzed* a, ReportRow* row) override;

  // Registers a kept document under `ordinal` (its archive order) and id; a weak or
  // empty one for exact lookups only.
  void Keep(uint64_t ordinal, std::string_view id, const Digest& digest, const Fingerprint& fp,
            Extraction extraction = Extraction::kExtracted);
  // The same with the id's 16 hex digits as a number: nothing to parse.
  void KeepId(uint64_t ordinal, uint64_t id, const Digest& digest, const Fingerprint& fp,
              Extraction extraction = Extraction::kExtracted) override;

  // The ordinal the next kept document gets: one past the largest seeded or kept, as the
  // archive numbers them, so the decider need not wait for the writer to learn it.
  uint64_t next_ordinal() const override { return last_ordinal_ + 1; }

  uint64_t indexed() const { return index_.size(); }
  const ChromeModel& chrome() const { return learner_.chrome(); }
  const DedupStats& dedup_stats() const { return index_.stats(); }

 private:
  bool DecideWeak(const Analyzed& a, ReportRow* row);
  std::string IdOf(uint64_t ordinal) const;

  ChromeLearner learner_;
  DedupIndex index_;
  std::vector<uint64_t> ids_;  // by ordinal - 1; 8 bytes a document, not a string
  uint64_t last_ordinal_ = 0;
  uint64_t seeded_ordinal_ = 0;  // the archive's last: larger ordinals are tonight's
  const std::string kept_status_;
};

// Every decision's row begins with the page's source and URL; a skipped page's row is then
// whole (status and reason), and this returns true.
bool StartRow(const Analyzed& a, ReportRow* row);

// Running counts of a run, kept by the deciding thread.
void CountDecision(const ReportRow& row, uint64_t input_bytes, RunSummary* summary);

}  // namespace simshard::pipeline
