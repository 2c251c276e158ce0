// Telling formats apart by content first and by name second.
#pragma once

#include <string_view>

namespace simshard::scan {

// kJsonDocument: a file named like JSON that is one pretty-printed document or array,
// not one object per line (not read: its records cannot be told apart while streaming).
enum class FileFormat { kText, kHtml, kJsonLines, kWarc, kBinary, kJsonDocument };

// `name` is the file name without compression suffixes (.gz/.zst); `head` its first
// bytes after decompression.
FileFormat DetectFormat(std::string_view name, std::string_view head);

// NUL bytes, known binary signatures, or mostly control characters. UTF-16/32 text with
// a byte order mark is not binary.
bool LooksBinary(std::string_view head);

bool LooksLikeHtml(std::string_view head);

// Lowercased extension including the dot (".html"), or empty.
std::string_view Extension(std::string_view name);

// `name` without trailing ".gz", ".gzip", ".zst", ".zstd" suffixes.
std::string_view StripCompressionSuffix(std::string_view name);

}  // namespace simshard::scan
