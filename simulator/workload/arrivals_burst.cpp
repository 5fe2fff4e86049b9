// Arrival kind "burst": every request (or chat session) at t = 0, as an offline benchmark submits
// its whole batch at once. The workload must say how many (num_requests or chat.sessions).
#include "simulator/workload/arrival_process.hpp"

namespace moelab::sim {
namespace {

class AtZero final : public ArrivalClock {
 public:
  double next_s() override { return 0.0; }
};

class BurstArrivals final : public ArrivalProcess {
 public:
  std::string_view kind() const override { return "burst"; }
  MaybeProblem check() const override { return std::nullopt; }
  bool all_at_time_zero() const override { return true; }
  std::unique_ptr<ArrivalClock> start(std::uint64_t /*seed*/) const override { return std::make_unique<AtZero>(); }
};

}  // namespace

ArrivalProcessPtr read_burst_arrivals(TableReader& /*table*/) { return std::make_shared<BurstArrivals>(); }

}  // namespace moelab::sim
