// ref.naive for router.combine: fp64 weighted sum, rounded to bf16.
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"
#include "kernels/router/ref/router_ref.hpp"

namespace moelab::kernels::router {

std::unique_ptr<Variant> make_router_combine_ref_naive() {
  return std::make_unique<moe_detail::FnVariant>(
      kCombineOp, Backend::ref, "naive", "fp64 weighted sum of each token's k expert rows",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        auto& cc = moe_detail::case_as<CombineCase>(c);
        auto out_fp64 = std::make_shared<std::vector<double>>(cc.out.size());
        return std::make_unique<CpuPreparedRun>([&cc, out_fp64] {
          combine_ref(cc.params(), out_fp64->data());
          for (std::size_t i = 0; i < out_fp64->size(); ++i) cc.out[i] = to_bf16(static_cast<float>((*out_fp64)[i]));
        });
      });
}

}  // namespace moelab::kernels::router
