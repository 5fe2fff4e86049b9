// The harness's measurement rules on synthetic runs: per-variant sample counts under one time cap,
// throttled and blocker-timeout samples dropped, batch mode, flush-method bias, the sanity bound,
// strict mode, anchors and the per-sample telemetry in the HDF5 file.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>

#include "lab/ab/ab_plan.hpp"
#include "lab/ab/anchors.hpp"
#include "lab/ab/harness.hpp"
#include "lab/ab/report.hpp"
#include "lab/ab/sanity.hpp"
#include "tests/lab/ab/fake_op.hpp"
#include "tests/lab/h5_read.hpp"

using namespace moelab;
using namespace moelab::test;
using kernels::Backend;
using kernels::FlushMethod;

namespace {

// Computes the real output (so the check passes) but reports what the test scripts: a time per
// sample from `time_of(sample index)`, an SM clock from `clock_of(index)`, and it records every
// flush method and batch size it is asked for.
// What a ScriptedRun was asked for; shared with the test, since the harness destroys its prepared
// runs when run_case returns.
struct RunLog {
  std::vector<FlushMethod> flushes;
  std::vector<int> batches;
};

class ScriptedRun : public kernels::PreparedRun {
 public:
  ScriptedRun(AxpyCase& c, std::function<double(int)> time_of, std::function<double(int)> clock_of = {})
      : case_(c), time_of_(std::move(time_of)), clock_of_(std::move(clock_of)) {}
  double timed_run() override { return sample(1); }
  double timed_batch(int reps) override {
    log->batches.push_back(reps);
    return sample(reps);
  }
  kernels::SampleInfo last_sample() const override { return info_; }
  void copy_output_to_case() override {}
  void flush_cache() override { flush_cache_with(FlushMethod::write); }
  void flush_cache_with(FlushMethod m) override {
    log->flushes.push_back(m);
    pending = m;
  }

  std::shared_ptr<RunLog> log = std::make_shared<RunLog>();
  FlushMethod pending = FlushMethod::none;  // the flush before the sample being taken
  int calls = 0;
  bool timeout_next = false;

 private:
  double sample(int reps) {
    axpy_correct(case_);
    const int i = calls++;
    info_ = kernels::SampleInfo{};
    info_.launches = reps;
    info_.host_launch_s = 2e-6;
    if (clock_of_) {
      info_.sm_clock_hz = clock_of_(i);
      info_.default_sm_clock_hz = 1.98e9;
      info_.clock_window_s = 1e-3;
    }
    info_.blocker_timed_out = timeout_next;
    timeout_next = false;
    const double t = time_of_(i);
    pending = FlushMethod::none;
    return t;
  }
  AxpyCase& case_;
  std::function<double(int)> time_of_, clock_of_;
  kernels::SampleInfo info_;
};

struct Harness {
  kernels::OpInfo op = axpy_op_info();
  std::vector<std::unique_ptr<LambdaVariant>> owned;
  std::vector<const kernels::Variant*> list;
  std::vector<std::shared_ptr<RunLog>> logs;  // one per prepared run, in the order prepared

