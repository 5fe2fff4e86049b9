#pragma once
// Running registered variants on a case the way the A/B harness does: fresh inputs, ref, poison,
// one run, copy back, check.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "kernels/common/registry.hpp"

namespace moelab::test {

// The registered variants of `op` runnable on this machine, excluding cuda ones.
inline std::vector<const kernels::Variant*> cpu_variants(std::string_view op) {
  std::vector<const kernels::Variant*> out;
  for (const auto* v : kernels::registry().variants(op)) {
    if (v->backend() != kernels::Backend::cuda && v->available()) out.push_back(v);
  }
  return out;
}

inline kernels::CheckResult run_checked(const kernels::Variant& v, kernels::OpCase& c, std::uint64_t seed) {
  c.fill_inputs(seed);
  c.compute_reference();
  c.poison_output();
  auto run = v.prepare(c);
  run->timed_run();
  run->copy_output_to_case();
  return c.check_output();
}

// Every CPU variant of the case's op that supports it must pass; returns how many ran.
inline int check_all_cpu_variants(kernels::OpCase& c, std::uint64_t seed = 7) {
  int ran = 0;
  for (const auto* v : cpu_variants(c.op())) {
    if (!v->supports(c)) continue;
    const auto r = run_checked(*v, c, seed);
    BOOST_TEST_INFO(v->full_name() << " on " << c.shape_text() << ": " << r.detail);
    BOOST_TEST(r.passed);
    ++ran;
  }
  return ran;
}

}  // namespace moelab::test
