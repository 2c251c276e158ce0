// The documented rule set for page chrome that survives markup or lives in plain text
// (see doc/INPUTS.md): donation appeals, cookie notices, share bars, "read more" and
// related-link lists, newsletter signups, button labels.
#pragma once

#include <string>
#include <string_view>

namespace simshard::scan {

struct ChromeRuleStats {
  size_t paragraphs_removed = 0;
  size_t bytes_removed = 0;
};

// `text` is paragraphs separated by "\n\n". Returns it without the paragraphs the rules
// match. Never removes every paragraph: a page that is all "chrome" is kept as it is.
// A menu in a plain text page: four or more short items set apart by runs of spaces
// ("Home  News  Sport  Culture"). Judged on the raw line, before spaces are tidied.
bool IsSpacedMenuLine(std::string_view line);

std::string RemoveRuleChrome(std::string_view text, ChromeRuleStats* stats = nullptr);
// The same in place: `text` is left as it is when nothing goes.
void RemoveRuleChrome(std::string* text, ChromeRuleStats* stats = nullptr);

}  // namespace simshard::scan
