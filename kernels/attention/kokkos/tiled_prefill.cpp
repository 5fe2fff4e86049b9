// kokkos.tiled prefill: the flash-attention-2 schedule in portable code. One work item per
// (query tile, head); it walks key tiles left to right up to the causal diagonal (later tiles
// are skipped, as on the GPU; full attention walks them all), keeping an online softmax per query row in fp32 and
// rounding P to bf16 for the PV product as the tensor-core kernel does.
#include <vector>

#include "kernels/attention/cases.hpp"
#include "kernels/attention/kokkos/tiled_common.hpp"
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace {

using namespace kokkos;

struct QueryTile {
  int seq_start;  // first token of the sequence
  int q0;         // first query of the tile, relative to the sequence
  int rows;       // queries in the tile (<= kTileQueries)
  int seq_len;    // keys of the sequence (full attention reads them all)
};

void tiled_prefill(const PrefillParams& p, const std::vector<QueryTile>& tile_list) {
  const int n_tiles = static_cast<int>(tile_list.size());
  HostUnmanaged<const QueryTile> tiles(tile_list.data(), tile_list.size());
  HostUnmanaged<const std::uint16_t> q(p.q, std::size_t(p.total_tokens) * p.heads * p.head_dim);
  HostUnmanaged<const std::uint16_t> k(p.k, std::size_t(p.total_tokens) * p.kv_heads * p.head_dim);
  HostUnmanaged<const std::uint16_t> v(p.v, std::size_t(p.total_tokens) * p.kv_heads * p.head_dim);
  HostUnmanaged<float> out(p.out, std::size_t(p.total_tokens) * p.heads * p.head_dim);
  const int heads = p.heads, kv_heads = p.kv_heads, d = p.head_dim, group = p.heads / p.kv_heads;
  const float scale = p.sm_scale;
  const bool causal = p.causal != 0;

  Kokkos::parallel_for(
      "attention.prefill.kokkos_tiled", Kokkos::RangePolicy<HostExec>(0, n_tiles * heads), [=](int work) {
        const QueryTile t = tiles(work / heads);
        const int h = work % heads;
        const int hk = h / group;
        RowState rows[kTileQueries];
        float scores[kTileKeys];
        const int len = t.seq_len;
        // Causal tile skipping: key tiles that start after the tile's last query are never read.
        const int key_end = causal ? t.q0 + t.rows : len;
        for (int k0 = 0; k0 < key_end; k0 += kTileKeys) {
          for (int r = 0; r < t.rows; ++r) {
            const int qi = t.q0 + r;
            const std::uint16_t* qrow = &q((std::size_t(t.seq_start + qi) * heads + h) * d);
            const int last_key = causal ? qi : len - 1;  // causal mask inside the tile
            const int n_keys = last_key - k0 + 1 < kTileKeys ? last_key - k0 + 1 : kTileKeys;
            if (n_keys <= 0) continue;
            for (int j = 0; j < n_keys; ++j) {
              const std::uint16_t* krow = &k((std::size_t(t.seq_start + k0 + j) * kv_heads + hk) * d);
              float dot = 0;
              for (int c = 0; c < d; ++c) dot += widen(qrow[c]) * widen(krow[c]);
              scores[j] = dot * scale;
            }
            rows[r].absorb(
                scores, n_keys, d, [&](int j) { return &v((std::size_t(t.seq_start + k0 + j) * kv_heads + hk) * d); },
                /*round_p=*/true);
          }
        }
        for (int r = 0; r < t.rows; ++r) {
          float* orow = &out((std::size_t(t.seq_start + t.q0 + r) * heads + h) * d);
          for (int c = 0; c < d; ++c) orow[c] = rows[r].acc[c] / rows[r].l;
        }
      });
  Kokkos::fence();
}

class KokkosTiledPrefill final : public Variant {
 public:
  std::string_view op() const override { return kPrefillOp; }
  Backend backend() const override { return Backend::kokkos; }
  std::string_view name() const override { return "tiled"; }
  std::string_view description() const override {
    return "64x64 tiles, online softmax, causal tile skipping (flash-attention-2 schedule)";
  }
  bool supports(const OpCase& c) const override {
    const auto* p = dynamic_cast<const PrefillCase*>(&c);
    return p != nullptr && p->shape().h.head_dim <= kMaxHeadDim;
  }
  std::unique_ptr<PreparedRun> prepare(OpCase& c) const override {
    ensure_kokkos_initialized();
    auto& cs = dynamic_cast<PrefillCase&>(c);
    std::vector<QueryTile> tiles;
    for (std::size_t b = 0; b < cs.shape().seq_lens.size(); ++b) {
      const int len = cs.shape().seq_lens[b];
      for (int q0 = 0; q0 < len; q0 += kTileQueries) {
        tiles.push_back({cs.cu_seqlens[b], q0, std::min(kTileQueries, len - q0), len});
      }
    }
    return std::make_unique<CpuPreparedRun>([&cs, tiles = std::move(tiles)] { tiled_prefill(cs.params(), tiles); });
  }
};

}  // namespace

std::unique_ptr<Variant> make_attention_prefill_kokkos_tiled() { return std::make_unique<KokkosTiledPrefill>(); }

}  // namespace moelab::kernels::attention
