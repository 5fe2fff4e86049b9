#pragma once
// Workload kinds by name: `kind = "..."` in [workload] picks one; `moelab list workloads` prints them.
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/table_reader.hpp"
#include "simulator/workload/kind_table.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

// Reads the kind's keys of [workload] (not `kind`, not finish(): read_workload does both).
using ReadWorkload = std::shared_ptr<WorkloadParams> (*)(TableReader& workload);
using WorkloadKind = NamedKind<ReadWorkload>;

std::span<const WorkloadKind> workload_registry();
// Unknown names: InputError at "workload.kind" listing the known ones.
const WorkloadKind& find_workload_kind(std::string_view name);
// Registered names, in registry order.
std::vector<std::string> workload_kinds();

}  // namespace moelab::sim
