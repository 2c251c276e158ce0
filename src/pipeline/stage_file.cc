#include "pipeline/stage_file.h"

#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "util/file_util.h"

namespace simshard::pipeline {
namespace {

constexpr std::string_view kEnd = "end\n";
// Records are compressed in blocks of about this many bytes: large enough for zstd to
// find the repeats of a site's pages, small enough to keep a task's memory flat.
constexpr size_t kBlockBytes = 4 << 20;
// Stage files are read once, soon after: fast compression beats a small file.
constexpr int kLevel = 1;
// A block larger than this is damage, not data (a document is at most --max-doc-bytes,
// far less).
constexpr uint64_t kMaxBlockBytes = 1ull << 34;

void PutU64(uint64_t v, std::string* out) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 8);
}

void PutBytes(std::string_view s, std::string* out) {
  PutU64(s.size(), out);
  out->append(s);
}

bool GetU64(std::string_view in, size_t* pos, uint64_t* v) {
  if (in.size() - *pos < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) *v |= uint64_t(static_cast<unsigned char>(in[*pos + i])) << (8 * i);
  *pos += 8;
  return true;
}

bool GetBytes(std::string_view in, size_t* pos, std::string* s) {
  uint64_t n = 0;
  if (!GetU64(in, pos, &n) || in.size() - *pos < n) return false;
  s->assign(in.substr(*pos, n));
  *pos += n;
  return true;
}

bool GetByte(std::string_view in, size_t* pos, uint8_t* v) {
  if (*pos >= in.size()) return false;
  *v = static_cast<uint8_t>(in[(*pos)++]);
  return true;
}

void PutSketch(const Sketch& sketch, std::string* out) {
  out->append(reinterpret_cast<const char*>(sketch.data()), sketch.size());
}

bool GetSketch(std::string_view in, size_t* pos, Sketch* sketch) {
  if (in.size() - *pos < sketch->size()) return false;
  std::memcpy(sketch->data(), in.data() + *pos, sketch->size());
  *pos += sketch->size();
  return true;
}

Status WriteAll(std::FILE* f, std::string_view bytes, const std::string& path) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
    return Status::IOError("stage file " + path + ": cannot write: " + std::strerror(errno));
  return Status::OK();
}

}  // namespace

void EncodeAnalyzed(const Analyzed& a, std::string* out) {
  const Document& d = a.doc;
  PutU64(d.seq, out);
  for (const std::string* s : {&d.source, &d.url, &d.title, &d.date, &d.site, &d.original,
                               &d.text, &d.skip_reason, &a.weak_reason, &d.piece_path, &d.crawled_at,
                               &d.warc.header, &d.warc.http_header, &d.warc.http_body})
    PutBytes(*s, out);
  PutU64(d.piece_begin, out);
  out->push_back(static_cast<char>(d.kind));
  out->push_back(static_cast<char>(d.extraction));
  PutU64(d.input_bytes, out);
  PutU64(a.digest.high, out);
  PutU64(a.digest.low, out);
  PutU64(a.fingerprint.simhash, out);
  PutU64(a.raw_digest.high, out);
  PutU64(a.raw_digest.low, out);
  PutSketch(a.fingerprint.sketch, out);
  PutU64(a.paragraph_keys.size(), out);
  for (uint64_t key : a.paragraph_keys) PutU64(key, out);
}

bool DecodeAnalyzed(std::string_view in, size_t* pos, Analyzed* a) {
  Document& d = a->doc;
  if (!GetU64(in, pos, &d.seq)) return false;
  for (std::string* s : {&d.source, &d.url, &d.title, &d.date, &d.site, &d.original, &d.text,
                         &d.skip_reason, &a->weak_reason, &d.piece_path, &d.crawled_at,
                         &d.warc.header, &d.warc.http_header, &d.warc.http_body})
    if (!GetBytes(in, pos, s)) return false;
  if (!GetU64(in, pos, &d.piece_begin)) return false;
  uint8_t kind = 0, extraction = 0;
  if (!GetByte(in, pos, &kind) || !GetByte(in, pos, &extraction) || kind > 2 || extraction > 2)
    return false;
  d.kind = static_cast<OriginalKind>(kind);
  d.extraction = static_cast<Extraction>(extraction);
  uint64_t keys = 0;
  if (!GetU64(in, pos, &d.input_bytes) || !GetU64(in, pos, &a->digest.high) ||
      !GetU64(in, pos, &a->digest.low) || !GetU64(in, pos, &a->fingerprint.simhash) ||
      !GetU64(in, pos, &a->raw_digest.high) || !GetU64(in, pos, &a->raw_digest.low))
    return false;
  if (!GetSketch(in, pos, &a->fingerprint.sketch)) return false;
  if (!GetU64(in, pos, &keys) || (in.size() - *pos) / 8 < keys) return false;
  a->paragraph_keys.resize(keys);
  for (uint64_t& key : a->paragraph_keys) GetU64(in, pos, &key);
  return true;
}

