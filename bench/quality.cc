// Near-duplicate quality on a labeled set generated from the BBC corpus, through the
// real code path (Extract, ChromeModel, FoldForFingerprint, Fingerprinter, DedupIndex, in
// the pipeline's Decider), beside the plain SimHash baseline (word 3-grams, k=3, no
// verification). Then the real corpus: the byte-identical groups and every
// near-duplicate found, with its distance, for review.
//
//   bench/quality [CORPUS.tar.zst [--no-ablations]]
//   (default ../shared/corpora/bbc-news-2004-2005.tar.zst; QUALITY_VERBOSE=1 explains misses)
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "pipeline/analyze.h"
#include "pipeline/decider.h"
#include "quality_corpus.h"
#include "quality_eval.h"
#include "simshard/archive.h"
#include "simshard/dedup.h"
#include "simshard/fingerprint.h"

namespace {

using simshard::DedupOptions;
using simshard::FingerprintConfig;
using simshard::RawItem;
using simshard::pipeline::Analyzed;
using simshard::pipeline::Decider;

struct Decision {
  std::string status;   // as in the report
  int duplicate_of = -1;  // index of the kept document repeated
  int distance = -1;
  double similarity = -1;
  simshard::Fingerprint fingerprint;  // after chrome removal
  bool weak = false;  // weak or empty: kept apart from near-duplicate detection
};

struct Setting {
  std::string name;
  FingerprintConfig config;
  DedupOptions options;
  bool two_nights = true;  // also run split over two nights
};

// Decides every item in order, as `nights` consecutive runs: each night starts a fresh
// Decider from what the earlier nights kept (fingerprints as the catalog stores them,
// the chrome model serialized and read back).
std::vector<Decision> Run(const std::vector<RawItem>& items, const Setting& setting, int nights,
                          simshard::DedupStats* stats) {
  const simshard::Fingerprinter fingerprinter(setting.config);
  std::vector<Decision> decisions(items.size());
  struct Kept {
    uint64_t ordinal;
    std::string id;
    simshard::Digest digest;
    simshard::Fingerprint fingerprint;
    simshard::Extraction extraction;
  };
  std::vector<Kept> kept;
  std::string chrome_bytes = simshard::ChromeModel().Serialize();
  const size_t per_night = (items.size() + nights - 1) / nights;
  for (int night = 0; night < nights; ++night) {
    auto chrome = simshard::ChromeModel::Deserialize(chrome_bytes);
    Decider decider(setting.options, fingerprinter, chrome.ok() ? *chrome : simshard::ChromeModel());
    decider.Reserve(kept.size());
    // As a run seeds from the catalog: the earlier nights' documents, and the addresses of
    // every page they saw (archived or dropped).
    for (const Kept& k : kept) {
      simshard::FingerprintRow row;
      row.ordinal = k.ordinal;
      row.id = std::stoull(k.id, nullptr, 16);  // as Keep() reads it
      row.digest_high = k.digest.high;
      row.digest_low = k.digest.low;
      row.simhash = k.fingerprint.simhash;
      row.sketch = std::string_view(reinterpret_cast<const char*>(k.fingerprint.sketch.data()),
                                    sizeof k.fingerprint.sketch);
      row.extraction = k.extraction;
      decider.Seed(row);
    }
    for (size_t i = 0; i < night * per_night; ++i)
      decider.SeedSeenAddress(simshard::AddressHash(items[i].url, items[i].source));
    const size_t end = std::min(items.size(), (night + 1) * per_night);
    for (size_t i = night * per_night; i < end; ++i) {
      RawItem item = items[i];
      Analyzed a = simshard::pipeline::Analyze(std::move(item), simshard::ScanOptions{},
                                               fingerprinter);
      a.doc.seq = i;
      simshard::ReportRow row;
      Decision& d = decisions[i];
      if (decider.Decide(&a, &row)) {
        Kept k{kept.size() + 1, std::to_string(i), a.digest, a.fingerprint, a.doc.extraction};
        decider.Keep(k.ordinal, k.id, k.digest, k.fingerprint, k.extraction);
        kept.push_back(std::move(k));
      }
      d.status = row.status;
      d.fingerprint = a.fingerprint;
      d.weak = !row.extraction.empty();
      if (!row.duplicate_of.empty()) d.duplicate_of = std::stoi(row.duplicate_of);
      d.distance = row.distance;
      d.similarity = row.similarity;
    }
    chrome_bytes = decider.chrome().Serialize();
    stats->lookups += decider.dedup_stats().lookups;
    stats->candidates += decider.dedup_stats().candidates;
    stats->false_candidates += decider.dedup_stats().false_candidates;
  }
  return decisions;
}

struct Score {
  int true_duplicates = 0, flagged = 0, right = 0, skipped = 0, weak = 0;
  std::map<std::string, int> missed_by_kind, wrong_by_kind;
  double recall() const { return true_duplicates ? double(right) / true_duplicates : 1; }
  double precision() const { return flagged ? double(right) / flagged : 1; }
};

// Why a duplicate was missed: its closest earlier page of the same story.
void ExplainMiss(const std::vector<simshard_bench::EvalDoc>& docs,
                 const std::vector<Decision>& decisions, size_t i) {
  int best = 65;
  double similarity = 0;
  for (size_t j = 0; j < i; ++j) {
    if (docs[j].story != docs[i].story) continue;
    const int d = simshard::HammingDistance(decisions[i].fingerprint.simhash,
                                            decisions[j].fingerprint.simhash);
    if (d < best) {
      best = d;
      similarity = simshard::SketchSimilarity(decisions[i].fingerprint, decisions[j].fingerprint);
    }
  }
  std::printf("    missed %-8s %-34s distance %2d similarity %.2f\n", docs[i].kind.c_str(),
              docs[i].item.source.c_str(), best, similarity);
}

// A document is a true duplicate when an earlier one tells the same story; a flag is
// right when the document it names tells the same story.
Score Evaluate(const std::vector<simshard_bench::EvalDoc>& docs,
               const std::vector<Decision>& decisions) {
  Score s;
  std::map<int, int> seen;
  for (size_t i = 0; i < docs.size(); ++i) {
    const bool is_duplicate = seen[docs[i].story]++ > 0;
    const Decision& d = decisions[i];
    const bool flagged = d.status == "duplicate" || d.status == "near-duplicate";
    s.skipped += d.status == "skipped";
    s.weak += d.weak;
    s.true_duplicates += is_duplicate;
    if (flagged) {
      ++s.flagged;
      const bool right = d.duplicate_of >= 0 && docs[d.duplicate_of].story == docs[i].story;
      s.right += right;
      if (!right) ++s.wrong_by_kind[docs[i].kind];
    }
    if (is_duplicate && !flagged) {
      ++s.missed_by_kind[docs[i].kind];
      if (std::getenv("QUALITY_VERBOSE")) ExplainMiss(docs, decisions, i);
    }
  }
  return s;
}

std::string Counts(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [kind, n] : counts) out += " " + kind + "=" + std::to_string(n);
  return out.empty() ? " none" : out;
}

