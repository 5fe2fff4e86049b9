// ref.naive for grouped_gemm: fp64 dot products, every row, rounded to bf16.
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/cases.hpp"
#include "kernels/grouped_gemm/ref/grouped_gemm_ref.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::grouped_gemm {

std::unique_ptr<Variant> make_grouped_gemm_ref_naive() {
  return std::make_unique<moe_detail::FnVariant>(
      kGroupedGemmOp, Backend::ref, "naive", "fp64 dot product per output element (slow: small shapes only)",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        auto& gc = moe_detail::case_as<GroupedGemmCase>(c);
        return std::make_unique<CpuPreparedRun>([&gc] { grouped_gemm_ref(gc.params()); });
      });
}

}  // namespace moelab::kernels::grouped_gemm
