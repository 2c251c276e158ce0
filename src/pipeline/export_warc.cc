// `simshard export --format warc`: the archive as a WARC file, one gzip member per record
// (doc/FORMAT.md, section 11). Documents read from WARC come out as the records they were
// read from, byte for byte; others as `resource` records; dropped duplicates as `revisit`
// records and dropped near-duplicates as `metadata` records naming what they repeat.
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "simshard/archive.h"
#include "simshard/pipeline.h"
#include "util/file_util.h"
#include "util/json_writer.h"
#include "util/sha1.h"

namespace simshard {
namespace {

constexpr std::string_view kIdenticalPayloadProfile =
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";

// A WARC-Record-ID made from what the record is: the same archive exports the same ids.
std::string RecordId(std::string_view what) {
  const XXH128_hash_t h = XXH3_128bits(what.data(), what.size());
  char buf[64];
  // An RFC 9562 version 8 (custom) UUID: its version and variant bits set, the rest hash.
  const uint64_t hi = (h.high64 & ~0xF000ull) | 0x8000ull;
  const uint64_t lo = (h.low64 & ~(3ull << 62)) | (2ull << 62);
  std::snprintf(buf, sizeof buf, "<urn:uuid:%08llx-%04llx-%04llx-%04llx-%012llx>",
                static_cast<unsigned long long>(hi >> 32), static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF), static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

// WARC-Date wants "YYYY-MM-DDThh:mm:ssZ": the crawl time when it is that, else the archive time.
std::string WarcDate(const std::string& crawled_at, const std::string& archived_at) {
  const bool iso = crawled_at.size() == 20 && crawled_at[4] == '-' && crawled_at[10] == 'T' && crawled_at.back() == 'Z';
  return iso ? crawled_at : archived_at;
}

// A document without URL is named by its source, as a URN (sources are paths).
std::string TargetUri(const std::string& url, const std::string& source) {
  if (!url.empty()) return url;
  std::string out = "urn:simshard:source:";
  for (unsigned char c : source) {
    if (std::isalnum(c) || std::string_view("-._~/:#").find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      char esc[4];
      std::snprintf(esc, sizeof esc, "%%%02X", c);
      out += esc;
    }
  }
  return out;
}

// The value of header `name` in a WARC header block ("Name: value" lines), or empty.
std::string HeaderValue(std::string_view header, std::string_view name) {
  for (size_t start = 0; start < header.size();) {
    const size_t end = std::min(header.find('\n', start), header.size());
    std::string_view line = header.substr(start, end - start);
    start = end + 1;
    if (line.size() <= name.size() || line[name.size()] != ':') continue;
    if (!std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) continue;
    line.remove_prefix(name.size() + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    return std::string(line);
  }
  return {};
}

std::string MakeRecord(std::string_view type, const std::string& fields, std::string_view block) {
  return "WARC/1.1\r\nWARC-Type: " + std::string(type) + "\r\n" + fields + "Content-Length: " +
         std::to_string(block.size()) + "\r\n\r\n" + std::string(block) + "\r\n\r\n";
}

std::string Field(std::string_view name, std::string_view value) {
  return std::string(name) + ": " + std::string(value) + "\r\n";
}

const char* MediaType(OriginalKind kind) {
  return kind == OriginalKind::kHtml ? "text/html" : kind == OriginalKind::kJsonRecord ? "application/json" : "text/plain";
}

// What a revisit or metadata record says of the archived document it refers to.
struct Kept {
  std::string uri, date, record_id, payload_digest;
};

Kept KeptOf(const Record& r) {
  if (r.warc.empty()) {
    const std::string uri = TargetUri(r.url, r.source);
    return {uri, WarcDate(r.crawled_at, r.archived_at), RecordId("resource " + r.id), WarcSha1Digest(OriginalBytes(r))};
  }
  std::string digest = HeaderValue(r.warc.header, "WARC-Payload-Digest");
  if (digest.empty()) digest = WarcSha1Digest(OriginalBytes(r));
  std::string uri = HeaderValue(r.warc.header, "WARC-Target-URI");
  if (uri.size() >= 2 && uri.front() == '<' && uri.back() == '>') uri = uri.substr(1, uri.size() - 2);  // WARC 1.0
  return {uri, HeaderValue(r.warc.header, "WARC-Date"),
          HeaderValue(r.warc.header, "WARC-Record-ID"), digest};
}

// A document that was not read from WARC: its original bytes as a resource record.
std::string ResourceRecord(const Record& r) {
  const std::string payload = OriginalBytes(r);
  const std::string digest = WarcSha1Digest(payload);
  return MakeRecord("resource", Field("WARC-Record-ID", RecordId("resource " + r.id)) +
                                    Field("WARC-Date", WarcDate(r.crawled_at, r.archived_at)) +
                                    Field("WARC-Target-URI", TargetUri(r.url, r.source)) +
                                    Field("WARC-Block-Digest", digest) + Field("WARC-Payload-Digest", digest) +
                                    Field("Content-Type", MediaType(r.kind)),
                    payload);
}

std::string DroppedRecord(const DroppedEntry& d, const Kept& kept) {
  const std::string uri = TargetUri(d.url, d.source);
  std::string fields = Field("WARC-Record-ID", RecordId("dropped " + uri + " " + d.source)) +
                       Field("WARC-Date", WarcDate(d.crawled_at, d.archived_at)) + Field("WARC-Target-URI", uri);
  if (!d.near) {
    fields += Field("WARC-Profile", kIdenticalPayloadProfile) + Field("WARC-Refers-To-Target-URI", kept.uri) +
              Field("WARC-Refers-To-Date", kept.date);
    if (!kept.record_id.empty()) fields += Field("WARC-Refers-To", kept.record_id);
    return MakeRecord("revisit", fields + Field("WARC-Payload-Digest", kept.payload_digest), "");
  }
  char similarity[32];
  std::snprintf(similarity, sizeof similarity, "%.4f", d.similarity);
  const std::string block = Field("status", d.status()) + Field("duplicate-of", d.duplicate_of) +
                            Field("duplicate-of-uri", kept.uri) + Field("duplicate-of-date", kept.date) +
                            (kept.record_id.empty() ? "" : Field("duplicate-of-record", kept.record_id)) +
                            Field("distance", std::to_string(d.distance)) + Field("similarity", similarity) +
                            Field("source", d.source);
  return MakeRecord("metadata", fields + Field("Content-Type", "application/warc-fields"), block);
}

// The SURT form of a URL, as CDX keys sort it: host labels reversed and joined by commas
// (without "www."), a port other than 80 and 443, ")", then the path
// and query, all lowercase, the query's arguments sorted.
// "https://www.Example.com:443/A?b=2&a=1" -> "com,example)/a?a=1&b=2".
std::string SurtKey(std::string_view uri) {
  std::string lower(uri);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t scheme = lower.find("://");
  if (scheme == std::string::npos) return lower;  // a URN: as it is
  std::string_view rest = std::string_view(lower).substr(scheme + 3);
  const size_t path_at = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view host = rest.substr(0, path_at);
  std::string_view path = rest.substr(path_at);
  path = path.substr(0, path.find('#'));
  if (const size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  std::string_view port;
  if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon);
    host = host.substr(0, colon);
    if (port == ":80" || port == ":443") port = {};
  }
  if (host.starts_with("www.")) host.remove_prefix(4);
  std::string key;  // an IP address too is reversed, as warcio and pywb do
  for (size_t end = host.size(); end != std::string_view::npos && end > 0;) {
    const size_t dot = host.rfind('.', end - 1);
    const size_t start = dot == std::string_view::npos ? 0 : dot + 1;
    if (!key.empty()) key += ',';
    key.append(host.substr(start, end - start));
    end = dot == std::string_view::npos ? std::string_view::npos : dot;
  }
  key.append(port);
  key += ')';
  std::string_view query;
  if (const size_t q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  key += path.empty() ? std::string_view("/") : path;
  if (!query.empty()) {
    std::vector<std::string_view> args;
    for (size_t start = 0; start <= query.size();) {
      const size_t amp = std::min(query.find('&', start), query.size());
      if (amp > start) args.push_back(query.substr(start, amp - start));
      start = amp + 1;
    }
    std::sort(args.begin(), args.end());
    key += '?';
    for (size_t i = 0; i < args.size(); ++i) key.append(i ? "&" : "").append(args[i]);
  }
  return key;
}

// One CDXJ line for the record `record` (a whole WARC record) stored as a gzip member of
// `length` bytes at `offset` of the WARC file `filename`.
std::string CdxjLine(std::string_view record, uint64_t offset, uint64_t length, const std::string& filename) {
  const size_t header_end = record.find("\r\n\r\n");
  const std::string_view header = record.substr(0, header_end);
  const std::string type = HeaderValue(header, "WARC-Type");
  std::string uri = HeaderValue(header, "WARC-Target-URI");
  if (uri.size() >= 2 && uri.front() == '<' && uri.back() == '>') uri = uri.substr(1, uri.size() - 2);
  std::string timestamp;
  for (char c : HeaderValue(header, "WARC-Date"))
    if (c >= '0' && c <= '9' && timestamp.size() < 14) timestamp.push_back(c);
  std::string digest = HeaderValue(header, "WARC-Payload-Digest");
  if (digest.starts_with("sha1:")) digest.erase(0, 5);
  std::string mime = HeaderValue(header, "Content-Type"), status;
  if (type == "response" && header_end != std::string_view::npos) {  // the HTTP head says
    const std::string_view http = record.substr(header_end + 4, 64 << 10);
    const size_t sp = http.find(' ');
    if (http.starts_with("HTTP/") && sp != std::string_view::npos) status = std::string(http.substr(sp + 1, 3));
    mime = HeaderValue(http.substr(0, http.find("\r\n\r\n")), "Content-Type");
  } else if (type == "revisit") {
    mime = "warc/revisit";
  }
  mime = mime.substr(0, mime.find(';'));
  while (!mime.empty() && mime.back() == ' ') mime.pop_back();
  std::string json;
  JsonObjectWriter w(&json);
  w.String("url", uri).String("mime", mime);
  if (!status.empty()) w.String("status", status);
  if (!digest.empty()) w.String("digest", digest);
  w.String("length", std::to_string(length)).String("offset", std::to_string(offset)).String("filename", filename);
  w.Close();
  return SurtKey(uri) + " " + timestamp + " " + json;
}

// One gzip member per record, as web archives store WARC, written under FILE.tmp and
// renamed into place once complete.
class WarcOutput {
 public:
  ~WarcOutput() {
    if (file_ != nullptr) {
      std::fclose(file_);
      ::unlink(temp_.c_str());
    }
  }
  Status Open(const std::string& path) {
    path_ = path;
    temp_ = path + ".tmp";
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr) return PosixError("output " + temp_ + ": cannot create");
    return Status::OK();
  }
  // Instead of the WARC file, its CDXJ index: each record's line, naming `warc_name`.
  void IndexInstead(std::string warc_name) {
    index_ = true;
    warc_name_ = std::move(warc_name);
  }
  Status Append(std::string_view record) {
    SIMSHARD_RETURN_IF_ERROR(Gzip(record));
    if (index_) {
      cdxj_.push_back(CdxjLine(record, bytes_, member_.size(), warc_name_));
    } else if (std::fwrite(member_.data(), 1, member_.size(), file_) != member_.size()) {
      return PosixError("output " + temp_ + ": write failed");
    }
    bytes_ += member_.size();
    return Status::OK();
  }
  Status Commit() {
    if (index_) {  // CDXJ is sorted by key, then timestamp
      std::sort(cdxj_.begin(), cdxj_.end());
      for (const std::string& line : cdxj_) {
        if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fputc('\n', file_) == EOF)
          return PosixError("output " + temp_ + ": write failed");
      }
    }
    if (std::fflush(file_) != 0) return PosixError("output " + temp_ + ": write failed");
    SIMSHARD_RETURN_IF_ERROR(FsyncFd(fileno(file_), temp_));
    std::fclose(file_);
    file_ = nullptr;
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
      return PosixError("output " + path_ + ": cannot rename into place");
    }
    return FsyncParentDir(path_);
  }
  uint64_t bytes() const { return bytes_; }