  void add(Backend b, std::string name, std::function<double(int)> time_of, std::function<double(int)> clock_of = {}) {
    owned.push_back(std::make_unique<LambdaVariant>(b, std::move(name), [this, time_of, clock_of](AxpyCase& c) {
      auto r = std::make_unique<ScriptedRun>(c, time_of, clock_of);
      logs.push_back(r->log);
      return r;
    }));
    list.push_back(owned.back().get());
  }
  ab::CaseOutcome run(const ab::AbOptions& o) { return ab::run_case(op, {"tiny", {}, "test"}, list, o, 0); }
};

ab::AbOptions options() {
  ab::AbOptions o;
  o.cold_cache = false;
  o.max_time_s = 5;
  o.min_samples = 20;
  o.noise = 0.05;
  o.warmup_runs = 0;
  o.bootstrap_resamples = 200;
  o.throttle_recovery_s = 0;
  return o;
}

double jitter(int i, double median_s) { return median_s * (1.0 + 0.002 * ((i * 7919) % 11 - 5)); }

std::filesystem::path temp_file(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("moelab_measure_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ab_measurement)

BOOST_AUTO_TEST_CASE(a_slow_baseline_does_not_starve_fast_variants) {
  // The scripted times take no wall time, so both variants end at max_samples; what matters is
  // the order: while both are active, the fast one takes ~10 samples (1 ms slot / 0.1 ms) per slow one.
  std::vector<char> order;  // 's' / 'f' per timed call, in the order the harness made them
  Harness h;
  h.add(Backend::ref, "slow", [&order](int i) {
    order.push_back('s');
    return jitter(i, 1e-3);
  });
  h.add(Backend::ref, "fast", [&order](int i) {
    order.push_back('f');
    return jitter(i, 1e-4);
  });
  auto o = options();
  o.noise = 1e-9;  // never precise: only max_samples stops a variant
  o.max_samples = 200;
  const auto r = h.run(o);
  BOOST_TEST(r.variants[0].samples_s.size() == 200u);
  BOOST_TEST(r.variants[1].samples_s.size() == 200u);
  std::size_t slow_before = 0, fast_seen = 0;
  for (char c : order) {  // slow samples taken before the fast variant's 200th (checked runs included)
    if (c == 'f' && ++fast_seen == 201) break;
    if (c == 's') ++slow_before;
  }
  BOOST_TEST(fast_seen == 201u);
  BOOST_TEST(slow_before >= 2u);
  BOOST_TEST(slow_before <= 30u);  // equal counts per round would give 200
}

BOOST_AUTO_TEST_CASE(throttled_samples_are_dropped_and_counted) {
  Harness h;
  // Every third sample runs at 1.2 GHz of a 1.98 GHz part (61% < 75%): throttled.
  h.add(
      Backend::cuda, "gpu", [](int i) { return i % 3 == 0 ? 5e-3 : jitter(i, 1e-3); },
      [](int i) { return i % 3 == 0 ? 1.2e9 : 1.95e9; });
  // The run is a cuda-backend fake: available() is true for LambdaVariant.
  const auto r = h.run(options());
  const auto& v = r.variants[0];
  BOOST_TEST(v.throttled_samples > 0);
  BOOST_TEST(v.records.size() == v.samples_s.size() + static_cast<std::size_t>(v.throttled_samples));
  for (double t : v.samples_s) BOOST_TEST(t < 2e-3);  // none of the slow (throttled) ones
  BOOST_TEST(std::fabs(v.sm_clock_median_hz - 1.95e9) < 1e6);
  BOOST_TEST(v.host_launch_median_s == 2e-6);
  int rejected = 0;
  for (const auto& rec : v.records) rejected += rec.rejected == "throttled";
  BOOST_TEST(rejected == v.throttled_samples);
}

BOOST_AUTO_TEST_CASE(throttle_rule_follows_nvbench) {
  BOOST_TEST(ab::is_throttled(1.4e9, 1.98e9, 1e-3, 0.75));
  BOOST_TEST(!ab::is_throttled(1.5e9, 1.98e9, 1e-3, 0.75));
  BOOST_TEST(!ab::is_throttled(1.0e9, 1.98e9, 10e-6, 0.75));  // window too short to judge
  BOOST_TEST(!ab::is_throttled(std::nan(""), 1.98e9, 1e-3, 0.75));
  BOOST_TEST(ab::next_throttle_delay_s(0.05, 1) == 0.05);
  BOOST_TEST(ab::next_throttle_delay_s(0.05, 3) == 0.05 + 0.075);
  BOOST_TEST(ab::next_throttle_delay_s(1.0, 5) == 1.5);  // growth capped at 0.5 s
}

BOOST_AUTO_TEST_CASE(blocker_timeouts_are_dropped) {
  auto o = options();
  o.noise = 0.5;
  // A run whose blocking kernel times out on its 3rd and 6th call (call 0 is the checked run).
  Harness g;
  g.owned.push_back(
      std::make_unique<LambdaVariant>(Backend::ref, "t", [](AxpyCase& c) -> std::unique_ptr<kernels::PreparedRun> {
        struct Run : ScriptedRun {
          using ScriptedRun::ScriptedRun;
          double timed_run() override {
            timeout_next = calls == 2 || calls == 5;
            return ScriptedRun::timed_run();
          }
        };
        return std::make_unique<Run>(c, [](int i) { return jitter(i, 1e-3); });
      }));
  g.list.push_back(g.owned.back().get());
  const auto rt = ab::run_case(g.op, {"tiny", {}, "test"}, g.list, o, 0);
  BOOST_TEST(rt.variants[0].blocked_timeouts == 2);
  BOOST_TEST(rt.variants[0].records.size() == rt.variants[0].samples_s.size() + 2);
}

BOOST_AUTO_TEST_CASE(batch_mode_times_back_to_back_launches) {
  Harness h;
  h.add(Backend::ref, "a", [](int i) { return jitter(i, 10e-6); });
  auto o = options();
  o.batch = true;
  o.batch_target_s = 200e-6;
  o.max_batch = 64;
  o.warmup_runs = 1;
  const auto r = h.run(o);
  BOOST_REQUIRE(!h.logs.empty());
  BOOST_TEST(!h.logs[0]->batches.empty());
  for (int reps : h.logs[0]->batches) BOOST_TEST(reps == 20);  // 200 us / 10 us per launch
  BOOST_TEST(r.variants[0].records.front().launches == 20);
  BOOST_TEST(h.logs[0]->flushes.empty());  // hot
  o.max_batch = 8;
  Harness g;
  g.add(Backend::ref, "a", [](int i) { return jitter(i, 10e-6); });
  g.run(o);
  BOOST_REQUIRE(!g.logs.empty());
  BOOST_TEST(!g.logs[0]->batches.empty());
  for (int reps : g.logs[0]->batches) BOOST_TEST(reps == 8);
}

BOOST_AUTO_TEST_CASE(cold_samples_use_the_chosen_flush_and_bias_is_measured) {
  ScriptedRun* current = nullptr;  // the run being timed (declared before h: outlives the variant)
  ScriptedRun** self = &current;
  Harness h;
  // The timed time depends on the flush before it, as dirty lines would make it.
  h.owned.push_back(std::make_unique<LambdaVariant>(Backend::cuda, "g", [&h, self](AxpyCase& c) {
    auto r = std::make_unique<ScriptedRun>(c, [self](int i) {
      const FlushMethod last = (*self)->pending;
      const double base = last == FlushMethod::write ? 1.10e-3 : last == FlushMethod::read ? 1.00e-3 : 0.80e-3;
      return jitter(i, base);
    });
    *self = r.get();
    h.logs.push_back(r->log);
    return r;
  }));
  h.list.push_back(h.owned.back().get());
  auto o = options();
  o.cold_cache = true;
  o.flush = FlushMethod::read;
  o.flush_bias = true;
  o.flush_bias_samples = 10;
  const auto r = h.run(o);
  const auto& v = r.variants[0];
  BOOST_TEST(std::fabs(v.summary.median - 1.0e-3) < 2e-5);  // read flushes only in the main samples
  BOOST_REQUIRE(v.flush_bias.size() == 3u);
  BOOST_TEST((v.flush_bias[0].method == FlushMethod::read));
  BOOST_TEST(std::fabs(v.flush_bias[1].median_s / v.flush_bias[0].median_s - 1.10) < 0.01);
  BOOST_TEST(std::fabs(v.flush_bias[2].median_s / v.flush_bias[0].median_s - 0.80) < 0.01);
  BOOST_TEST(v.flush_bias[1].samples == 10);
}

BOOST_AUTO_TEST_CASE(sanity_bound_marks_impossible_rows) {
  ab::CaseOutcome c;
  c.flops = 1e12;  // 1 TFLOP
  c.bytes = 1e9;
  c.peak_kind = kernels::PeakKind::bf16;
  ab::VariantOutcome fast, fine, cpu;
  fast.variant = "cuda.fast", fast.backend = "cuda", fast.status = ab::Status::ok;
  fast.summary.median = 0.5e-3;                                         // 2000 TFLOP/s
  fine = fast, fine.variant = "cuda.fine", fine.summary.median = 2e-3;  // 500 TFLOP/s
  cpu = fast, cpu.variant = "ref.cpu", cpu.backend = "ref";
  c.variants = {fast, fine, cpu};
  ab::AbEnvironment env;
  env.gpu_peaks.flops_per_s = 989e12;
  env.gpu_peaks.bytes_per_s = 4.8e12;
  ab::AbOptions o;
  BOOST_TEST(ab::apply_sanity_bound(c, env, o) == 1);
  BOOST_TEST(ab::to_string(c.variants[0].status) == "implausible");
  BOOST_TEST(c.variants[0].detail.find("TFLOP/s") != std::string::npos);
  BOOST_TEST(ab::to_string(c.variants[1].status) == "ok");
  BOOST_TEST(ab::to_string(c.variants[2].status) == "ok");  // CPU rows have no known peak
  // Bandwidth: 1e9 B in 0.1 ms = 10 TB/s > 4.8 TB/s, cold only.
  ab::CaseOutcome bw;
  bw.flops = 1;
  bw.bytes = 1e9;
  ab::VariantOutcome row = fine;
  row.summary.median = 1e-4;
  bw.variants = {row};
  o.cold_cache = false;
  BOOST_TEST(ab::apply_sanity_bound(bw, env, o) == 0);  // hot: L2 may serve it
  o.cold_cache = true;
  BOOST_TEST(ab::apply_sanity_bound(bw, env, o) == 1);
  // fp8 cases are bounded by the fp8 peak.
  ab::CaseOutcome f8 = c;
  f8.variants = {fast};
  f8.peak_kind = kernels::PeakKind::fp8;
  env.gpu_peaks.fp8_flops_per_s = 1979e12;
  BOOST_TEST(ab::apply_sanity_bound(f8, env, o) == 0);
}

BOOST_AUTO_TEST_CASE(anchors_come_from_the_validation_data) {
  const auto a = ab::load_anchor("flashmla-2025-02-dense-decode-membound-h800", {"test", 0, 0});
  BOOST_TEST(a.metric == "memory_gb_per_s");
  BOOST_TEST(a.value == 3000.0);
  BOOST_TEST(a.hardware == "h800");
  BOOST_TEST(a.hardware_peak == 3.35e12);
  BOOST_TEST(!a.source.empty());
  const auto g = ab::load_anchor("deepgemm-2025-03-grouped-contig-g8-m4096-n4096-k7168-h800", {"test", 0, 0});
  BOOST_TEST(g.fp8);
  BOOST_TEST(g.hardware_peak > 1.9e15);
  BOOST_CHECK_THROW(ab::load_anchor("no-such-entry", {"test", 0, 0}), InputError);
  BOOST_CHECK_THROW(ab::load_anchor("nccl-allreduce-nvls-8xh100-peak-busbw", {"test", 0, 0}), InputError);

  // Ratios: a row at 2400 GB/s on a 4.8 TB/s GPU against 3000 GB/s on a 3.35 TB/s H800.
  ab::CaseOutcome c;
  c.flops = 1;
  c.bytes = 2.4e9;
  c.anchor = a;
  ab::VariantOutcome v;
  v.backend = "cuda", v.status = ab::Status::ok, v.samples_s = {1e-3}, v.summary.median = 1e-3;
  ab::AbEnvironment env;
  env.gpu_peaks.bytes_per_s = 4.8e12;
  const auto r = ab::anchor_ratios(c, v, env);
  BOOST_TEST(std::fabs(r.ratio - 0.8) < 1e-12);
  BOOST_TEST(std::fabs(r.ratio_peak_scaled - (2.4 / 4.8) / (3.0 / 3.35)) < 1e-12);
}

BOOST_AUTO_TEST_CASE(hdf5_holds_telemetry_dims_and_anchor_columns) {
  kernels::Registry reg;
  reg.add_op(axpy_op_info());
  reg.add_variant(std::make_unique<LambdaVariant>(Backend::ref, "base", [](AxpyCase& c) {
    return std::make_unique<ScriptedRun>(c, [](int i) { return jitter(i, 1e-3); });
  }));
  ab::AbPlan plan;
  plan.options = options();
  plan.cases.push_back({"fake.axpy", {"ref.base"}, kernels::ShapeArgs{"tiny", {}, "test"}, {"test", 0, 0}, "", {}});
  plan.cases.back().anchor = "fa3-paper-2024-07-fp16-peak-h100";
  const auto path = temp_file("telemetry.h5");
  ab::AbOutput out;
  out.path = path;
  std::ostringstream text;
  BOOST_TEST(ab::execute_plan(reg, plan, out, text) == 0);
  H5File f(path);
  const auto names = f.field_names("/summary");
  for (const char* col : {"timing", "flush_method", "throttled_samples", "host_launch_median_s", "sm_clock_median_hz",
                          "temperature_max_c", "power_median_w", "launches", "anchor", "ratio_to_anchor",
                          "ratio_to_anchor_peak_scaled"}) {
    BOOST_TEST((std::find(names.begin(), names.end(), col) != names.end()), "column " << col);
  }
  BOOST_TEST(f.string_field("/summary", "anchor")[0] == "fa3-paper-2024-07-fp16-peak-h100");
  BOOST_TEST(f.exists("/ab/fake.axpy/00_tiny/telemetry_ref.base"));
  const auto host = f.field<double>("/ab/fake.axpy/00_tiny/telemetry_ref.base", "host_launch_s", H5T_NATIVE_DOUBLE);
  BOOST_TEST(host.size() >= 20u);
  BOOST_TEST(host[0] == 2e-6);
  BOOST_TEST(f.string_attr("/ab/fake.axpy/00_tiny", "anchor_date") == "2024-07");
  BOOST_TEST(f.numeric_attr<double>("/", "equivalence_margin", H5T_NATIVE_DOUBLE) == 0.02);
  std::filesystem::remove_all(path.parent_path());
}

BOOST_AUTO_TEST_CASE(strict_mode_fails_on_skipped_variants) {
  kernels::Registry reg;
  reg.add_op(axpy_op_info());
  reg.add_variant(std::make_unique<LambdaVariant>(Backend::ref, "base", [](AxpyCase& c) {
    return std::make_unique<ScriptedRun>(c, [](int i) { return jitter(i, 1e-3); });
  }));
  reg.add_variant(std::make_unique<LambdaVariant>(
      Backend::cuda, "gpu", [](AxpyCase& c) { return std::make_unique<ScriptedRun>(c, [](int) { return 1e-3; }); },
      false));
  ab::AbPlan plan;
  plan.options = options();
  plan.cases.push_back(
      {"fake.axpy", {"ref.base", "cuda.gpu"}, kernels::ShapeArgs{"tiny", {}, "test"}, {"test", 0, 0}, "", {}});
  ab::AbOutput out;
  std::ostringstream text;
  BOOST_TEST(ab::execute_plan(reg, plan, out, text) == 0);
  plan.options.strict = true;
  BOOST_TEST(ab::execute_plan(reg, plan, out, text) == 1);
  BOOST_TEST(text.str().find("strict") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
