#include "scan/http_payload.h"

#include <charconv>
#include <vector>

#include "scan/byte_stream.h"
#include "scan/text_util.h"

namespace simshard::scan {
namespace {

struct HttpHead {
  int status = 0;
  std::string content_type, transfer_encoding, content_encoding;
  size_t body_offset = 0;
};

// Parses the status line and the headers; false when this is not an HTTP response.
bool ParseHead(std::string_view block, HttpHead* head) {
  size_t pos = 0;
  auto next_line = [&](std::string_view* line) {
    if (pos >= block.size()) return false;
    size_t nl = block.find('\n', pos);
    if (nl == std::string_view::npos) nl = block.size();
    *line = block.substr(pos, nl - pos);
    if (line->ends_with("\r")) line->remove_suffix(1);
    pos = nl + 1;
    return true;
  };
  std::string_view line;
  if (!next_line(&line) || !line.starts_with("HTTP/")) return false;
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  const std::string_view code = line.substr(sp + 1, 3);
  if (std::from_chars(code.data(), code.data() + code.size(), head->status).ec != std::errc())
    return false;
  while (next_line(&line) && !line.empty()) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = TrimAscii(line.substr(0, colon));
    const std::string_view value = TrimAscii(line.substr(colon + 1));
    if (EqualsNoCase(name, "Content-Type")) head->content_type = value;
    else if (EqualsNoCase(name, "Transfer-Encoding")) head->transfer_encoding = AsciiLower(value);
    else if (EqualsNoCase(name, "Content-Encoding")) head->content_encoding = AsciiLower(value);
  }
  head->body_offset = std::min(pos, block.size());
  return true;
}

}  // namespace

bool ClassifyMediaType(std::string_view content_type, ItemFormat* format, std::string* reason) {
  const std::string type = AsciiLower(TrimAscii(content_type.substr(0, content_type.find(';'))));
  if (type.empty()) {
    *format = ItemFormat::kUnknown;
  } else if (type == "text/html" || type == "application/xhtml+xml") {
    *format = ItemFormat::kHtml;
  } else if (type == "text/plain") {
    *format = ItemFormat::kText;
  } else {
    *reason = "not article text (" + type + ")";
    return false;
  }
  return true;
}

bool Dechunk(std::string_view body, std::string* out) {
  out->clear();
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) return false;
    std::string_view size_line = TrimAscii(body.substr(pos, nl - pos));
    size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions
    uint64_t size = 0;
    const auto [end, ec] =
        std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
    if (ec != std::errc() || end != size_line.data() + size_line.size()) return false;
    pos = nl + 1;
    if (size == 0) return true;  // trailers, if any, are not content
    if (size > body.size() - pos) return false;
    out->append(body.substr(pos, size));
    pos += size;
    if (body.substr(pos, 2) == "\r\n") pos += 2;
    else if (body.substr(pos, 1) == "\n") pos += 1;
  }
  return false;  // no last chunk: the body was cut
}

Payload DecodeHttpResponse(std::string_view block, uint64_t max_doc_bytes) {
  Payload p;
  HttpHead head;
  if (!ParseHead(block, &head)) {
    p.skip_reason = "malformed HTTP response";
    return p;
  }
  if (head.status != 200) {
    p.skip_reason = "HTTP status " + std::to_string(head.status);
    return p;
  }
  if (!ClassifyMediaType(head.content_type, &p.format, &p.skip_reason)) return p;
  p.charset = HeaderParam(head.content_type, "charset");

  std::string_view body = block.substr(head.body_offset);
  p.head_size = head.body_offset;
  std::string dechunked;
  if (head.transfer_encoding.find("chunked") != std::string::npos) {
    if (!Dechunk(body, &dechunked)) {
      p.skip_reason = "broken chunked transfer encoding";
      return p;
    }
    body = dechunked;
    p.decoded = true;
  }
  const std::string& enc = head.content_encoding;
  if (enc.empty() || enc == "identity") {
    p.bytes.assign(body);
  } else if (enc == "gzip" || enc == "x-gzip" || enc == "deflate") {
    p.decoded = true;
    const Status inflated = InflateBody(body, enc == "deflate", max_doc_bytes, &p.bytes);
    if (!inflated.ok()) {
      p.skip_reason = inflated.message();
      p.bytes.clear();
    }
  } else {
    p.skip_reason = "unsupported content encoding (" + enc + ")";
  }
  return p;
}

Payload ResourcePayload(std::string&& block, std::string_view content_type) {
  Payload p;
  if (ClassifyMediaType(content_type, &p.format, &p.skip_reason)) {
    p.charset = HeaderParam(content_type, "charset");
    p.bytes = std::move(block);
  }
  return p;
}

}  // namespace simshard::scan
