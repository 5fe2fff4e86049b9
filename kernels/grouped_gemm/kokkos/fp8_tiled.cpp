// kokkos.tiled grouped_gemm_fp8: the cuda.fp8_mma schedule in portable code. The tile scheduler of
// kokkos.tiled (prefix sum of per-group tile counts, binary search, m-tile fastest) over 32x32
// tiles; along K, each 128-wide scale block is accumulated in fp32 from the decoded e4m3 values
// and then folded into the fp32 total times a_scale * b_scale, as the tensor-core kernel does
// ("promotion"). The bf16 store happens once per output.
#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "kernels/common/bf16.hpp"
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/fp8_e4m3.hpp"
#include "kernels/common/kokkos_runtime.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/fp8_cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

constexpr int kTileM = 32, kTileN = 32, kBlockK = kFp8ScaleBlock;

void grouped_gemm_fp8_tiled(const GroupedGemmFp8Params& p, std::int64_t* tile_start, const float* decode) {
  const int n_tiles = (p.n + kTileN - 1) / kTileN;
  tile_start[0] = 0;
  for (int g = 0; g < p.groups; ++g) {
    const int m = p.m_offsets[g + 1] - p.m_offsets[g];
    tile_start[g + 1] = tile_start[g] + static_cast<std::int64_t>((m + kTileM - 1) / kTileM) * n_tiles;
  }
  const int kb_count = p.k_blocks(), nb_count = p.n_blocks();
  Kokkos::parallel_for(
      "grouped_gemm_fp8.kokkos_tiled",
      Kokkos::RangePolicy<HostExec, Kokkos::IndexType<std::int64_t>>(0, tile_start[p.groups]), [=](std::int64_t tile) {
        const int g = static_cast<int>(std::upper_bound(tile_start, tile_start + p.groups + 1, tile) - tile_start) - 1;
        const std::int64_t local = tile - tile_start[g];
        const int row0 = p.m_offsets[g];
        const int m_rows = p.m_offsets[g + 1] - row0;
        const int m_tiles = (m_rows + kTileM - 1) / kTileM;
        const int m0 = static_cast<int>(local % m_tiles) * kTileM;
        const int n0 = static_cast<int>(local / m_tiles) * kTileN;
        const int mt = std::min(kTileM, m_rows - m0), nt = std::min(kTileN, p.n - n0);
        const std::uint8_t* a = p.a + (static_cast<std::size_t>(row0) + m0) * p.k;
        const std::uint8_t* b = p.b + (static_cast<std::size_t>(g) * p.n + n0) * p.k;
        const float* sa = p.a_scale + (static_cast<std::size_t>(row0) + m0) * kb_count;
        const float* sb = p.b_scale + static_cast<std::size_t>(g) * nb_count * kb_count;
        float total[kTileM][kTileN] = {};
        float as[kTileM][kBlockK], bs[kTileN][kBlockK];
        for (int kb = 0; kb < kb_count; ++kb) {
          const int k0 = kb * kBlockK;
          for (int i = 0; i < mt; ++i) {
            for (int kk = 0; kk < kBlockK; ++kk) as[i][kk] = decode[a[static_cast<std::size_t>(i) * p.k + k0 + kk]];
          }
          for (int j = 0; j < nt; ++j) {
            for (int kk = 0; kk < kBlockK; ++kk) bs[j][kk] = decode[b[static_cast<std::size_t>(j) * p.k + k0 + kk]];
          }
          for (int i = 0; i < mt; ++i) {
            const float scale_a = sa[static_cast<std::size_t>(i) * kb_count + kb];
            for (int j = 0; j < nt; ++j) {
              float block = 0;
              for (int kk = 0; kk < kBlockK; ++kk) block += as[i][kk] * bs[j][kk];
              const float scale_b = sb[static_cast<std::size_t>((n0 + j) / kFp8ScaleBlock) * kb_count + kb];
              total[i][j] += block * (scale_a * scale_b);
            }
          }
        }
        auto* c = reinterpret_cast<bf16*>(p.c) + (static_cast<std::size_t>(row0) + m0) * p.n + n0;
        for (int i = 0; i < mt; ++i) {
          for (int j = 0; j < nt; ++j) c[static_cast<std::size_t>(i) * p.n + j] = to_bf16(total[i][j]);
        }
      });
  Kokkos::fence();
}

}  // namespace

std::unique_ptr<Variant> make_grouped_gemm_fp8_kokkos_tiled() {
  return std::make_unique<moe_detail::FnVariant>(
      kGroupedGemmFp8Op, Backend::kokkos, "tiled",
      "tile scheduler over groups, 32x32 tiles, fp32 per 128-wide K block folded in with both scales (mirrors "
      "cuda.fp8_mma)",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        ensure_kokkos_initialized();
        auto& gc = moe_detail::case_as<GroupedGemmFp8Case>(c);
        auto tile_start = std::make_shared<std::vector<std::int64_t>>(gc.groups() + 1);
        auto decode = std::make_shared<std::array<float, 256>>();
        for (int code = 0; code < 256; ++code) (*decode)[code] = fp8_e4m3_to_float(static_cast<std::uint8_t>(code));
        return std::make_unique<CpuPreparedRun>(
            [&gc, tile_start, decode] { grouped_gemm_fp8_tiled(gc.params(), tile_start->data(), decode->data()); });
      });
}

}  // namespace moelab::kernels::grouped_gemm
