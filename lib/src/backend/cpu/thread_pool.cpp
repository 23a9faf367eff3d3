#include "backend/cpu/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace aerec::cpu {

namespace {

// Whether this thread is running a part (a pool thread always is): a
// parallel_for inside a part runs serially rather than wait for itself.
thread_local bool in_part = false;

class thread_pool {
 public:
  ~thread_pool() {
    {
      const std::lock_guard lock(mutex_);
      stop_ = true;
    }
    start_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  void run(int parts, void (*part)(const void*, int), const void* context) {
    if (in_part) return serial(0, parts, part, context);
    std::unique_lock busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return serial(0, parts, part, context);
    in_part = true;
    struct leave {
      ~leave() { in_part = false; }
    } on_return;
    // Parts past the threads that could be started run here, after part 0.
    const int helped = grow(parts - 1);
    errors_.assign(static_cast<std::size_t>(helped) + 1, nullptr);
    pending_.store(helped, std::memory_order_relaxed);
    {
      const std::lock_guard lock(mutex_);
      part_ = part;
      context_ = context;
      helped_ = helped;
      ++generation_;
    }
    start_.notify_all();
    std::exception_ptr mine;
    try {
      part(context, 0);
      serial(helped + 1, parts, part, context);
    } catch (...) {
      mine = std::current_exception();
    }
    // A spin, not a wait on a condition: the browser's main thread must not
    // sleep (Emscripten warns), and the other parts end about when this one does.
    while (pending_.load(std::memory_order_acquire) != 0) std::this_thread::yield();
    if (mine) std::rethrow_exception(mine);
    for (const std::exception_ptr& e : errors_)
      if (e) std::rethrow_exception(e);
  }

 private:
  static void serial(int first, int end, void (*part)(const void*, int), const void* context) {
    for (int p = first; p < end; ++p) part(context, p);
  }

  // Starts threads until there are `wanted` (or the platform refuses one:
  // Emscripten's pool of Workers is full); returns how many there are.
  int grow(int wanted) {
    while (static_cast<int>(threads_.size()) < wanted) {
      const int p = static_cast<int>(threads_.size()) + 1;
      try {
        threads_.emplace_back([this, p, seen = generation_] { work(p, seen); });
      } catch (const std::system_error&) {
        break;
      }
    }
    return std::min(wanted, static_cast<int>(threads_.size()));
  }

  // Pool thread p - 1: part p of each job that has one.
  void work(int p, std::uint64_t seen) {
    in_part = true;
    for (;;) {
      std::unique_lock lock(mutex_);
      start_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (p > helped_) continue;
      const auto part = part_;
      const void* context = context_;
      lock.unlock();
      try {
        part(context, p);
      } catch (...) {
        errors_[static_cast<std::size_t>(p)] = std::current_exception();
      }
      pending_.fetch_sub(1, std::memory_order_release);
    }
  }

  std::mutex busy_;  // held by the thread whose job runs
  std::mutex mutex_;
  std::condition_variable start_;
  std::vector<std::thread> threads_;
  // The job, under mutex_: its parts 1 .. helped_ go to threads 0 .. helped_ - 1.
  void (*part_)(const void*, int) = nullptr;
  const void* context_ = nullptr;
  int helped_ = 0;
  std::uint64_t generation_ = 0;  // one more for each job
  bool stop_ = false;
  std::atomic<int> pending_{0};             // the threads' parts not yet done
  std::vector<std::exception_ptr> errors_;  // by part, each written by its thread
};

thread_pool& shared_pool() {
  static thread_pool pool;
  return pool;
}

}  // namespace

void run_parts(int parts, void (*part)(const void* context, int p), const void* context) {
  if (parts <= 1) {
    if (parts == 1) part(context, 0);
    return;
  }
  shared_pool().run(parts, part, context);
}

}  // namespace aerec::cpu
