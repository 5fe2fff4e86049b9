#pragma once
// When open-loop requests (or chat sessions) arrive. Each kind is one file (arrivals_<kind>.cpp)
// that reads its keys, checks them and makes a clock; arrival_process_registry.cpp lists them.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/named_registry.hpp"
#include "base/table_reader.hpp"
#include "simulator/workload/spec_problem.hpp"

namespace moelab::sim {

// Absolute arrival times of one run: next_s() is non-decreasing.
class ArrivalClock {
 public:
  virtual ~ArrivalClock() = default;
  virtual double next_s() = 0;
};

class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;
  virtual std::string_view kind() const = 0;
  // The first problem with the parameters, keyed below the arrivals table ("rate_per_s").
  virtual MaybeProblem check() const = 0;
  // Every arrival at t = 0 (an offline batch): the workload must then have a finite count.
  virtual bool all_at_time_zero() const { return false; }
  // A clock drawing from its own stream (precondition: check() found nothing).
  virtual std::unique_ptr<ArrivalClock> start(std::uint64_t seed) const = 0;
};

using ArrivalProcessPtr = std::shared_ptr<const ArrivalProcess>;

// The `arrivals` table of `workload` (required): {kind = "...", ...} read by its kind.
ArrivalProcessPtr read_arrival_process(TableReader& workload);

// Shared by the kinds that have a rate: in [kMinRatePerS, kMaxRatePerS].
inline constexpr double kMinRatePerS = 1e-6;
inline constexpr double kMaxRatePerS = 1e9;
MaybeProblem check_rate_per_s(double rate_per_s);

using ReadArrivalProcess = ArrivalProcessPtr(TableReader& table);
const NamedRegistry<ReadArrivalProcess>& arrival_process_registry();

}  // namespace moelab::sim
