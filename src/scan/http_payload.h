// The article bytes inside a WARC record: HTTP headers parsed, chunked transfer and
// gzip/deflate content encodings undone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "simshard/scan.h"

namespace simshard::scan {

struct Payload {
  ItemFormat format = ItemFormat::kUnknown;  // from the media type; kUnknown: sniff
  std::string charset;                       // declared charset, if any
  std::string bytes;
  std::string skip_reason;                   // non-200, not text, damaged encoding, ...
  size_t head_size = 0;                      // HTTP: the status line and headers, in bytes
  bool decoded = false;                      // HTTP: bytes are the body with chunking or a
                                             // content encoding undone
};

// `block` is a WARC `response` block ("HTTP/1.1 200 OK\r\n...\r\n\r\nbody").
Payload DecodeHttpResponse(std::string_view block, uint64_t max_doc_bytes);

// A `resource` or `conversion` block: the payload itself, typed by the record's
// Content-Type header.
Payload ResourcePayload(std::string&& block, std::string_view content_type);

// Classifies a media type ("text/html; charset=utf-8"): returns false with `*reason`
// for types that are not article text (images, scripts, style sheets, ...).
bool ClassifyMediaType(std::string_view content_type, ItemFormat* format, std::string* reason);

// Undoes "Transfer-Encoding: chunked". False when the chunk framing is broken.
bool Dechunk(std::string_view body, std::string* out);

}  // namespace simshard::scan
