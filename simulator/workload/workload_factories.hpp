#pragma once
// One factory per workload kind; workload_registry.cpp lists them (an explicit table rather than
// self-registering statics, which a static library's linker may drop).
#include <cstdint>
#include <memory>

#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

std::unique_ptr<Workload> make_synthetic_workload(const WorkloadSpec& spec, std::uint64_t seed);
std::unique_ptr<Workload> make_trace_workload(const WorkloadSpec& spec, std::uint64_t seed);
std::unique_ptr<Workload> make_chat_workload(const WorkloadSpec& spec, std::uint64_t seed);
std::unique_ptr<Workload> make_rag_workload(const WorkloadSpec& spec, std::uint64_t seed);
std::unique_ptr<Workload> make_shared_prefix_workload(const WorkloadSpec& spec, std::uint64_t seed);

}  // namespace moelab::sim
