#pragma once
// A fake op for harness tests: y[i] = a * x[i] + b over n floats, with variants that are
// correct, lazy (write nothing), poisoned with a NaN, unsupported, unavailable, throwing, and a
// "synthetic clock" kind whose timed_run() returns durations drawn from a seeded distribution,
// so timing logic is tested without measuring anything.
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/input_error.hpp"
#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/case_statistics.hpp"
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/error_metrics.hpp"
#include "kernels/common/random_fill.hpp"
#include "kernels/common/registry.hpp"

namespace moelab::test {

class AxpyCase : public kernels::OpCase {
 public:
  explicit AxpyCase(std::int64_t n)
      : x(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n)), ref(static_cast<std::size_t>(n)) {}
  std::string_view op() const override { return "fake.axpy"; }
  std::string shape_text() const override { return "n=" + std::to_string(x.size()); }
  double flops() const override { return 2.0 * static_cast<double>(x.size()); }
  double bytes() const override { return 8.0 * static_cast<double>(x.size()); }
  void fill_inputs(std::uint64_t seed) override {
    kernels::fill_uniform(x.span(), -1.0f, 1.0f, seed);
    fill_seed = seed;
  }
  void compute_reference() override {
    for (std::size_t i = 0; i < x.size(); ++i) ref[i] = a * static_cast<double>(x[i]) + b;
  }
  void poison_output() override { y.fill(std::nanf("")); }
  kernels::CheckResult check_output() const override {
    return kernels::compare_to_reference(y.span(), ref.span(), kernels::default_tolerance(kernels::DType::f32));
  }

  float a = 1.5f;
  float b = 0.25f;
  kernels::AlignedBuffer<float> x, y;
  kernels::AlignedBuffer<double> ref;
  std::uint64_t fill_seed = 0;
};

inline kernels::OpInfo axpy_op_info() {
  kernels::OpInfo op;
  op.name = "fake.axpy";
  op.description = "y = a x + b (test op)";
  op.presets = {"tiny", "small"};
  op.make_case = [](const kernels::ShapeArgs& args) -> std::unique_ptr<kernels::OpCase> {
    std::int64_t n = args.preset == "small" ? 4096 : 64;
    if (!args.preset.empty() && args.preset != "tiny" && args.preset != "small") {
      throw InputError({args.origin, 0, 0}, "shape", "unknown preset '" + args.preset + "'");
    }
    if (auto it = args.dims.find("n"); it != args.dims.end()) n = it->second;
    if (n <= 0) throw InputError({args.origin, 0, 0}, "n", "must be > 0");
    return std::make_unique<AxpyCase>(n);
  };
  return op;
}

// The fake op whose case also carries an expert load, as router and grouped-GEMM cases do: each
// x[i] is "routed" to expert floor((x[i] + 1) * 2) of 5 (x in [-1, 1), so expert 4 stays idle).
class RoutedAxpyCase : public AxpyCase, public kernels::HasExpertLoad {
 public:
  using AxpyCase::AxpyCase;
  static constexpr int kExperts = 5;
  kernels::ExpertLoad expert_load() const override {
    std::vector<std::int64_t> counts(kExperts, 0);
    for (std::size_t i = 0; i < x.size(); ++i) ++counts[static_cast<std::size_t>((x[i] + 1.0f) * 2.0f)];
    return kernels::expert_load_from_counts(std::move(counts));
  }
};

inline kernels::OpInfo routed_axpy_op_info() {
  kernels::OpInfo op = axpy_op_info();
  op.make_case = [](const kernels::ShapeArgs& args) -> std::unique_ptr<kernels::OpCase> {
    std::int64_t n = 64;
    if (auto it = args.dims.find("n"); it != args.dims.end()) n = it->second;
    return std::make_unique<RoutedAxpyCase>(n);
  };
  return op;
}

// A variant defined by lambdas: what prepare() builds from the case.
class LambdaVariant : public kernels::Variant {
 public:
  using Prepare = std::function<std::unique_ptr<kernels::PreparedRun>(AxpyCase&)>;
  LambdaVariant(kernels::Backend backend, std::string name, Prepare prepare, bool available = true,
                bool supported = true)
      : backend_(backend),
        name_(std::move(name)),
        prepare_(std::move(prepare)),
        available_(available),
        supported_(supported) {}
  std::string_view op() const override { return "fake.axpy"; }
  kernels::Backend backend() const override { return backend_; }
  std::string_view name() const override { return name_; }
  std::string_view description() const override { return "test variant"; }
  bool available() const override { return available_; }
  bool supports(const kernels::OpCase&) const override { return supported_; }
  std::unique_ptr<kernels::PreparedRun> prepare(kernels::OpCase& c) const override {
    return prepare_(static_cast<AxpyCase&>(c));
  }

 private:
  kernels::Backend backend_;
  std::string name_;
  Prepare prepare_;
  bool available_;
  bool supported_;
};

inline void axpy_correct(AxpyCase& c) {
  for (std::size_t i = 0; i < c.x.size(); ++i) c.y[i] = c.a * c.x[i] + c.b;
}

// A PreparedRun that really computes (so the check passes) but reports synthetic durations:
// median_s * (1 + spread * u), u uniform in [-1, 1), from its own seeded stream; it also logs
// its name on every timed_run and flush so the test can see the interleaving.
class SyntheticRun : public kernels::PreparedRun {
 public:
  SyntheticRun(AxpyCase& c, std::string tag, double median_s, double spread, std::uint64_t seed,
               std::vector<std::string>* log)
      : case_(c), tag_(std::move(tag)), median_s_(median_s), spread_(spread), rng_(seed), log_(log) {}
  double timed_run() override {
    axpy_correct(case_);
    if (log_) log_->push_back(tag_);
    return median_s_ * (1.0 + spread_ * (2.0 * rng_.uniform01() - 1.0));
  }
  void copy_output_to_case() override {}
  void flush_cache() override {
    if (log_) log_->push_back("flush");
  }

 private:
  AxpyCase& case_;
  std::string tag_;
  double median_s_;
  double spread_;
  Rng rng_;
  std::vector<std::string>* log_;
};

}  // namespace moelab::test
