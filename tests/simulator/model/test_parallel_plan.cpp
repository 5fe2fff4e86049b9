// ParallelPlan validation and what a DP rank's GPUs hold.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "lab/config/spec_loaders.hpp"
#include "simulator/cluster/cluster_simulator.hpp"
#include "simulator/engine/kv_capacity.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/model/parallel_plan.hpp"
#include "simulator/model/param_count.hpp"

namespace {
using namespace moelab::sim;
using moelab::config::load_engine_by_id;
using moelab::config::load_hardware_by_id;
using moelab::config::load_model_by_id;

ParallelPlan plan(std::int64_t tp, std::int64_t dp, std::int64_t ep, std::int64_t redundant = 0) {
  ParallelPlan p;
  p.attention_tp = tp;
  p.attention_dp = dp;
  p.expert_parallel = ep;
  p.redundant_experts = redundant;
  return p;
}

std::string first_key(const ParallelPlan& p, const ModelSpec& m, const HardwareSpec& hw) {
  const auto problems = validate_plan(p, m, hw);
  return problems.empty() ? std::string() : problems.front().key;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(parallel_plan)

BOOST_AUTO_TEST_CASE(plans_that_cannot_exist_name_the_key_that_breaks_them) {
  const auto ds = load_model_by_id("deepseek-v3");                 // 128 heads, 256 experts
  const auto llama = load_model_by_id("llama-3.1-70b");            // 64 heads, 8 KV heads, dense
  const auto h800 = load_hardware_by_id("h800");                   // 8 GPUs per node and NVLink domain
  BOOST_TEST(first_key(plan(4, 8, 32, 32), ds, h800).empty());     // DeepSeek's prefill unit
  BOOST_TEST(first_key(plan(1, 144, 144, 32), ds, h800).empty());  // day-6 decode unit
  BOOST_TEST(first_key(plan(3, 1, 1), ds, h800) == "cluster.parallel.attention_tp");            // 128 % 3
  BOOST_TEST(first_key(plan(1, 24, 24), ds, h800) == "cluster.parallel.expert_parallel");       // 256 % 24
  BOOST_TEST(first_key(plan(1, 24, 24, 4), ds, h800) == "cluster.parallel.redundant_experts");  // 260 % 24
  BOOST_TEST(first_key(plan(1, 16, 8), ds, h800).empty());                             // EP8 x expert TP 2 = 16 GPUs
  BOOST_TEST(first_key(plan(16, 1, 1), ds, h800) == "cluster.parallel.attention_tp");  // wider than NVLink
  auto across = plan(16, 1, 1);
  across.tp_across_nodes = true;
  BOOST_TEST(first_key(across, ds, h800).empty());
  BOOST_TEST(first_key(ParallelPlan::tensor_parallel(16), ds, h800) == "cluster.tensor_parallel");
  BOOST_TEST(first_key(plan(1, 12, 4), ds, h800) == "cluster.parallel.attention_dp");    // 12 GPUs: not whole nodes
  BOOST_TEST(first_key(plan(1, 2, 1), llama, h800) == "cluster.parallel.attention_dp");  // dense: use replicas
  BOOST_TEST(first_key(plan(1, 1, 2), llama, h800) == "cluster.parallel.expert_parallel");
  BOOST_TEST(first_key(plan(1, 8, 1, 8), ds, h800) == "cluster.parallel.redundant_experts");  // EP 1
  auto etp = plan(1, 8, 4);
  etp.expert_tp = 4;  // 4 x 4 != 8
  BOOST_TEST(first_key(etp, ds, h800) == "cluster.parallel.expert_tp");
}

BOOST_AUTO_TEST_CASE(kv_capacity_with_dp_attention_is_dp_times_the_rank_capacity) {
  // DeepSeek-V3 (FP8 weights) as its technical report's prefill unit: 4 H800 nodes, attention TP4
  // x DP8, routed experts EP32 with 32 redundant copies (9 per GPU).
  auto m = load_model_by_id("deepseek-v3");
  auto hw = load_hardware_by_id("h800");
  auto eng = load_engine_by_id("sglang");
  eng.gpu_memory_utilization = 0.9;
  eng.kv_block_tokens = 64;
  const ParallelPlan p = plan(4, 8, 32, 32);
  const RoutingSpec routing;
  const auto cost = make_cost_model("roofline", CostModelContext{m, hw, eng, p, routing, 1, true});
  // Per GPU: non-expert weights / TP4; the shared expert / TP4; 288 physical routed experts / 32.
  const ParamCounts pc = count_params(m);
  const double expert = 3.0 * 7168 * 2048;  // one expert, one layer: 44,040,192 parameters
  BOOST_TEST(pc.expert == expert);
  const double per_gpu = pc.non_expert() / 4 + 1 * 58 * expert / 4 + 288.0 * 58 * expert / 32;  // 1 byte each
  BOOST_TEST(cost->rank_weight_bytes() == 4 * per_gpu, boost::test_tools::tolerance(1e-12));
  // MLA latent: (512 + 64) x 2 bytes x 61 layers = 70,272 bytes per token, copied on each of the
  // rank's 4 TP GPUs, never across DP ranks.
  BOOST_TEST(cost->rank_kv_bytes_per_token() == 4 * 70272.0);
  const std::int64_t rank_blocks = kv_capacity_blocks(*cost, hw, eng, 4);
  const double by_hand = std::floor((80e9 * 0.9 * 4 - 4 * per_gpu) / (4 * 70272.0 * 64));
  BOOST_TEST(static_cast<double>(rank_blocks) == by_hand);

  // The instance: 8 ranks of that capacity (sampled in the timeseries as the instance's total).
  SimConfig c;
  c.model = m;
  c.hardware = hw;
  c.engine = eng;
  c.cluster.parallel = p;
  c.timeseries_interval_s = 0;
  ClusterSimulator sim(c);
  BOOST_TEST(sim.kv_blocks_per_replica() == rank_blocks);
  std::vector<Request> requests;
  for (int i = 0; i < 16; ++i) {
    Request r;
    r.id = i;
    r.prompt_tokens = 1000;
    r.output_tokens = 10;
    requests.push_back(r);
  }
  struct Fixed final : Workload {
    std::vector<Request> q;
    std::size_t next = 0;
    std::optional<double> peek_arrival_s() override {
      return next < q.size() ? std::optional<double>(0.0) : std::nullopt;
    }
    Request pop() override { return q[next++]; }
    void on_finished(const Request&, double) override {}
    std::int64_t expected_requests() const override { return static_cast<std::int64_t>(q.size()); }
  } w;
  w.q = requests;
  const RunResult r = sim.run(w);
  BOOST_TEST(r.invariant_violations.empty());
  BOOST_REQUIRE(!r.timeseries.empty());
  BOOST_TEST(r.timeseries.front().kv_blocks_total == 8 * rank_blocks);
  // Round robin over DP ranks: 16 requests, 2 per rank.
  std::vector<int> per_rank(8, 0);
  for (const auto& rec : r.requests) ++per_rank.at(static_cast<std::size_t>(rec.dp_rank));
  for (int n : per_rank) BOOST_TEST(n == 2);

  // DeepSeek-V3's 671 GB do not fit one 8-GPU H800 node as TP8 at all (640 GB of HBM); spread
  // as above each GPU holds about 27.3 GB of weights.
  BOOST_TEST(per_gpu > 27e9);
  BOOST_TEST(per_gpu < 28e9);
}

BOOST_AUTO_TEST_CASE(tp_only_shorthand_holds_the_whole_model_per_replica) {
  const auto m = load_model_by_id("kimi-k2");
  const auto hw = load_hardware_by_id("h200");
  const auto eng = load_engine_by_id("sglang");
  const RoutingSpec routing;
  const ParallelPlan p = ParallelPlan::tensor_parallel(8);
  const auto cost = make_cost_model("roofline", CostModelContext{m, hw, eng, p, routing, 1, true});
  BOOST_TEST(cost->rank_weight_bytes() == weight_bytes(m));
  // Kimi K2 is MLA: the latent is copied on all 8 TP GPUs.
  BOOST_TEST(cost->rank_kv_bytes_per_token() == 8 * kv_bytes_per_token(m));
}

BOOST_AUTO_TEST_SUITE_END()
