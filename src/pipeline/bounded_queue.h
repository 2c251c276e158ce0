// Thread hand-off for the pipeline: a bounded FIFO (scanner -> workers) and a bounded
// reorder window (workers -> the deciding thread, in input order). Both block producers
// when full, so memory stays bounded whatever the input size.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace simshard::pipeline {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity ? capacity : 1) {}

  // False when the queue was cancelled; the value is dropped.
  bool Push(T&& value) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return cancelled_ || items_.size() < capacity_; });
    if (cancelled_) return false;
    items_.push_back(std::move(value));
    not_empty_.notify_one();
    return true;
  }

  // Empty when closed and drained, or cancelled.
  std::optional<T> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return cancelled_ || closed_ || !items_.empty(); });
    if (cancelled_ || items_.empty()) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return value;
  }

  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  bool closed_ = false, cancelled_ = false;
};

// Items arrive tagged with a gap-free sequence number in any order and leave in sequence
// order. A producer whose item is more than `window` ahead of the consumer waits, which
// bounds memory and cannot deadlock: the item the consumer waits for always fits.
template <typename T>
class ReorderBuffer {
 public:
  explicit ReorderBuffer(size_t window) : slots_(window ? window : 1) {}

  bool Put(uint64_t seq, T&& value) {
    std::unique_lock lock(mu_);
    has_room_.wait(lock, [&] { return cancelled_ || seq < next_ + slots_.size(); });
    if (cancelled_) return false;
    slots_[seq % slots_.size()] = std::move(value);
    if (seq == next_) ready_.notify_one();
    return true;
  }

  // The next item in sequence order; empty once every producer is done and it never
  // came (the end of the input), or when cancelled.
  std::optional<T> Take() {
    std::unique_lock lock(mu_);
    auto& slot = slots_[next_ % slots_.size()];
    ready_.wait(lock, [&] { return cancelled_ || slot.has_value() || producers_done_; });
    if (cancelled_ || !slot.has_value()) return std::nullopt;
    std::optional<T> value = std::move(slot);
    slot.reset();
    ++next_;
    has_room_.notify_all();
    return value;
  }

  void ProducersDone() {
    std::lock_guard lock(mu_);
    producers_done_ = true;
    ready_.notify_all();
  }

  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    ready_.notify_all();
    has_room_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable has_room_, ready_;
  std::vector<std::optional<T>> slots_;
  uint64_t next_ = 0;
  bool producers_done_ = false, cancelled_ = false;
};

}  // namespace simshard::pipeline
