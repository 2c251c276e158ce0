// Finds the article in a flattened page and renders it as text: Readability's content
// scoring (paragraphs score their ancestors, link density discounts them), the best
// candidate's siblings joined, furniture and link-heavy blocks inside it cleaned out,
// and weaker settings retried when the result is weak (kWeakTextWords). See doc/INPUTS.md.
#pragma once

#include <string>

#include "scan/html_dom.h"

namespace simshard::scan {

// The named thresholds of article extraction (doc/INPUTS.md explains each).
struct ContentRules {
  static constexpr uint32_t kMinParagraphChars = 25;  // shorter blocks do not score
  static constexpr int kAncestorLevels = 5;           // a paragraph scores this far up
  static constexpr int kTopCandidates = 5;
  static constexpr double kAlternativeShare = 0.75;   // of the top score
  static constexpr int kMinAlternatives = 3;
  static constexpr double kSiblingShare = 0.2;        // of the top score
  static constexpr double kMinSiblingScore = 10;
  static constexpr uint32_t kMinMarkedBodyChars = 250;  // itemprop=articleBody trusted
  static constexpr int kMaxCleanCommas = 10;          // blocks with more are never cleaned
  static constexpr double kMaxCleanShare = 0.5;       // of the article: never cleaned out
  static constexpr double kMaxListLinkDensity = 0.5;  // a list mostly of links is not text
  // A block whose class says meta, footer or tags ("postmetadata", "entry-footer",
  // "post-tags") below the story's start goes when it holds fewer characters than this:
  // "Posted in News | 4 comments", "This entry was filed under ...". The story starts at
  // the first block with kStoryStartChars of its own text; above it the meta line is the
  // byline and date.
  static constexpr uint32_t kMaxPostMetaChars = 500;
  static constexpr uint32_t kStoryStartChars = 80;
  // A retry whose text lies more than this share inside reader-comment boxes does not
  // replace a first attempt that found some text (a short post above its thread).
  static constexpr double kMaxRetryCommentShare = 0.5;
  // An attempt whose text is more than this share link text found a list of links (a
  // sidebar's categories or archive), not an article: any other attempt's text wins.
  static constexpr double kMaxRetryLinkShare = 0.5;
};

// Paragraphs separated by "\n\n"; empty when the page has no text at all.
std::string ExtractArticleText(const Dom& dom);

}  // namespace simshard::scan
