#include "scan/text_util.h"

#include <vector>

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

// One line with runs of spaces collapsed and the ends trimmed, appended to `out`.
void AppendCollapsedLine(std::string* out, std::string_view line) {
  bool space = false;
  for (char c : TrimAscii(line)) {
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r') {
      space = true;
      continue;
    }
    if (space) out->push_back(' ');
    space = false;
    out->push_back(c);
  }
}

}  // namespace

std::string TidyText(std::string_view text) {
  std::vector<std::string_view> lines;
  bool has_blank_line = false;
  for (size_t pos = 0; pos <= text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    if (TrimAscii(line).empty()) has_blank_line = true;
    lines.push_back(line);
    pos = nl + 1;
  }
  // Trailing empty lines do not make the text "paragraphed".
  while (!lines.empty() && TrimAscii(lines.back()).empty()) lines.pop_back();
  if (has_blank_line) {
    has_blank_line = false;
    for (std::string_view line : lines) has_blank_line |= TrimAscii(line).empty();
  }

  std::string out;
  out.reserve(text.size());
  bool in_paragraph = false;
  for (std::string_view line : lines) {
    if (TrimAscii(line).empty()) {
      in_paragraph = false;
      continue;
    }
    if (!out.empty()) {
      if (in_paragraph && has_blank_line) out.push_back(' ');
      else out.append("\n\n");
    }
    AppendCollapsedLine(&out, line);
    in_paragraph = true;
  }
  return out;
}

}  // namespace simshard::scan
