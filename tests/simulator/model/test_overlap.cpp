// Computation/communication overlap: the two-micro-batch schedule by hand, and a priced step.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <vector>

#include "lab/config/spec_loaders.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/model/overlap.hpp"

namespace {
using namespace moelab::sim;
using moelab::config::load_engine_by_id;
using moelab::config::load_hardware_by_id;
using moelab::config::load_model_by_id;
namespace tt = boost::test_tools;
}  // namespace

BOOST_AUTO_TEST_SUITE(overlap)

BOOST_AUTO_TEST_CASE(two_micro_batch_schedule_by_hand) {
  const auto tbo = make_overlap("two_micro_batch");
  BOOST_TEST(tbo->micro_batches() == 2);
  // Two layers; each half computes 2 and communicates 1 per layer (4 and 2 per step).
  // Compute stream: A1 0-2, B1 2-4, A2 4-6, B2 6-8; communication: A1 2-3, B1 4-5, A2 6-7, B2 8-9.
  std::vector<MicroBatchTimes> compute_bound = {{4, 2}, {4, 2}};
  BOOST_TEST(tbo->step_s(compute_bound, 2) == 9.0);  // 2 L max(c, m) + min(c, m), not 12
  // Communication bound (c 1, m 2 per layer): A1 0-1 | 1-3, B1 1-2 | 3-5, A2 3-4 | 5-7, B2 5-6 | 7-9.
  std::vector<MicroBatchTimes> comm_bound = {{2, 4}, {2, 4}};
  BOOST_TEST(tbo->step_s(comm_bound, 2) == 9.0);
  // One layer, B without communication: A computes 0-2 and sends 2-3 while B computes 2-3.
  std::vector<MicroBatchTimes> uneven = {{2, 1}, {1, 0}};
  BOOST_TEST(tbo->step_s(uneven, 1) == 3.0);
  // 61 layers of equal halves: 2 x 61 x 0.03 + 0.01 = 3.67 (against 2 x (1.83 + 0.61) = 4.88).
  std::vector<MicroBatchTimes> deep = {{61 * 0.03, 61 * 0.01}, {61 * 0.03, 61 * 0.01}};
  BOOST_TEST(tbo->step_s(deep, 61) == 3.67, tt::tolerance(1e-12));
  // No overlap: the sum.
  BOOST_TEST(make_overlap("none")->step_s(compute_bound, 2) == 12.0);
  BOOST_TEST(make_overlap("none")->micro_batches() == 1);
}

BOOST_AUTO_TEST_CASE(unknown_policy_is_an_error_at_engine_overlap) {
  try {
    make_overlap("three_micro_batch");
    BOOST_FAIL("expected an InputError");
  } catch (const moelab::InputError& e) {
    BOOST_TEST(e.key() == "engine.overlap");
  }
}

BOOST_AUTO_TEST_CASE(a_batch_splits_into_halves_that_add_up) {
  StepShape s;
  s.decode_seqs = 7;
  s.decode_context_tokens = 7000;
  s.prefill_seqs = 1;
  s.prefill_tokens = 4097;
  s.prefill_context_tokens = 4097;
  s.prefill_attention_pairs = 4097.0 * 4098 / 2;
  StepShape a, b;
  split_in_two(s, a, b);
  BOOST_TEST(a.decode_seqs == 4);
  BOOST_TEST(b.decode_seqs == 3);
  BOOST_TEST(a.decode_context_tokens == 4000);
  BOOST_TEST(b.decode_context_tokens == 3000);
  BOOST_TEST(a.prefill_seqs == 1);
  BOOST_TEST(b.prefill_seqs == 0);
  BOOST_TEST(a.prefill_tokens == 2049);
  BOOST_TEST(b.prefill_tokens == 2048);
  BOOST_TEST(a.prefill_context_tokens + b.prefill_context_tokens == s.prefill_context_tokens);
  BOOST_TEST(a.prefill_attention_pairs + b.prefill_attention_pairs == s.prefill_attention_pairs, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(deepseek_v3_prefill_at_ep32_overlaps_its_all_to_alls) {
  const auto m = load_model_by_id("deepseek-v3");
  const auto hw = load_hardware_by_id("h800");
  ParallelPlan p;
  p.attention_dp = 32;
  p.expert_parallel = 32;
  auto eng = load_engine_by_id("sglang");
  const RoutingSpec routing;
  const auto plain = make_cost_model("roofline", CostModelContext{m, hw, eng, p, routing, 5});
  eng.overlap = "two_micro_batch";
  const auto overlapped = make_cost_model("roofline", CostModelContext{m, hw, eng, p, routing, 5});

  StepShape whole;  // 4,096 prompt tokens per rank
  whole.prefill_seqs = 2;
  whole.prefill_tokens = 4096;
  whole.prefill_context_tokens = 4096;
  whole.prefill_attention_pairs = 2 * 2048.0 * 2049 / 2;
  StepShape half = whole;
  half.prefill_seqs = 1;
  half.prefill_tokens = half.prefill_context_tokens = 2048;
  half.prefill_attention_pairs = 2048.0 * 2049 / 2;

  StepBreakdown full, h, o;
  plain->price(std::vector<StepShape>(32, whole), full);
  plain->price(std::vector<StepShape>(32, half), h);
  overlapped->price(std::vector<StepShape>(32, whole), o);
  // Each half priced alone: c computation, m communication; 61 layers, equal halves.
  const double c = h.compute_s / 61, mm = (h.step_s - h.compute_s) / 61;
  BOOST_TEST(mm > 0);
  BOOST_TEST(o.step_s == 2 * 61 * std::max(c, mm) + std::min(c, mm), tt::tolerance(1e-9));
  BOOST_TEST(o.compute_s == 2 * h.compute_s, tt::tolerance(1e-12));
  BOOST_TEST(o.dispatch_s == 2 * h.dispatch_s, tt::tolerance(1e-12));
  BOOST_TEST(o.exposed_comm_s == o.step_s - o.compute_s, tt::tolerance(1e-12));
  // Less than running both halves in sequence, and, at this size, less than the whole batch.
  BOOST_TEST(o.step_s < 2 * h.step_s);
  BOOST_TEST(o.step_s < full.step_s);
  BOOST_TEST(o.exposed_comm_s < full.exposed_comm_s);
}

BOOST_AUTO_TEST_SUITE_END()
