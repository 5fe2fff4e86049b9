// Per-kernel-class efficiencies (data/kernels/): interpolation, and what they change in a step.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "lab/config/spec_loaders.hpp"
#include "simulator/model/step_cost.hpp"

namespace {
using namespace moelab::sim;
using moelab::config::load_engine_by_id;
using moelab::config::load_hardware_by_id;
using moelab::config::load_kernel_profile_by_id;
using moelab::config::load_model_by_id;

ParallelPlan ep32(std::int64_t tp = 1) {
  ParallelPlan p;
  p.attention_tp = tp;
  p.attention_dp = 32 / tp;
  p.expert_parallel = 32;
  return p;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(kernel_profile)

BOOST_AUTO_TEST_CASE(grouped_gemm_efficiency_follows_the_deepgemm_table) {
  const KernelProfile k = load_kernel_profile_by_id("deepseek-hopper");
  BOOST_TEST(k.grouped_gemm_efficiency(256) == 0.449);
  BOOST_TEST(k.grouped_gemm_efficiency(1024) == 0.561);
  // Below and above the measured range the end values hold.
  BOOST_TEST(k.grouped_gemm_efficiency(16) == 0.449);
  BOOST_TEST(k.grouped_gemm_efficiency(65536) == 0.656);
  // Linear in log2 M: 724.08 = 2^9.5 lies halfway between 512 and 1024.
  BOOST_TEST(k.grouped_gemm_efficiency(std::pow(2.0, 9.5)) == (0.503 + 0.561) / 2, boost::test_tools::tolerance(1e-12));
  // 2048 = 2^11 is a third of the way (in log2) from 1024 to 4096.
  BOOST_TEST(k.grouped_gemm_efficiency(2048) == 0.561 + (0.656 - 0.561) / 2, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(k.low_latency_bytes_per_s(32, false) == 41e9);
  BOOST_TEST(k.low_latency_bytes_per_s(24, true) == 44e9 + (41e9 - 44e9) * (std::log2(24.0) - 4),
             boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(expert_gemm_efficiency_depends_on_tokens_per_expert) {
  const auto m = load_model_by_id("deepseek-v3");  // FP8 experts
  const auto hw = load_hardware_by_id("h800");     // 1979 FP8 TFLOPS
  auto eng = load_engine_by_id("sglang");
  const StepCostModel flat(m, hw, eng, ep32());
  eng.kernels = load_kernel_profile_by_id("deepseek-hopper");
  const StepCostModel profiled(m, hw, eng, ep32());
  // 8 experts on the rank; 8,192 and 4,096 assignments per layer: M = 1,024 and 512 per expert
  // (at 256 the FP8 weights' bytes already bound it).
  for (const auto& [assignments, eff] : {std::pair{8192.0, 0.561}, std::pair{4096.0, 0.503}}) {
    const StepCost c = profiled.expert_rank_cost(assignments, 8);
    // An expert's SwiGLU: 3 matrices of 7168 x 2048, 2 FLOPs per multiply-add, 58 MoE layers.
    const double flops = assignments * 2 * 3 * 7168.0 * 2048 * 58;
    BOOST_TEST(c.flops == flops, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(c.compute_s > 0);  // compute bound at these M
    BOOST_TEST(c.time_s == flops / (1979e12 * eff), boost::test_tools::tolerance(1e-9));
    // Without a profile the engine's single matmul efficiency (0.778) applies at every M.
    BOOST_TEST(flat.expert_rank_cost(assignments, 8).time_s == flops / (1979e12 * 0.778),
               boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(weight_streaming_and_mla_decode_use_their_own_bandwidths) {
  const auto m = load_model_by_id("deepseek-v3");
  const auto hw = load_hardware_by_id("h800");
  auto eng = load_engine_by_id("sglang");  // memory_efficiency 0.896
  // Attention TP8: 16 of the 128 heads per GPU, each GPU reading the whole latent KV (MLA decode
  // with all 128 heads on one GPU is compute bound under FlashMLA's 660 TFLOPS).
  const StepCostModel flat(m, hw, eng, ep32(8));
  eng.kernels = load_kernel_profile_by_id("deepseek-hopper");
  const StepCostModel profiled(m, hw, eng, ep32(8));
  StepShape s;  // 4 decodes of 32k context: every operator memory bound
  s.decode_seqs = 4;
  s.decode_context_tokens = 4 * 32768;
  const StepCost a = flat.cost(s), b = profiled.cost(s);
  BOOST_TEST(a.compute_s == 0);
  BOOST_TEST(b.compute_s == 0);
  // Weight-streaming GEMMs: DeepGEMM's 0.684 of HBM instead of 0.896.
  BOOST_TEST(b.dense_gemm_s == a.dense_gemm_s * 0.896 / 0.684, boost::test_tools::tolerance(1e-9));
  // MLA decode reads the BF16 latent KV (61 layers x (512 + 64) x 2 B per token, a copy on
  // every TP GPU) at FlashMLA's 3000 of 3350 GB/s = 0.896 of peak.
  BOOST_TEST(profiled.kv_bytes_per_token_per_gpu() == 61 * 576 * 2.0);
  const double kv_bytes = 61 * 576 * 2.0 * (4 * 32768 + 4);
  BOOST_TEST(b.attention_s == kv_bytes / (3.35e12 * 0.896), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()
