// ref.naive for grouped_gemm_fp8: exact dequantisation, fp64 dot products, every row, bf16 out.
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/fp8_cases.hpp"
#include "kernels/grouped_gemm/ref/fp8_ref.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::grouped_gemm {

std::unique_ptr<Variant> make_grouped_gemm_fp8_ref_naive() {
  return std::make_unique<moe_detail::FnVariant>(
      kGroupedGemmFp8Op, Backend::ref, "naive",
      "e4m3 and scales decoded exactly to fp64, fp64 dot products (slow: small shapes only)",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        auto& gc = moe_detail::case_as<GroupedGemmFp8Case>(c);
        return std::make_unique<CpuPreparedRun>([&gc] { grouped_gemm_fp8_ref(gc.params()); });
      });
}

}  // namespace moelab::kernels::grouped_gemm
