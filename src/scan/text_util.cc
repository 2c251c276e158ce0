#include "scan/text_util.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "util/swar.h"

namespace simshard::scan {

std::string HeaderParam(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view rest = TrimAscii(header.substr(pos));
    if (!StartsWithNoCase(rest, name)) continue;
    rest.remove_prefix(name.size());
    rest = TrimAscii(rest);
    if (!rest.starts_with("=")) continue;
    rest = TrimAscii(rest.substr(1));
    const size_t end = rest.find_first_of(";, \t");
    std::string_view value = rest.substr(0, end);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
      value.remove_prefix(1);
      if (value.back() == '"' || value.back() == '\'') value.remove_suffix(1);
    }
    return std::string(value);
  }
  return {};
}

std::string UrlHost(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.starts_with("[")) rest = rest.substr(0, rest.find(':'));
  std::string host = AsciiLower(rest);
  if (host.starts_with("www.")) host.erase(0, 4);
  return host;
}

namespace {

inline bool IsLineSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

// One line with runs of spaces collapsed and the ends trimmed, appended to `out`. A line
// is trimmed, so each run of spaces becomes one space: a space byte is kept only when the
// byte before it is not one. Eight bytes at a time go through as they are when they hold
// no control byte and no space after a space.
void AppendCollapsedLine(std::string* out, std::string_view line) {
  line = TrimAscii(line);
  const size_t old = out->size();
  out->resize(old + line.size());  // collapsing never grows a line
  char* w = out->data() + old;
  const char* const p = line.data();
  const size_t n = line.size();
  constexpr uint64_t kSpaces = 0x2020202020202020ull;
  bool after_space = false;  // the byte before p[i] is a space (trimmed: not at the start)
  size_t i = 0;
  while (i < n) {
    if (std::endian::native == std::endian::little && i + 8 <= n) {
      const uint64_t x = LoadWord(p + i);
      const uint64_t spaces = ZeroBytes(x ^ kSpaces);
      const uint64_t controls = ZeroBytes(x & kNotControl);  // bytes below 0x20 (tabs, ...)
      const uint64_t follows_space = (spaces << 8) | (after_space ? 0x80 : 0);
      if (controls == 0 && (spaces & follows_space) == 0) {
        std::memcpy(w, &x, 8);
        w += 8;
        i += 8;
        after_space = (spaces >> 63) != 0;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(p[i++]);
    const bool space = IsLineSpace(c);
    if (!(space && after_space)) *w++ = space ? ' ' : static_cast<char>(c);
    after_space = space;
  }
  out->resize(w - out->data());
}

}  // namespace

namespace {

// The wrap width of hard-wrapped text (lines cut at ~72 columns, paragraphs ending in a
// short line), or 0 when the lines are not wrapped.
size_t WrapWidth(const std::vector<std::string_view>& lines) {
  std::vector<size_t> lengths;
  for (std::string_view line : lines)
    if (!TrimAscii(line).empty()) lengths.push_back(TrimAscii(line).size());
  if (lengths.size() < 4) return 0;
  const auto nth = lengths.begin() + lengths.size() * 9 / 10;
  std::nth_element(lengths.begin(), nth, lengths.end());
  const size_t width = *nth;
  if (width < 40 || width > 100) return 0;
  const size_t full = std::count_if(lengths.begin(), lengths.end(),
                                    [&](size_t n) { return n * 10 >= width * 7; });
  return full * 3 >= lengths.size() ? width : 0;
}

bool EndsSentence(std::string_view t) {
  while (!t.empty() && std::string_view("\"')]*").find(t.back()) != std::string_view::npos)
    t.remove_suffix(1);
  return !t.empty() && std::string_view(".!?").find(t.back()) != std::string_view::npos;
}

// "after six months" goes on a sentence; "iTunes" or "Ukraine" may start a new line.
bool StartsWithLowercaseWord(std::string_view t) {
  if (t.empty() || t[0] < 'a' || t[0] > 'z') return false;
  for (char c : t) {
    if (c == ' ') break;
    if (c >= 'A' && c <= 'Z') return false;
  }
  return true;
}

}  // namespace

bool StartsLikeListItem(std::string_view line) {
  line = TrimAscii(line);
  for (std::string_view bullet : {"- ", "* ", "\xE2\x80\xA2 ", "\xC2\xB7 ", "\xE2\x80\x93 "})
    if (line.starts_with(bullet)) return true;
  size_t digits = 0;
  while (digits < line.size() && digits < 3 && line[digits] >= '0' && line[digits] <= '9') ++digits;
  return digits > 0 && (line.substr(digits, 2) == ". " || line.substr(digits, 2) == ") ");
}

std::string TidyText(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  // A line break is line wrapping when a sentence goes on in lower case, or in
  // hard-wrapped text (most lines fill a common width) when a line that fills the width
  // runs on into one that fills it too or ends a sentence. Anything else
  // (a menu line, a byline, a list item, a cookie notice glued above the headline) is a
  // paragraph of its own.
  const size_t wrap = WrapWidth(lines);
  auto fills_width = [&](std::string_view t) {
    return t.size() * 10 >= wrap * 7 && t.size() <= wrap + 10;
  };
  auto runs_on_into = [&](std::string_view prev, std::string_view next) {
    if (StartsLikeListItem(next)) return false;
    if (StartsWithLowercaseWord(next) && !EndsSentence(prev)) return true;
    if (wrap == 0 || !fills_width(prev) || next.size() > wrap + 10) return false;
    return fills_width(next) || EndsSentence(next);
  };
  std::string out;
  out.reserve(text.size());
  std::string_view prev;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view t = TrimAscii(lines[i]);
    if (t.empty()) {
      prev = {};
      continue;
    }
    if (!out.empty()) out.append(!prev.empty() && runs_on_into(prev, t) ? " " : "\n\n");
    AppendCollapsedLine(&out, lines[i]);
    prev = t;
  }
  return out;
}

int CountWords(std::string_view text, int limit) {
  int words = 0;
  bool in_word = false;
  for (size_t i = 0; i < text.size() && words < limit;) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const bool alnum = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
      if (alnum && !in_word) ++words;
      in_word = alnum;
      ++i;
      continue;
    }
    const size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    uint32_t cp = 0;
    if (length == 3 && i + 2 < text.size())
      cp = ((c & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
    // General punctuation (dashes, quotes, ellipsis) and CJK punctuation (、。「」).
    const bool punctuation = (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F);
    // Thai, CJK and kana, compatibility ideographs, and everything past U+FFFF: one
    // word per character (Hangul is spaced and counts by runs).
    const bool own_word = !punctuation && ((cp >= 0x0E00 && cp <= 0x0E7F) ||
                                           (cp >= 0x2E80 && cp <= 0x9FFF) ||
                                           (cp >= 0xF900 && cp <= 0xFAFF) || length == 4);
    if (own_word) {
      ++words;
      in_word = false;
    } else if (punctuation || c == 0xC2) {  // U+0080..U+00BF: nbsp, quotes, signs
      in_word = false;
    } else if (!in_word) {
      ++words;
      in_word = true;
    }
    i += length;
  }
  return words;
}

}  // namespace simshard::scan
