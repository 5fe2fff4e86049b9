// The step cost model against hand arithmetic. One layer's cost is isolated as the difference of
// the same model with n_layers and n_layers - 1 (the LM head and everything per-model cancels).
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "lab/config/spec_loaders.hpp"
#include "simulator/model/param_count.hpp"
#include "simulator/model/step_cost.hpp"

namespace {
using namespace moelab::sim;
using moelab::config::load_engine_by_id;
using moelab::config::load_hardware_by_id;
using moelab::config::load_model_by_id;

StepShape decode_one(std::int64_t context) {
  StepShape s;
  s.decode_seqs = 1;
  s.decode_context_tokens = context;
  return s;
}

StepShape prefill_one(std::int64_t tokens) {
  StepShape s;
  s.prefill_seqs = 1;
  s.prefill_tokens = tokens;
  s.prefill_context_tokens = tokens;                                                                // no cached prefix
  s.prefill_attention_pairs = static_cast<double>(tokens) * static_cast<double>(tokens + 1) / 2.0;  // causal
  return s;
}

struct LayerCost {
  double flops, bytes;
};

LayerCost one_layer(ModelSpec m, const StepShape& s) {
  const auto hw = load_hardware_by_id("h100-sxm");
  const auto eng = load_engine_by_id("baseline");
  const StepCost with = StepCostModel(m, hw, eng, 1).cost(s);
  m.n_layers -= 1;
  const StepCost without = StepCostModel(m, hw, eng, 1).cost(s);
  return {with.flops - without.flops, with.hbm_bytes - without.hbm_bytes};
}

bool close(double got, double want) { return std::abs(got - want) <= 1e-9 * std::abs(want); }
}  // namespace

BOOST_AUTO_TEST_SUITE(step_cost)

BOOST_AUTO_TEST_CASE(llama_8b_layer_decode_and_prefill_by_hand) {
  const auto m = load_model_by_id("llama-3.1-8b");
  // Projections (BF16, 2 bytes): q 4096x4096 = 16,777,216; k+v 4096x2048 = 8,388,608;
  // o 4096x4096 = 16,777,216 -> 41,943,040 weights.
  const double proj_weights = 16777216.0 + 8388608.0 + 16777216.0;
  // Activations in + out per token: q 4096+4096, kv 4096+2048, o 4096+4096 = 22,528 elements.
  const double proj_act_elems = 8192.0 + 6144.0 + 8192.0;
  // FFN (SwiGLU): 3 x 4096 x 14336 = 176,160,768 weights; activations 3 x (4096 + 14336).
  const double ffn_weights = 3.0 * 4096 * 14336;
  const double ffn_act_elems = 3.0 * (4096 + 14336);
  // Attention: 4 x 32 heads x 128 = 16,384 FLOPs per (query, key) pair; KV per token per layer
  // 2 (K, V) x 8 heads x 128 x 2 bytes = 4,096 bytes.
  const double flops_per_pair = 4.0 * 32 * 128;
  const double kv_bytes = 2.0 * 8 * 128 * 2;

  // 1 decode token at context 1000: matmul FLOPs 2 x weights; attention 1000 pairs;
  // bytes = weights + activations + KV read (1000 tokens) + KV written (1 token).
  {
    const double flops = 2 * proj_weights + 2 * ffn_weights + 1000 * flops_per_pair;
    const double bytes =
        2 * proj_weights + 2 * proj_act_elems + 2 * ffn_weights + 2 * ffn_act_elems + (1000 + 1) * kv_bytes;
    BOOST_TEST(flops == 452591616.0);  // 83,886,080 + 352,321,536 + 16,384,000
    BOOST_TEST(bytes == 440463360.0);  // 83,886,080 + 45,056 + 352,321,536 + 110,592 + 4,100,096
    const auto got = one_layer(m, decode_one(1000));
    BOOST_TEST(close(got.flops, flops));
    BOOST_TEST(close(got.bytes, bytes));
  }
  // One 512-token prefill, no cache: 512 x 513 / 2 = 131,328 causal pairs; weights read once,
  // activations for 512 tokens, KV of 512 tokens read and 512 written.
  {
    const double t = 512, pairs = 131328;
    const double flops = t * 2 * (proj_weights + ffn_weights) + pairs * flops_per_pair;
    const double bytes =
        2 * (proj_weights + ffn_weights) + t * 2 * (proj_act_elems + ffn_act_elems) + (512 + 512) * kv_bytes;
    const auto got = one_layer(m, prefill_one(512));
    BOOST_TEST(close(got.flops, flops));
    BOOST_TEST(close(got.bytes, bytes));
  }
}

