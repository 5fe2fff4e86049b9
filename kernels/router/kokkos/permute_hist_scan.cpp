// kokkos.hist_scan router.permute: the stable GPU histogram/scan/scatter in portable code.
// Assignments are cut into blocks of kBlock; (1) each block counts its experts into
// counts[e * blocks + b] (expert-major), (2) one exclusive scan over that array gives every
// (expert, block) its first output slot (expert_offsets[e] = scanned[e * blocks]), (3) each
// block scatters its assignments in order. Within an expert, blocks come in order and each block
// keeps its own order: stable and deterministic, with no atomics.
#include <vector>

#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/kokkos_runtime.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::router {
namespace {

constexpr int kBlock = 1024;

void permute_hist_scan(const PermuteParams& p, std::int32_t* counts, std::int32_t* cursor) {
  const int blocks = (p.assignments + kBlock - 1) / kBlock;
  const int E = p.experts;
  using Policy = Kokkos::RangePolicy<HostExec>;
  Kokkos::parallel_for("router.permute.kokkos_hist_scan.count", Policy(0, blocks), [=](int b) {
    for (int e = 0; e < E; ++e) counts[static_cast<std::size_t>(e) * blocks + b] = 0;
    const int end = (b + 1) * kBlock < p.assignments ? (b + 1) * kBlock : p.assignments;
    for (int a = b * kBlock; a < end; ++a) ++counts[static_cast<std::size_t>(p.topk_ids[a]) * blocks + b];
  });
  Kokkos::parallel_scan("router.permute.kokkos_hist_scan.scan", Policy(0, E * blocks),
                        [=](int i, std::int32_t& running, bool final) {
                          const std::int32_t c = counts[i];
                          if (final) cursor[i] = running;
                          running += c;
                        });
  Kokkos::parallel_for("router.permute.kokkos_hist_scan.offsets", Policy(0, E + 1), [=](int e) {
    p.expert_offsets[e] = e < E ? cursor[static_cast<std::size_t>(e) * blocks] : p.assignments;
  });
  Kokkos::parallel_for("router.permute.kokkos_hist_scan.scatter", Policy(0, blocks), [=](int b) {
    const int end = (b + 1) * kBlock < p.assignments ? (b + 1) * kBlock : p.assignments;
    for (int a = b * kBlock; a < end; ++a) {
      const std::int32_t pos = cursor[static_cast<std::size_t>(p.topk_ids[a]) * blocks + b]++;
      p.sorted_assignments[pos] = a;
      p.inverse[a] = pos;
    }
  });
  Kokkos::fence();
}

}  // namespace

std::unique_ptr<Variant> make_router_permute_kokkos_hist_scan() {
  return std::make_unique<moe_detail::FnVariant>(
      kPermuteOp, Backend::kokkos, "hist_scan",
      "per-block expert histograms, one exclusive scan (expert-major), ordered scatter: stable, no atomics",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        ensure_kokkos_initialized();
        auto& pc = moe_detail::case_as<PermuteCase>(c);
        pc.expect_stable(true);
        const std::size_t blocks = (static_cast<std::size_t>(pc.assignments()) + kBlock - 1) / kBlock;
        const std::size_t n = blocks * static_cast<std::size_t>(pc.shape().experts);
        auto counts = std::make_shared<std::vector<std::int32_t>>(n);
        auto cursor = std::make_shared<std::vector<std::int32_t>>(n);
        return std::make_unique<CpuPreparedRun>([&pc, counts, cursor] {
          pc.expect_stable(true);  // travels with the output
          permute_hist_scan(pc.params(), counts->data(), cursor->data());
        });
      });
}

}  // namespace moelab::kernels::router
