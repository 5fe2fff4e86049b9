// Multi-token prediction in the cost model: the verification pass and the MTP module's drafts.
#include <boost/test/unit_test.hpp>

#include "lab/config/spec_loaders.hpp"
#include "simulator/model/cost_model.hpp"

namespace {
using namespace moelab::sim;
using moelab::config::load_engine_by_id;
using moelab::config::load_hardware_by_id;
using moelab::config::load_model_by_id;
namespace tt = boost::test_tools;

StepShape decode(std::int64_t seqs, std::int64_t context) {
  StepShape s;
  s.decode_seqs = seqs;
  s.decode_context_tokens = seqs * context;
  return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(mtp_cost)

BOOST_AUTO_TEST_CASE(verification_runs_one_query_per_draft_and_reads_the_kv_once) {
  const auto m = load_model_by_id("deepseek-v3");
  const auto hw = load_hardware_by_id("h200");
  const auto plain = load_engine_by_id("sglang");
  auto mtp = plain;
  mtp.mtp_draft_tokens = 1;
  mtp.mtp_acceptance_rate = 0.8;
  const StepCostModel verify(m, hw, mtp, 8), base(m, hw, plain, 8);
  const StepShape s64 = decode(64, 2000), s128 = decode(128, 2000);
  BOOST_TEST(verify.forward_tokens(s64) == 128);
  BOOST_TEST(base.forward_tokens(s64) == 64);
  const StepCost v = verify.cost(s64), b128 = base.cost(s128), b64 = base.cost(s64);
  // The GEMMs see 128 rows, as 128 plain decodes do.
  BOOST_TEST(v.dense_gemm_s == b128.dense_gemm_s, tt::tolerance(1e-12));
  BOOST_TEST(v.expert_gemm_s == b128.expert_gemm_s, tt::tolerance(1e-12));
  BOOST_TEST(v.communication_s == b128.communication_s, tt::tolerance(1e-12));
  // Attention: 128 queries over 2,000 keys each (the FLOPs of 128 decodes), but the KV of 64
  // sequences read once.
  BOOST_TEST(v.attention_s < b128.attention_s);
  BOOST_TEST(v.attention_s > b64.attention_s);
}

BOOST_AUTO_TEST_CASE(each_draft_is_a_pass_of_one_layer_and_the_lm_head) {
  const auto m = load_model_by_id("deepseek-v3");
  const auto hw = load_hardware_by_id("h200");
  const auto plain = load_engine_by_id("sglang");
  const ParallelPlan plan = ParallelPlan::tensor_parallel(8);
  const RoutingSpec routing;
  auto one_layer = m;
  one_layer.n_layers = 1;
  one_layer.moe.n_dense_layers = 0;
  const StepShape s = decode(64, 3000);
  const double draft = StepCostModel(one_layer, hw, plain, plan).cost(s).time_s;
  BOOST_TEST(draft > 0);
  for (std::int64_t d : {1, 2}) {
    auto mtp = plain;
    mtp.mtp_draft_tokens = d;
    mtp.mtp_acceptance_rate = 0.8;
    const auto cost = make_cost_model("roofline", CostModelContext{m, hw, mtp, plan, routing, 1});
    StepBreakdown b;
    const std::vector<StepShape> ranks{s};
    cost->price(ranks, b);
    const double verify = StepCostModel(m, hw, mtp, plan).cost(s).time_s;
    BOOST_TEST(b.step_s == verify + static_cast<double>(d) * draft, tt::tolerance(1e-12));
  }
  // A step without decodes drafts nothing.
  auto mtp = plain;
  mtp.mtp_draft_tokens = 1;
  mtp.mtp_acceptance_rate = 0.8;
  StepShape prefill;
  prefill.prefill_seqs = 1;
  prefill.prefill_tokens = prefill.prefill_context_tokens = 1000;
  prefill.prefill_attention_pairs = 1000.0 * 1001 / 2;
  const auto cost = make_cost_model("roofline", CostModelContext{m, hw, mtp, plan, routing, 1});
  StepBreakdown b;
  const std::vector<StepShape> ranks{prefill};
  cost->price(ranks, b);
  BOOST_TEST(b.step_s == StepCostModel(m, hw, plain, plan).cost(prefill).time_s, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
