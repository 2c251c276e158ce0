// WARC 1.0/1.1 records, read one at a time from a stream (plain, gzip per record, zstd).
#include "scan/warc_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>

#include "scan/containers.h"
#include "scan/http_payload.h"
#include "scan/text_util.h"

namespace simshard::scan {
namespace {

constexpr size_t kMaxHeaderLine = 64 << 10;
constexpr int kMaxHeaderLines = 1000;
// HTTP headers ride along with the payload inside a response block.
constexpr uint64_t kHttpHeadAllowance = 1 << 20;

struct WarcHeader {
  std::string type, target_uri, date, content_type;
  uint64_t content_length = 0;
  bool has_length = false;
};

// Reads one line and appends it to `raw` with the line break it had (ReadLine drops it).
bool ReadRawLine(StreamReader& reader, std::string* line, size_t max, bool* too_long, std::string* raw) {
  const uint64_t before = reader.offset();
  if (!reader.ReadLine(line, max, too_long)) return false;
  const uint64_t consumed = reader.offset() - before;
  raw->append(*line);
  if (consumed >= line->size() + 2) raw->append("\r\n");
  else if (consumed == line->size() + 1) raw->push_back('\n');
  return true;
}

// Reads the header lines after "WARC/1.x"; Corruption on a broken header, whose message is
// the record's skip reason. The lines are appended to `raw` as they were.
Status ReadWarcHeader(StreamReader& reader, WarcHeader* h, std::string* raw) {
  std::string line;
  bool too_long = false;
  for (int n = 0; n < kMaxHeaderLines; ++n) {
    if (!ReadRawLine(reader, &line, kMaxHeaderLine, &too_long, raw)) {
      return Status::Corruption("truncated WARC record header");
    }
    if (too_long) return Status::Corruption("WARC header line too long");
    if (line.empty()) return Status::OK();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string_view name = TrimAscii(std::string_view(line).substr(0, colon));
    std::string_view value = TrimAscii(std::string_view(line).substr(colon + 1));
    if (EqualsNoCase(name, "WARC-Type")) {
      h->type = AsciiLower(value);
    } else if (EqualsNoCase(name, "WARC-Target-URI")) {
      if (value.starts_with("<") && value.ends_with(">"))  // WARC 1.0 allowed <uri>
        value = value.substr(1, value.size() - 2);
      h->target_uri = value;
    } else if (EqualsNoCase(name, "WARC-Date")) {
      h->date = value;
    } else if (EqualsNoCase(name, "Content-Type")) {
      h->content_type = value;
    } else if (EqualsNoCase(name, "Content-Length")) {
      h->has_length = std::from_chars(value.data(), value.data() + value.size(),
                                      h->content_length).ec == std::errc();
    }
  }
  return Status::Corruption("WARC record header too long");
}

bool IsDocumentRecord(const WarcHeader& h) {
  if (h.type != "response" && h.type != "resource" && h.type != "conversion") return false;
  // Crawler bookkeeping (wget stores its log as a resource record) is not a document.
  return !h.target_uri.starts_with("metadata:");
}

// robots.txt is fetched by every crawler and is plain text, but never an article.
bool IsRobotsTxt(std::string_view uri) {
  uri = uri.substr(0, uri.find_first_of("?#"));
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return false;
  const size_t path = uri.find('/', scheme + 3);
  return path != std::string_view::npos && EqualsNoCase(uri.substr(path), "/robots.txt");
}

// Skips the blank lines that end the previous record; true when another record follows.
bool AtNextRecord(StreamReader& reader) {
  while (true) {
    const std::string_view head = reader.Peek(2);
    if (head.empty()) return false;
    if (head[0] == '\n') reader.Skip(1);
    else if (head == "\r\n") reader.Skip(2);
    else return true;
  }
}

// The record's position: the gzip member's offset in the file when each record has its
// own member (as CDX indexes count), else the offset in the uncompressed stream.
uint64_t RecordOffset(StreamReader& reader, uint64_t base_offset) {
  uint64_t file_offset = 0;
  if (reader.source().MemberFileOffset(reader.offset(), &file_offset)) return file_offset;
  return base_offset + reader.offset();
}

// The record's headers, and its body as transferred when the payload is not that.
WarcOrigin OriginOf(std::string&& raw_header, const Payload& payload, std::string_view block) {
  WarcOrigin origin;
  if (!payload.skip_reason.empty()) return origin;  // nothing is archived
  origin.header = std::move(raw_header);
  origin.http_header.assign(block.substr(0, payload.head_size));
  if (payload.decoded) origin.http_body.assign(block.substr(payload.head_size));
  return origin;
}

RawItem PayloadItem(Payload&& payload, const WarcHeader& h, std::string source) {
  RawItem item;
  item.source = std::move(source);
  item.url = h.target_uri;
  item.date = h.date;
  item.format = payload.format;
  item.charset = std::move(payload.charset);
  item.skip_reason = std::move(payload.skip_reason);
  item.bytes = std::move(payload.bytes);
  return item;
}

// The skip reason of a record the stream ends inside, with the stream's damage if any.
std::string TruncatedReason(const StreamReader& reader) {
  const Status& cause = reader.status();
  return cause.ok() ? "truncated WARC record" : "truncated WARC record (" + cause.message() + ")";
}

// The skip reason of a record whose header is broken (`header`) or has no Content-Length.
std::string HeaderSkipReason(const Status& header, const StreamReader& reader) {
  if (!reader.status().ok()) return TruncatedReason(reader);
  if (!header.ok()) return header.message();
  return "WARC record without Content-Length; rest of file skipped";
}

// The document item of a whole record block: its payload decoded, or the reason it is not
// archived (robots.txt, too large, an undecodable body).
RawItem DocumentItem(std::string&& block, std::string&& raw_header, const WarcHeader& h,
                     const std::string& record_source, const ScanOptions& options) {
  const bool http = h.type == "response" && block.starts_with("HTTP/");
  Payload payload = http ? DecodeHttpResponse(block, options.max_doc_bytes)
                         : ResourcePayload(std::move(block), h.content_type);
  if (payload.skip_reason.empty() && IsRobotsTxt(h.target_uri)) {
    payload.bytes.clear();
    payload.skip_reason = "crawler file (robots.txt)";
  }
  if (payload.skip_reason.empty() && payload.bytes.size() > options.max_doc_bytes) {
    payload.bytes.clear();
    payload.skip_reason = TooLargeReason(options.max_doc_bytes);
  }
  WarcOrigin origin = OriginOf(std::move(raw_header), payload, http ? std::string_view(block) : std::string_view());
  RawItem item = PayloadItem(std::move(payload), h, record_source);
  item.warc = std::move(origin);
  return item;
}

}  // namespace

void ScanWarc(StreamReader& reader, const std::string& source, const ScanOptions& options,
              ItemSink& sink, uint64_t base_offset) {
  std::string line;
  bool too_long = false;
  while (!sink.stopped() && AtNextRecord(reader)) {
    const std::string record_source = source + "#" + std::to_string(RecordOffset(reader, base_offset));
    std::string raw_header;
    ReadRawLine(reader, &line, 64, &too_long, &raw_header);
    if (!line.starts_with("WARC/1.")) {
      sink.Add(SkipItem(record_source, "not a WARC record; rest of file skipped"),
               reader.file_offset());
      return;
    }
    WarcHeader h;
    const Status header = ReadWarcHeader(reader, &h, &raw_header);
    if (!header.ok() || !h.has_length) {
      sink.Add(SkipItem(record_source, HeaderSkipReason(header, reader)), reader.file_offset());
      return;
    }
    if (!IsDocumentRecord(h)) {
      if (reader.Skip(h.content_length) < h.content_length) break;
      continue;
    }
    if (h.content_length > options.max_doc_bytes + kHttpHeadAllowance) {
      const bool complete = reader.Skip(h.content_length) == h.content_length;
      RawItem item = SkipItem(record_source, complete ? TooLargeReason(options.max_doc_bytes)
                                                      : "truncated WARC record");
      item.url = h.target_uri;
      sink.Add(std::move(item), reader.file_offset());
      if (!complete) return;
      continue;
    }
    std::string block;
    block.reserve(h.content_length);
    if (reader.ReadInto(&block, h.content_length) < h.content_length) {
      RawItem item = SkipItem(record_source, TruncatedReason(reader));
      item.url = h.target_uri;
      sink.Add(std::move(item), reader.file_offset());
      return;
    }
    sink.Add(DocumentItem(std::move(block), std::move(raw_header), h, record_source, options),
             reader.file_offset());
  }
  if (!reader.status().ok() && !sink.stopped())
    sink.Add(SkipItem(source + "#" + std::to_string(base_offset + reader.offset()), reader.status().message()),
             reader.file_offset());
}

namespace {

enum class Step { kRecord, kEnd, kStop };

// Bytes already read into memory, as a ByteSource: a window of the file.
class WindowSource : public ByteSource {
 public:
  explicit WindowSource(std::string_view bytes) : bytes_(bytes) {}
  size_t Read(char* buf, size_t n) override {
    n = std::min(n, bytes_.size() - offset_);
    std::copy_n(bytes_.data() + offset_, n, buf);
    offset_ += n;
    return n;
  }
  const Status& status() const override { return status_; }
  uint64_t file_offset() const override { return offset_; }

