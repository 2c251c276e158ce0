// What a paragraph is, for everything that works on article text paragraph by paragraph
// (the comment-thread cut, the chrome rules, the learned chrome model): a piece of text
// between blank lines ("\n\n"), without the ASCII white space around it, when anything
// is left. One definition, so that what one of them calls a paragraph the others do too.
#pragma once

#include <string_view>
#include <type_traits>
#include <vector>

namespace simshard {

inline bool IsParagraphSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// Calls fn(offset, paragraph) for each paragraph of `text` in order, `offset` being where
// the paragraph starts in `text`. An fn that returns bool stops the walk with false.
template <typename Fn>
void ForEachParagraph(std::string_view text, Fn&& fn) {
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find("\n\n", pos);
    if (end == std::string_view::npos) end = text.size();
    size_t first = pos, last = end;
    while (first < last && IsParagraphSpace(text[first])) ++first;
    while (last > first && IsParagraphSpace(text[last - 1])) --last;
    if (first < last) {
      const std::string_view p = text.substr(first, last - first);
      if constexpr (std::is_same_v<std::invoke_result_t<Fn&, size_t, std::string_view>, bool>) {
        if (!fn(first, p)) return;
      } else {
        fn(first, p);
      }
    }
    pos = end + 2;
  }
}

// The paragraphs of `text`, as views into it.
inline std::vector<std::string_view> SplitParagraphs(std::string_view text) {
  std::vector<std::string_view> out;
  ForEachParagraph(text, [&](size_t, std::string_view p) { out.push_back(p); });
  return out;
}

}  // namespace simshard
