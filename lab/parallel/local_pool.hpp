#pragma once
// Worker threads that compute sweep points handed to them one at a time (dynamic assignment:
// points differ a lot in cost). The thread that owns the pool submits indices and collects the
// finished points; only it touches HDF5, MPI and the terminal.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace moelab::lab {

class LocalPool {
 public:
  // Computes point `index` and returns its encoded result; may store its fraction done (0..1).
  using Task = std::function<std::string(std::size_t index, std::atomic<double>& fraction_done)>;

  struct Done {
    std::size_t index = 0;
    std::string bytes;         // the encoded point (empty on error)
    std::exception_ptr error;  // what the task threw
  };

  LocalPool(unsigned threads, Task task);
  ~LocalPool();  // waits for the points in progress
  LocalPool(const LocalPool&) = delete;
  LocalPool& operator=(const LocalPool&) = delete;

  unsigned threads() const { return static_cast<unsigned>(workers_.size()); }
  unsigned idle() const;  // threads without a point (submitted points count as taken)
  bool busy() const { return idle() < threads(); }
  void submit(std::size_t index);
  // A finished point, waiting up to `timeout` for one.
  std::optional<Done> wait(std::chrono::milliseconds timeout);
  // Sum of the fractions done of the points in progress (for the progress display).
  double fraction_in_progress() const;

 private:
  void work(std::size_t slot);

  Task task_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable done_ready_;
  std::deque<std::size_t> todo_;
  std::deque<Done> done_;
  unsigned taken_ = 0;  // submitted and not yet collected by wait()
  bool stopping_ = false;
  std::unique_ptr<std::atomic<double>[]> fractions_;
  std::unique_ptr<std::atomic<bool>[]> running_;
  std::vector<std::thread> workers_;
};

}  // namespace moelab::lab
