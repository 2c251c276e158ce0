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

// Learns which paragraphs repeat across many pages of one site (menus, appeals, cookie
// notices that survived extraction) and says which to drop. Observations happen in input
// order on one thread so decisions do not depend on the thread count.
class ChromeModel {
 public:
  explicit ChromeModel(uint32_t min_pages = 3) : min_pages_(min_pages) {}

  void Observe(std::string_view site, std::span<const uint64_t> paragraph_keys);
  bool IsChrome(std::string_view site, uint64_t paragraph_key) const;

  // Returns `text` without the paragraphs this model knows as chrome for `site`.
  std::string Strip(std::string_view site, std::string_view text) const;

  // Persisted in the catalog between nights.
  std::string Serialize() const;
  static Result<ChromeModel> Deserialize(std::string_view bytes);

 private:
  uint32_t min_pages_;
  std::unordered_map<std::string, std::unordered_map<uint64_t, uint32_t>> counts_;
};

// The fingerprint form of article text: Unicode NFKC, case folded, punctuation dropped,
// one space between words, words found by ICU's word breaker (so Chinese and Japanese
// yield real tokens). Only fingerprints and digests see this form.
std::string FoldForFingerprint(std::string_view text);

}  // namespace simshard
