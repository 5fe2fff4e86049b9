// The length-distribution registry: one declaration and one table line per kind.
#include "simulator/workload/length_distribution.hpp"

namespace moelab::sim {

LengthDistributionPtr read_fixed_length(TableReader& table);      // length_fixed.cpp
LengthDistributionPtr read_uniform_length(TableReader& table);    // length_uniform.cpp
LengthDistributionPtr read_lognormal_length(TableReader& table);  // length_lognormal.cpp
LengthDistributionPtr read_empirical_length(TableReader& table);  // length_empirical.cpp
LengthDistributionPtr read_geometric_length(TableReader& table);  // length_geometric.cpp

namespace {
const NamedKind<ReadLengthDistribution> kKinds[] = {
    {"fixed", "always `value`; a bare number is shorthand for it", &read_fixed_length},
    {"uniform", "integers min..max inclusive, equally likely", &read_uniform_length},
    {"lognormal", "exp(Normal): `mean` of the distribution, `sigma` of the underlying normal", &read_lognormal_length},
    {"empirical", "`values` with `weights` (normalised)", &read_empirical_length},
    {"geometric", "trials up to the first success, `mean` >= 1 (support 1, 2, ...)", &read_geometric_length},
};
}  // namespace

std::span<const NamedKind<ReadLengthDistribution>> length_distribution_registry() { return kKinds; }

}  // namespace moelab::sim
