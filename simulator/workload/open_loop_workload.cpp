#include "simulator/workload/open_loop_workload.hpp"

#include <stdexcept>

#include "simulator/core/rng_streams.hpp"

namespace moelab::sim {

OpenLoopWorkload::OpenLoopWorkload(const GeneratedTraffic& traffic, std::uint64_t seed)
    : clock_(traffic.arrivals->start(stream_seed(seed, RngStream::arrivals))), limit_(traffic.num_requests) {}

std::optional<double> OpenLoopWorkload::peek_arrival_s() {
  if (limit_ > 0 && next_index_ >= limit_) return std::nullopt;
  if (!next_arrival_s_) next_arrival_s_ = clock_->next_s();
  return next_arrival_s_;
}

Request OpenLoopWorkload::pop() {
  if (!peek_arrival_s()) throw std::logic_error("Workload::pop() with no pending request");
  Request r;
  r.id = next_index_++;
  r.arrival_s = *next_arrival_s_;
  next_arrival_s_.reset();
  build(r);
  return r;
}

}  // namespace moelab::sim
