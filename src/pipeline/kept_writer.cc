#include "pipeline/kept_writer.h"

#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "util/file_util.h"
#include "util/json_writer.h"

namespace simshard::pipeline {

namespace {
constexpr size_t kBatchBytes = 1 << 20;
}

struct KeptWriter::Stream {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  std::string out = std::string(ZSTD_CStreamOutSize(), '\0');
  ~Stream() { ZSTD_freeCCtx(cctx); }
};

KeptWriter::KeptWriter() = default;

KeptWriter::~KeptWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Status KeptWriter::Open(const std::string& path) {
  path_ = path;
  if (path.empty()) return Status::OK();
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    return PosixError("kept file " + path + ": cannot create");
  }
  stream_ = std::make_unique<Stream>();
  ZSTD_CCtx_setParameter(stream_->cctx, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(stream_->cctx, ZSTD_c_checksumFlag, 1);
  return Status::OK();
}

Status KeptWriter::Write(const Analyzed& a, const std::string& id) {
  if (file_ == nullptr) return Status::OK();
  JsonObjectWriter w(&line_);
  w.String("id", id).String("url", a.doc.url).String("source", a.doc.source);
  w.String("title", a.doc.title).String("date", a.doc.date).String("text", a.doc.text);
  if (a.doc.extraction != Extraction::kExtracted) w.String("extraction", ExtractionName(a.doc.extraction));
  w.Close();
  line_.push_back('\n');
  return line_.size() >= kBatchBytes ? Compress(false) : Status::OK();
}

Status KeptWriter::Compress(bool end) {
  ZSTD_inBuffer in{line_.data(), line_.size(), 0};
  const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
  for (;;) {
    ZSTD_outBuffer out{stream_->out.data(), stream_->out.size(), 0};
    const size_t left = ZSTD_compressStream2(stream_->cctx, &out, &in, mode);
    if (ZSTD_isError(left)) {
      return Status::IOError("kept file " + path_ + ": " + ZSTD_getErrorName(left));
    }
    if (std::fwrite(out.dst, 1, out.pos, file_) != out.pos) {
      return PosixError("kept file " + path_ + ": write failed");
    }
    const bool done = end ? left == 0 : in.pos == in.size;
    if (done) break;
  }
  line_.clear();
  return Status::OK();
}

Status KeptWriter::Close() {
  if (file_ == nullptr) return Status::OK();
  Status st = Compress(true);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (st.ok() && !closed) {
    return PosixError("kept file " + path_ + ": write failed");
  }
  return st;
}

}  // namespace simshard::pipeline
