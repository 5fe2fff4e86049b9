// ref.counting for router.permute: stable counting sort.
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"
#include "kernels/router/ref/router_ref.hpp"

namespace moelab::kernels::router {

std::unique_ptr<Variant> make_router_permute_ref_counting() {
  return std::make_unique<moe_detail::FnVariant>(
      kPermuteOp, Backend::ref, "counting", "stable counting sort of assignments by expert (serial)",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        auto& pc = moe_detail::case_as<PermuteCase>(c);
        pc.expect_stable(true);
        // The expectation travels with the output: set whenever this variant writes the case.
        return std::make_unique<CpuPreparedRun>([&pc] {
          pc.expect_stable(true);
          permute_ref(pc.params());
        });
      });
}

}  // namespace moelab::kernels::router
