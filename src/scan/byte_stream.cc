#include "scan/byte_stream.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "util/file_util.h"

namespace simshard::scan {
namespace {

constexpr size_t kChunk = 64 << 10;  // below malloc's mmap threshold: many inputs are small files

bool HasGzipMagic(std::string_view s) {
  return s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0x1f &&
         static_cast<unsigned char>(s[1]) == 0x8b;
}

bool HasZstdMagic(std::string_view s) {
  return s.size() >= 4 && s.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4);
}

}  // namespace

// ---------------------------------------------------------------------------- file

FileSource::FileSource(const std::string& path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) status_ = PosixError("cannot open");
}

FileSource::FileSource(const std::string& path, uint64_t begin, uint64_t end) : FileSource(path) {
  limit_ = end > begin ? end - begin : 0;
  if (file_ && ::fseeko(file_, static_cast<off_t>(begin), SEEK_SET) != 0)
    status_ = PosixError("cannot seek");
}

FileSource::~FileSource() {
  if (file_) std::fclose(file_);
}

size_t FileSource::Read(char* buf, size_t n) {
  if (!file_ || !status_.ok()) return 0;
  n = static_cast<size_t>(std::min<uint64_t>(n, limit_ - offset_));
  if (n == 0) return 0;
  const size_t got = std::fread(buf, 1, n, file_);
  if (got < n && std::ferror(file_)) status_ = PosixError("read error");
  offset_ += got;
  return got;
}

// ---------------------------------------------------------------------------- gzip

struct GzipSource::State {
  z_stream z{};
  std::vector<char> in = std::vector<char>(kChunk);
  bool inner_eof = false;
  bool done = false;
  uint64_t total_out = 0;
  // Recent member starts: (offset in this stream, offset in the file).
  std::deque<std::pair<uint64_t, uint64_t>> members;
};

GzipSource::GzipSource(std::unique_ptr<ByteSource> inner)
    : inner_(std::move(inner)), state_(std::make_unique<State>()) {
  if (inflateInit2(&state_->z, 15 + 16) != Z_OK) status_ = Status::IOError("cannot start gzip decoder");
  state_->members.emplace_back(0, inner_->file_offset());
}

GzipSource::~GzipSource() { inflateEnd(&state_->z); }

// Makes at least `want` input bytes available when the file has them, keeping what
// inflate has not consumed yet.
bool GzipSource::Refill(size_t want) {
  z_stream& z = state_->z;
  while (z.avail_in < want && !state_->inner_eof) {
    std::memmove(state_->in.data(), z.next_in ? reinterpret_cast<char*>(z.next_in)
                                              : state_->in.data(), z.avail_in);
    const size_t got = inner_->Read(state_->in.data() + z.avail_in,
                                    state_->in.size() - z.avail_in);
    z.next_in = reinterpret_cast<Bytef*>(state_->in.data());
    z.avail_in += static_cast<uInt>(got);
    if (got == 0) {
      state_->inner_eof = true;
      if (!inner_->status().ok()) status_ = inner_->status();
    }
  }
  return z.avail_in >= want;
}

size_t GzipSource::Read(char* buf, size_t n) {
  State& s = *state_;
  z_stream& z = s.z;
  size_t produced = 0;
  while (produced == 0 && !s.done && status_.ok()) {
    if (!Refill(1)) {
      if (status_.ok()) status_ = Status::Corruption("truncated gzip stream");
      break;
    }
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    const int rc = inflate(&z, Z_NO_FLUSH);
    produced = n - z.avail_out;
    s.total_out += produced;
    if (rc == Z_STREAM_END) {
      // Another member may follow (one per WARC record); trailing junk ends the stream.
      Refill(2);
      const std::string_view next(reinterpret_cast<const char*>(z.next_in), z.avail_in);
      if (!HasGzipMagic(next)) {
        s.done = true;
        break;
      }
      inflateReset(&z);
      s.members.emplace_back(s.total_out, inner_->file_offset() - z.avail_in);
      if (s.members.size() > 64) s.members.pop_front();
    } else if (rc == Z_BUF_ERROR) {
      if (z.avail_in > 0) status_ = Status::Corruption("corrupt gzip data");
      else continue;  // needs more input: Refill() above decides
    } else if (rc != Z_OK) {
      status_ = Status::Corruption(std::string("corrupt gzip data: ") + (z.msg ? z.msg : "inflate failed"));
    }
  }
  return produced;
}

