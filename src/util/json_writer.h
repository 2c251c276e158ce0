// Appending JSON text by hand: the records and report rows are flat objects written
// millions of times, so a tiny writer beats building a DOM. Parsing uses simdjson.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace simshard {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

// Appends `s` as a quoted JSON string. Control characters are escaped; bytes that are
// not valid UTF-8 become U+FFFD, so the output is always valid JSON.
void AppendJsonString(std::string* out, std::string_view s);

// ["a","b",...]
std::string JsonStringArray(const std::vector<std::string>& values);

// {"<name>":count,...}, in name order.
std::string JsonCounts(const std::map<std::string, uint64_t>& counts);

// Builds one flat JSON object: {"k":v,...}.
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  JsonObjectWriter& String(std::string_view key, std::string_view value);
  JsonObjectWriter& Uint(std::string_view key, uint64_t value);
  JsonObjectWriter& Int(std::string_view key, int64_t value);
  JsonObjectWriter& Double(std::string_view key, double value);
  JsonObjectWriter& Bool(std::string_view key, bool value);
  // `json` must already be valid JSON text (a nested object, say).
  JsonObjectWriter& Raw(std::string_view key, std::string_view json);
  void Close() { out_->push_back('}'); }

 private:
  void Key(std::string_view key);
  std::string* out_;
  bool first_ = true;
};

}  // namespace simshard
