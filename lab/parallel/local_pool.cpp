#include "lab/parallel/local_pool.hpp"

namespace moelab::lab {

LocalPool::LocalPool(unsigned threads, Task task)
    : task_(std::move(task)),
      fractions_(new std::atomic<double>[threads == 0 ? 1 : threads]),
      running_(new std::atomic<bool>[threads == 0 ? 1 : threads]) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) {
    fractions_[i] = 0;
    running_[i] = false;
  }
  workers_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
}

LocalPool::~LocalPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    todo_.clear();
  }
  work_ready_.notify_all();
  for (auto& t : workers_) t.join();
}

unsigned LocalPool::idle() const {
  std::lock_guard lock(mutex_);
  return threads() - taken_;
}

void LocalPool::submit(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    todo_.push_back(index);
    ++taken_;
  }
  work_ready_.notify_one();
}

std::optional<LocalPool::Done> LocalPool::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!done_ready_.wait_for(lock, timeout, [this] { return !done_.empty(); })) return std::nullopt;
  Done d = std::move(done_.front());
  done_.pop_front();
  --taken_;
  return d;
}

double LocalPool::fraction_in_progress() const {
  double sum = 0;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (running_[i]) sum += fractions_[i];
  }
  return sum;
}

void LocalPool::work(std::size_t slot) {
  while (true) {
    std::size_t index = 0;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return stopping_ || !todo_.empty(); });
      if (stopping_) return;
      index = todo_.front();
      todo_.pop_front();
    }
    fractions_[slot] = 0;
    running_[slot] = true;
    Done d;
    d.index = index;
    try {
      d.bytes = task_(index, fractions_[slot]);
    } catch (...) {
      d.error = std::current_exception();
    }
    running_[slot] = false;
    {
      std::lock_guard lock(mutex_);
      done_.push_back(std::move(d));
    }
    done_ready_.notify_all();
  }
}

}  // namespace moelab::lab
