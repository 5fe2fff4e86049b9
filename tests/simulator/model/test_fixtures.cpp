// The engine suite's hand-written config (tests/simulator/engine/engine_test_support.hpp) against the
// data files it copies: every field it sets must equal what the loaders read, so a fixture cannot
// drift from data/ (it once priced NVLink at half the file's value).
#include <boost/test/unit_test.hpp>

#include "lab/config/spec_loaders.hpp"
#include "tests/simulator/engine/engine_test_support.hpp"

using namespace moelab;

BOOST_AUTO_TEST_SUITE(fixtures)

BOOST_AUTO_TEST_CASE(engine_suite_config_equals_the_data_files) {
  const auto fixture = sim::test::llama8b_h100_config();

  const auto m = config::load_model_by_id("llama-3.1-8b");
  const auto& fm = fixture.model;
  BOOST_TEST(fm.id == m.id);
  BOOST_TEST(fm.display_name == m.display_name);
  BOOST_TEST(fm.d_model == m.d_model);
  BOOST_TEST(fm.n_layers == m.n_layers);
  BOOST_TEST(fm.vocab_size == m.vocab_size);
  BOOST_TEST(fm.tied_embeddings == m.tied_embeddings);
  BOOST_TEST((fm.attention == m.attention));
  BOOST_TEST(fm.n_heads == m.n_heads);
  BOOST_TEST(fm.n_kv_heads == m.n_kv_heads);
  BOOST_TEST(fm.head_dim == m.head_dim);
  BOOST_TEST(fm.dense_ffn_dim == m.dense_ffn_dim);
  BOOST_TEST(fm.moe.n_routed_experts == m.moe.n_routed_experts);
  BOOST_TEST(fm.published_total_params == m.published_total_params);
  BOOST_TEST(fm.published_active_params == m.published_active_params);
  BOOST_TEST(fm.weight_bytes_per_param == m.weight_bytes_per_param);
  BOOST_TEST(fm.expert_weight_bytes_per_param == m.expert_weight_bytes_per_param);
  BOOST_TEST(fm.kv_bytes_per_element == m.kv_bytes_per_element);
  BOOST_TEST(fm.kv_context_fraction == m.kv_context_fraction);
  BOOST_TEST(fm.max_context_tokens == m.max_context_tokens);

  const auto h = config::load_hardware_by_id("h100-sxm");
  const auto& fh = fixture.hardware;
  BOOST_TEST(fh.id == h.id);
  BOOST_TEST(fh.display_name == h.display_name);
  BOOST_TEST(fh.peak_bf16_flops == h.peak_bf16_flops);
  BOOST_TEST(fh.peak_fp8_flops == h.peak_fp8_flops);
  BOOST_TEST(fh.hbm_bytes == h.hbm_bytes);
  BOOST_TEST(fh.hbm_bytes_per_s == h.hbm_bytes_per_s);
  BOOST_TEST(fh.nvlink_bytes_per_s == h.nvlink_bytes_per_s);
  BOOST_TEST(fh.interconnect_bytes_per_s == h.interconnect_bytes_per_s);
  BOOST_TEST(fh.tdp_w == h.tdp_w);
  BOOST_TEST(fh.gpus_per_node == h.gpus_per_node);
  BOOST_TEST(fh.nvlink_domain_gpus == h.nvlink_domain_gpus);
  // Converted from GB/s and us in the file: equal to rounding.
  BOOST_TEST(fh.nvlink_eff_bytes_per_s == h.nvlink_eff_bytes_per_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(fh.nvlink_latency_s == h.nvlink_latency_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(fh.interconnect_eff_bytes_per_s == h.interconnect_eff_bytes_per_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(fh.interconnect_latency_s == h.interconnect_latency_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(fh.interconnect_collective_latency_s == h.interconnect_collective_latency_s,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(fh.sm_count == h.sm_count);
  BOOST_TEST(fh.l2_bytes == h.l2_bytes);
  BOOST_TEST(fh.usd_per_gpu_hour == h.usd_per_gpu_hour);
  BOOST_TEST(fixture.usd_per_gpu_hour == h.usd_per_gpu_hour);

  const auto e = config::load_engine_by_id("baseline");
  const auto& fe = fixture.engine;
  BOOST_TEST(fe.id == e.id);
  BOOST_TEST(fe.display_name == e.display_name);
  BOOST_TEST(fe.max_num_seqs == e.max_num_seqs);
  BOOST_TEST(fe.max_batched_tokens == e.max_batched_tokens);
  BOOST_TEST(fe.chunked_prefill == e.chunked_prefill);
  BOOST_TEST(fe.kv_block_tokens == e.kv_block_tokens);
  BOOST_TEST(fe.gpu_memory_utilization == e.gpu_memory_utilization);
  BOOST_TEST(fe.step_overhead_s == e.step_overhead_s);
  BOOST_TEST(fe.overhead_overlapped == e.overhead_overlapped);
  BOOST_TEST(fe.matmul_efficiency == e.matmul_efficiency);
  BOOST_TEST(fe.attention_efficiency == e.attention_efficiency);
  BOOST_TEST(fe.memory_efficiency == e.memory_efficiency);
  BOOST_TEST(fe.cache_policy == e.cache_policy);
  BOOST_TEST(fe.scheduler == e.scheduler);
}

BOOST_AUTO_TEST_SUITE_END()
