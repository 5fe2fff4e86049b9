#include "simulator/workload/workload_spec.hpp"

#include "base/input_error.hpp"
#include "simulator/workload/workload_registry.hpp"

namespace moelab::sim {
namespace {

std::shared_ptr<WorkloadParams> read_params(TableReader& workload, WorkloadSpec& spec) {
  spec.kind = workload.choice("kind", workload_registry().names());
  auto params = workload_registry().lookup(spec.kind).make(workload);
  workload.finish();
  return params;
}

}  // namespace

WorkloadSpec read_workload(TableReader& workload) {
  WorkloadSpec spec;
  auto params = read_params(workload, spec);
  if (auto p = params->check()) workload.fail_at_path(p->key, p->problem);
  params->read_inputs();
  spec.params = std::move(params);
  return spec;
}

WorkloadSpec read_workload_unchecked(TableReader& workload) {
  WorkloadSpec spec;
  spec.params = read_params(workload, spec);
  return spec;
}

std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, std::uint64_t seed) {
  const SourceLocation where{"<workload spec>", 0, 0};
  if (!spec.params) throw InputError(where, "workload.kind", "no workload given");
  if (auto p = spec.params->check()) throw InputError(where, "workload." + p->key, p->problem);
  return spec.params->make(seed);
}

}  // namespace moelab::sim
