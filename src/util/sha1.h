// SHA-1, for the payload digests WARC records carry ("sha1:" and 32 base32 digits). Not
// for security: WARC tools compare these digests, nothing else.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace simshard {

std::array<uint8_t, 20> Sha1(std::string_view data);

// "sha1:" followed by the digest in RFC 4648 base32 (32 characters), as WARC writes it.
std::string WarcSha1Digest(std::string_view data);

}  // namespace simshard
