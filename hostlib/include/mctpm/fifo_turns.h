// Turns handed out in arrival order: a ticket lock. A plain std::mutex lets a
// thread that releases and re-locks in a loop starve the others; here every
// waiter is served before anyone who asked later.
#ifndef MCTPM_FIFO_TURNS_H
#define MCTPM_FIFO_TURNS_H

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace mctpm {

class FifoTurns {
 public:
  class Turn {
   public:
    Turn(Turn&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Turn& operator=(Turn&&) = delete;
    Turn(const Turn&) = delete;
    ~Turn() {
      if (owner_) owner_->finish();
    }

   private:
    friend class FifoTurns;
    explicit Turn(FifoTurns* owner) : owner_(owner) {}
    FifoTurns* owner_;
  };

  // Blocks until every turn asked for earlier has ended.
  Turn wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t ticket = next_++;
    changed_.wait(lock, [&] { return serving_ == ticket; });
    return Turn(this);
  }

  // Turns asked for and not yet ended (including the one being served).
  uint64_t outstanding() {
    std::lock_guard<std::mutex> lock(mutex_);
    return next_ - serving_;
  }

 private:
  void finish() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++serving_;
    }
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t next_ = 0;
  uint64_t serving_ = 0;
};

}  // namespace mctpm

#endif
