// Reading an arrival process (the kind comes from the registry).
#include "simulator/workload/arrival_process.hpp"

#include <fmt/format.h>

#include <cmath>

namespace moelab::sim {

ArrivalProcessPtr read_arrival_process(TableReader& workload) {
  const auto table = workload.table("arrivals");
  const auto& kinds = arrival_process_registry();
  const std::string kind = table->choice("kind", kinds.names());
  auto process = kinds.lookup(kind).make(*table);
  table->finish();
  return process;
}

MaybeProblem check_rate_per_s(double rate_per_s) {
  // One request a month to a billion a second: slower rates put arrivals past any simulated
  // horizon (at 1e-308/s the first one lands at t = inf).
  if (auto p = out_of_range(rate_per_s, NumberRange{kMinRatePerS, kMaxRatePerS})) return problem("rate_per_s", *p);
  return std::nullopt;
}

}  // namespace moelab::sim
