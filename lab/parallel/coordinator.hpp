#pragma once
// Hands sweep points out, one at a time, to whichever worker is free (local threads and MPI
// ranks alike), and passes every finished point to one callback in this thread.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "lab/parallel/local_pool.hpp"
#include "lab/parallel/remote_workers.hpp"

namespace moelab::lab {

struct CoordinatorCallbacks {
  std::function<void(std::size_t index, std::string bytes)> on_result;  // a finished point
  std::function<void()> on_tick;                                        // a few times a second or more
  std::function<std::string(std::size_t index)> key_of;                 // sent with remote assignments
};

// Computes `pending` (handed out in this order) until every point is done. The first failure (a
// point's exception, a worker's error, an exception from on_result) stops the handing out; the
// points in progress are still collected, every remote worker is told to stop, and then the
// failure is rethrown (a worker's bad-input report as InputError).
void run_points(const std::vector<std::size_t>& pending, LocalPool& pool, RemoteWorkers* remote,
                const CoordinatorCallbacks& callbacks);

// Tells every remote worker to stop, answering whatever they send, until all have said bye.
void release_workers(RemoteWorkers& remote);

}  // namespace moelab::lab
