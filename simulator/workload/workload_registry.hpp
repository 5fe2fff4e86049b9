#pragma once
// Workload kinds by name: `kind = "..."` in [workload] picks one; `moelab list workloads` prints them.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

struct WorkloadKind {
  std::string name;
  std::string description;  // one line
  std::function<std::unique_ptr<Workload>(const WorkloadSpec&, std::uint64_t seed)> make;
};

const std::vector<WorkloadKind>& workload_registry();

}  // namespace moelab::sim
