// Article text and metadata from an HTML page, parsed with gumbo. All tree walks are
// iterative; pages nested deeper than gumbo can safely free are refused up front.
#pragma once

#include <string>
#include <string_view>

#include "simshard/status.h"

namespace simshard::scan {

struct HtmlArticle {
  std::string text;   // paragraphs separated by "\n\n", whitespace tidied
  std::string title;  // og:title, <title>, first <h1>
  std::string url;    // link rel=canonical, og:url (absolute URLs only)
  std::string date;   // article:published_time, <time datetime>, meta date
};

// Elements deeper than this make the page a skipped input: gumbo frees its tree
// recursively and checks element scopes by walking the stack of open elements, so depth
// is bounded before parsing. Real pages stay far below it.
inline constexpr int kMaxHtmlNesting = 1000;

// Upper bound on the element nesting depth of `html`, from a cheap tag scan.
int EstimateNesting(std::string_view html);

// `html` without the contents of <script> and <style> elements (the tags stay) and
// without comments: what the parser needs to see for article text.
std::string WithoutScriptsAndComments(std::string_view html);

// NotSupported for a page nested deeper than kMaxHtmlNesting: a skipped input, whose skip
// reason is the message.
Result<HtmlArticle> ExtractHtml(std::string_view utf8_html);

}  // namespace simshard::scan
