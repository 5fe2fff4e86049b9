#pragma once
// Base of the open-loop generators (synthetic, rag, shared_prefix): arrivals from the
// ArrivalProcess, one request built per arrival, streamed (nothing kept after pop()).
#include <cstdint>
#include <memory>
#include <optional>

#include "simulator/workload/generated_traffic.hpp"
#include "simulator/workload/request.hpp"

namespace moelab::sim {

class OpenLoopWorkload : public Workload {
 public:
  OpenLoopWorkload(const GeneratedTraffic& traffic, std::uint64_t seed);

  std::optional<double> peek_arrival_s() final;
  Request pop() final;
  std::int64_t expected_requests() const final { return limit_; }
  std::int64_t planned_requests() const final { return limit_ > 0 ? limit_ : -1; }

 protected:
  // Fill prompt/output tokens and content for request `index` (id and arrival are set by the base).
  virtual void build(Request& r) = 0;

 private:
  std::unique_ptr<ArrivalClock> clock_;
  std::int64_t limit_;  // 0 = unbounded
  std::int64_t next_index_ = 0;
  std::optional<double> next_arrival_s_;
};

}  // namespace moelab::sim
