// Small ASCII helpers shared by the scanner's parsers.
#pragma once

#include <string>
#include <string_view>

namespace simshard::scan {

inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline char AsciiLowerChar(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLowerChar(c);
  return out;
}

inline bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLowerChar(a[i]) != AsciiLowerChar(b[i])) return false;
  return true;
}

inline bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsNoCase(s.substr(0, prefix.size()), prefix);
}

inline bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsNoCase(s.substr(s.size() - suffix.size()), suffix);
}

inline std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The value of a `name=value` parameter in a header like Content-Type ("charset").
std::string HeaderParam(std::string_view header, std::string_view name);

// Host of an absolute URL, lowercased, without port or user info; empty if none.
std::string UrlHost(std::string_view url);

// "- item", "* item", "2. item", "3) item", bullets.
bool StartsLikeListItem(std::string_view line);

// Words in UTF-8 `text`, counted up to `limit`: runs of letters and digits (any byte of
// a multi-byte character counts as a letter), except that each character of a script
// written without spaces (CJK, kana, Thai) is a word of its own.
int CountWords(std::string_view text, int limit);

// Tidies extracted text: spaces and tabs collapse to one space, lines are trimmed, and
// paragraphs are separated by exactly one blank line. Every line is its own paragraph,
// unless the text is hard-wrapped (many lines fill a common width of 40-100 columns):
// then wrapped lines are joined with a space and a short line ends a paragraph.
std::string TidyText(std::string_view text);

}  // namespace simshard::scan
