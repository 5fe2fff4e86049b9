#pragma once
// Worker processes on other MPI ranks, as the coordinator (rank 0) sees them. Every message a
// worker sends except `bye` asks for work and gets exactly one answer: a point to compute, or
// stop. Implemented over MPI in mpi/; a build without MPI has none.
#include <cstddef>
#include <optional>
#include <string>

namespace moelab::lab {

class RemoteWorkers {
 public:
  struct Message {
    enum class Kind { ready, result, error, bye };
    int worker = 0;
    Kind kind = Kind::ready;
    std::size_t index = 0;     // the point a result or an error is about
    std::string bytes;         // result: the encoded point; error: the message
    bool input_error = false;  // error: bad input (exit status 2) rather than a failure
  };

  virtual ~RemoteWorkers() = default;
  // The next message from any worker, if one has arrived (does not block).
  virtual std::optional<Message> poll() = 0;
  // Answers a worker's message: compute point `index` (whose key the worker checks), or stop.
  virtual void assign(int worker, std::size_t index, const std::string& point_key) = 0;
  virtual void stop(int worker) = 0;
  // Some worker has not said bye yet.
  virtual bool any_left() const = 0;
  virtual std::string name(int worker) const = 0;  // "rank 3"
};

}  // namespace moelab::lab