void EncodeDecision(const Decision& d, std::string* out) {
  out->push_back(d.kept ? 'k' : 'd');
  if (d.kept) {
    for (uint64_t v : {d.index, d.ordinal, d.digest.high, d.digest.low, d.fingerprint.simhash}) PutU64(v, out);
    out->push_back(static_cast<char>(d.extraction));
    PutSketch(d.fingerprint.sketch, out);
    PutBytes(d.source, out);
    out->push_back(d.text_changed ? 1 : 0);
    PutBytes(d.text_changed ? std::string_view(d.text) : std::string_view(), out);
    return;
  }
  const DroppedEntry& e = d.dropped;
  for (const std::string* s : {&e.url, &e.source, &e.date, &e.crawled_at, &e.duplicate_of}) PutBytes(*s, out);
  out->push_back(e.near ? 1 : 0);
  PutU64(static_cast<uint64_t>(static_cast<int64_t>(e.distance)), out);
  PutU64(std::bit_cast<uint64_t>(e.similarity), out);
}

namespace {

bool DecodeKept(std::string_view in, size_t* pos, Decision* d) {
  for (uint64_t* v : {&d->index, &d->ordinal, &d->digest.high, &d->digest.low, &d->fingerprint.simhash})
    if (!GetU64(in, pos, v)) return false;
  uint8_t extraction = 0, changed = 0;
  if (!GetByte(in, pos, &extraction) || extraction > 2) return false;
  d->extraction = static_cast<Extraction>(extraction);
  if (!GetSketch(in, pos, &d->fingerprint.sketch)) return false;
  if (!GetBytes(in, pos, &d->source) || !GetByte(in, pos, &changed) || changed > 1) return false;
  d->text_changed = changed == 1;
  return GetBytes(in, pos, &d->text);
}

bool DecodeDropped(std::string_view in, size_t* pos, DroppedEntry* e) {
  for (std::string* s : {&e->url, &e->source, &e->date, &e->crawled_at, &e->duplicate_of})
    if (!GetBytes(in, pos, s)) return false;
  uint8_t near = 0;
  uint64_t distance = 0, similarity = 0;
  if (!GetByte(in, pos, &near) || near > 1 || !GetU64(in, pos, &distance) || !GetU64(in, pos, &similarity))
    return false;
  e->near = near == 1;
  e->distance = static_cast<int>(static_cast<int64_t>(distance));
  e->similarity = std::bit_cast<double>(similarity);
  return true;
}

}  // namespace

bool DecodeDecision(std::string_view in, size_t* pos, Decision* d) {
  uint8_t tag = 0;
  if (!GetByte(in, pos, &tag) || (tag != 'k' && tag != 'd')) return false;
  d->kept = tag == 'k';
  return d->kept ? DecodeKept(in, pos, d) : DecodeDropped(in, pos, &d->dropped);
}

namespace {

uint64_t DoubleBits(double v) { return std::bit_cast<uint64_t>(v); }
double BitsDouble(uint64_t v) { return std::bit_cast<double>(v); }

bool GetInt(std::string_view in, size_t* pos, int* v) {
  uint64_t u = 0;
  if (!GetU64(in, pos, &u)) return false;
  *v = static_cast<int>(static_cast<int64_t>(u));
  return true;
}

}  // namespace

void EncodeFinding(const Finding& f, std::string* out) {
  for (uint64_t v : {f.seq, f.archive_exact, f.archive_exact_id, f.archive_near, f.archive_near_id,
                     static_cast<uint64_t>(static_cast<int64_t>(f.archive_distance)), DoubleBits(f.archive_similarity),
                     f.has_twin ? f.twin + 1 : 0, uint64_t{f.same_digest.size()}, uint64_t{f.near.size()}})
    PutU64(v, out);
  for (uint64_t seq : f.same_digest) PutU64(seq, out);
  for (const Finding::Near& n : f.near) {
    for (uint64_t v : {n.seq, static_cast<uint64_t>(static_cast<int64_t>(n.distance)), DoubleBits(n.similarity)})
      PutU64(v, out);
  }
}

