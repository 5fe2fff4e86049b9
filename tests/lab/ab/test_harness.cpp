#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "lab/ab/harness.hpp"
#include "tests/lab/ab/fake_op.hpp"

using namespace moelab;
using namespace moelab::test;
using kernels::Backend;

namespace {

std::unique_ptr<kernels::PreparedRun> correct_run(AxpyCase& c) {
  return std::make_unique<kernels::CpuPreparedRun>([&c] { axpy_correct(c); });
}

ab::AbOptions quick_options() {
  ab::AbOptions o;
  o.cold_cache = false;
  o.max_time_s = 2.0;
  o.min_samples = 5;
  o.max_samples = 50;
  o.noise = 0.5;  // real CPU timings: only the flow is under test here
  o.warmup_runs = 1;
  o.bootstrap_resamples = 200;
  return o;
}

kernels::ShapeArgs tiny() { return kernels::ShapeArgs{"tiny", {}, "test"}; }

struct Fixture {
  kernels::OpInfo op = axpy_op_info();
  std::vector<std::unique_ptr<LambdaVariant>> owned;
  std::vector<const kernels::Variant*> list;
  std::vector<std::string> log;

  void add(Backend b, std::string name, LambdaVariant::Prepare p, bool available = true, bool supported = true) {
    owned.push_back(std::make_unique<LambdaVariant>(b, std::move(name), std::move(p), available, supported));
    list.push_back(owned.back().get());
  }
  void add_synthetic(std::string name, double median_s, double spread, std::uint64_t seed) {
    add(Backend::ref, name, [this, name, median_s, spread, seed](AxpyCase& c) {
      return std::make_unique<SyntheticRun>(c, name, median_s, spread, seed, &log);
    });
  }
  ab::CaseOutcome run(const ab::AbOptions& o, kernels::ShapeArgs shape = tiny()) {
    return ab::run_case(op, shape, list, o, 0);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ab_harness)

BOOST_AUTO_TEST_CASE(each_failure_mode_gets_its_status) {
  Fixture f;
  f.add(Backend::ref, "correct", correct_run);
  f.add(Backend::ref, "lazy", [](AxpyCase&) { return std::make_unique<kernels::CpuPreparedRun>([] {}); });
  f.add(Backend::ref, "one_nan", [](AxpyCase& c) {
    return std::make_unique<kernels::CpuPreparedRun>([&c] {
      axpy_correct(c);
      c.y[c.y.size() / 2] = std::nanf("");
    });
  });
  f.add(Backend::ref, "off_by_one", [](AxpyCase& c) {
    return std::make_unique<kernels::CpuPreparedRun>([&c] {
      axpy_correct(c);
      c.y[3] = c.y[4];
    });
  });
  f.add(Backend::kokkos, "unsupported", correct_run, true, false);
  f.add(Backend::cuda, "unavailable", correct_run, false, true);
  f.add(Backend::ref, "throws",
        [](AxpyCase&) -> std::unique_ptr<kernels::PreparedRun> { throw std::runtime_error("out of device memory"); });
  const auto r = f.run(quick_options());
  BOOST_REQUIRE_EQUAL(r.variants.size(), 7u);
  const auto& v = r.variants;
  BOOST_TEST(v[0].variant == "ref.correct");
  BOOST_TEST(ab::to_string(v[0].status) == "ok");
  BOOST_TEST(v[0].check.passed);
  BOOST_TEST(v[0].samples_s.size() >= 5u);
  BOOST_TEST(ab::to_string(v[1].status) == "wrong");  // the poison was never overwritten
  BOOST_TEST(v[1].detail.find("non-finite") != std::string::npos);
  BOOST_TEST(ab::to_string(v[2].status) == "wrong");
  BOOST_TEST(ab::to_string(v[3].status) == "wrong");
  BOOST_TEST(v[3].check.max_rel_error > v[3].check.tolerance);
  BOOST_TEST(ab::to_string(v[4].status) == "unsupported");
  BOOST_TEST(ab::to_string(v[5].status) == "skipped");
  BOOST_TEST(v[5].variant == "cuda.unavailable");
  BOOST_TEST(ab::to_string(v[6].status) == "error");
  BOOST_TEST(v[6].detail.find("out of device memory") != std::string::npos);
  for (std::size_t i = 1; i < v.size(); ++i) {
    BOOST_TEST(v[i].samples_s.empty());  // nothing but "ok" is timed
    BOOST_TEST(!v[i].has_ratio);
  }
  BOOST_TEST(r.baseline == "ref.correct");
  BOOST_TEST(r.flops == 2.0 * 64);
  BOOST_TEST(r.shape_text == "n=64");
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_input_error) {
  Fixture f;
  f.add(Backend::ref, "correct", correct_run);
  BOOST_CHECK_THROW(f.run(quick_options(), kernels::ShapeArgs{"", {{"n", 0}}, "--dim"}), InputError);
  BOOST_CHECK_THROW(f.run(quick_options(), kernels::ShapeArgs{"huge", {}, "--shape"}), InputError);
  const auto r = f.run(quick_options(), kernels::ShapeArgs{"tiny", {{"n", 100}}, "--dim"});
  BOOST_TEST(r.shape_text == "n=100");  // dims override the preset
}

BOOST_AUTO_TEST_CASE(synthetic_shift_gives_the_right_verdicts) {
  Fixture f;
  f.add_synthetic("base", 1.0e-3, 0.01, 1);
  f.add_synthetic("slower", 1.1e-3, 0.01, 2);
  f.add_synthetic("faster", 0.9e-3, 0.01, 3);
  f.add_synthetic("same", 1.0e-3, 0.01, 4);
  auto o = quick_options();
  o.min_samples = 30;
  o.noise = 0.01;
  o.bootstrap_resamples = 2000;
  const auto r = f.run(o);
  BOOST_TEST(r.variants[0].has_ratio);
  BOOST_TEST(r.variants[0].ratio.ratio == 1.0);
  BOOST_TEST(ab::to_string(r.variants[1].verdict) == "SLOWER");
  BOOST_TEST(ab::to_string(r.variants[2].verdict) == "FASTER");
  BOOST_TEST(ab::to_string(r.variants[3].verdict) == "SAME");
  BOOST_TEST(std::fabs(r.variants[1].ratio.ratio - 1.1) < 0.01);
  BOOST_TEST(std::fabs(r.variants[0].summary.median - 1e-3) < 2e-5);
  BOOST_TEST(r.variants[0].summary.iqr > 0.0);
}

BOOST_AUTO_TEST_CASE(samples_are_interleaved_rotated_and_flushed) {
  Fixture f;
  f.add_synthetic("A", 1e-3, 0.001, 1);
  f.add_synthetic("B", 1e-3, 0.001, 2);
  f.add_synthetic("C", 1e-3, 0.001, 3);
  auto o = quick_options();
  o.cold_cache = true;
  o.warmup_runs = 0;
  o.min_samples = 3;
  o.noise = 0.5;
  const auto r = f.run(o);
  BOOST_TEST(r.rounds == 3);  // precise after min_samples rounds
  BOOST_TEST(!r.time_capped);
  const std::vector<std::string> expected{"A",     "B", "C",                          // the checked runs
                                          "flush", "A", "flush", "B", "flush", "C",   // round 0
                                          "flush", "B", "flush", "C", "flush", "A",   // round 1 starts one later
                                          "flush", "C", "flush", "A", "flush", "B"};  // round 2
  BOOST_TEST(f.log == expected, boost::test_tools::per_element());
  for (const auto& v : r.variants) BOOST_TEST(v.samples_s.size() == 3u);
}

BOOST_AUTO_TEST_CASE(noisy_samples_continue_until_precise_or_capped) {
  Fixture f;
  f.add_synthetic("A", 1e-3, 0.3, 1);
  f.add_synthetic("B", 1e-3, 0.3, 2);
  auto o = quick_options();
  o.min_samples = 5;
  o.noise = 0.02;  // needs a few hundred samples at +-30% spread
  o.max_samples = 5000;
  const auto r = f.run(o);
  BOOST_TEST(!r.time_capped);
  BOOST_TEST(r.variants[0].samples_s.size() > 50u);
  BOOST_TEST(r.variants[0].rel_noise <= 0.02);
  BOOST_TEST(r.variants[1].rel_noise <= 0.02);

  Fixture g;
  g.add(Backend::ref, "sleepy", [](AxpyCase& c) {
    return std::make_unique<kernels::CpuPreparedRun>([&c] {
      axpy_correct(c);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    });
  });
  auto capped = quick_options();
  capped.noise = 1e-9;  // unreachable: only the time cap can stop it
  capped.max_time_s = 0.05;
  capped.max_samples = 100000;
  const auto rc = g.run(capped);
  BOOST_TEST(rc.time_capped);
  BOOST_TEST(rc.variants[0].samples_s.size() < 100000u);
  BOOST_TEST(!rc.variants[0].samples_s.empty());
}

BOOST_AUTO_TEST_CASE(no_ratio_without_a_healthy_baseline) {
  Fixture f;
  f.add(Backend::ref, "lazy", [](AxpyCase&) { return std::make_unique<kernels::CpuPreparedRun>([] {}); });
  f.add(Backend::ref, "correct", correct_run);
  const auto r = f.run(quick_options());
  BOOST_TEST(ab::to_string(r.variants[0].status) == "wrong");
  BOOST_TEST(ab::to_string(r.variants[1].status) == "ok");
  BOOST_TEST(!r.variants[1].has_ratio);
}

BOOST_AUTO_TEST_CASE(inputs_are_fresh_per_case_and_reproducible_per_seed) {
  Fixture f;
  std::uint64_t seen_seed = 0;
  f.add(Backend::ref, "peek", [&seen_seed](AxpyCase& c) {
    seen_seed = c.fill_seed;
    return std::make_unique<kernels::CpuPreparedRun>([&c] { axpy_correct(c); });
  });
  auto o = quick_options();
  ab::run_case(f.op, tiny(), f.list, o, 0);
  const auto seed0 = seen_seed;
  ab::run_case(f.op, tiny(), f.list, o, 1);
  const auto seed1 = seen_seed;
  ab::run_case(f.op, tiny(), f.list, o, 0);
  BOOST_TEST(seen_seed == seed0);
  BOOST_TEST(seed0 != seed1);
  o.seed = 2;
  ab::run_case(f.op, tiny(), f.list, o, 0);
  BOOST_TEST(seen_seed != seed0);
}

BOOST_AUTO_TEST_CASE(options_are_validated) {
  ab::AbOptions o;
  BOOST_CHECK_NO_THROW(ab::validate(o, "--noise"));
  o.noise = 0;
  BOOST_CHECK_THROW(ab::validate(o, "cli"), InputError);
  o = {};
  o.min_samples = 1;
  BOOST_CHECK_THROW(ab::validate(o, "cli"), InputError);
  o = {};
  o.max_time_s = -1;
  BOOST_CHECK_THROW(ab::validate(o, "cli"), InputError);
}

BOOST_AUTO_TEST_SUITE_END()
