// Bytes to UTF-8 with ICU converters: byte order marks, declared charsets, and the
// browsers' fallback (windows-1252) for bytes that are not valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace simshard::scan {

// The charset an HTML page declares in its first bytes (<meta charset> or
// http-equiv Content-Type), lowercased; empty when none.
std::string HtmlMetaCharset(std::string_view html);

// Decodes `bytes` to UTF-8. Order: BOM, then `declared` (from HTTP or <meta>), then
// UTF-8 if valid, else windows-1252. Returns the charset used in `*used` (optional).
// An unknown declared charset falls through to the next rule.
std::string DecodeToUtf8(std::string_view bytes, std::string_view declared,
                         std::string* used = nullptr);

// `bytes` as is when valid UTF-8, else with U+FFFD for every invalid sequence.
std::string Utf8WithReplacements(std::string_view bytes);

}  // namespace simshard::scan
