// Arrival kind "constant": evenly spaced arrivals, request i at i / rate_per_s (the first at t = 0).
// Deterministic traffic: with deterministic service it makes a D/D/1 queue, whose capacity is
// known in closed form (the capacity search's known-answer test uses it).
#include "simulator/workload/arrival_process.hpp"

namespace moelab::sim {
namespace {

class ConstantClock final : public ArrivalClock {
 public:
  explicit ConstantClock(double rate_per_s) : rate_per_s_(rate_per_s) {}
  // i / rate rather than a running sum: no rounding drift over long runs.
  double next_s() override { return static_cast<double>(count_++) / rate_per_s_; }

 private:
  double rate_per_s_;
  std::int64_t count_ = 0;
};

class ConstantArrivals final : public ArrivalProcess {
 public:
  explicit ConstantArrivals(double rate_per_s) : rate_per_s_(rate_per_s) {}
  std::string_view kind() const override { return "constant"; }
  MaybeProblem check() const override { return check_rate_per_s(rate_per_s_); }
  std::unique_ptr<ArrivalClock> start(std::uint64_t /*seed*/) const override {
    return std::make_unique<ConstantClock>(rate_per_s_);
  }

 private:
  double rate_per_s_;
};

}  // namespace

ArrivalProcessPtr read_constant_arrivals(TableReader& table) {
  return std::make_shared<ConstantArrivals>(table.number("rate_per_s"));
}

}  // namespace moelab::sim
