// An instance step with expert parallelism: where dispatch goes, what it costs, lockstep ranks.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "lab/config/spec_loaders.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/model/dispatch_geometry.hpp"

namespace {
using namespace moelab::sim;
using moelab::config::load_engine_by_id;
using moelab::config::load_hardware_by_id;
using moelab::config::load_model_by_id;

ParallelPlan ep_plan(std::int64_t tp, std::int64_t dp, std::int64_t ep) {
  ParallelPlan p;
  p.attention_tp = tp;
  p.attention_dp = dp;
  p.expert_parallel = ep;
  return p;
}

StepShape prefill(std::int64_t tokens) {
  StepShape s;
  s.prefill_seqs = 1;
  s.prefill_tokens = tokens;
  s.prefill_context_tokens = tokens;
  s.prefill_attention_pairs = static_cast<double>(tokens) * static_cast<double>(tokens + 1) / 2;
  return s;
}

StepShape decode(std::int64_t seqs, std::int64_t context) {
  StepShape s;
  s.decode_seqs = seqs;
  s.decode_context_tokens = seqs * context;
  return s;
}

// P(none of 8 distinct draws from X candidates lands among x of them).
double miss(double x_candidates, double x) {
  double p = 1;
  for (int i = 0; i < 8; ++i) p *= (x_candidates - x - i) / (x_candidates - i);
  return p;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(moe_step)

BOOST_AUTO_TEST_CASE(deepseek_v3_dispatch_at_ep32_over_four_nodes_by_hand) {
  const auto m = load_model_by_id("deepseek-v3");
  const auto hw = load_hardware_by_id("h800");
  // 256 experts, 8 per GPU; 8 groups of 32 (4 GPUs each), a token picks 4 groups then 8 experts.
  // A rank's group is chosen with probability C(7,3)/C(8,4) = 1/2, and then one of the token's
  // 8 experts (of 128 candidates) lands on its 8 with probability 1 - miss(128, 8) = 0.41228:
  // P(rank hit) = 0.20614. A node holds 2 groups: both chosen 15/70, one 40/70, so
  // P(node hit) = 15/70 (1 - miss(128, 64)) + 40/70 (1 - miss(128, 32)) = 0.73205.
  const double p_rank = 0.5 * (1 - miss(128, 8));
  const double p_node = 15.0 / 70 * (1 - miss(128, 64)) + 40.0 / 70 * (1 - miss(128, 32));
  BOOST_TEST(p_rank == 0.206141, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(p_node == 0.732052, boost::test_tools::tolerance(1e-5));
  const ParallelPlan p = ep_plan(1, 32, 32);
  const DispatchGeometry g = dispatch_geometry(m, p, hw, 0);
  BOOST_TEST(g.domains == 4);
  BOOST_TEST(g.same_domain_ranks == 7 * p_rank, boost::test_tools::tolerance(1e-9));    // 1.44299
  BOOST_TEST(g.other_domain_ranks == 24 * p_rank, boost::test_tools::tolerance(1e-9));  // 4.94738
  BOOST_TEST(g.other_domains == 3 * p_node, boost::test_tools::tolerance(1e-9));        // 2.19616

  // One prefill step: every one of the 32 GPUs (DP32, TP1) holds 4,096 tokens. FP8 dispatch
  // (1 + 4/128 bytes per element), BF16 combine, "normal" kernels: one copy per remote node over
  // the NIC (48 GB/s), the rest forwarded over NVLink (160 GB/s on H800), 3.7 us latency per
  // all-to-all across nodes, 58 MoE layers. Per GPU and layer, at the step's imbalance f:
  //   NIC    4096 f x 2.19616 copies x 7168 x 1.03125 B = 66.49 MB x f -> 1.38530 ms x f
  //   NVLink 4096 f x 6.39037 copies x 7168 x 1.03125 B = 193.49 MB x f -> 1.20928 ms x f
  // so dispatch = 58 x (3.7 us + 1.38530 ms x f) and combine the same with 2 bytes per element.
  auto eng = load_engine_by_id("sglang");
  eng.dispatch_bytes_per_element = 1.0 + 4.0 / 128;
  eng.combine_bytes_per_element = 2.0;
  eng.a2a_mode = "auto";
  const RoutingSpec routing;  // uniform
  const auto cost = make_cost_model("roofline", CostModelContext{m, hw, eng, p, routing, 5});
  std::vector<StepShape> ranks(32, prefill(4096));
  StepBreakdown b;
  cost->price(ranks, b);
  const double f = b.expert_imbalance;
  BOOST_TEST(f > 1.0);
  BOOST_TEST(f < 1.03);  // 131,072 tokens x 8 choices over 32 ranks: a small fluctuation
  const double nic_bytes = 4096 * f * 3 * p_node * 7168 * (1.0 + 4.0 / 128);
  const double nvl_bytes = 4096 * f * 31 * p_rank * 7168 * (1.0 + 4.0 / 128);
  BOOST_TEST(nic_bytes / 48e9 > nvl_bytes / 160e9);  // the NIC is the bottleneck
  BOOST_TEST(b.dispatch_s == 58 * (3.7e-6 + nic_bytes / 48e9), boost::test_tools::tolerance(1e-9));
  BOOST_TEST(b.dispatch_s == 58 * (3.7e-6 + 1.38530e-3 * f), boost::test_tools::tolerance(1e-4));
  BOOST_TEST(b.combine_s == 58 * (3.7e-6 + nic_bytes * 2 / (1.0 + 4.0 / 128) / 48e9),
             boost::test_tools::tolerance(1e-9));
  // Without overlap the step adds it all up.
  BOOST_TEST(b.step_s == b.compute_s + b.allreduce_s + b.dispatch_s + b.combine_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b.exposed_comm_s == b.dispatch_s + b.combine_s + b.allreduce_s, boost::test_tools::tolerance(1e-9));

  // Low-latency kernels (decode: no prefill in the step) send one copy per (token, expert) pair
  // straight to the expert's rank (DeepEP's layout): of a token's 8 experts, 8 x 24/32 = 6 sit on
  // the 24 ranks of other nodes.
  std::vector<StepShape> decodes(32, decode(128, 4000));
  cost->price(decodes, b);
  const double ll_nic = 128 * b.expert_imbalance * 8 * 24.0 / 32 * 7168 * (1.0 + 4.0 / 128);
  BOOST_TEST(b.dispatch_s == 58 * (3.7e-6 + ll_nic / 48e9), boost::test_tools::tolerance(1e-9));

  // With DeepSeek's kernel profile the RDMA traffic runs at DeepEP's measured low-latency
  // bandwidth at EP32: dispatch 41 GB/s, combine 41 GB/s, measured on a 50 GB/s NIC like the H800's.
  eng.kernels = moelab::config::load_kernel_profile_by_id("deepseek-hopper");
  const auto profiled = make_cost_model("roofline", CostModelContext{m, hw, eng, p, routing, 5});
  StepBreakdown pb;
  profiled->price(decodes, pb);
  BOOST_TEST(pb.expert_imbalance == b.expert_imbalance);
  BOOST_TEST(pb.dispatch_s == 58 * (3.7e-6 + ll_nic / 41e9), boost::test_tools::tolerance(1e-9));
  BOOST_TEST(pb.combine_s == 58 * (3.7e-6 + ll_nic * 2 / (1.0 + 4.0 / 128) / 41e9), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(node_limited_routing_caps_the_nodes_a_token_reaches) {
  // DeepSeek-V3 over 16 nodes (EP128, 2 experts per GPU): its 4 chosen groups of 32 experts span
  // 4 x 2 = 8 nodes, so a token may reach up to 8; node-limited routing (M = 4) caps that at 4.
  const auto m = load_model_by_id("deepseek-v3");
  const auto hw = load_hardware_by_id("h800");
  const ParallelPlan p = ep_plan(1, 128, 128);
  const DispatchGeometry free_groups = dispatch_geometry(m, p, hw, 0);
  const DispatchGeometry limited = dispatch_geometry(m, p, hw, 4);
  BOOST_TEST(limited.other_domains <= 4.0);
  BOOST_TEST(limited.other_domains < free_groups.other_domains);
  // With M = 4 of 16 nodes: P(own node chosen) = 1/4, so other nodes reached = 4 - 1/4 at most.
  BOOST_TEST(limited.other_domains <= 3.75 + 1e-9);
}

BOOST_AUTO_TEST_CASE(lockstep_ranks_wait_for_the_slowest) {
  const auto m = load_model_by_id("kimi-k2");
  const auto hw = load_hardware_by_id("h200");
  const auto eng = load_engine_by_id("sglang");
  const RoutingSpec routing;
  const ParallelPlan p = ep_plan(1, 16, 16);
  const auto cost = make_cost_model("roofline", CostModelContext{m, hw, eng, p, routing, 9});
  std::vector<StepShape> even(16, decode(64, 2000)), skewed(16, decode(64, 2000));
  skewed[3] = decode(64, 16000);  // one rank's sequences have 8x longer contexts
  StepBreakdown a, b;
  cost->price(even, a);
  cost->price(skewed, b);
  // Same tokens everywhere, so the MoE side is the same; the slow rank's attention sets the step.
  BOOST_TEST(b.expert_gemm_s == a.expert_gemm_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b.dispatch_s == a.dispatch_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b.attention_s > 4 * a.attention_s);
  BOOST_TEST(b.step_s - a.step_s == b.attention_s - a.attention_s, boost::test_tools::tolerance(1e-6));
  // An idle rank does not speed the others up: it still waits at every MoE layer.
  std::vector<StepShape> one_idle = even;
  one_idle[0] = StepShape{};
  StepBreakdown c;
  cost->price(one_idle, c);
  BOOST_TEST(c.attention_s == a.attention_s, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
