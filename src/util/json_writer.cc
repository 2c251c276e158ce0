#include "util/json_writer.h"

#include <charconv>
#include <cstdio>
#include <cstring>

#include "util/swar.h"

namespace simshard {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t min;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Eight bytes at a time (SWAR): article text is mostly ASCII that needs no escaping, and
// testing a word at once skips such runs several times faster than byte by byte.
constexpr uint64_t kOnes = 0x0101010101010101ull;

// Bytes AppendJsonString must look at: controls, '"', '\\' and everything non-ASCII.
uint64_t SpecialJsonBytes(uint64_t w) {
  return ZeroBytes(w & kNotControl) | ZeroBytes(w ^ ('"' * kOnes)) | ZeroBytes(w ^ ('\\' * kOnes)) |
         (w & kHighBits);
}

// Index of the first byte at or after `i` for which `special` finds a word bit, or the
// first byte of the last partial word (which the caller checks byte by byte).
template <typename Special>
size_t SkipPlainWords(std::string_view s, size_t i, Special special) {
  while (i + 8 <= s.size()) {
    const uint64_t mask = special(LoadWord(s.data() + i));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctzll(mask)) / 8;
    i += 8;
  }
  return i;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    i = SkipPlainWords(s, i, [](uint64_t w) { return w & kHighBits; });
    if (i == s.size()) break;
    if (static_cast<unsigned char>(s[i]) < 0x80) { ++i; continue; }
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  size_t run_start = 0;  // copy runs of plain bytes at once
  auto flush = [&](size_t end) { out->append(s.data() + run_start, end - run_start); };
  for (size_t i = 0; i < s.size();) {
    i = SkipPlainWords(s, i, SpecialJsonBytes);
    if (i == s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) { ++i; continue; }
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n > 0) { i += n; continue; }
      flush(i);
      out->append("\xEF\xBF\xBD");  // U+FFFD for a byte that is not UTF-8
      run_start = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out->append(buf);
      }
    }
    run_start = ++i;
  }
  flush(s.size());
  out->push_back('"');
}

void JsonObjectWriter::Key(std::string_view key) {
  if (!first_) out_->push_back(',');
  first_ = false;
  AppendJsonString(out_, key);
  out_->push_back(':');
}

JsonObjectWriter& JsonObjectWriter::String(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(out_, value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Uint(std::string_view key, uint64_t value) {
  Key(key);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out_->append(buf, r.ptr);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Int(std::string_view key, int64_t value) {
  Key(key);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out_->append(buf, r.ptr);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Double(std::string_view key, double value) {
  Key(key);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", value);
  out_->append(buf);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Bool(std::string_view key, bool value) {
  Key(key);
  out_->append(value ? "true" : "false");
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Raw(std::string_view key, std::string_view json) {
  Key(key);
  out_->append(json);
  return *this;
}

std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const std::string& value : values) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonString(&out, value);
  }
  out.push_back(']');
  return out;
}

std::string JsonCounts(const std::map<std::string, uint64_t>& counts) {
  std::string out;
  JsonObjectWriter w(&out);
  for (const auto& [name, count] : counts) w.Uint(name, count);
  w.Close();
  return out;
}

}  // namespace simshard
