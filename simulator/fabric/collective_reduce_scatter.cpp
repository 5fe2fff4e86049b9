#include "simulator/fabric/collective.hpp"

namespace moelab::sim {

CollectiveFn collective_all_gather;

// The mirror image of an all-gather: the same bytes over the same links.
double collective_reduce_scatter(const Fabric& f, const CollectiveCall& c) { return collective_all_gather(f, c); }

}  // namespace moelab::sim