void EvaluateMix(const std::vector<simshard_bench::BbcArticle>& articles,
                 simshard_bench::EditMix mix, const std::vector<Setting>& settings) {
  if (settings.empty()) return;
  const auto docs = simshard_bench::EvalGenerator(mix, 2005).Generate(articles);
  std::vector<RawItem> items;
  std::map<std::string, int> kinds;
  for (const auto& d : docs) {
    items.push_back(d.item);
    ++kinds[d.kind];
  }
  std::printf("\nlabeled set, %s edits: %zu pages (%s)\n", mix.name, docs.size(),
              Counts(kinds).c_str() + 1);
  std::printf("  %-34s %-6s %7s %9s %9s %10s  %s\n", "setting", "nights", "recall", "precision",
              "cand/look", "false/look", "missed / wrongly merged");
  for (const Setting& setting : settings) {
    for (int nights : {1, 2}) {
      if (nights == 2 && !setting.two_nights) continue;
      simshard::DedupStats stats;
      const Score s = Evaluate(docs, Run(items, setting, nights, &stats));
      std::printf("  %-34s %-6d %7.4f %9.4f %9.3f %10.3f  missed:%s; wrong:%s\n",
                  setting.name.c_str(), nights, s.recall(), s.precision(),
                  stats.lookups ? double(stats.candidates) / stats.lookups : 0.0,
                  stats.lookups ? double(stats.false_candidates) / stats.lookups : 0.0,
                  Counts(s.missed_by_kind).c_str(), Counts(s.wrong_by_kind).c_str());
      if (s.skipped) std::printf("    (%d pages skipped by the scanner)\n", s.skipped);
      if (s.weak) std::printf("    (%d pages weak or empty: kept apart from near-duplicate detection)\n", s.weak);
    }
  }
}

