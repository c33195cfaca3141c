// FifoTurns: waiters are served in the order they asked.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "mctpm/fifo_turns.h"

namespace {

TEST(FifoTurns, WaitersAreServedInArrivalOrder) {
  mctpm::FifoTurns turns;
  std::vector<int> order;
  std::mutex order_mutex;
  std::vector<std::thread> threads;
  {
    auto first = turns.wait();  // everyone below queues behind this one
    for (int i = 0; i < 6; ++i) {
      threads.emplace_back([&, i] {
        auto t = turns.wait();
        std::lock_guard<std::mutex> lock(order_mutex);
        order.push_back(i);
      });
      // The next thread starts only once this one holds its ticket.
      while (turns.outstanding() != uint64_t(i) + 2) std::this_thread::yield();
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(turns.outstanding(), 0u);
}

TEST(FifoTurns, AGreedyThreadCannotStarveAnother) {
  mctpm::FifoTurns turns;
  std::atomic<bool> other_served{false};
  std::atomic<int> greedy_turns_while_other_waited{0};
  std::thread greedy([&] {
    for (int i = 0; i < 1000000 && !other_served; ++i) {
      auto t = turns.wait();
      // Two outstanding turns: this one and the other thread's.
      if (turns.outstanding() >= 2) ++greedy_turns_while_other_waited;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  {
    auto t = turns.wait();
    other_served = true;
  }
  greedy.join();
  // A ticket lock serves the waiting thread right after the greedy one's
  // current turn; a plain mutex could hand the greedy thread any number more.
  EXPECT_LE(greedy_turns_while_other_waited.load(), 1);
}

}  // namespace