bool DecodeFinding(std::string_view in, size_t* pos, Finding* f) {
  uint64_t similarity = 0, twin = 0, same = 0, near = 0;
  if (!GetU64(in, pos, &f->seq) || !GetU64(in, pos, &f->archive_exact) || !GetU64(in, pos, &f->archive_exact_id) ||
      !GetU64(in, pos, &f->archive_near) || !GetU64(in, pos, &f->archive_near_id) ||
      !GetInt(in, pos, &f->archive_distance) || !GetU64(in, pos, &similarity) || !GetU64(in, pos, &twin) ||
      !GetU64(in, pos, &same) || !GetU64(in, pos, &near))
    return false;
  const uint64_t words = (in.size() - *pos) / 8;  // each count checked alone first: no overflow
  if (same > words || near > words || same + 3 * near > words) return false;
  f->archive_similarity = BitsDouble(similarity);
  f->has_twin = twin != 0;
  f->twin = twin - f->has_twin;
  f->same_digest.resize(same);
  for (uint64_t& seq : f->same_digest) GetU64(in, pos, &seq);
  f->near.resize(near);
  for (Finding::Near& n : f->near) {
    GetU64(in, pos, &n.seq);
    GetInt(in, pos, &n.distance);
    GetU64(in, pos, &similarity);
    n.similarity = BitsDouble(similarity);
  }
  return true;
}

// A whole copy, then the heavy fields dropped: a field added to Document later is kept
// unless it is dropped here too. The copy costs a few microseconds beside the extraction.
Analyzed ForDecideTask(const Analyzed& a) {
  Analyzed light = a;
  light.raw_digest = RawBytesDigest(a.doc.original);
  light.doc.original = std::string();
  light.doc.title = std::string();
  light.doc.warc = WarcOrigin{};
  return light;
}

Result<uint64_t> StageRecordCount(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IOError("stage file " + path + ": cannot open: " + std::strerror(errno));
  char tail[8 + 8 + kEnd.size()];
  const bool read = std::fseek(f, -static_cast<long>(sizeof tail), SEEK_END) == 0 &&
                    std::fread(tail, 1, sizeof tail, f) == sizeof tail;
  std::fclose(f);
  uint64_t zero = 1, count = 0;
  size_t pos = 0;
  const std::string_view bytes(tail, sizeof tail);
  if (!read || !GetU64(bytes, &pos, &zero) || zero != 0 || !GetU64(bytes, &pos, &count) ||
      bytes.substr(16) != kEnd)
    return Status::Corruption("stage file " + path + ": damaged end (run its task again)");
  return count;
}

StageWriter::~StageWriter() {
  if (file_ == nullptr) return;
  std::fclose(file_);
  ::unlink(temp_path_.c_str());  // never finished: no half file under any name
}

Status StageWriter::Open(const std::string& path, std::string_view magic) {
  path_ = path;
  temp_path_ = path + ".tmp";
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (file_ == nullptr)
    return Status::IOError("stage file " + temp_path_ + ": cannot create: " + std::strerror(errno));
  return WriteAll(file_, magic, temp_path_);
}

Status StageWriter::Append(const Analyzed& a) {
  EncodeAnalyzed(a, &block_);
  return Appended();
}

Status StageWriter::Append(const Decision& d) {
  EncodeDecision(d, &block_);
  return Appended();
}

Status StageWriter::Append(const Finding& f) {
  EncodeFinding(f, &block_);
  return Appended();
}

Status StageWriter::Appended() {
  ++records_;
  return block_.size() >= kBlockBytes ? FlushBlock() : Status::OK();
}

Status StageWriter::FlushBlock() {
  if (block_.empty()) return Status::OK();
  std::string frame(ZSTD_compressBound(block_.size()), '\0');
  const size_t n = ZSTD_compress(frame.data(), frame.size(), block_.data(), block_.size(), kLevel);
  if (ZSTD_isError(n)) return Status::IOError("stage file " + path_ + ": " + ZSTD_getErrorName(n));
  frame.resize(n);
  std::string size;
  PutU64(n, &size);
  SIMSHARD_RETURN_IF_ERROR(WriteAll(file_, size, temp_path_));
  SIMSHARD_RETURN_IF_ERROR(WriteAll(file_, frame, temp_path_));
  block_.clear();
  return Status::OK();
}

Status StageWriter::Finish() {
  SIMSHARD_RETURN_IF_ERROR(FlushBlock());
  std::string end;
  PutU64(0, &end);
  PutU64(records_, &end);
  end.append(kEnd);
  SIMSHARD_RETURN_IF_ERROR(WriteAll(file_, end, temp_path_));
  if (std::fflush(file_) != 0)
    return Status::IOError("stage file " + temp_path_ + ": cannot write: " + std::strerror(errno));
  SIMSHARD_RETURN_IF_ERROR(FsyncFd(fileno(file_), temp_path_));
  std::fclose(file_);
  file_ = nullptr;
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
    return Status::IOError("stage file " + path_ + ": cannot rename into place: " + std::strerror(errno));
  return FsyncParentDir(path_);
}