// The corpus as it is: every byte-identical group must collapse to one kept copy, and
// every near-duplicate found is listed for review.
void CheckRealCorpus(const std::vector<simshard_bench::BbcArticle>& articles) {
  std::vector<RawItem> items;
  for (size_t i = 0; i < articles.size(); ++i) {
    RawItem item;
    item.seq = i;
    item.source = articles[i].path;
    item.format = simshard::ItemFormat::kText;
    item.bytes = articles[i].text;
    items.push_back(std::move(item));
  }
  simshard::DedupStats stats;
  const Setting ours{"shipped", FingerprintConfig{}, DedupOptions::Defaults()};
  const auto decisions = Run(items, ours, 1, &stats);
  std::map<std::string, std::vector<int>> groups;
  for (size_t i = 0; i < articles.size(); ++i) groups[articles[i].text].push_back(i);
  int identical_groups = 0, collapsed = 0;
  for (const auto& [text, members] : groups) {
    if (members.size() < 2) continue;
    ++identical_groups;
    int kept = 0;
    for (int m : members) {
      kept += decisions[m].status != "duplicate" && decisions[m].status != "near-duplicate";
    }
    collapsed += kept == 1;
  }
  std::printf("\nreal corpus: %zu articles, %d groups of byte-identical articles, %d collapse to "
              "one kept copy\n", articles.size(), identical_groups, collapsed);
  int near = 0;
  for (size_t i = 0; i < decisions.size(); ++i) {
    const Decision& d = decisions[i];
    if (d.status != "near-duplicate") continue;
    ++near;
    std::printf("  near-duplicate %-26s of %-26s distance %d similarity %.2f\n",
                articles[i].path.c_str(), articles[d.duplicate_of].path.c_str(), d.distance,
                d.similarity);
  }
  std::printf("  %d near-duplicates; %.3f candidates and %.3f false candidates per lookup\n", near,
              double(stats.candidates) / stats.lookups,
              double(stats.false_candidates) / stats.lookups);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string corpus =
      argc > 1 ? argv[1] : "../shared/corpora/bbc-news-2004-2005.tar.zst";
  const auto articles = simshard_bench::LoadBbcArticles(corpus);
  if (articles.empty()) {
    std::printf("quality: skipped, corpus %s not found\n", corpus.c_str());
    return 0;
  }
  std::printf("quality: %zu articles from %s\n", articles.size(), corpus.c_str());
  const FingerprintConfig shipped;
  const DedupOptions defaults = DedupOptions::Defaults();
  FingerprintConfig plain;  // textbook SimHash over one kind of feature
  plain.unigram_weight = plain.bigram_weight = plain.trigram_weight = 0;
  plain.lead_words = 0;
  plain.letter_set_tokens = false;
  FingerprintConfig trigrams = plain, unigrams = plain;
  trigrams.trigram_weight = 1;
  unigrams.unigram_weight = 1;
  DedupOptions k3;
  k3.max_distance = 3;
  k3.min_similarity = 0.0;
  DedupOptions unverified = defaults;
  unverified.min_similarity = 0.0;
  FingerprintConfig no_lead = shipped, no_letter_set = shipped, no_ramps = shipped;
  FingerprintConfig more_unigrams = shipped;
  no_ramps.lead_ramp_words = 0;
  more_unigrams.unigram_weight = 3;
  more_unigrams.bigram_weight = 2;
  no_lead.lead_words = 0;
  no_letter_set.letter_set_tokens = false;
  const std::string k = "k=" + std::to_string(defaults.max_distance);
  const std::vector<Setting> settings = {
      {"shipped (" + k + ", verified)", shipped, defaults},
      {"baseline: word 3-grams, k=3", trigrams, k3},
  };
  // What each part of the shipped design adds (one night, calibrated edits).
  const std::vector<Setting> ablations = {
      {"word unigrams, k=3", unigrams, k3, false},
      {"word 3-grams, " + k, trigrams, defaults, false},
      {"shipped, no lead weighting", no_lead, defaults, false},
      {"shipped, exact word hashes", no_letter_set, defaults, false},
      {"shipped, no verification", shipped, unverified, false},
      {"shipped, lead as a step (no ramps)", no_ramps, defaults, false},
      {"shipped, unigram:bigram weights 3:2", more_unigrams, defaults, false},
  };
  EvaluateMix(articles, simshard_bench::kCalibratedEdits, settings);
  if (argc <= 2 || std::string(argv[2]) != "--no-ablations") {
    EvaluateMix(articles, simshard_bench::kCalibratedEdits, ablations);
  }
  EvaluateMix(articles, simshard_bench::kHarshEdits, settings);
  CheckRealCorpus(articles);
  return 0;
}
