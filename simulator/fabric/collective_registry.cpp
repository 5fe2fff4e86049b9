// The collectives the cost models price (collective.hpp has the forms). Adding one: a file
// collective_<name>.cpp defining `double collective_<name>(const Fabric&, const CollectiveCall&)`,
// its declaration and a table line here.
#include "simulator/fabric/collective.hpp"

namespace moelab::sim {

CollectiveFn collective_all_reduce;
CollectiveFn collective_all_gather;
CollectiveFn collective_reduce_scatter;
CollectiveFn collective_all_to_all;
CollectiveFn collective_send_recv;

const NamedRegistry<CollectiveFn>& collective_registry() {
  static const NamedRegistry<CollectiveFn> registry(
      "collective", "collective",
      {
          {"all_reduce", "ring inside an NVLink domain; hierarchical (domain, NICs, domain) across domains",
           collective_all_reduce},
          {"all_gather", "ring inside a domain; hierarchical across domains", collective_all_gather},
          {"reduce_scatter", "ring inside a domain; hierarchical across domains", collective_reduce_scatter},
          {"all_to_all", "MoE dispatch/combine: NVLink and NIC bytes per GPU, the slower link sets the time",
           collective_all_to_all},
          {"send_recv", "one GPU to another over NVLink or the NICs", collective_send_recv},
      });
  return registry;
}

double collective_time_s(std::string_view name, const Fabric& fabric, const CollectiveCall& call) {
  return collective_registry().lookup(name).make(fabric, call);
}

}  // namespace moelab::sim
