// kokkos.tiled cascade decode: the shared prefix is read once per chunk for every query of the
// group (work item = (prefix chunk, kv head), looping over all queries and their query heads,
// as the GPU kernel batches them against one K/V tile); then one work item per (query, head)
// attends its own suffix and merges suffix and prefix chunks by log-sum-exp.
#include <vector>

#include "kernels/attention/cases.hpp"
#include "kernels/attention/kokkos/tiled_common.hpp"
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace {

using namespace kokkos;

struct CascadeScratch {
  // [chunks + 1, batch, heads, head_dim]; slot `chunks` holds the suffix partial.
  Kokkos::View<float*, Kokkos::HostSpace> partial_out;
  Kokkos::View<float*, Kokkos::HostSpace> partial_lse;  // [chunks + 1, batch, heads]
  int chunks = 0;
};

void tiled_cascade_decode(const CascadeDecodeParams& p, const CascadeScratch& s) {
  const int batch = p.batch, heads = p.heads, kv_heads = p.kv_heads, d = p.head_dim, group = p.heads / p.kv_heads;
  const int chunks = s.chunks, prefix_len = p.prefix_len;
  const float scale = p.sm_scale;
  HostUnmanaged<const std::uint16_t> q(p.q, std::size_t(batch) * heads * d);
  HostUnmanaged<const std::uint16_t> kp(p.k_prefix, std::size_t(prefix_len) * kv_heads * d);
  HostUnmanaged<const std::uint16_t> vp(p.v_prefix, std::size_t(prefix_len) * kv_heads * d);
  HostUnmanaged<const std::uint16_t> ks(p.k_suffix, std::size_t(p.total_suffix) * kv_heads * d);
  HostUnmanaged<const std::uint16_t> vs(p.v_suffix, std::size_t(p.total_suffix) * kv_heads * d);
  HostUnmanaged<const std::int32_t> cu(p.cu_suffix, batch + 1);
  HostUnmanaged<float> out(p.out, std::size_t(batch) * heads * d);
  auto po = s.partial_out;
  auto pl = s.partial_lse;
  const std::size_t per_slot = std::size_t(batch) * heads;

  Kokkos::parallel_for("attention.decode_cascade.kokkos_tiled.prefix",
                       Kokkos::RangePolicy<HostExec>(0, chunks * kv_heads), [=](int work) {
                         const int chunk = work / kv_heads, hk = work % kv_heads;
                         const int begin = chunk * kSplitKeys;
                         const int end = prefix_len < begin + kSplitKeys ? prefix_len : begin + kSplitKeys;
                         auto row = [&](int t) { return (std::size_t(t) * kv_heads + hk) * d; };
                         float scores[kTileKeys];
                         for (int b = 0; b < batch; ++b) {
                           for (int h = hk * group; h < (hk + 1) * group; ++h) {
                             const std::size_t bh = std::size_t(b) * heads + h;
                             RowState st;
                             for (int k0 = begin; k0 < end; k0 += kTileKeys) {
                               const int n = end - k0 < kTileKeys ? end - k0 : kTileKeys;
                               row_scores(
                                   &q(bh * d), n, d, scale, [&](int j) { return &kp(row(k0 + j)); }, scores);
                               st.absorb(scores, n, d, [&](int j) { return &vp(row(k0 + j)); });
                             }
                             const std::size_t slot = std::size_t(chunk) * per_slot + bh;
                             pl(slot) = store_partial(st, d, &po(slot * d));
                           }
                         }
                       });
  Kokkos::parallel_for("attention.decode_cascade.kokkos_tiled.suffix_merge",
                       Kokkos::RangePolicy<HostExec>(0, batch * heads), [=](int bh) {
                         const int b = bh / heads, h = bh % heads, hk = h / group;
                         const int begin = cu(b), end = cu(b + 1);
                         auto row = [&](int t) { return (std::size_t(t) * kv_heads + hk) * d; };
                         float scores[kTileKeys];
                         RowState st;
                         for (int k0 = begin; k0 < end; k0 += kTileKeys) {
                           const int n = end - k0 < kTileKeys ? end - k0 : kTileKeys;
                           row_scores(
                               &q(std::size_t(bh) * d), n, d, scale, [&](int j) { return &ks(row(k0 + j)); }, scores);
                           st.absorb(scores, n, d, [&](int j) { return &vs(row(k0 + j)); });
                         }
                         const std::size_t slot = std::size_t(chunks) * per_slot + bh;
                         pl(slot) = store_partial(st, d, &po(slot * d));
                         merge_partials(&po(std::size_t(bh) * d), per_slot * d, &pl(bh), per_slot, chunks + 1, d,
                                        &out(std::size_t(bh) * d));
                       });
  Kokkos::fence();
}

class KokkosTiledCascadeDecode final : public Variant {
 public:
  std::string_view op() const override { return kCascadeDecodeOp; }
  Backend backend() const override { return Backend::kokkos; }
  std::string_view name() const override { return "tiled"; }
  std::string_view description() const override {
    return "shared prefix read once per chunk for all queries, suffix per query, log-sum-exp merge";
  }
  bool supports(const OpCase& c) const override {
    const auto* p = dynamic_cast<const CascadeDecodeCase*>(&c);
    return p != nullptr && p->shape().h.head_dim <= kMaxHeadDim;
  }
  std::unique_ptr<PreparedRun> prepare(OpCase& c) const override {
    ensure_kokkos_initialized();
    auto& cs = dynamic_cast<CascadeDecodeCase&>(c);
    const auto p = cs.params();
    CascadeScratch s;
    s.chunks = (p.prefix_len + kSplitKeys - 1) / kSplitKeys;
    const std::size_t rows = std::size_t(s.chunks + 1) * p.batch * p.heads;
    s.partial_out = Kokkos::View<float*, Kokkos::HostSpace>("partial_out", rows * p.head_dim);
    s.partial_lse = Kokkos::View<float*, Kokkos::HostSpace>("partial_lse", rows);
    return std::make_unique<CpuPreparedRun>([&cs, s] { tiled_cascade_decode(cs.params(), s); });
  }
};

}  // namespace

std::unique_ptr<Variant> make_attention_decode_cascade_kokkos_tiled() {
  return std::make_unique<KokkosTiledCascadeDecode>();
}

}  // namespace moelab::kernels::attention
