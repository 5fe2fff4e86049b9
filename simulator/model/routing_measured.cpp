#include <stdexcept>
#include <string>

#include "base/input_error.hpp"
#include "simulator/model/moe_routing.hpp"

namespace moelab::sim {

std::vector<double> routing_measured(const RoutingSpec& spec, std::int64_t experts, std::uint64_t) {
  const auto& counts = spec.measured_tokens_per_expert;
  if (static_cast<std::int64_t>(counts.size()) != experts)
    throw InputError({}, "moe.measured_dataset",
                     spec.measured_source + " holds " + std::to_string(counts.size()) + " experts; the model has " +
                         std::to_string(experts));
  double total = 0;
  for (double c : counts) total += c;
  if (!(total > 0)) throw InputError({}, "moe.measured_dataset", spec.measured_source + " routes no tokens");
  std::vector<double> shares(counts.size());
  for (std::size_t e = 0; e < counts.size(); ++e) shares[e] = counts[e] / total;
  return shares;
}

}  // namespace moelab::sim