 private:
  std::string_view bytes_;
  size_t offset_ = 0;
  Status status_;
};

// Reads, as ScanWarc does, the blank lines from `*pos` and the record header after them,
// through a window of the file that grows until the header fits. On kRecord, `*start` is
// the record's offset and `*pos` the offset just past its block. kStop where ScanWarc
// would stop or skip the rest (no record, a broken header, a block past the end, a read
// error), and where a header does not fit the largest window.
Step StepOverRecord(std::FILE* file, uint64_t size, uint64_t* pos, uint64_t* start) {
  constexpr uint64_t kFirstWindow = 4 << 10, kLastWindow = 64 << 20;
  std::string bytes;
  for (uint64_t window = kFirstWindow; window <= kLastWindow; window *= 16) {
    const uint64_t end = std::min(size, *pos + window);
    const bool whole = end == size;  // else a failure may be the window's edge: widen it
    bytes.resize(end - *pos);
    if (::fseeko(file, static_cast<off_t>(*pos), SEEK_SET) != 0 ||
        std::fread(bytes.data(), 1, bytes.size(), file) != bytes.size())
      return Step::kStop;
    StreamReader reader(std::make_unique<WindowSource>(bytes));
    if (!AtNextRecord(reader)) {
      if (whole) return Step::kEnd;
      continue;
    }
    const uint64_t record = *pos + reader.offset();
    std::string line, raw;
    bool too_long = false;
    ReadRawLine(reader, &line, 64, &too_long, &raw);
    WarcHeader h;
    if (!line.starts_with("WARC/1.") || !ReadWarcHeader(reader, &h, &raw).ok() || !h.has_length) {
      if (whole) return Step::kStop;
      continue;
    }
    // A header that ends where the window does may have lost the "\n" of its blank line
    // to the edge ("\r" alone reads as an empty line): widen the window to be sure.
    if (!whole && reader.AtEnd()) continue;
    const uint64_t next = *pos + reader.offset() + h.content_length;
    if (next > size || next < record) return Step::kStop;  // the block runs past the end
    *start = record;
    *pos = next;
    return Step::kRecord;
  }
  return Step::kStop;
}

}  // namespace

std::vector<uint64_t> WarcCuts(const std::string& path, uint64_t size, uint64_t piece_bytes) {
  std::vector<uint64_t> cuts;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return cuts;  // the file stays whole; its scan says why it fails
  uint64_t pos = 0, last_cut = 0, start = 0;
  while (StepOverRecord(file, size, &pos, &start) == Step::kRecord) {
    if (start > 0 && start - last_cut >= piece_bytes) {
      cuts.push_back(start);
      last_cut = start;
    }
  }
  std::fclose(file);
  return cuts;
}

}  // namespace simshard::scan
