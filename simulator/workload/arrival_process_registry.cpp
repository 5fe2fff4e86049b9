// The arrival-process registry: one declaration and one table line per kind.
#include "simulator/workload/arrival_process.hpp"

namespace moelab::sim {

ReadArrivalProcess read_poisson_arrivals;   // arrivals_poisson.cpp
ReadArrivalProcess read_gamma_arrivals;     // arrivals_gamma.cpp
ReadArrivalProcess read_burst_arrivals;     // arrivals_burst.cpp
ReadArrivalProcess read_constant_arrivals;  // arrivals_constant.cpp

const NamedRegistry<ReadArrivalProcess>& arrival_process_registry() {
  static const NamedRegistry<ReadArrivalProcess> registry(
      "kind", "arrival process",
      {
          {"poisson", "exponential gaps at `rate_per_s`", read_poisson_arrivals},
          {"gamma", "gamma gaps at `rate_per_s` with coefficient of variation `cv` (cv = 1: the Poisson stream)",
           read_gamma_arrivals},
          {"burst", "everything at t = 0 (offline benchmark; needs a request or session count)", read_burst_arrivals},
          {"constant", "evenly spaced: request i at i / `rate_per_s` (deterministic traffic)", read_constant_arrivals},
      });
  return registry;
}

}  // namespace moelab::sim
