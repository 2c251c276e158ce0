// Compresses data frames on worker threads and hands them back in submission order, so
// a shard's bytes are the same for any number of workers.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "simshard/status.h"

namespace simshard {

struct CompressedFrame {
  std::string bytes;            // one zstd frame with content size and checksum
  uint32_t decompressed_size = 0;
  uint32_t checksum = 0;        // XXH64/32 of the decompressed bytes
};

class FrameCompressor {
 public:
  // `threads` workers compress in the background; 0 compresses on the caller's thread
  // (inside Submit).
  FrameCompressor(int level, unsigned threads);
  ~FrameCompressor();
  FrameCompressor(const FrameCompressor&) = delete;
  FrameCompressor& operator=(const FrameCompressor&) = delete;

  // Queues one frame's records. Never blocks: callers keep the queue bounded by taking
  // frames back with Next(true) while full().
  void Submit(std::string raw);
  bool full() const;
  // An empty string, with the memory of a frame already compressed when one is spare:
  // fresh megabytes would be page-faulted in again for every frame.
  std::string TakeBuffer();
  // Pops the next frame in submission order if it is done (or, with wait, once it is).
  // Returns false when none is ready (or none is pending, with wait).
  bool Next(bool wait, Result<CompressedFrame>* out);

 private:
  struct Job {
    std::string raw;
    bool done = false;
    bool taken = false;
    Result<CompressedFrame> result = Status::IOError("not compressed");
  };
  void WorkerLoop();
  void KeepSpare(std::string raw);  // called with mu_ held

  const int level_;
  const size_t max_in_flight_;
  std::vector<std::thread> workers_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Job> jobs_;  // front is the oldest not yet handed back
  std::vector<std::string> spare_;  // raw buffers compressed, for TakeBuffer
  bool stop_ = false;
};

// One zstd frame of `raw` at `level`, with content size and checksum.
Result<CompressedFrame> CompressFrame(std::string_view raw, int level);

}  // namespace simshard
