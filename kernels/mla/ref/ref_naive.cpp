// ref.naive for mla.decode: the fp64 oracle over every (sequence, head), rounded to fp32.
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/mla/cases.hpp"
#include "kernels/mla/ref/mla_ref.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::mla {

std::unique_ptr<Variant> make_mla_decode_ref_naive() {
  return std::make_unique<moe_detail::FnVariant>(
      kMlaDecodeOp, Backend::ref, "naive", "fp64 scores over all 576 dims, two-pass softmax, fp64 sum of latent rows",
      [](const OpCase&) { return true; },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        auto& mc = moe_detail::case_as<MlaDecodeCase>(c);
        auto scratch = std::make_shared<std::vector<double>>(mc.out.size());
        return std::make_unique<CpuPreparedRun>([&mc, scratch] {
          ref::mla_decode(mc.params(), scratch->data(), nullptr);
          for (std::size_t i = 0; i < scratch->size(); ++i) mc.out[i] = static_cast<float>((*scratch)[i]);
        });
      });
}

}  // namespace moelab::kernels::mla
