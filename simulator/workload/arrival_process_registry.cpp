// The arrival-process registry: one declaration and one table line per kind.
#include "simulator/workload/arrival_process.hpp"

namespace moelab::sim {

ArrivalProcessPtr read_poisson_arrivals(TableReader& table);  // arrivals_poisson.cpp
ArrivalProcessPtr read_gamma_arrivals(TableReader& table);    // arrivals_gamma.cpp
ArrivalProcessPtr read_burst_arrivals(TableReader& table);    // arrivals_burst.cpp

namespace {
const NamedKind<ReadArrivalProcess> kKinds[] = {
    {"poisson", "exponential gaps at `rate_per_s`", &read_poisson_arrivals},
    {"gamma", "gamma gaps at `rate_per_s` with coefficient of variation `cv` (cv = 1: the Poisson stream)",
     &read_gamma_arrivals},
    {"burst", "everything at t = 0 (offline benchmark; needs a request or session count)", &read_burst_arrivals},
};
}  // namespace

std::span<const NamedKind<ReadArrivalProcess>> arrival_process_registry() { return kKinds; }

}  // namespace moelab::sim
