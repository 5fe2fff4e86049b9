// kokkos.tiled grouped_gemm: the cuda.grouped_mma schedule in portable code. Per-group tile
// counts ceil(M_g / kTileM) * ceil(N / kTileN) are prefix-summed; each work item takes one linear
// tile id, finds its group by binary search over that prefix, then its (m-tile, n-tile) with the
// m-tile fastest (neighbouring tiles share B_g's columns). The tile stages kTileK-deep slices of
// A and B as fp32 and accumulates in fp32; the bf16 store happens once per output.
#include <algorithm>
#include <memory>
#include <vector>

#include "kernels/common/bf16.hpp"
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/kokkos_runtime.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

constexpr int kTileM = 32, kTileN = 32, kTileK = 64;

void grouped_gemm_tiled(const GroupedGemmParams& p, std::int64_t* tile_start) {
  const int n_tiles = (p.n + kTileN - 1) / kTileN;
  tile_start[0] = 0;
  for (int g = 0; g < p.groups; ++g) {
    const int m = p.m_offsets[g + 1] - p.m_offsets[g];
    tile_start[g + 1] = tile_start[g] + static_cast<std::int64_t>((m + kTileM - 1) / kTileM) * n_tiles;
  }
  Kokkos::parallel_for(
      "grouped_gemm.kokkos_tiled",
      Kokkos::RangePolicy<HostExec, Kokkos::IndexType<std::int64_t>>(0, tile_start[p.groups]), [=](std::int64_t tile) {
        const int g = static_cast<int>(std::upper_bound(tile_start, tile_start + p.groups + 1, tile) - tile_start) - 1;
        const std::int64_t local = tile - tile_start[g];
        const int m_rows = p.m_offsets[g + 1] - p.m_offsets[g];
        const int m_tiles = (m_rows + kTileM - 1) / kTileM;
        const int m0 = static_cast<int>(local % m_tiles) * kTileM;
        const int n0 = static_cast<int>(local / m_tiles) * kTileN;
        const int mt = std::min(kTileM, m_rows - m0), nt = std::min(kTileN, p.n - n0);
        const auto* a = reinterpret_cast<const bf16*>(p.a) + (static_cast<std::size_t>(p.m_offsets[g]) + m0) * p.k;
        const auto* b = reinterpret_cast<const bf16*>(p.b) + (static_cast<std::size_t>(g) * p.n + n0) * p.k;
        float acc[kTileM][kTileN] = {};
        float as[kTileM][kTileK], bs[kTileN][kTileK];
        for (int k0 = 0; k0 < p.k; k0 += kTileK) {
          const int kt = std::min(kTileK, p.k - k0);
          for (int i = 0; i < mt; ++i) {
            for (int kk = 0; kk < kt; ++kk) as[i][kk] = to_float(a[static_cast<std::size_t>(i) * p.k + k0 + kk]);
          }
          for (int j = 0; j < nt; ++j) {
            for (int kk = 0; kk < kt; ++kk) bs[j][kk] = to_float(b[static_cast<std::size_t>(j) * p.k + k0 + kk]);
          }
          for (int i = 0; i < mt; ++i) {
            for (int j = 0; j < nt; ++j) {
              float s = 0;
              for (int kk = 0; kk < kt; ++kk) s += as[i][kk] * bs[j][kk];
              acc[i][j] += s;
            }
          }
        }
        auto* c = reinterpret_cast<bf16*>(p.c) + (static_cast<std::size_t>(p.m_offsets[g]) + m0) * p.n + n0;
        for (int i = 0; i < mt; ++i) {
          for (int j = 0; j < nt; ++j) c[static_cast<std::size_t>(i) * p.n + j] = to_bf16(acc[i][j]);
        }
      });
  Kokkos::fence();
}

}  // namespace

std::unique_ptr<Variant> make_grouped_gemm_kokkos_tiled() {
  return std::make_unique<moe_detail::FnVariant>(
      kGroupedGemmOp, Backend::kokkos, "tiled",
      "tile scheduler over groups (prefix sum of tile counts), 32x32 tiles, fp32 accumulation (mirrors "
      "cuda.grouped_mma)",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        ensure_kokkos_initialized();
        auto& gc = moe_detail::case_as<GroupedGemmCase>(c);
        auto tile_start = std::make_shared<std::vector<std::int64_t>>(gc.groups() + 1);
        return std::make_unique<CpuPreparedRun>(
            [&gc, tile_start] { grouped_gemm_tiled(gc.params(), tile_start->data()); });
      });
}

}  // namespace moelab::kernels::grouped_gemm
