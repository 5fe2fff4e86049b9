#pragma once
// Workload kinds by name: `kind = "..."` in [workload] picks one; `moelab list workloads` prints them.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/named_registry.hpp"
#include "base/table_reader.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

// Reads the kind's keys of [workload] (not `kind`, not finish(): read_workload does both).
using ReadWorkload = std::shared_ptr<WorkloadParams>(TableReader& workload);

// workload_registry().lookup(name).make(table); unknown names: InputError at "workload.kind"
// listing the known ones. names() in registry order.
const NamedRegistry<ReadWorkload>& workload_registry();

}  // namespace moelab::sim