BOOST_AUTO_TEST_CASE(deepseek_v3_moe_layer_by_hand) {
  const auto m = load_model_by_id("deepseek-v3");              // FP8 weights: 1 byte per parameter
  BOOST_REQUIRE(m.moe.n_dense_layers == 3 && m.n_layers > 4);  // the removed layer is a MoE layer
  // MLA projections: q_a 7168x1536 = 11,010,048; q_b 1536 x 128 x (128+64) = 37,748,736;
  // kv_a 7168 x (512+64) = 4,128,768; kv_b 512 x 128 x (128+128) = 16,777,216;
  // o 128 x 128 x 7168 = 117,440,512 -> 187,105,280 weights.
  const double proj_weights = 11010048.0 + 37748736.0 + 4128768.0 + 16777216.0 + 117440512.0;
  BOOST_TEST(proj_weights == 187105280.0);
  // Activation elements in + out: (7168+1536) + (1536+24576) + (7168+576) + (512+32768) + (16384+7168).
  const double proj_act_elems = 8704.0 + 26112.0 + 7744.0 + 33280.0 + 23552.0;
  // Router 7168 x 256 = 1,835,008 weights; activations 7168 + 256.
  const double router_weights = 7168.0 * 256;
  const double router_act_elems = 7168.0 + 256;
  // One expert 3 x 7168 x 2048 = 44,040,192 weights; per token 8 routed + 1 shared.
  const double expert_weights = 3.0 * 7168 * 2048;
  const double expert_act_elems_per_expert = 3.0 * (7168 + 2048);
  // MLA decode (absorbed): 2 x 128 heads x (512 + 512 + 64) = 278,528 FLOPs per pair;
  // latent KV (512 + 64) x 2 bytes = 1,152 bytes per token per layer.
  const double decode_flops_per_pair = 2.0 * 128 * (2 * 512 + 64);
  const double kv_bytes = (512.0 + 64) * 2;

  // 1 decode token at context 1000: T = 1 touches exactly k = 8 routed experts.
  {
    const double flops =
        2 * proj_weights + 1000 * decode_flops_per_pair + 2 * router_weights + 2 * expert_weights * (8 + 1);
    const double bytes = proj_weights + 2 * proj_act_elems + (1000 + 1) * kv_bytes + router_weights +
                         2 * router_act_elems + (8 + 1) * expert_weights + 2 * 9 * expert_act_elems_per_expert;
    const auto got = one_layer(m, decode_one(1000));
    BOOST_TEST(close(got.flops, flops));
    BOOST_TEST(close(got.bytes, bytes));
  }
  // One 512-token prefill: expanded MLA, 2 x 128 x (128 + 64 + 128) = 81,920 FLOPs per pair;
  // 512 tokens touch 256 x (1 - (1 - 8/256)^512) of the 256 experts (essentially all).
  {
    const double t = 512, pairs = 131328;
    const double prefill_flops_per_pair = 2.0 * 128 * (128 + 64 + 128);
    const double touched = 256.0 * (1.0 - std::pow(1.0 - 8.0 / 256.0, 512.0));
    BOOST_TEST(touched > 255.99);
    const double flops =
        t * (2 * proj_weights + 2 * router_weights + 2 * expert_weights * 9) + pairs * prefill_flops_per_pair;
    const double bytes = proj_weights + t * 2 * proj_act_elems + (512 + 512) * kv_bytes + router_weights +
                         t * 2 * router_act_elems + (touched + 1) * expert_weights +
                         t * 2 * 9 * expert_act_elems_per_expert;
    const auto got = one_layer(m, prefill_one(512));
    BOOST_TEST(close(got.flops, flops));
    BOOST_TEST(close(got.bytes, bytes));
  }
}

