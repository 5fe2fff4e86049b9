// kokkos.split mla.decode: the schedule of cuda.mla_mma in portable code. One work item per
// (sequence, head, split of kSplitKeys keys); within a split, 32-key tiles of the paged latent cache
// are scored over all 576 dims and absorbed by an online softmax in fp32, with P rounded to bf16
// for the PV product as the tensor-core kernel does; splits are merged by log-sum-exp.
#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/kokkos_runtime.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/mla/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::mla {
namespace {

constexpr int kTileKeys = 32;
constexpr int kSplitKeys = 512;
constexpr int kMaxLatent = 512, kMaxQk = 576;

inline float widen(std::uint16_t b) {
  const std::uint32_t u = std::uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline float round_to_bf16(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  u += 0x7fffu + ((u >> 16) & 1u);
  u &= 0xffff0000u;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

struct Workspace {
  std::vector<float> partial_o;    // [batch * heads * splits, kv_lora]
  std::vector<float> partial_lse;  // [batch * heads * splits]
  int splits = 1;
};

void split_decode(const MlaDecodeParams& p, Workspace& ws) {
  const int splits = ws.splits, heads = p.heads, qk = p.qk_dim(), latent = p.kv_lora;
  float* po = ws.partial_o.data();
  float* plse = ws.partial_lse.data();
  Kokkos::parallel_for(
      "mla.decode.kokkos_split", Kokkos::RangePolicy<HostExec>(0, p.batch * heads * splits), [=](int work) {
        const int split = work % splits, row = work / splits;  // row = b * heads + h
        const int b = row / heads;
        const int begin = split * kSplitKeys;
        const int end = begin + kSplitKeys < p.context_lens[b] ? begin + kSplitKeys : p.context_lens[b];
        const std::uint16_t* q = p.q + static_cast<std::size_t>(row) * qk;
        const std::int32_t* pages = p.block_table + static_cast<std::size_t>(b) * p.max_pages_per_seq;
        float qf[kMaxQk], acc[kMaxLatent], scores[kTileKeys];
        for (int c = 0; c < qk; ++c) qf[c] = widen(q[c]) * p.sm_scale;
        for (int c = 0; c < latent; ++c) acc[c] = 0.0f;
        float m = -INFINITY, l = 0.0f;
        for (int k0 = begin; k0 < end; k0 += kTileKeys) {
          const int n = end - k0 < kTileKeys ? end - k0 : kTileKeys;
          float tile_max = -INFINITY;
          for (int j = 0; j < n; ++j) {
            const int t = k0 + j;
            const std::uint16_t* kv =
                p.kv_cache + (static_cast<std::size_t>(pages[t / p.page_size]) * p.page_size + t % p.page_size) * qk;
            float dot = 0;
            for (int c = 0; c < qk; ++c) dot += qf[c] * widen(kv[c]);
            scores[j] = dot;
            tile_max = dot > tile_max ? dot : tile_max;
          }
          const float m_new = tile_max > m ? tile_max : m;
          const float alpha = std::exp(m - m_new);
          l *= alpha;
          for (int c = 0; c < latent; ++c) acc[c] *= alpha;
          for (int j = 0; j < n; ++j) {
            const int t = k0 + j;
            const std::uint16_t* kv =
                p.kv_cache + (static_cast<std::size_t>(pages[t / p.page_size]) * p.page_size + t % p.page_size) * qk;
            const float pr = std::exp(scores[j] - m_new);
            l += pr;
            const float pu = round_to_bf16(pr);
            for (int c = 0; c < latent; ++c) acc[c] += pu * widen(kv[c]);
          }
          m = m_new;
        }
        float* o = po + static_cast<std::size_t>(work) * latent;
        for (int c = 0; c < latent; ++c) o[c] = l > 0 ? acc[c] / l : 0.0f;
        plse[work] = l > 0 ? m + std::log(l) : -INFINITY;
      });
  Kokkos::fence();
  // Merge the splits of each row by log-sum-exp.
  Kokkos::parallel_for("mla.decode.kokkos_split.merge", Kokkos::RangePolicy<HostExec>(0, p.batch * heads),
                       [=](int row) {
                         float lse_max = -INFINITY;
                         for (int s = 0; s < splits; ++s)
                           lse_max = plse[row * splits + s] > lse_max ? plse[row * splits + s] : lse_max;
                         float w_sum = 0;
                         float* out = p.out + static_cast<std::size_t>(row) * latent;
                         for (int c = 0; c < latent; ++c) out[c] = 0.0f;
                         for (int s = 0; s < splits; ++s) {
                           const float lse = plse[row * splits + s];
                           if (lse == -INFINITY) continue;
                           const float w = std::exp(lse - lse_max);
                           w_sum += w;
                           const float* o = po + (static_cast<std::size_t>(row) * splits + s) * latent;
                           for (int c = 0; c < latent; ++c) out[c] += w * o[c];
                         }
                         for (int c = 0; c < latent; ++c) out[c] /= w_sum;
                       });
  Kokkos::fence();
}

}  // namespace

std::unique_ptr<Variant> make_mla_decode_kokkos_split() {
  return std::make_unique<moe_detail::FnVariant>(
      kMlaDecodeOp, Backend::kokkos, "split",
      "split-KV over the paged latent cache (512-key splits, 32-key tiles), fp32 online softmax, P rounded to bf16, "
      "log-sum-exp merge (mirrors cuda.mla_mma)",
      [](const OpCase& c) {
        const auto& mc = dynamic_cast<const MlaDecodeCase&>(c);
        return mc.shape().kv_lora <= kMaxLatent && mc.shape().kv_lora + mc.shape().rope <= kMaxQk;
      },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        ensure_kokkos_initialized();
        auto& mc = moe_detail::case_as<MlaDecodeCase>(c);
        auto ws = std::make_shared<Workspace>();
        const MlaDecodeParams p = mc.params();
        ws->splits = (p.max_context_len + kSplitKeys - 1) / kSplitKeys;
        const std::size_t slots = static_cast<std::size_t>(p.batch) * p.heads * ws->splits;
        ws->partial_o.assign(slots * p.kv_lora, 0.0f);
        ws->partial_lse.assign(slots, 0.0f);
        return std::make_unique<CpuPreparedRun>([&mc, ws] { split_decode(mc.params(), *ws); });
      });
}

}  // namespace moelab::kernels::mla
