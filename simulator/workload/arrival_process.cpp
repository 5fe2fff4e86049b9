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
  if (!(rate_per_s > 0) || !std::isfinite(rate_per_s)) return problem("rate_per_s", fmt::format("must be > 0, got {}", rate_per_s));
  return std::nullopt;
}

}  // namespace moelab::sim