BOOST_AUTO_TEST_CASE(mla_prefill_up_projects_the_cached_prefix) {
  // A 512-token chunk after 1,536 cached tokens: besides the chunk's own work, the expanded MLA
  // form multiplies the 1,536 cached latents by kv_b: 2 x 512 x 128 x (128 + 128) FLOPs each.
  const auto m = load_model_by_id("deepseek-v3");
  StepShape fresh = prefill_one(512);
  StepShape chunk = fresh;
  chunk.prefill_context_tokens = 512 + 1536;
  chunk.prefill_attention_pairs = fresh.prefill_attention_pairs;  // same pairs: isolate the up-projection
  const double upproject = 1536.0 * 2 * 512 * 128 * (128 + 128);
  const double extra_kv_read = 1536.0 * (512 + 64) * 2;
  const auto a = one_layer(m, fresh), b = one_layer(m, chunk);
  BOOST_TEST(close(b.flops - a.flops, upproject));
  BOOST_TEST(close(b.bytes - a.bytes, extra_kv_read));
}

BOOST_AUTO_TEST_CASE(v4_flash_layer_decode_by_hand) {
  // csa approximation, one layer (FP8 weights, 1 byte; FP4 experts 0.53125 bytes):
  // q_a 4096x1024 = 4,194,304; q_b 1024 x 64 x 512 = 33,554,432; kv 4096 x 512 = 2,097,152;
  // o_a 8 groups of (8 heads x 512) x 1024 = 33,554,432; o_b (8 x 1024) x 4096 = 33,554,432.
  const auto m = load_model_by_id("deepseek-v4-flash");
  const double proj = 4194304.0 + 33554432.0 + 2097152.0 + 33554432.0 + 33554432.0;
  const double proj_act = (4096.0 + 1024) + (1024.0 + 32768) + (4096.0 + 512) + (32768.0 + 8192) + (8192.0 + 4096);
  // Attention per pair: 4 x 64 heads x 512, on kv_context_fraction of the context; KV per token
  // 512 x 2 bytes x fraction.
  const double frac = m.kv_context_fraction;
  const double pair_flops = 4.0 * 64 * 512 * frac;
  const double kv_bytes = 512.0 * 2 * frac;
  const double router = 4096.0 * 256;
  const double expert = 3.0 * 4096 * 2048;
  const double flops = 2 * proj + 1000 * pair_flops + 2 * router + 2 * expert * (6 + 1);
  const double bytes = proj + 2 * proj_act + 1001 * kv_bytes + router + 2 * (4096.0 + 256) +
                       (6 + 1) * expert * 0.53125 + 2 * 7 * 3.0 * (4096 + 2048);
  const auto got = one_layer(m, decode_one(1000));
  BOOST_TEST(close(got.flops, flops));
  BOOST_TEST(close(got.bytes, bytes));
}

BOOST_AUTO_TEST_CASE(small_decode_is_memory_bound_long_prefill_compute_bound) {
  const auto hw = load_hardware_by_id("h100-sxm");
  const auto eng = load_engine_by_id("baseline");
  for (const char* id : {"llama-3.1-8b", "deepseek-v3", "qwen3-30b-a3b"}) {
    BOOST_TEST_CONTEXT(id) {
      const StepCostModel model(load_model_by_id(id), hw, eng, 1);
      StepShape decode = decode_one(1000);
      decode.decode_seqs = 4;
      decode.decode_context_tokens = 4000;
      const auto d = model.cost(decode);
      BOOST_TEST(d.memory_s > 10 * d.compute_s);
      const auto p = model.cost(prefill_one(8192));
      BOOST_TEST(p.compute_s > p.memory_s);
      BOOST_TEST(d.time_s == d.compute_s + d.memory_s + d.communication_s);
    }
  }
}

BOOST_AUTO_TEST_CASE(decode_time_is_weights_over_bandwidth_at_batch_one) {
  // Llama-3.1-8B at batch 1 reads all weights but the input-embedding table (a lookup of one row):
  // 16.06 GB - 1.05 GB; time ~ bytes / (3.35 TB/s x 0.896), plus a little KV and activation traffic.
  const auto hw = load_hardware_by_id("h100-sxm");
  const auto eng = load_engine_by_id("baseline");
  const StepCostModel model(load_model_by_id("llama-3.1-8b"), hw, eng, 1);
  const auto c = model.cost(decode_one(100));
  const double embedding_bytes = 128256.0 * 4096 * 2;
  const double weights_s = (model.weight_bytes() - embedding_bytes) / (3.35e12 * eng.memory_efficiency);
  BOOST_TEST(c.time_s > weights_s);
  BOOST_TEST(c.time_s < 1.01 * weights_s);
}

