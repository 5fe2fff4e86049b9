// ref.naive for router.topk: the oracle itself, weights rounded to fp32.
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"
#include "kernels/router/ref/router_ref.hpp"

namespace moelab::kernels::router {

std::unique_ptr<Variant> make_router_topk_ref_naive() {
  return std::make_unique<moe_detail::FnVariant>(
      kTopkOp, Backend::ref, "naive", "plain loops: sort by score (ties: lower expert), fp64 weights",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        auto& tc = moe_detail::case_as<TopkCase>(c);
        auto weights_fp64 = std::make_shared<std::vector<double>>(tc.weights.size());
        return std::make_unique<CpuPreparedRun>([&tc, weights_fp64] {
          const TopkParams p = tc.params();
          topk_ref(p, weights_fp64->data());
          for (std::size_t i = 0; i < weights_fp64->size(); ++i)
            p.topk_weights[i] = static_cast<float>((*weights_fp64)[i]);
        });
      });
}

}  // namespace moelab::kernels::router