bool GzipSource::MemberFileOffset(uint64_t offset, uint64_t* file_offset) const {
  for (const auto& [stream_offset, file_off] : state_->members) {
    if (stream_offset == offset) {
      *file_offset = file_off;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------- zstd

struct ZstdSource::State {
  ZSTD_DStream* z = ZSTD_createDStream();
  std::vector<char> in = std::vector<char>(ZSTD_DStreamInSize());
  ZSTD_inBuffer input{nullptr, 0, 0};
  size_t last_rc = 0;  // 0 when the last frame was complete
  bool inner_eof = false;
  ~State() { ZSTD_freeDStream(z); }
};

ZstdSource::ZstdSource(std::unique_ptr<ByteSource> inner)
    : inner_(std::move(inner)), state_(std::make_unique<State>()) {
  ZSTD_initDStream(state_->z);
}

ZstdSource::~ZstdSource() = default;

size_t ZstdSource::Read(char* buf, size_t n) {
  State& s = *state_;
  ZSTD_outBuffer out{buf, n, 0};
  while (out.pos == 0 && status_.ok()) {
    if (s.input.pos == s.input.size) {
      if (s.inner_eof) break;
      const size_t got = inner_->Read(s.in.data(), s.in.size());
      if (got == 0) {
        s.inner_eof = true;
        if (!inner_->status().ok()) status_ = inner_->status();
        else if (s.last_rc != 0) status_ = Status::Corruption("truncated zstd stream");
        // A last frame may still have buffered output to flush.
      }
      s.input = ZSTD_inBuffer{s.in.data(), got, 0};
    }
    const size_t rc = ZSTD_decompressStream(s.z, &out, &s.input);
    if (ZSTD_isError(rc)) {
      status_ = Status::Corruption(std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc));
      break;
    }
    s.last_rc = rc;
    if (s.inner_eof && out.pos == 0) break;
  }
  return out.pos;
}

// ---------------------------------------------------------------------------- reader

StreamReader::StreamReader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {}

bool StreamReader::Fill(size_t want) {
  while (buf_.size() - pos_ < want && !eof_) {
    if (pos_ > 0 && pos_ >= buf_.size() / 2) {  // compact before growing
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    // Read through a scratch buffer: growing buf_ by a chunk would zero-fill it first,
    // which costs more than the copy for the many inputs smaller than a chunk.
    thread_local std::unique_ptr<char[]> scratch(new char[kChunk]);
    const size_t got = source_->Read(scratch.get(), kChunk);
    buf_.append(scratch.get(), got);
    if (got == 0) eof_ = true;
  }
  return buf_.size() - pos_ >= want;
}

std::string_view StreamReader::Peek(size_t n) {
  Fill(n);
  return std::string_view(buf_).substr(pos_, n);
}

bool StreamReader::AtEnd() { return !Fill(1); }

bool StreamReader::ReadLine(std::string* line, size_t max, bool* too_long, bool* terminated) {
  line->clear();
  *too_long = false;
  if (terminated) *terminated = false;
  bool any = false;
  while (true) {
    if (pos_ == buf_.size()) {
      buf_.clear();
      pos_ = 0;
      if (!Fill(1)) break;
    }
    any = true;
    const char* start = buf_.data() + pos_;
    const size_t avail = buf_.size() - pos_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', avail));
    const size_t take = nl ? static_cast<size_t>(nl - start) : avail;
    if (!*too_long) {
      const size_t room = max - std::min(max, line->size());
      line->append(start, std::min(take, room));
      if (take > room) *too_long = true;
    }
    pos_ += take + (nl ? 1 : 0);
    offset_ += take + (nl ? 1 : 0);
    if (nl) {
      if (terminated) *terminated = true;
      break;
    }
  }
  if (!*too_long && !line->empty() && line->back() == '\r') line->pop_back();
  return any;
}

uint64_t StreamReader::Advance(uint64_t n, std::string* out) {
  uint64_t done = 0;
  while (done < n) {
    if (pos_ == buf_.size()) {
      buf_.clear();
      pos_ = 0;
      if (!Fill(1)) break;
    }
    const size_t take = static_cast<size_t>(std::min<uint64_t>(n - done, buf_.size() - pos_));
    if (out) out->append(buf_.data() + pos_, take);
    pos_ += take;
    offset_ += take;
    done += take;
  }
  return done;
}

std::unique_ptr<StreamReader> OpenDecoded(const std::string& path, std::string* layers) {
  std::unique_ptr<ByteSource> source = std::make_unique<FileSource>(path);
  layers->clear();
  for (int depth = 0; depth < 4 && source->status().ok(); ++depth) {
    // Sniff through a throwaway reader to see the magic, then reopen the layer chain.
    auto probe = std::make_unique<StreamReader>(std::move(source));
    const std::string_view head = probe->Peek(4);
    const bool gz = HasGzipMagic(head), zst = HasZstdMagic(head);
    if (!gz && !zst) {
      probe->set_compressed(!layers->empty());
      return probe;
    }
    // Rebuild: the probe consumed bytes into its buffer, so start again from the file.
    source = std::make_unique<FileSource>(path);
    *layers += gz ? ".gz" : ".zst";
    for (size_t i = 0; i < layers->size();) {
      if (layers->compare(i, 3, ".gz") == 0) {
        source = std::make_unique<GzipSource>(std::move(source));
        i += 3;
      } else {
        source = std::make_unique<ZstdSource>(std::move(source));
        i += 4;
      }
    }
  }
  auto reader = std::make_unique<StreamReader>(std::move(source));
  reader->set_compressed(!layers->empty());
  return reader;
}

Status InflateBody(std::string_view in, bool raw_deflate_allowed, uint64_t max_bytes,
                   std::string* out) {
  // Corruption with no message only when zlib cannot even start: the skip reason it was.
  Status damage = Status::Corruption("");
  // windowBits 15+32 reads zlib or gzip headers; some servers send raw deflate instead.
  for (int attempt = 0; attempt < (raw_deflate_allowed ? 2 : 1); ++attempt) {
    z_stream z{};
    if (inflateInit2(&z, attempt == 0 ? 15 + 32 : -15) != Z_OK) break;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    out->clear();
    int rc = Z_OK;
    char chunk[64 << 10];
    while (rc == Z_OK && out->size() <= max_bytes) {
      z.next_out = reinterpret_cast<Bytef*>(chunk);
      z.avail_out = sizeof(chunk);
      rc = inflate(&z, Z_NO_FLUSH);
      out->append(chunk, sizeof(chunk) - z.avail_out);
      if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    }
    const std::string msg = z.msg ? z.msg : "inflate failed";
    inflateEnd(&z);
    if (rc == Z_STREAM_END || out->size() > max_bytes) return Status::OK();
    if (rc == Z_BUF_ERROR || rc == Z_OK) return Status::Corruption("truncated compressed HTTP body");
    damage = Status::Corruption("corrupt compressed HTTP body: " + msg);
  }
  return damage;
}

}  // namespace simshard::scan