BOOST_AUTO_TEST_CASE(expected_distinct_experts_limits) {
  BOOST_TEST(expected_distinct_experts(256, 8, 1) == 8.0);
  BOOST_TEST(std::abs(expected_distinct_experts(256, 8, 1e6) - 256.0) < 1e-9);
  BOOST_TEST(expected_distinct_experts(256, 8, 0) == 0.0);
  // Two tokens: 256 x (1 - (248/256)^2) = 15.75.
  BOOST_TEST(std::abs(expected_distinct_experts(256, 8, 2) - 15.75) < 1e-12);
  double prev = 0;
  for (double t = 1; t < 4096; t *= 2) {
    const double e = expected_distinct_experts(256, 8, t);
    BOOST_TEST(e > prev);
    BOOST_TEST(e <= 256.0);
    prev = e;
  }
}

BOOST_AUTO_TEST_CASE(tensor_parallel_halves_weights_and_adds_allreduce) {
  const auto hw = load_hardware_by_id("h100-sxm");
  const auto eng = load_engine_by_id("baseline");
  const auto m = load_model_by_id("llama-3.1-70b");
  const StepCostModel tp1(m, hw, eng, 1), tp2(m, hw, eng, 2);
  BOOST_TEST(tp2.weight_bytes() == tp1.weight_bytes());
  BOOST_TEST(tp2.weight_bytes_per_gpu() == tp1.weight_bytes_per_gpu() / 2);
  // GQA with 8 KV heads splits its KV over 2 GPUs: per-GPU KV halves, the replica's stays.
  BOOST_TEST(tp2.kv_bytes_per_token_per_gpu() == tp1.kv_bytes_per_token_per_gpu() / 2);
  BOOST_TEST(tp2.kv_bytes_per_token() == tp1.kv_bytes_per_token());

  const StepShape s = decode_one(1000);
  const auto c1 = tp1.cost(s), c2 = tp2.cost(s);
  BOOST_TEST(c1.communication_s == 0.0);
  // Two all-reduces per layer (80 layers) of 1 token x 8192 x 2 bytes inside one NVLink domain:
  // ring 2 (2-1)/2 of the buffer at the measured 370 GB/s per direction plus 6 us latency each
  // (data/hardware/h100-sxm.toml).
  const double expected_comm = 80 * 2 * (6e-6 + (2.0 * 1 / 2) * 8192 * 2 / 370e9);
  BOOST_TEST(close(c2.communication_s, expected_comm));
  // Same work in total, each GPU moves half the weights: compute + memory time about halves.
  BOOST_TEST(close(c2.flops, c1.flops));
  BOOST_TEST(c2.memory_s + c2.compute_s < 0.51 * (c1.memory_s + c1.compute_s));
  BOOST_TEST(c2.time_s < c1.time_s);
}

