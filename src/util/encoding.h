// Hex and base64 text forms of bytes, and little-endian integers in byte buffers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace simshard {

// Lowercase hex, two digits per byte.
std::string HexEncode(std::string_view bytes);
// False when `hex` has an odd length or a non-hex digit.
bool HexDecode(std::string_view hex, std::string* out);

// The same appended to `out` (which keeps its buffer when reused).
void AppendHex(std::string_view bytes, std::string* out);

// `value` as exactly 16 lowercase hex digits.
std::string Hex64(uint64_t value);
void AppendHex64(uint64_t value, std::string* out);
// Parses 1 to 16 hex digits (either case); false otherwise.
bool ParseHex64(std::string_view hex, uint64_t* out);

// RFC 4648 base64 with padding.
std::string Base64Encode(std::string_view bytes);
// False on a character outside the alphabet or a bad length/padding.
bool Base64Decode(std::string_view text, std::string* out);

inline void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 4);
}
inline void PutFixed64(std::string* out, uint64_t v) {
  PutFixed32(out, static_cast<uint32_t>(v));
  PutFixed32(out, static_cast<uint32_t>(v >> 32));
}
inline uint32_t GetFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t(u[0]) | uint32_t(u[1]) << 8 | uint32_t(u[2]) << 16 | uint32_t(u[3]) << 24;
}
inline uint64_t GetFixed64(const char* p) {
  return uint64_t(GetFixed32(p)) | uint64_t(GetFixed32(p + 4)) << 32;
}

}  // namespace simshard
