#include "simulator/fabric/collective.hpp"

namespace moelab::sim {

// Point to point: `group.crosses_domains()` says whether the two GPUs sit in different domains.
double collective_send_recv(const Fabric& f, const CollectiveCall& c) {
  return f.transfer_s(c.bytes, !c.group.crosses_domains());
}

}  // namespace moelab::sim
