#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "pipeline/bounded_queue.h"

using simshard::pipeline::BoundedQueue;
using simshard::pipeline::ReorderBuffer;

BOOST_AUTO_TEST_CASE(reorder_buffer_hands_out_in_sequence_order) {
  constexpr uint64_t kItems = 2000;
  ReorderBuffer<uint64_t> buffer(8);
  std::vector<uint64_t> seqs(kItems);
  for (uint64_t i = 0; i < kItems; ++i) seqs[i] = i;
  // Three producers take items from a shared counter, so they finish out of order.
  // (Boost.Test assertions are not thread-safe: threads only record what happened.)
  std::atomic<uint64_t> next{0};
  std::atomic<bool> put_failed{false};
  std::vector<std::thread> producers;
  std::atomic<int> running{3};
  for (int p = 0; p < 3; ++p) {
    producers.emplace_back([&, p] {
      std::mt19937 rng(p);
      for (uint64_t i; (i = next++) < kItems;) {
        if (rng() % 4 == 0) std::this_thread::yield();
        if (!buffer.Put(i, i * 10)) put_failed = true;
      }
      if (--running == 0) buffer.ProducersDone();
    });
  }
  std::vector<uint64_t> got;
  while (std::optional<uint64_t> v = buffer.Take()) got.push_back(*v);
  for (auto& t : producers) t.join();
  BOOST_TEST(!put_failed);
  BOOST_REQUIRE_EQUAL(got.size(), kItems);
  for (uint64_t i = 0; i < kItems; ++i) BOOST_TEST(got[i] == i * 10);
}

BOOST_AUTO_TEST_CASE(reorder_buffer_cancel_wakes_a_blocked_producer) {
  ReorderBuffer<int> buffer(2);
  bool put_result = true;
  std::thread producer([&] { put_result = buffer.Put(5, 1); });  // beyond the window: waits
  buffer.Cancel();
  producer.join();
  BOOST_TEST(!put_result);
  BOOST_TEST(!buffer.Take().has_value());
}

BOOST_AUTO_TEST_CASE(bounded_queue_drains_after_close_and_stops_on_cancel) {
  BoundedQueue<int> queue(4);
  std::atomic<bool> push_failed{false};
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) {
      if (!queue.Push(int(i))) push_failed = true;
    }
    queue.Close();
  });
  int expected = 0;
  while (std::optional<int> v = queue.Pop()) BOOST_TEST(*v == expected++);
  producer.join();
  BOOST_TEST(!push_failed);
  BOOST_TEST(expected == 100);

  BoundedQueue<int> full(1);
  BOOST_TEST(full.Push(1));
  bool second_push = true;
  std::thread blocked([&] { second_push = full.Push(2); });
  full.Cancel();
  blocked.join();
  BOOST_TEST(!second_push);
  BOOST_TEST(!full.Pop().has_value());
}
