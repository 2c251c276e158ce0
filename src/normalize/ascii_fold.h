// Folding shared by FoldForFingerprint, ParagraphKey and FoldWithParagraphKeys. On the
// ASCII side a letter or digit folds to itself lowercased, every other byte separates words.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace simshard::normalize {

// For each byte: its folded form when it is an ASCII letter or digit, else 0.
inline constexpr std::array<char, 256> kAsciiFold = [] {
  std::array<char, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<char>(c);
  for (int c = 'a'; c <= 'z'; ++c) table[c] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = static_cast<char>(c + 32);
  return table;
}();

inline bool IsAllAscii(std::string_view s) {
  uint64_t high = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    high |= word;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ull) == 0;
}

inline bool IsAsciiBreak(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// Appends the fold of `text` to `out`, one space before its first token when `out` is
// not empty: folding "a\n\nb" gives the same as folding "a" and then "b" onto it.
void AppendFold(std::string_view text, std::string* out);

// AppendFold that also says whether the appended tokens may include one made of digits
// only (false: certainly none), so paragraph keys can skip looking for them.
bool AppendFoldNotingNumbers(std::string_view text, std::string* out);

}  // namespace simshard::normalize
