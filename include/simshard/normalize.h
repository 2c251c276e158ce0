// Stage 2: normalize. Removes page chrome that repeats across a site's pages and folds
// article text into the form fingerprints are computed from.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "simshard/status.h"

namespace simshard {

// Article text cut into paragraphs (separated by blank lines), as views into `text`.
std::vector<std::string_view> SplitParagraphs(std::string_view text);

// A key for a paragraph that ignores case, punctuation and spacing, so chrome with a
// changed date or a curly quote still matches itself.
uint64_t ParagraphKey(std::string_view paragraph);

// Folds `text` once for both uses: `folded` becomes FoldForFingerprint(text) and
// `paragraph_keys` ParagraphKey(p) for each p of SplitParagraphs(text), in order. Both
// outputs are overwritten (pass the same ones again to reuse their memory).
void FoldWithParagraphKeys(std::string_view text, std::string* folded,
                           std::vector<uint64_t>* paragraph_keys);

// Learns which paragraphs repeat across many pages of one site (menus, appeals, cookie
// notices that survived extraction) and says which to drop. Observations happen in input
// order on one thread so decisions do not depend on the thread count.
class ChromeModel {
 public:
  explicit ChromeModel(uint32_t min_pages = 3) : min_pages_(min_pages) {}

  // The keys of a text's paragraphs that the model learns from (short enough to be
  // chrome), each once: what Observe() wants for one page.
  static std::vector<uint64_t> Keys(std::string_view text);

  // Counts each distinct key once for this page of `site`. Call in input order.
  void Observe(std::string_view site, std::span<const uint64_t> paragraph_keys);
  bool IsChrome(std::string_view site, uint64_t paragraph_key) const;

  // Returns `text` without the paragraphs this model knows as chrome for `site`, or
  // `text` unchanged when every paragraph is known (then it is not chrome but a repeat).
  std::string Strip(std::string_view site, std::string_view text) const;

  // Persisted in the catalog between nights (printable text; paragraphs seen on one
  // page only are not kept).
  std::string Serialize() const;
  static Result<ChromeModel> Deserialize(std::string_view bytes);

  uint32_t min_pages() const { return min_pages_; }

 private:
  using Counts = std::unordered_map<uint64_t, uint32_t>;  // paragraph key -> pages
  void ForgetSingletons();

  uint32_t min_pages_;
  std::unordered_map<std::string, Counts> counts_;
  size_t tracked_ = 0;  // (site, key) pairs held
};

// The fingerprint form of article text: Unicode NFKC, case folded, punctuation dropped,
// one space between words, words found by ICU's word breaker (so Chinese and Japanese
// yield real tokens). Only fingerprints and digests see this form.
// ASCII text takes a fast path with the same output as the ICU path.
std::string FoldForFingerprint(std::string_view text);

// FoldForFingerprint without the ASCII fast path (for tests and measurements).
std::string FoldForFingerprintIcuOnly(std::string_view text);

}  // namespace simshard