 private:
  Status Gzip(std::string_view data) {
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return Status::IOError("gzip: cannot start a member");
    }
    member_.resize(deflateBound(&z, data.size()));
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(member_.data());
    z.avail_out = static_cast<uInt>(member_.size());
    const int rc = deflate(&z, Z_FINISH);
    member_.resize(z.total_out);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? Status::OK() : Status::IOError("gzip: cannot compress a record");
  }

  std::string path_, temp_, member_;
  std::FILE* file_ = nullptr;
  uint64_t bytes_ = 0;  // of the WARC file (written or, for an index, not)
  bool index_ = false;
  std::string warc_name_;
  std::vector<std::string> cdxj_;
};

// The ids dropped rows refer to: what the documents' pass keeps of them.
Result<std::set<std::string>> ReferencedIds(const ArchiveReader& reader) {
  std::set<std::string> ids;
  SIMSHARD_RETURN_IF_ERROR(reader.ListDropped({}, [&](const DroppedEntry& d) { ids.insert(d.duplicate_of); }));
  return ids;
}

Status ExportDocuments(const ArchiveReader& reader, WarcOutput* out, std::map<std::string, Kept>* kept,
                       ExportSummary* summary) {
  auto referenced = ReferencedIds(reader);
  if (!referenced.ok()) return referenced.status();
  Status failed;
  SIMSHARD_RETURN_IF_ERROR(reader.List({}, [&](const CatalogEntry& e) {
    if (!failed.ok()) return;
    Result<Record> r = reader.Read(e);
    if (!r.ok()) {
      failed = r.status();
      return;
    }
    const std::string bytes = r->warc.empty() ? ResourceRecord(*r) : WarcRecordBytes(*r);
    ++(r->warc.empty() ? summary->resources : summary->originals);
    if (referenced->count(r->id)) kept->emplace(r->id, KeptOf(*r));
    failed = out->Append(bytes);
  }));
  return failed;
}

