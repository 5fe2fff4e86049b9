// kokkos.gather router.combine: one work item per token gathers its k expert rows through the
// inverse permutation, accumulates w * row in fp32 and stores bf16 (as the cuda kernel).
#include <vector>

#include "kernels/common/bf16.hpp"
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/kokkos_runtime.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::router {
namespace {

constexpr int kChunk = 256;  // hidden elements accumulated at once (registers on the GPU)

void combine_gather(const CombineParams& p) {
  Kokkos::parallel_for("router.combine.kokkos_gather", Kokkos::RangePolicy<HostExec>(0, p.tokens), [=](int t) {
    const auto* rows = reinterpret_cast<const bf16*>(p.expert_out);
    auto* out = reinterpret_cast<bf16*>(p.out) + static_cast<std::size_t>(t) * p.hidden;
    float acc[kChunk];
    for (int h0 = 0; h0 < p.hidden; h0 += kChunk) {
      const int n = p.hidden - h0 < kChunk ? p.hidden - h0 : kChunk;
      for (int i = 0; i < n; ++i) acc[i] = 0.0f;
      for (int j = 0; j < p.k; ++j) {
        const std::size_t a = static_cast<std::size_t>(t) * p.k + j;
        const float w = p.topk_weights[a];
        const bf16* row = rows + static_cast<std::size_t>(p.inverse[a]) * p.hidden + h0;
        for (int i = 0; i < n; ++i) acc[i] += w * to_float(row[i]);
      }
      for (int i = 0; i < n; ++i) out[h0 + i] = to_bf16(acc[i]);
    }
  });
  Kokkos::fence();
}

}  // namespace

std::unique_ptr<Variant> make_router_combine_kokkos_gather() {
  return std::make_unique<moe_detail::FnVariant>(
      kCombineOp, Backend::kokkos, "gather", "one work item per token: gather k rows, fp32 weighted sum, bf16 store",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        ensure_kokkos_initialized();
        auto& cc = moe_detail::case_as<CombineCase>(c);
        return std::make_unique<CpuPreparedRun>([&cc] { combine_gather(cc.params()); });
      });
}

}  // namespace moelab::kernels::router
