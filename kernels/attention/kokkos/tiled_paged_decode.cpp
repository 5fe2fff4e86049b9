// kokkos.tiled paged decode: split-KV flash-decoding as on the GPU. Phase 1: one work item per
// (sequence, head, split of kSplitKeys keys) walks its pages through the block table tile by
// tile with an online softmax and stores a normalized partial + log-sum-exp. Phase 2: one work
// item per (sequence, head) merges the splits.
#include <vector>

#include "kernels/attention/cases.hpp"
#include "kernels/attention/kokkos/tiled_common.hpp"
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace {

using namespace kokkos;

struct SplitScratch {
  Kokkos::View<float*, Kokkos::HostSpace> partial_out;  // [batch, heads, splits, head_dim]
  Kokkos::View<float*, Kokkos::HostSpace> partial_lse;  // [batch, heads, splits]
  int splits = 0;
};

void tiled_paged_decode(const PagedDecodeParams& p, const SplitScratch& s) {
  const int heads = p.heads, kv_heads = p.kv_heads, d = p.head_dim, group = p.heads / p.kv_heads;
  const int splits = s.splits, page = p.page_size, max_pages = p.max_pages_per_seq;
  const float scale = p.sm_scale;
  const std::size_t cache_elems = std::size_t(p.num_pages) * page * kv_heads * d;
  HostUnmanaged<const std::uint16_t> q(p.q, std::size_t(p.batch) * heads * d);
  HostUnmanaged<const std::uint16_t> kc(p.k_cache, cache_elems);
  HostUnmanaged<const std::uint16_t> vc(p.v_cache, cache_elems);
  HostUnmanaged<const std::int32_t> table(p.block_table, std::size_t(p.batch) * max_pages);
  HostUnmanaged<const std::int32_t> ctx(p.context_lens, p.batch);
  HostUnmanaged<float> out(p.out, std::size_t(p.batch) * heads * d);
  auto po = s.partial_out;
  auto pl = s.partial_lse;

  Kokkos::parallel_for("attention.decode_paged.kokkos_tiled.split",
                       Kokkos::RangePolicy<HostExec>(0, p.batch * heads * splits), [=](int work) {
                         const int split = work % splits;
                         const int bh = work / splits;
                         const int b = bh / heads, h = bh % heads, hk = h / group;
                         const int begin = split * kSplitKeys;
                         const int end = ctx(b) < begin + kSplitKeys ? ctx(b) : begin + kSplitKeys;
                         auto row = [&](int t) {
                           const std::size_t slot =
                               std::size_t(table(std::size_t(b) * max_pages + t / page)) * page + t % page;
                           return (slot * kv_heads + hk) * d;
                         };
                         const std::uint16_t* qrow = &q(std::size_t(bh) * d);
                         RowState st;
                         float scores[kTileKeys];
                         for (int k0 = begin; k0 < end; k0 += kTileKeys) {
                           const int n = end - k0 < kTileKeys ? end - k0 : kTileKeys;
                           row_scores(
                               qrow, n, d, scale, [&](int j) { return &kc(row(k0 + j)); }, scores);
                           st.absorb(scores, n, d, [&](int j) { return &vc(row(k0 + j)); });
                         }
                         pl(work) = store_partial(st, d, &po(std::size_t(work) * d));
                       });
  Kokkos::parallel_for("attention.decode_paged.kokkos_tiled.combine", Kokkos::RangePolicy<HostExec>(0, p.batch * heads),
                       [=](int bh) {
                         merge_partials(&po(std::size_t(bh) * splits * d), d, &pl(std::size_t(bh) * splits), 1, splits,
                                        d, &out(std::size_t(bh) * d));
                       });
  Kokkos::fence();
}

class KokkosTiledPagedDecode final : public Variant {
 public:
  std::string_view op() const override { return kPagedDecodeOp; }
  Backend backend() const override { return Backend::kokkos; }
  std::string_view name() const override { return "tiled"; }
  std::string_view description() const override {
    return "split-KV flash-decoding through the block table, log-sum-exp combine";
  }
  bool supports(const OpCase& c) const override {
    const auto* p = dynamic_cast<const PagedDecodeCase*>(&c);
    return p != nullptr && p->shape().h.head_dim <= kMaxHeadDim;
  }
  std::unique_ptr<PreparedRun> prepare(OpCase& c) const override {
    ensure_kokkos_initialized();
    auto& cs = dynamic_cast<PagedDecodeCase&>(c);
    const auto p = cs.params();
    SplitScratch s;
    s.splits = (p.max_context_len + kSplitKeys - 1) / kSplitKeys;
    const std::size_t rows = std::size_t(p.batch) * p.heads * s.splits;
    s.partial_out = Kokkos::View<float*, Kokkos::HostSpace>("partial_out", rows * p.head_dim);
    s.partial_lse = Kokkos::View<float*, Kokkos::HostSpace>("partial_lse", rows);
    return std::make_unique<CpuPreparedRun>([&cs, s] { tiled_paged_decode(cs.params(), s); });
  }
};

}  // namespace

std::unique_ptr<Variant> make_attention_decode_paged_kokkos_tiled() {
  return std::make_unique<KokkosTiledPagedDecode>();
}

}  // namespace moelab::kernels::attention