Status ExportDropped(const ArchiveReader& reader, WarcOutput* out, const std::map<std::string, Kept>& kept,
                     ExportSummary* summary) {
  Status failed;
  SIMSHARD_RETURN_IF_ERROR(reader.ListDropped({}, [&](const DroppedEntry& d) {
    if (!failed.ok()) return;
    auto it = kept.find(d.duplicate_of);
    if (it == kept.end()) {  // repair lost it: nothing to refer to
      ++summary->unreferenced;
      return;
    }
    ++(d.near ? summary->metadata : summary->revisits);
    failed = out->Append(DroppedRecord(d, it->second));
  }));
  return failed;
}

}  // namespace

Result<ExportSummary> RunExport(const ExportOptions& options) {
  if (options.format != "warc" && options.format != "cdxj")
    return Status::InvalidArgument("export: unknown format \"" + options.format + "\"");
  auto reader = ArchiveReader::Open(options.archive_dir);
  if (!reader.ok()) return reader.status();
  WarcOutput out;
  SIMSHARD_RETURN_IF_ERROR(out.Open(options.output_path));
  if (options.format == "cdxj") out.IndexInstead(options.warc_name);
  ExportSummary summary;
  std::map<std::string, Kept> kept;
  SIMSHARD_RETURN_IF_ERROR(ExportDocuments(**reader, &out, &kept, &summary));
  SIMSHARD_RETURN_IF_ERROR(ExportDropped(**reader, &out, kept, &summary));
  SIMSHARD_RETURN_IF_ERROR(out.Commit());
  summary.bytes = out.bytes();
  return summary;
}

}  // namespace simshard
