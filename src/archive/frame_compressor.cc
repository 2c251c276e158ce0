#include "archive/frame_compressor.h"

#include <memory>
#include <zstd.h>

#include "simshard/archive.h"
#include "util/encoding.h"
#include "util/thread_name.h"

namespace simshard {

Bounds<int64_t> CompressionLevelBounds() { return {ZSTD_minCLevel(), ZSTD_maxCLevel()}; }

Status CheckArchiveOptions(const ArchiveOptions& options) {
  SIMSHARD_RETURN_IF_ERROR(
      CheckBounds<int64_t>("shard_bytes", static_cast<int64_t>(options.shard_bytes), kShardBytesBounds));
  SIMSHARD_RETURN_IF_ERROR(CheckBounds<int64_t>("frame_bytes", options.frame_bytes, kFrameBytesBounds));
  return CheckBounds<int64_t>("level", options.level, CompressionLevelBounds());
}

Result<CompressedFrame> CompressFrame(std::string_view raw, int level) {
  struct FreeCctx {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_CCtx, FreeCctx> cctx(ZSTD_createCCtx());
  ZSTD_CCtx_reset(cctx.get(), ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_contentSizeFlag, 1);
  // Into a scratch buffer kept per thread, then copied at its exact size: cheaper than
  // zero-filling a string of the bound size and shrinking it for every frame.
  thread_local std::string scratch;
  const size_t bound = ZSTD_compressBound(raw.size());
  if (scratch.size() < bound) scratch.resize(bound);
  const size_t n = ZSTD_compress2(cctx.get(), scratch.data(), bound, raw.data(), raw.size());
  if (ZSTD_isError(n)) return Status::IOError(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  CompressedFrame frame;
  frame.bytes.assign(scratch.data(), n);
  frame.decompressed_size = static_cast<uint32_t>(raw.size());
  // The frame ends with zstd's content checksum, which is the seek table's checksum too
  // (doc/FORMAT.md): read it rather than hash the megabyte again.
  frame.checksum = GetFixed32(frame.bytes.data() + frame.bytes.size() - 4);
  return frame;
}

FrameCompressor::FrameCompressor(int level, unsigned threads)
    : level_(level), max_in_flight_(threads == 0 ? 1 : 2 * threads) {
  for (unsigned i = 0; i < threads; ++i) {
    workers_.emplace_back([this] {
      NameThisThread("ss-compress");
      WorkerLoop();
    });
  }
}

FrameCompressor::~FrameCompressor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void FrameCompressor::Submit(std::string raw) {
  if (workers_.empty()) {
    Job job;
    job.result = CompressFrame(raw, level_);
    job.done = true;
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
    KeepSpare(std::move(raw));
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  Job job;
  job.raw = std::move(raw);
  jobs_.push_back(std::move(job));
  work_cv_.notify_one();
}

bool FrameCompressor::Next(bool wait, Result<CompressedFrame>* out) {
  std::unique_lock<std::mutex> lock(mu_);
  if (jobs_.empty()) return false;
  if (!jobs_.front().done) {
    if (!wait) return false;
    done_cv_.wait(lock, [&] { return jobs_.front().done; });
  }
  *out = std::move(jobs_.front().result);
  jobs_.pop_front();
  return true;
}

std::string FrameCompressor::TakeBuffer() {
  std::lock_guard<std::mutex> lock(mu_);
  if (spare_.empty()) return std::string();
  std::string buffer = std::move(spare_.back());
  spare_.pop_back();
  return buffer;
}

void FrameCompressor::KeepSpare(std::string raw) {
  if (spare_.size() >= max_in_flight_) return;  // bounded: as many as frames in flight
  raw.clear();  // keeps the capacity
  spare_.push_back(std::move(raw));
}

bool FrameCompressor::full() const {
  std::lock_guard<std::mutex> lock(mu_);
  return jobs_.size() >= max_in_flight_;
}

void FrameCompressor::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // std::deque keeps references to elements valid while others are pushed or popped at
    // the ends, so a worker can compress its job without holding the lock.
    Job* job = nullptr;
    work_cv_.wait(lock, [&] {
      if (stop_) return true;
      for (Job& j : jobs_) {
        if (!j.taken) { job = &j; return true; }
      }
      return false;
    });
    if (job == nullptr) return;  // stopping
    job->taken = true;
    std::string raw = std::move(job->raw);
    lock.unlock();
    Result<CompressedFrame> result = CompressFrame(raw, level_);
    lock.lock();
    job->result = std::move(result);
    job->done = true;
    KeepSpare(std::move(raw));
    done_cv_.notify_all();
  }
}

}  // namespace simshard
