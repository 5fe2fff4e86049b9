#include "simulator/model/moe_routing.hpp"

namespace moelab::sim {

std::vector<double> routing_uniform(const RoutingSpec&, std::int64_t experts, std::uint64_t) {
  return std::vector<double>(static_cast<std::size_t>(experts), 1.0 / static_cast<double>(experts));
}

}  // namespace moelab::sim
