#include "scan/detect.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "scan/text_util.h"
#include "util/swar.h"

namespace simshard::scan {
namespace {

bool HasByteOrderMark(std::string_view s) {
  return s.starts_with("\xEF\xBB\xBF") || s.starts_with("\xFF\xFE") || s.starts_with("\xFE\xFF");
}

bool HasBinarySignature(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMagic = {
      "\x89PNG", "\xFF\xD8\xFF", "GIF87a", "GIF89a", "%PDF-", "PK\x03\x04", "\x7F" "ELF",
      "RIFF", "OggS", "ID3", "BZh", "\xFD" "7zXZ"};
  for (std::string_view m : kMagic)
    if (s.starts_with(m)) return true;
  return s.size() >= 8 && s.substr(4, 4) == "ftyp";  // MP4 / HEIF
}

std::string_view SkipSpaceAndBom(std::string_view s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  return s;
}

// The first line is one whole JSON object (a cheap check; Extract parses for real).
// A first line longer than `head` counts when the name says JSON.
bool FirstLineLooksLikeJsonObject(std::string_view head, bool json_name) {
  head = SkipSpaceAndBom(head);
  if (!head.starts_with("{")) return false;
  const size_t nl = head.find('\n');
  if (nl == std::string_view::npos) return json_name || head.size() < 64 << 10;
  std::string_view line = head.substr(0, nl);
  while (!line.empty() && IsAsciiSpace(line.back())) line.remove_suffix(1);
  return line.ends_with("}");
}

}  // namespace

std::string_view Extension(std::string_view name) {
  const size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  const size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return name.substr(dot);
}

std::string_view StripCompressionSuffix(std::string_view name) {
  for (bool again = true; again;) {
    again = false;
    for (std::string_view suffix : {".gz", ".gzip", ".zst", ".zstd"}) {
      if (EndsWithNoCase(name, suffix)) {
        name.remove_suffix(suffix.size());
        again = true;
      }
    }
  }
  return name;
}

bool LooksBinary(std::string_view head) {
  if (HasByteOrderMark(head)) return false;
  if (HasBinarySignature(head)) return true;
  const std::string_view sample = head.substr(0, 8192);
  if (sample.find('\0') != std::string_view::npos) return true;
  static constexpr auto kIsControl = [] {
    std::array<uint8_t, 256> table{};
    for (int c = 0; c < 0x20; ++c) table[c] = 1;
    for (int c : {0x09, 0x0a, 0x0d, 0x0c, 0x1b}) table[c] = 0;
    return table;
  }();
  // Text has few bytes below 0x20 besides line ends: eight bytes at a time are checked
  // for any, and only blocks with one are counted byte by byte.
  size_t control = 0, i = 0;
  for (; i + 8 <= sample.size(); i += 8) {
    if (ZeroBytes(LoadWord(sample.data() + i) & kNotControl) == 0) continue;
    for (size_t k = i; k < i + 8; ++k) control += kIsControl[static_cast<unsigned char>(sample[k])];
  }
  for (; i < sample.size(); ++i) control += kIsControl[static_cast<unsigned char>(sample[i])];
  return control * 10 > sample.size();
}

bool LooksLikeHtml(std::string_view head) {
  const std::string lower = AsciiLower(SkipSpaceAndBom(head).substr(0, 2048));
  if (!lower.starts_with("<")) return false;
  for (std::string_view tag : {"<!doctype html", "<html", "<head", "<body", "<title>", "<p>",
                               "<div", "<article", "<meta"})
    if (lower.find(tag) != std::string::npos) return true;
  return false;
}

namespace {

// The ASCII characters of a UTF-16 head with a byte order mark (for sniffing markup).
std::string Utf16HeadAsAscii(std::string_view head) {
  const bool little_endian = head.starts_with("\xFF\xFE");
  std::string ascii;
  for (size_t i = 2; i + 1 < std::min<size_t>(head.size(), 8192); i += 2) {
    const char low = little_endian ? head[i] : head[i + 1], high = little_endian ? head[i + 1] : head[i];
    ascii.push_back(high == 0 && static_cast<unsigned char>(low) < 0x80 ? low : '?');
  }
  return ascii;
}

}  // namespace

FileFormat DetectFormat(std::string_view name, std::string_view head) {
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) {
    const std::string ext = AsciiLower(Extension(name));
    const bool html_name = ext == ".html" || ext == ".htm" || ext == ".xhtml";
    return LooksLikeHtml(Utf16HeadAsAscii(head)) || html_name ? FileFormat::kHtml : FileFormat::kText;
  }
  if (SkipSpaceAndBom(head).starts_with("WARC/1.")) return FileFormat::kWarc;
  if (LooksBinary(head)) return FileFormat::kBinary;
  const std::string ext = AsciiLower(Extension(name));
  const bool json_name = ext == ".jsonl" || ext == ".ndjson" || ext == ".json";
  if (FirstLineLooksLikeJsonObject(head, json_name) && (json_name || !LooksLikeHtml(head)))
    return FileFormat::kJsonLines;
  const std::string_view start = SkipSpaceAndBom(head);
  if (json_name && (start.starts_with("{") || start.starts_with("[")))
    return FileFormat::kJsonDocument;
  if (LooksLikeHtml(head)) return FileFormat::kHtml;
  const bool html_name = ext == ".html" || ext == ".htm" || ext == ".xhtml";
  if (html_name && head.find('<') != std::string_view::npos) return FileFormat::kHtml;
  return FileFormat::kText;
}

}  // namespace simshard::scan
