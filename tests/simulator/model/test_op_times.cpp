// Measured op times ([op_times], simulator/model/op_times.hpp): the interpolation rule on a
// hand-made table, and the step cost model using it in place of the roofline for one class only.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <stdexcept>

#include "lab/config/spec_loaders.hpp"
#include "simulator/model/op_times.hpp"
#include "simulator/model/param_count.hpp"
#include "simulator/model/step_cost.hpp"

namespace {
using namespace moelab::sim;
using moelab::config::load_engine_by_id;
using moelab::config::load_hardware_by_id;
using moelab::config::load_model_by_id;

MeasuredOpTable table_of(std::vector<double> shape, std::vector<double> seconds, double calls = 1) {
  MeasuredOpTable t;
  t.source = "hand-made";
  t.shape = std::move(shape);
  t.seconds = std::move(seconds);
  t.calls_per_layer = calls;
  t.validate();
  return t;
}

bool close(double got, double want) { return std::abs(got - want) <= 1e-12 * std::abs(want); }

StepShape prefill_one(std::int64_t tokens) {
  StepShape s;
  s.prefill_seqs = 1;
  s.prefill_tokens = tokens;
  s.prefill_context_tokens = tokens;
  s.prefill_attention_pairs = static_cast<double>(tokens) * static_cast<double>(tokens + 1) / 2.0;
  return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(op_times)

BOOST_AUTO_TEST_CASE(exact_at_points_linear_between_floor_below_proportional_above) {
  const auto t = table_of({64, 128, 512}, {10e-6, 14e-6, 50e-6});
  BOOST_TEST(t.seconds_at(64) == 10e-6);
  BOOST_TEST(t.seconds_at(128) == 14e-6);
  BOOST_TEST(t.seconds_at(512) == 50e-6);
  BOOST_TEST(close(t.seconds_at(96), 12e-6));          // halfway between 64 and 128
  BOOST_TEST(close(t.seconds_at(224), 14e-6 + 9e-6));  // a quarter of the way from 128 to 512
  BOOST_TEST(t.seconds_at(8) == 10e-6);                // below: the smallest shape's time
  BOOST_TEST(close(t.seconds_at(1024), 100e-6));       // above: in proportion from the largest
  BOOST_TEST(t.seconds_at(0) == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_tables_are_refused) {
  BOOST_CHECK_THROW(table_of({}, {}), std::invalid_argument);
  BOOST_CHECK_THROW(table_of({64, 64}, {1e-6, 2e-6}), std::invalid_argument);
  BOOST_CHECK_THROW(table_of({128, 64}, {1e-6, 2e-6}), std::invalid_argument);
  BOOST_CHECK_THROW(table_of({64}, {0.0}), std::invalid_argument);
  BOOST_CHECK_THROW(table_of({64}, {1e-6}, 0.0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(measured_prefill_attention_replaces_only_that_class) {
  const auto m = load_model_by_id("llama-3.1-8b");
  const auto hw = load_hardware_by_id("h100-sxm");
  const auto analytic = load_engine_by_id("baseline");
  auto measured = analytic;
  measured.op_times.tables[static_cast<std::size_t>(OpClass::prefill_attention)] =
      table_of({256, 1024}, {30e-6, 90e-6}, 1);
  const StepCost a = StepCostModel(m, hw, analytic, 1).cost(prefill_one(1024));
  const StepCost b = StepCostModel(m, hw, measured, 1).cost(prefill_one(1024));
  // The measured time at a table shape, once per layer; the other classes as before.
  BOOST_TEST(close(b.attention_s, 90e-6 * static_cast<double>(m.n_layers)));
  BOOST_TEST(b.attention_s != a.attention_s);
  BOOST_TEST(b.dense_gemm_s == a.dense_gemm_s);
  BOOST_TEST(b.flops == a.flops);
  BOOST_TEST(close(b.time_s, a.time_s - a.attention_s + b.attention_s));
  // Decode attention keeps its roofline time.
  StepShape decode;
  decode.decode_seqs = 4;
  decode.decode_context_tokens = 4000;
  BOOST_TEST(StepCostModel(m, hw, measured, 1).cost(decode).attention_s ==
             StepCostModel(m, hw, analytic, 1).cost(decode).attention_s);
}

BOOST_AUTO_TEST_CASE(measured_expert_gemm_on_an_expert_parallel_rank) {
  const auto m = load_model_by_id("deepseek-v3");
  const auto hw = load_hardware_by_id("h800");
  auto engine = load_engine_by_id("sglang");
  engine.op_times.tables[static_cast<std::size_t>(OpClass::expert_gemm)] = table_of({512, 2048}, {40e-6, 100e-6}, 2);
  ParallelPlan plan;
  plan.attention_dp = 32;
  plan.expert_parallel = 32;
  const StepCostModel model(m, hw, engine, plan);
  const double moe_layers = static_cast<double>(count_params(m).n_moe_layers);
  const StepCost c = model.expert_rank_cost(2048, 8);
  BOOST_TEST(close(c.expert_gemm_s, 100e-6 * 2 * moe_layers));
  BOOST_TEST(c.time_s == c.expert_gemm_s);
  BOOST_TEST(close(model.expert_rank_cost(1280, 8).expert_gemm_s, 70e-6 * 2 * moe_layers));  // between points
}

BOOST_AUTO_TEST_SUITE_END()
