// Streaming byte sources for the scanner: a file, and gzip / zstd layers over any
// source. Nothing here holds more than one buffer of a stream in memory, so a small
// file that inflates to gigabytes costs only what the reader asks for.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "simshard/status.h"

namespace simshard::scan {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; 0 means end of stream or an error (see status()).
  virtual size_t Read(char* buf, size_t n) = 0;
  // OK while the stream is sound; else IOError (the file) or Corruption (the compressed
  // data), whose message becomes the skip reason of what the damage cut short.
  virtual const Status& status() const = 0;
  // Bytes consumed from the file on disk so far (for progress).
  virtual uint64_t file_offset() const = 0;
  // Offset in the file where the compression member holding `offset` (an offset in
  // this stream) begins, when this stream is a gzip with a member starting exactly there.
  virtual bool MemberFileOffset(uint64_t /*offset*/, uint64_t* /*file_offset*/) const {
    return false;
  }
};

class FileSource : public ByteSource {
 public:
  // Opens `path` for reading; on failure status() says why.
  explicit FileSource(const std::string& path);
  // Only bytes [begin, end) of it: a piece of a file (offsets count from `begin`).
  FileSource(const std::string& path, uint64_t begin, uint64_t end);
  ~FileSource() override;
  size_t Read(char* buf, size_t n) override;
  const Status& status() const override { return status_; }
  uint64_t file_offset() const override { return offset_; }

 private:
  std::FILE* file_ = nullptr;
  uint64_t offset_ = 0;
  uint64_t limit_ = UINT64_MAX;  // bytes this source may read
  Status status_;
};

// Inflates a gzip stream with any number of members (as .warc.gz writes one per record).
class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> inner);
  ~GzipSource() override;
  size_t Read(char* buf, size_t n) override;
  const Status& status() const override { return status_; }
  uint64_t file_offset() const override { return inner_->file_offset(); }
  bool MemberFileOffset(uint64_t offset, uint64_t* file_offset) const override;

 private:
  struct State;
  bool Refill(size_t want);
  std::unique_ptr<ByteSource> inner_;
  std::unique_ptr<State> state_;
  Status status_;
};

class ZstdSource : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> inner);
  ~ZstdSource() override;
  size_t Read(char* buf, size_t n) override;
  const Status& status() const override { return status_; }
  uint64_t file_offset() const override { return inner_->file_offset(); }

 private:
  struct State;
  std::unique_ptr<ByteSource> inner_;
  std::unique_ptr<State> state_;
  Status status_;
};

// Buffered reading with lines, exact counts and look-ahead over a ByteSource.
class StreamReader {
 public:
  explicit StreamReader(std::unique_ptr<ByteSource> source);

  // Up to `n` bytes from the current position, without consuming them.
  std::string_view Peek(size_t n);
  // Reads one line without its "\n" (and "\r\n"). A line longer than `max` is consumed
  // but not kept: `*too_long` is set and `line` holds only its first `max` bytes.
  // `*terminated` (optional) says whether the line ended with "\n" rather than the stream.
  // Returns false at end of stream when nothing was read.
  bool ReadLine(std::string* line, size_t max, bool* too_long, bool* terminated = nullptr);
  // Appends up to `n` bytes to `out`; returns how many were appended.
  size_t ReadInto(std::string* out, size_t n) { return Advance(n, out); }
  // Skips up to `n` bytes; returns how many were skipped.
  uint64_t Skip(uint64_t n) { return Advance(n, nullptr); }
  bool AtEnd();

  uint64_t offset() const { return offset_; }  // in the (decompressed) stream
  const Status& status() const { return source_->status(); }
  // Bytes of the file on disk consumed up to the current position: exact for a plain
  // file, the decoder's input position (read ahead by a buffer) for a compressed one.
  uint64_t file_offset() const { return compressed_ ? source_->file_offset() : offset_; }
  ByteSource& source() { return *source_; }
  void set_compressed(bool compressed) { compressed_ = compressed; }

 private:
  bool Fill(size_t want);  // ensures `want` bytes buffered if the stream has them
  uint64_t Advance(uint64_t n, std::string* out);  // consumes, appending to `out` if set
  std::unique_ptr<ByteSource> source_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
  bool compressed_ = false;
};

// Opens a file and layers gzip / zstd decompression over it, detected by magic bytes
// (repeatedly, so .gz inside .zst works too). `*layers` gets ".gz"/".zst" per layer.
std::unique_ptr<StreamReader> OpenDecoded(const std::string& path, std::string* layers);

// One-shot inflate of an HTTP "Content-Encoding: gzip|deflate" body, stopping at
// `max_bytes` + 1 bytes of output. Corruption (truncated or damaged body) on damage.
Status InflateBody(std::string_view in, bool raw_deflate_allowed, uint64_t max_bytes,
                   std::string* out);

}  // namespace simshard::scan