StageReader::~StageReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Status StageReader::Open(const std::string& path, std::string_view magic) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr)
    return Status::IOError("stage file " + path + ": cannot open: " + std::strerror(errno));
  std::string head(magic.size(), '\0');
  if (std::fread(head.data(), 1, head.size(), file_) != head.size() || head != magic)
    return Status::Corruption("stage file " + path + ": not a stage file (run its task again)");
  return Status::OK();
}

bool StageReader::Fail(const std::string& what) {
  status_ = Status::Corruption("stage file " + path_ + ": " + what + " (run its task again)");
  return false;
}

bool StageReader::ReadBlock() {
  char b[8];
  if (std::fread(b, 1, 8, file_) != 8) return Fail("cut short");
  uint64_t size = 0;
  size_t pos = 0;
  GetU64(std::string_view(b, 8), &pos, &size);
  if (size == 0) {  // the end: the count must match, and nothing may follow
    char tail[8 + kEnd.size() + 1];
    const size_t got = std::fread(tail, 1, sizeof tail, file_);
    uint64_t count = 0;
    pos = 0;
    if (got != sizeof tail - 1 || !GetU64(std::string_view(tail, 8), &pos, &count) ||
        std::string_view(tail + 8, kEnd.size()) != kEnd)
      return Fail("damaged end");
    if (count != records_) return Fail("holds " + std::to_string(records_) + " documents, its end says " + std::to_string(count));
    ended_ = true;
    return false;
  }
  if (size > kMaxBlockBytes) return Fail("damaged block size");
  std::string frame(size, '\0');
  if (std::fread(frame.data(), 1, size, file_) != size) return Fail("cut short");
  const unsigned long long content = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN || content > kMaxBlockBytes)
    return Fail("damaged block");
  block_.resize(content);
  const size_t n = ZSTD_decompress(block_.data(), block_.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != content) return Fail("damaged block");
  pos_ = 0;
  return true;
}

bool StageReader::NextRecord(const std::function<bool(std::string_view, size_t*)>& decode) {
  if (ended_ || !status_.ok() || file_ == nullptr) return false;
  while (pos_ == block_.size()) {
    if (!ReadBlock()) return false;
  }
  if (!decode(block_, &pos_)) return Fail("damaged record");
  ++records_;
  return true;
}

bool StageReader::Next(Analyzed* a) {
  return NextRecord([a](std::string_view in, size_t* pos) {
    *a = Analyzed{};
    return DecodeAnalyzed(in, pos, a);
  });
}

bool StageReader::Next(Decision* d) {
  return NextRecord([d](std::string_view in, size_t* pos) {
    *d = Decision{};
    return DecodeDecision(in, pos, d);
  });
}

bool StageReader::Next(Finding* f) {
  return NextRecord([f](std::string_view in, size_t* pos) {
    *f = Finding{};
    return DecodeFinding(in, pos, f);
  });
}

Status LineRenumberer::Fix(Document* doc) {
  if (doc->piece_begin == 0) return Status::OK();
  Counted& counted = files_[doc->piece_path];
  if (counted.offset > doc->piece_begin) counted = Counted{};  // pieces out of order: recount
  if (counted.offset < doc->piece_begin) {
    SIMSHARD_RETURN_IF_ERROR(CountLines(doc->piece_path, doc->piece_begin, &counted));
  }
  const size_t hash = doc->source.rfind('#');
  uint64_t line = 0;
  const char* digits = doc->source.data() + hash + 1;
  const auto [end, ec] = std::from_chars(digits, doc->source.data() + doc->source.size(), line);
  if (hash == std::string::npos || ec != std::errc() || end != doc->source.data() + doc->source.size())
    return Status::Corruption("stage record " + doc->source + ": no line number to renumber");
  doc->source.resize(hash + 1);
  doc->source += std::to_string(line + counted.lines);
  doc->piece_begin = 0;
  doc->piece_path.clear();
  return Status::OK();
}

// Counts the line ends of `path` from counted->offset up to `offset`.
Status LineRenumberer::CountLines(const std::string& path, uint64_t offset, Counted* counted) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr || ::fseeko(file, static_cast<off_t>(counted->offset), SEEK_SET) != 0) {
    if (file) std::fclose(file);
    return Status::IOError(path + ": cannot read it again to number its lines: " + std::strerror(errno));
  }
  std::string buf(1 << 20, '\0');
  while (counted->offset < offset) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), offset - counted->offset));
    const size_t got = std::fread(buf.data(), 1, want, file);
    if (got == 0) break;
    for (const char* p = buf.data(); (p = static_cast<const char*>(std::memchr(p, '\n', buf.data() + got - p)));)
      ++counted->lines, ++p;
    counted->offset += got;
  }
  std::fclose(file);
  if (counted->offset != offset) return Status::Corruption(path + ": changed since its pieces were read (shorter now)");
  return Status::OK();
}

}  // namespace simshard::pipeline
