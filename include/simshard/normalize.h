// Stage 2: normalize. Removes page chrome that repeats across a site's pages and folds
// article text into the form fingerprints are computed from.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "simshard/status.h"

namespace simshard {

// A key for a paragraph that ignores case, punctuation and spacing, so chrome with a
// changed date or a curly quote still matches itself.
uint64_t ParagraphKey(std::string_view paragraph);

// Folds `text` once for both uses: `folded` becomes FoldForFingerprint(text) and
// `paragraph_keys` ParagraphKey(p) for each paragraph p of `text` (util/paragraphs.h), in order. Both
// outputs are overwritten (pass the same ones again to reuse their memory).
void FoldWithParagraphKeys(std::string_view text, std::string* folded,
                           std::vector<uint64_t>* paragraph_keys);

// What the learned chrome model makes of one page (ChromeModel::Apply).
struct ChromeStrip {
  enum class Outcome {
    kUnchanged,   // no paragraph of the page is known chrome of its site
    kOnlyChrome,  // nothing but known chrome (and symbols): the text is no evidence
    kStripped,    // some paragraphs went: `text` and `folded` are set
  };
  Outcome outcome = Outcome::kUnchanged;
  std::string text;    // the page's text without its known chrome
  std::string folded;  // FoldForFingerprint(text): what the fingerprint is computed from
  size_t paragraphs_removed = 0;
};

// Learns which paragraphs repeat across many pages of one site (menus, appeals, cookie
// notices that survived extraction) and says which to drop. Observations happen in input
// order on one thread so decisions do not depend on the thread count.
class ChromeModel {
 public:
  // Pages of a site a paragraph must be on to be chrome, for a new archive (an archive's
  // model keeps the figure it was started with). At 3, a story's short quotes, found on
  // three of a site's stories, became chrome (doc/INPUTS.md, "Page chrome").
  static constexpr uint32_t kDefaultMinPages = 5;

  explicit ChromeModel(uint32_t min_pages = kDefaultMinPages) : min_pages_(min_pages) {}

  // The keys of a text's paragraphs that the model learns from (short enough to be
  // chrome), each once: what Observe() wants for one page.
  static std::vector<uint64_t> Keys(std::string_view text);

  // Counts each distinct key once for this page of `site`. Call in input order.
  void Observe(std::string_view site, std::span<const uint64_t> paragraph_keys);
  // Takes back an Observe() of the same keys: for a page that turned out to repeat one
  // already counted (a duplicate, a syndicated copy), which is no evidence of chrome.
  void Unobserve(std::string_view site, std::span<const uint64_t> paragraph_keys);
  bool IsChrome(std::string_view site, uint64_t paragraph_key) const;
  // How many of `paragraph_keys` are chrome of `site` (repeats counted): the site is
  // looked up once for the page.
  size_t CountChrome(std::string_view site, std::span<const uint64_t> paragraph_keys) const;

  // The learned half of chrome removal, text in and text out (the other half, per page,
  // is in the extraction: doc/INPUTS.md). `paragraph_keys` are the keys of the
  // paragraphs of `text` in order, as FoldWithParagraphKeys gives them, so no paragraph
  // is folded again. Paragraphs longer than a chrome paragraph can be always stay.
  ChromeStrip Apply(std::string_view site, std::string_view text,
                    std::span<const uint64_t> paragraph_keys) const;

  // Persisted in the catalog between nights (printable text; paragraphs seen on one
  // page only are not kept).
  std::string Serialize() const;
  static Result<ChromeModel> Deserialize(std::string_view bytes);

  uint32_t min_pages() const { return min_pages_; }

 private:
  // Paragraph key -> pages, in one array with open addressing: a node-based map spent
  // most of its time allocating nodes and rehashing.
  class Counts {
   public:
    // The count of `key`, added as 0 when missing (then `*added` is set).
    uint32_t& FindOrAdd(uint64_t key, bool* added);
    // Grows now, so that `more` keys can be added without moving slots (then prefetched
    // slots stay valid).
    void ReserveFor(size_t more);
    // Asks for the cache line where `key` is or would go.
    void Prefetch(uint64_t key) const;
    const uint32_t* Find(uint64_t key) const;
    uint32_t* FindMutable(uint64_t key);
    size_t size() const { return size_; }
    // Calls fn(key, count) for each entry, in no particular order.
    template <typename Fn>
    void ForEach(Fn&& fn) const {
      for (const Slot& slot : slots_)
        if (slot.used) fn(slot.key, slot.count);
    }
    // Keeps only the entries with a count above 1.
    void DropSingletons();

   private:
    struct Slot {
      uint64_t key = 0;
      uint32_t count = 0;
      bool used = false;
    };
    size_t HomeSlot(uint64_t key) const;  // where probing for `key` starts
    size_t SlotOf(uint64_t key) const;    // where `key` is or would go
    void Grow();

    std::vector<Slot> slots_;  // a power of two in size, at most 3/4 used
    size_t size_ = 0;
  };
  // Sites looked up by string_view without making a std::string.
  struct SiteHash {
    using is_transparent = void;
    size_t operator()(std::string_view site) const { return std::hash<std::string_view>()(site); }
  };
  void SetPageKeys(std::span<const uint64_t> paragraph_keys);
  void ForgetSingletons();

  uint32_t min_pages_;
  std::unordered_map<std::string, Counts, SiteHash, std::equal_to<>> counts_;
  size_t tracked_ = 0;  // (site, key) pairs held
  std::vector<uint64_t> page_keys_;  // Observe's scratch space
};

// The fingerprint form of article text: Unicode NFKC, case folded, punctuation dropped,
// one space between words, words found by ICU's word breaker (so Chinese and Japanese
// yield real tokens). Only fingerprints and digests see this form.
// ASCII text takes a fast path with the same output as the ICU path.
std::string FoldForFingerprint(std::string_view text);

// FoldForFingerprint without the ASCII fast path (for tests and measurements).
std::string FoldForFingerprintIcuOnly(std::string_view text);

}  // namespace simshard