BOOST_AUTO_TEST_CASE(tensor_parallel_across_two_nodes_pays_the_network) {
  const auto eng = load_engine_by_id("baseline");
  const auto m = load_model_by_id("llama-3.1-70b");
  const auto hgx = load_hardware_by_id("h100-sxm");  // 8 GPUs per NVLink domain
  auto one_domain = hgx;                             // the same GPU in a hypothetical 16-GPU domain
  one_domain.nvlink_domain_gpus = 16;
  one_domain.gpus_per_node = 16;
  // 32 decodes: all-reduce buffers of 32 x 8192 x 2 = 524,288 bytes.
  StepShape s;
  s.decode_seqs = 32;
  s.decode_context_tokens = 32 * 1000;
  const double b = 32.0 * 8192 * 2;
  // Inside one domain: 6 us + 2 x 15/16 x b / 370 GB/s = 8.657 us per all-reduce.
  const double inside = 6e-6 + 2.0 * 15 / 16 * b / 370e9;
  // Two 8-GPU domains, hierarchical: 47 us (measured small all-reduce across 2 nodes)
  // + 2 x 7/8 x b / 370 GB/s in each domain + 2 x 1/2 x (b / 8) / 48 GB/s per NIC = 50.845 us.
  const double across = 47e-6 + 2.0 * 7 / 8 * b / 370e9 + 2.0 * 1 / 2 * (b / 8) / 48e9;
  BOOST_TEST(inside == 8.657e-6, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(across == 50.845e-6, boost::test_tools::tolerance(1e-3));
  const auto tp16_one = StepCostModel(m, one_domain, eng, 16).cost(s);
  const auto tp16_two = StepCostModel(m, hgx, eng, 16).cost(s);
  const auto tp8 = StepCostModel(m, hgx, eng, 8).cost(s);
  BOOST_TEST(close(tp16_one.communication_s, 160 * inside));
  BOOST_TEST(close(tp16_two.communication_s, 160 * across));
  // Same compute either way; across two nodes the all-reduces dominate the step ...
  BOOST_TEST(close(tp16_one.compute_s + tp16_one.memory_s, tp16_two.compute_s + tp16_two.memory_s));
  BOOST_TEST(tp16_two.communication_s > tp16_two.compute_s + tp16_two.memory_s);
  BOOST_TEST(tp16_two.time_s > tp16_one.time_s);
  // ... so that TP16 over two nodes is slower than TP8 inside one, although it halves each GPU's weights.
  BOOST_TEST(tp16_two.time_s > tp8.time_s);
  BOOST_TEST(tp16_one.time_s < tp8.time_s);
}

BOOST_AUTO_TEST_CASE(mla_kv_is_replicated_across_tensor_parallel_ranks) {
  const auto hw = load_hardware_by_id("h200");
  const auto eng = load_engine_by_id("baseline");
  const auto m = load_model_by_id("deepseek-v3");
  const StepCostModel tp1(m, hw, eng, 1), tp8(m, hw, eng, 8);
  BOOST_TEST(tp8.kv_bytes_per_token_per_gpu() == kv_bytes_per_token(m));
  BOOST_TEST(tp8.kv_bytes_per_token() == 8 * kv_bytes_per_token(m));
  BOOST_TEST(tp1.kv_bytes_per_token() == kv_bytes_per_token(m));
}

BOOST_AUTO_TEST_CASE(fp8_weights_use_fp8_tensor_cores) {
  // Same long prefill, same model shape: FP8 weights on H100 take about half the compute time.
  const auto hw = load_hardware_by_id("h100-sxm");
  const auto eng = load_engine_by_id("baseline");
  auto bf16 = load_model_by_id("llama-3.1-8b");
  auto fp8 = bf16;
  fp8.weight_bytes_per_param = 1.0;
  const auto a = StepCostModel(bf16, hw, eng, 1).cost(prefill_one(8192));
  const auto b = StepCostModel(fp8, hw, eng, 1).cost(prefill_one(8192));
  BOOST_TEST(b.compute_s < 0.75 * a.compute_s);
  BOOST_TEST(b.flops == a.flops);
  // A100 has no FP8 tensor cores: FP8 weights save bytes, not FLOP time.
  const auto a100 = load_hardware_by_id("a100-sxm-80gb");
  const auto c = StepCostModel(bf16, a100, eng, 1).cost(prefill_one(8192));
  const auto e = StepCostModel(fp8, a100, eng, 1).cost(prefill_one(8192));
  BOOST_TEST(close(c.compute_s, e.compute_s));
}

BOOST_AUTO_TEST_CASE(empty_step_costs_nothing) {
  const StepCostModel model(load_model_by_id("qwen3-8b"), load_hardware_by_id("h100-sxm"),
                            load_engine_by_id("baseline"), 1);
  const auto c = model.cost(StepShape{});
  BOOST_TEST(c.time_s == 0.0);
  BOOST_TEST(c.flops == 0.0);
}

BOOST_AUTO_TEST_CASE(every_model_prices_on_every_gpu) {
  const auto eng = load_engine_by_id("baseline");
  for (const auto& mid : moelab::config::list_ids("models")) {
    for (const auto& hid : moelab::config::list_ids("hardware")) {
      BOOST_TEST_CONTEXT(mid << " on " << hid) {
        const StepCostModel model(load_model_by_id(mid), load_hardware_by_id(hid), eng, 1);
        StepShape s = decode_one(2000);
        s.prefill_seqs = 1;
        s.prefill_tokens = 256;
        s.prefill_context_tokens = 256;
        s.prefill_attention_pairs = 256.0 * 257 / 2;
        const auto c = model.cost(s);
        BOOST_TEST(std::isfinite(c.time_s));
        BOOST_TEST(c.time_s > 0);
        BOOST_TEST(c.flops > 0);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
