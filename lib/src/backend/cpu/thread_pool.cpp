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

// The parts of a job go to whichever thread claims them first, the caller
// included: a thread that wakes late (a busy machine, a throttled Worker)
// finds its part done rather than holding the caller up. Which thread runs a
// part never changes what the part computes.
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
    if (in_part) return serial(parts, part, context);
    std::unique_lock busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return serial(parts, part, context);
    in_part = true;
    struct leave {
      ~leave() { in_part = false; }
    } on_return;
    grow(parts - 1);
    part_ = part;
    context_ = context;
    errors_.assign(static_cast<std::size_t>(parts), nullptr);
    done_.store(0, std::memory_order_relaxed);
    std::uint64_t job;
    {
      const std::lock_guard lock(mutex_);
      job = ++generation_;
      claims_.store(job << 32 | static_cast<std::uint64_t>(parts) << 16, std::memory_order_release);
    }
    start_.notify_all();
    take_parts(job);
    // A spin, not a wait on a condition: the browser's main thread must not
    // sleep (Emscripten warns), and the other parts end about when this one does.
    while (done_.load(std::memory_order_acquire) != parts) std::this_thread::yield();
    for (const std::exception_ptr& e : errors_)
      if (e) std::rethrow_exception(e);
  }

 private:
  static void serial(int parts, void (*part)(const void*, int), const void* context) {
    for (int p = 0; p < parts; ++p) part(context, p);
  }

  // Starts threads until there are `wanted`, or the platform refuses one
  // (Emscripten's pool of Workers is full): the threads there are claim all parts.
  void grow(int wanted) {
    while (static_cast<int>(threads_.size()) < wanted) {
      try {
        threads_.emplace_back([this, seen = generation_] { work(seen); });
      } catch (const std::system_error&) {
        return;
      }
    }
  }

  // Claims and runs parts of job `job` until none is left unclaimed. claims_
  // holds the job, its part count and the next part in one word, so that a
  // thread holding an old job's number claims nothing of a newer one.
  void take_parts(std::uint64_t job) {
    std::uint64_t claims = claims_.load(std::memory_order_acquire);
    for (;;) {
      const auto next = static_cast<int>(claims & 0xffff), parts = static_cast<int>(claims >> 16 & 0xffff);
      if (claims >> 32 != job || next == parts) return;
      if (!claims_.compare_exchange_weak(claims, claims + 1, std::memory_order_acq_rel)) continue;
      try {
        part_(context_, next);
      } catch (...) {
        errors_[static_cast<std::size_t>(next)] = std::current_exception();
      }
      done_.fetch_add(1, std::memory_order_release);
      claims = claims_.load(std::memory_order_acquire);
    }
  }

  void work(std::uint64_t seen) {
    in_part = true;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      take_parts(seen);
    }
  }

  std::mutex busy_;  // held by the thread whose job runs
  std::mutex mutex_;
  std::condition_variable start_;
  std::vector<std::thread> threads_;
  std::uint64_t generation_ = 0;  // the job's number, under mutex_
  bool stop_ = false;             // under mutex_
  // The job: set before claims_ names it, kept until all its parts are done.
  void (*part_)(const void*, int) = nullptr;
  const void* context_ = nullptr;
  std::vector<std::exception_ptr> errors_;  // by part, each written by the part's thread
  std::atomic<std::uint64_t> claims_{0};    // job << 32 | parts << 16 | next part
  std::atomic<int> done_{0};                // the job's parts done
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
