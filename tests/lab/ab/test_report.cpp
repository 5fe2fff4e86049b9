#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <filesystem>
#include <sstream>

#include "lab/ab/ab_config.hpp"
#include "lab/ab/ab_plan.hpp"
#include "lab/ab/report.hpp"
#include "lab/config/strict_toml.hpp"
#include "tests/lab/ab/fake_op.hpp"
#include "tests/lab/h5_read.hpp"

using namespace moelab;
using namespace moelab::test;
using kernels::Backend;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("moelab_ab_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

// A registry with the fake op: a synthetic-clock baseline, a 10% slower one, a lazy one, a
// variant that is unavailable, and one that supports nothing.
kernels::Registry fake_registry() {
  kernels::Registry r;
  r.add_op(axpy_op_info());
  auto synthetic = [](std::string tag, double median_s, std::uint64_t seed) {
    return [tag, median_s, seed](AxpyCase& c) {
      return std::make_unique<SyntheticRun>(c, tag, median_s, 0.01, seed, nullptr);
    };
  };
  r.add_variant(std::make_unique<LambdaVariant>(Backend::ref, "base", synthetic("base", 1e-3, 1)));
  r.add_variant(std::make_unique<LambdaVariant>(Backend::kokkos, "slow", synthetic("slow", 1.1e-3, 2)));
  r.add_variant(std::make_unique<LambdaVariant>(
      Backend::ref, "lazy", [](AxpyCase&) { return std::make_unique<kernels::CpuPreparedRun>([] {}); }));
  r.add_variant(std::make_unique<LambdaVariant>(Backend::cuda, "gpu", synthetic("gpu", 1e-4, 3), false));
  r.add_variant(std::make_unique<LambdaVariant>(Backend::kokkos, "picky", synthetic("picky", 1e-3, 4), true, false));
  return r;
}

ab::AbPlan plan_for(std::vector<std::string> variants) {
  ab::AbPlan plan;
  plan.options.cold_cache = false;
  plan.options.min_samples = 20;
  plan.options.noise = 0.01;
  plan.options.bootstrap_resamples = 500;
  plan.cases.push_back({"fake.axpy", variants, kernels::ShapeArgs{"tiny", {}, "test"}, {"test", 0, 0}, "", {}});
  plan.cases.push_back({"fake.axpy", variants, kernels::ShapeArgs{"", {{"n", 10}}, "test"}, {"test", 0, 0}, "", {}});
  return plan;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ab_report)

BOOST_AUTO_TEST_CASE(hdf5_file_follows_the_schema) {
  const auto reg = fake_registry();
  const auto path = temp_file("ab.h5");
  ab::AbOutput out;
  out.path = path;
  out.command_line = "moelab ab fake.axpy --variants ref.base,kokkos.slow";
  const auto plan = plan_for({"ref.base", "kokkos.slow", "cuda.gpu", "kokkos.picky"});
  out.config_toml = ab::plan_to_toml(plan, "fake");
  std::ostringstream text;
  const int rc = ab::execute_plan(reg, plan, out, text);
  BOOST_TEST(rc == 0);
  BOOST_TEST(text.str().find("SLOWER") != std::string::npos);
  BOOST_TEST(text.str().find("baseline") != std::string::npos);
  BOOST_REQUIRE(std::filesystem::exists(path));

  H5File f(path);
  BOOST_TEST(f.string_attr("/", "kind") == "kernel-ab");
  BOOST_TEST(f.string_attr("/", "device") == "none");
  const auto status = f.string_field("/summary", "status");
  const std::vector<std::string> expected_status{"ok", "ok", "skipped", "unsupported",
                                                 "ok", "ok", "skipped", "unsupported"};
  BOOST_TEST(status == expected_status, boost::test_tools::per_element());
  const auto verdict = f.string_field("/summary", "verdict");
  BOOST_TEST(verdict[0] == "baseline");
  BOOST_TEST(verdict[1] == "SLOWER");
  BOOST_TEST(verdict[2] == "n/a");
  const auto cases = f.string_field("/summary", "case");
  BOOST_TEST(cases[0] == "00_tiny");
  BOOST_TEST(cases[4] == "01_custom");
  const auto samples = f.field<std::int64_t>("/summary", "samples", H5T_NATIVE_INT64);
  BOOST_TEST(samples[0] >= 20);
  BOOST_TEST(samples[2] == 0);
  const auto ratio = f.field<double>("/summary", "ratio_vs_baseline", H5T_NATIVE_DOUBLE);
  BOOST_TEST(ratio[0] == 1.0);
  BOOST_TEST(std::fabs(ratio[1] - 1.1) < 0.02);
  BOOST_TEST(f.exists("/ab/fake.axpy/00_tiny/samples_ref.base"));
  BOOST_TEST(f.exists("/ab/fake.axpy/01_custom/samples_kokkos.slow"));
  BOOST_TEST(!f.exists("/ab/fake.axpy/00_tiny/samples_cuda.gpu"));
  BOOST_TEST(f.string_attr("/ab/fake.axpy/01_custom", "shape") == "n=10");
  BOOST_TEST(f.string_attr("/ab/fake.axpy/00_tiny", "baseline") == "ref.base");
  const auto names = f.field_names("/summary");
  for (const char* col : {"op", "case", "variant", "backend", "status", "median_s", "iqr_s", "samples", "tflops",
                          "gbps", "pct_peak_flops", "pct_peak_bw", "max_rel_error", "ratio_vs_baseline", "ratio_ci_lo",
                          "ratio_ci_hi", "verdict"}) {
    BOOST_TEST((std::find(names.begin(), names.end(), col) != names.end()), "column " << col);
  }
  std::filesystem::remove_all(path.parent_path());
}

BOOST_AUTO_TEST_CASE(cases_with_an_expert_load_write_tokens_per_expert) {
  kernels::Registry reg;
  reg.add_op(routed_axpy_op_info());
  reg.add_variant(std::make_unique<LambdaVariant>(Backend::ref, "base", [](AxpyCase& c) {
    return std::make_unique<SyntheticRun>(c, "base", 1e-3, 0.01, 1, nullptr);
  }));
  const auto path = temp_file("routed.h5");
  ab::AbOutput out;
  out.path = path;
  auto plan = plan_for({"ref.base"});
  plan.cases.resize(1);
  plan.cases[0].shape = kernels::ShapeArgs{"", {{"n", 200}}, "test"};
  std::ostringstream text;
  BOOST_TEST(ab::execute_plan(reg, plan, out, text) == 0);

  H5File f(path);
  const std::string ds = "/ab/fake.axpy/00_custom/tokens_per_expert";
  BOOST_REQUIRE(f.exists(ds));
  const auto tokens = f.field<std::int64_t>(ds, "tokens", H5T_NATIVE_INT64);
  const auto expert = f.field<std::int64_t>(ds, "expert", H5T_NATIVE_INT64);
  BOOST_REQUIRE_EQUAL(tokens.size(), 5u);
  BOOST_TEST(expert[4] == 4);
  std::int64_t sum = 0, max = 0;
  for (auto t : tokens) {
    sum += t;
    max = std::max(max, t);
  }
  BOOST_TEST(sum == 200);      // every x[i] counted once
  BOOST_TEST(tokens[4] == 0);  // x < 1: expert 4 is idle
  const double imbalance = f.numeric_attr<double>(ds, "load_imbalance_max_over_mean", H5T_NATIVE_DOUBLE);
  BOOST_TEST(imbalance == static_cast<double>(max) / (200.0 / 5.0), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(f.numeric_attr<std::int64_t>(ds, "idle_experts", H5T_NATIVE_INT64) == 1);
  BOOST_TEST(f.numeric_attr<std::int64_t>(ds, "assignments", H5T_NATIVE_INT64) == 200);
  BOOST_TEST(f.numeric_attr<double>(ds, "cv", H5T_NATIVE_DOUBLE) > 0.0);
  const auto row_imbalance = f.field<double>("/summary", "load_imbalance", H5T_NATIVE_DOUBLE);
  BOOST_TEST(row_imbalance[0] == imbalance);
  BOOST_TEST(f.field<std::int64_t>("/summary", "idle_experts", H5T_NATIVE_INT64)[0] == 1);
  std::filesystem::remove_all(path.parent_path());
}

BOOST_AUTO_TEST_CASE(cases_without_an_expert_load_write_none) {
  const auto reg = fake_registry();
  const auto path = temp_file("plain.h5");
  ab::AbOutput out;
  out.path = path;
  std::ostringstream text;
  BOOST_TEST(ab::execute_plan(reg, plan_for({"ref.base"}), out, text) == 0);
  H5File f(path);
  BOOST_TEST(!f.exists("/ab/fake.axpy/00_tiny/tokens_per_expert"));
  BOOST_TEST(std::isnan(f.field<double>("/summary", "load_imbalance", H5T_NATIVE_DOUBLE)[0]));
  BOOST_TEST(f.field<std::int64_t>("/summary", "idle_experts", H5T_NATIVE_INT64)[0] == -1);
  std::filesystem::remove_all(path.parent_path());
}

BOOST_AUTO_TEST_CASE(each_row_carries_its_roof) {
  // GPU rows carry the device's peaks (the denominators of pct_peak_*); CPU rows have none.
  ab::CaseOutcome c;
  c.op = "fake.axpy";
  c.label = "00_tiny";
  c.flops = 2e9;
  c.bytes = 8e9;
  for (const char* backend : {"cuda", "kokkos"}) {
    ab::VariantOutcome v;
    v.variant = std::string(backend) + ".x";
    v.backend = backend;
    v.status = ab::Status::ok;
    v.samples_s = {1e-3, 1e-3, 1e-3};
    v.summary = ab::summarize(v.samples_s);
    c.variants.push_back(v);
  }
  ab::AbEnvironment env;
  env.gpu_peaks.flops_per_s = 1e15;
  env.gpu_peaks.bytes_per_s = 4e12;
  const auto path = temp_file("roof.h5");
  {
    h5::Writer w(path);
    ab::write_ab_results(w, {c}, env, ab::AbOptions{});
    w.commit();
  }
  H5File f(path);
  const auto peak_f = f.field<double>("/summary", "peak_flops_per_s", H5T_NATIVE_DOUBLE);
  const auto peak_b = f.field<double>("/summary", "peak_bytes_per_s", H5T_NATIVE_DOUBLE);
  const auto pct_f = f.field<double>("/summary", "pct_peak_flops", H5T_NATIVE_DOUBLE);
  BOOST_REQUIRE_EQUAL(peak_f.size(), 2u);
  BOOST_TEST(peak_f[0] == 1e15);
  BOOST_TEST(peak_b[0] == 4e12);
  BOOST_TEST(pct_f[0] == 100.0 * (2e9 / 1e-3) / peak_f[0], boost::test_tools::tolerance(1e-12));
  BOOST_TEST(std::isnan(peak_f[1]));
  BOOST_TEST(std::isnan(peak_b[1]));
  std::filesystem::remove_all(path.parent_path());
}

BOOST_AUTO_TEST_CASE(a_wrong_variant_makes_the_run_fail_but_still_writes) {
  const auto reg = fake_registry();
  const auto path = temp_file("wrong.h5");
  ab::AbOutput out;
  out.path = path;
  std::ostringstream text;
  BOOST_TEST(ab::execute_plan(reg, plan_for({"ref.base", "ref.lazy"}), out, text) == 1);
  BOOST_TEST(std::filesystem::exists(path));
  BOOST_TEST(text.str().find("wrong") != std::string::npos);
  std::filesystem::remove_all(path.parent_path());
}

BOOST_AUTO_TEST_CASE(impossible_plans_fail_before_running) {
  const auto reg = fake_registry();
  auto plan = plan_for({"ref.base"});
  plan.cases[1].shape.dims["n"] = -3;
  std::ostringstream text;
  BOOST_CHECK_THROW(ab::execute_plan(reg, plan, {}, text), InputError);
  BOOST_TEST(text.str().empty());  // nothing ran
  BOOST_CHECK_THROW(ab::validate_plan(reg, plan_for({"ref.nope"})), InputError);
}

BOOST_AUTO_TEST_CASE(few_samples_give_no_verdict) {
  ab::RatioCI ci{1.2, std::nan(""), std::nan(""), 0.95, 0};
  BOOST_TEST(ab::to_string(ab::verdict_of(ci)) == "UNDECIDED");
}

BOOST_AUTO_TEST_CASE(experiment_file_is_read_strictly) {
  const std::string text = R"(
[experiment]
name = "t"
kind = "kernel-ab"
seed = 9

[ab]
op = "fake.axpy"
variants = ["ref.base", "kokkos.slow"]
cold_l2 = false
max_time_s = 1.5
min_samples = 12
noise = 0.02

[[ab.cases]]
preset = "tiny"

[[ab.cases]]
variants = ["kokkos.slow"]
dims = { n = 32 }
)";
  auto root = config::parse_text(text, "t.toml");
  config::StrictTable strict(root, "t.toml");
  const auto plan = ab::read_ab_plan(strict, 9);
  BOOST_TEST(plan.options.seed == 9u);
  BOOST_TEST(!plan.options.cold_cache);
  BOOST_TEST(plan.options.max_time_s == 1.5);
  BOOST_TEST(plan.options.min_samples == 12);
  BOOST_TEST(plan.options.noise == 0.02);
  BOOST_REQUIRE_EQUAL(plan.cases.size(), 2u);
  BOOST_TEST(plan.cases[0].shape.preset == "tiny");
  BOOST_TEST(plan.cases[0].variants.size() == 2u);
  BOOST_TEST(plan.cases[1].variants.size() == 1u);
  BOOST_TEST(plan.cases[1].shape.dims.at("n") == 32);
  BOOST_CHECK_NO_THROW(ab::validate_plan(fake_registry(), plan));

  // The CLI's equivalent experiment file reads back to the same plan.
  auto again_root = config::parse_text(ab::plan_to_toml(plan, "t"), "again.toml");
  config::StrictTable again(again_root, "again.toml");
  const auto plan2 = ab::read_ab_plan(again, 9);
  BOOST_TEST(plan2.cases.size() == 2u);
  BOOST_TEST(plan2.cases[1].shape.dims.at("n") == 32);
  BOOST_TEST(plan2.options.noise == 0.02);

  for (const std::string bad :
       {"[ab]\nop = \"fake.axpy\"\nvariants = [\"ref.base\"]\n",                            // no cases
        "[ab]\nop = \"fake.axpy\"\nnoise = 2.0\n[[ab.cases]]\npreset = \"tiny\"\n",         // noise
        "[ab]\nop = \"fake.axpy\"\nvariants = [\"ref.base\"]\ncolour = 1\n[[ab.cases]]\n",  // key
        "[ab]\nvariants = [\"ref.base\"]\n[[ab.cases]]\npreset = \"tiny\"\n",               // no op
        "[ab]\nop = \"fake.axpy\"\nvariants = [\"ref.base\"]\n[[ab.cases]]\ndims = { n = 1.5 }\n"}) {
    auto r = config::parse_text(bad, "bad.toml");
    config::StrictTable s(r, "bad.toml");
    BOOST_CHECK_THROW(ab::read_ab_plan(s, 0), InputError);
  }
}

BOOST_AUTO_TEST_SUITE_END()
