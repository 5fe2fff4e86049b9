// The length-distribution registry: one declaration and one table line per kind.
#include "simulator/workload/length_distribution.hpp"

namespace moelab::sim {

ReadLengthDistribution read_fixed_length;      // length_fixed.cpp
ReadLengthDistribution read_uniform_length;    // length_uniform.cpp
ReadLengthDistribution read_lognormal_length;  // length_lognormal.cpp
ReadLengthDistribution read_empirical_length;  // length_empirical.cpp
ReadLengthDistribution read_geometric_length;  // length_geometric.cpp

const NamedRegistry<ReadLengthDistribution>& length_distribution_registry() {
  static const NamedRegistry<ReadLengthDistribution> registry(
      "kind", "length distribution",
      {
          {"fixed", "always `value`; a bare number is shorthand for it", read_fixed_length},
          {"uniform", "integers min..max inclusive, equally likely", read_uniform_length},
          {"lognormal", "exp(Normal): `mean` of the distribution, `sigma` of the underlying normal",
           read_lognormal_length},
          {"empirical", "`values` with `weights` (normalised)", read_empirical_length},
          {"geometric", "trials up to the first success, `mean` >= 1 (support 1, 2, ...)", read_geometric_length},
      });
  return registry;
}

}  // namespace moelab::sim
