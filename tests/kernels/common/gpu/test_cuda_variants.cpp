// Every cuda variant against the fp64 ref on small shapes, on a real GPU, one test case per op
// family so scripts/device-check.sh can run each family in its own process
// (--run_test=kernels_gpu/<family>): a sticky CUDA error in one family then cannot fail the others.
//   kernels_gpu/<family>           checked run + a short timed run through the harness; every
//                                  variant must come out "ok" (unsupported is a failure too:
//                                  the shapes here are chosen so every variant supports them)
//   kernels_gpu/sanitize_<family>  tiny shapes, one checked launch per variant, no timing: what
//                                  device-check runs under compute-sanitizer (memcheck, racecheck,
//                                  synccheck, initcheck)
//   kernels_gpu/measurement        the harness's GPU timing path: blocking kernel, SM clock and
//                                  host launch time per sample, launch attributes, flush bias
// Without a device the executable exits 77 (ctest: skipped), or 1 with MOELAB_REQUIRE_GPU=1.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "kernels/common/cuda_device.hpp"
#include "kernels/common/registry.hpp"
#include "lab/ab/harness.hpp"
#include "tests/support/require_gpu.hpp"

using namespace moelab;

namespace {

struct RequireCudaDevice {
  RequireCudaDevice() { test::require_cuda_device_or_skip("kernels_gpu"); }
};

std::string family_of(const std::string& op) {
  if (op.rfind("attention.", 0) == 0) return "attention";
  if (op.rfind("router.", 0) == 0) return "router";
  if (op.rfind("grouped_gemm", 0) == 0) return "grouped_gemm";
  if (op.rfind("mla.", 0) == 0) return "mla";
  return "unknown";
}

// Small shapes per op: several tiles/blocks and ragged edges, small enough for the fp64 ref to
// take well under a second. An op missing here fails `every_op_has_shapes`, so new ops get one.
const std::map<std::string, std::vector<kernels::ShapeArgs>>& small_shapes() {
  static const std::map<std::string, std::vector<kernels::ShapeArgs>> shapes = {
      {"attention.prefill",
       {{"llama-3.1-8b", {{"batch", 2}, {"seq", 200}, {"vary", 1}}, "small"},
        {"llama-3.1-8b", {{"batch", 2}, {"seq", 200}, {"vary", 1}, {"causal", 0}}, "small"}}},
      {"attention.decode_paged", {{"llama-3.1-8b", {{"batch", 5}, {"ctx", 700}, {"vary", 1}}, "small"}}},
      {"attention.decode_cascade",
       {{"llama-3.1-8b", {{"batch", 5}, {"prefix", 600}, {"suffix", 70}, {"vary", 1}}, "small"}}},
      {"router.topk", {{"deepseek-v3", {{"tokens", 300}}, "small"}}},
      {"router.permute", {{"deepseek-v3", {{"tokens", 300}}, "small"}}},
      {"router.combine", {{"deepseek-v3", {{"tokens", 100}}, "small"}}},
      {"grouped_gemm", {{"qwen3-30b-a3b.up", {{"tokens", 48}}, "small"}}},
      {"grouped_gemm_fp8", {{"deepseek-v3.down", {{"tokens", 48}, {"groups", 8}, {"n", 264}, {"k", 384}}, "small"}}},
      {"mla.decode",
       {{"deepseek-v3", {{"batch", 3}, {"ctx", 300}, {"vary", 1}}, "small"},
        {"kimi-k2", {{"batch", 2}, {"ctx", 1000}, {"page", 64}}, "small"}}},
  };
  return shapes;
}

// The smallest shapes that still cover a partial tile: the sanitizers slow kernels 10-100x.
const std::map<std::string, std::vector<kernels::ShapeArgs>>& tiny_shapes() {
  static const std::map<std::string, std::vector<kernels::ShapeArgs>> shapes = {
      {"attention.prefill", {{"llama-3.1-8b", {{"batch", 2}, {"seq", 130}, {"vary", 1}}, "tiny"}}},
      {"attention.decode_paged", {{"llama-3.1-8b", {{"batch", 2}, {"ctx", 100}, {"vary", 1}}, "tiny"}}},
      {"attention.decode_cascade", {{"llama-3.1-8b", {{"batch", 2}, {"prefix", 130}, {"suffix", 9}}, "tiny"}}},
      {"router.topk", {{"deepseek-v3", {{"tokens", 40}}, "tiny"}}},
      {"router.permute", {{"deepseek-v3", {{"tokens", 40}}, "tiny"}}},
      {"router.combine", {{"deepseek-v3", {{"tokens", 8}}, "tiny"}}},
      {"grouped_gemm", {{"qwen3-30b-a3b.up", {{"tokens", 8}, {"groups", 8}}, "tiny"}}},
      {"grouped_gemm_fp8", {{"deepseek-v3.down", {{"tokens", 8}, {"groups", 4}, {"n", 136}, {"k", 256}}, "tiny"}}},
      {"mla.decode", {{"kimi-k2", {{"batch", 2}, {"ctx", 70}, {"vary", 1}}, "tiny"}}},
  };
  return shapes;
}

std::vector<const kernels::Variant*> cuda_variants(const std::string& op) {
  std::vector<const kernels::Variant*> out;
  for (const auto* v : kernels::registry().variants(op)) {
    if (v->backend() == kernels::Backend::cuda) out.push_back(v);
  }
  return out;
}

// Checked and briefly timed through the harness: every cuda variant of every op of the family.
void check_family(const std::string& family) {
  ab::AbOptions o;
  o.cold_cache = true;  // exercises the L2 flush on every sample
  o.max_time_s = 0.5;
  o.min_samples = 5;
  o.warmup_runs = 1;
  o.bootstrap_resamples = 200;
  std::size_t tested = 0, index = 0;
  for (const auto* op : kernels::registry().ops()) {
    if (family_of(op->name) != family) continue;
    const auto variants = cuda_variants(op->name);
    BOOST_TEST(!variants.empty(), "op " << op->name << " has no cuda variant");
    for (const auto& shape : small_shapes().at(op->name)) {
      const auto r = ab::run_case(*op, shape, variants, o, index++);
      for (const auto& out : r.variants) {
        BOOST_TEST_MESSAGE(op->name << " " << out.variant << " [" << r.shape_text << "]: " << ab::to_string(out.status)
                                    << ", max rel error " << out.check.max_rel_error << " (tol " << out.check.tolerance
                                    << "), median " << out.summary.median * 1e6 << " us " << out.detail);
        BOOST_TEST((out.status == ab::Status::ok), op->name << " " << out.variant << " on " << r.shape_text << ": "
                                                            << ab::to_string(out.status) << " " << out.detail);
        if (out.status == ab::Status::ok) BOOST_TEST(!out.samples_s.empty());
        ++tested;
      }
    }
  }
  BOOST_TEST(tested > 0u);
  BOOST_TEST_MESSAGE(family << ": " << tested << " cuda variant run(s) checked");
}

// One checked launch per variant on tiny shapes (no timing, no flush): the sanitizer pass.
void sanitize_family(const std::string& family) {
  std::size_t tested = 0;
  for (const auto* op : kernels::registry().ops()) {
    if (family_of(op->name) != family) continue;
    for (const auto& shape : tiny_shapes().at(op->name)) {
      for (const auto* v : cuda_variants(op->name)) {
        auto c = op->make_case(shape);
        BOOST_TEST_CONTEXT(op->name << " " << v->full_name() << " [" << c->shape_text() << "]") {
          BOOST_TEST(v->supports(*c));
          if (!v->supports(*c)) continue;
          c->fill_inputs(3);
          c->compute_reference();
          c->poison_output();
          auto run = v->prepare(*c);
          run->timed_run();
          run->copy_output_to_case();
          const auto check = c->check_output();
          BOOST_TEST(check.passed, check.detail);
          ++tested;
        }
      }
    }
  }
  BOOST_TEST(tested > 0u);
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(RequireCudaDevice);

BOOST_AUTO_TEST_SUITE(kernels_gpu)

BOOST_AUTO_TEST_CASE(device_is_described) {
  const auto info = kernels::cuda_device_info(0);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST_MESSAGE("device: " << info->name << ", " << info->sm_count << " SMs, L2 " << info->l2_bytes / (1 << 20)
                                << " MiB, driver " << kernels::cuda_version_text(info->driver_version) << ", bus "
                                << info->pci_bus_id);
  BOOST_TEST(!info->name.empty());
  BOOST_TEST(info->sm_count > 0);
  BOOST_TEST(info->l2_bytes > 0);
  BOOST_TEST(info->sm_clock_hz > 0);
  BOOST_TEST(info->peak_memory_bytes_per_s > 1e11);  // any datacenter GPU: > 100 GB/s
  BOOST_TEST(info->driver_version >= info->runtime_version);
  const auto build = kernels::cuda_build_info();
  BOOST_REQUIRE(build.has_value());
  BOOST_TEST(!build->cublas_version.empty());
  BOOST_TEST(build->architectures.find("90") != std::string::npos);
  BOOST_TEST(kernels::cuda_context_error().empty());
}

BOOST_AUTO_TEST_CASE(every_op_has_shapes) {
  for (const auto* op : kernels::registry().ops()) {
    BOOST_TEST(small_shapes().count(op->name) == 1u,
               "no small shape for op " << op->name << " in tests/kernels/common/gpu");
    BOOST_TEST(tiny_shapes().count(op->name) == 1u,
               "no tiny shape for op " << op->name << " in tests/kernels/common/gpu");
    BOOST_TEST(family_of(op->name) != "unknown", "op " << op->name << " has no family in tests/kernels/common/gpu");
  }
}

BOOST_AUTO_TEST_CASE(attention) { check_family("attention"); }
BOOST_AUTO_TEST_CASE(router) { check_family("router"); }
BOOST_AUTO_TEST_CASE(grouped_gemm) { check_family("grouped_gemm"); }
BOOST_AUTO_TEST_CASE(mla) { check_family("mla"); }

BOOST_AUTO_TEST_CASE(sanitize_attention) { sanitize_family("attention"); }
BOOST_AUTO_TEST_CASE(sanitize_router) { sanitize_family("router"); }
BOOST_AUTO_TEST_CASE(sanitize_grouped_gemm) { sanitize_family("grouped_gemm"); }
BOOST_AUTO_TEST_CASE(sanitize_mla) { sanitize_family("mla"); }

BOOST_AUTO_TEST_CASE(measurement) {
  // The timing path itself: a bandwidth-bound kernel, cold samples after a read flush, then the
  // flush-bias study. Every accepted sample carries a measured SM clock and a host launch time.
  const auto* op = kernels::registry().find_op("attention.decode_paged");
  const auto* v = kernels::registry().find_variant("attention.decode_paged", "cuda.paged_decode");
  BOOST_REQUIRE(op != nullptr);
  BOOST_REQUIRE(v != nullptr);
  ab::AbOptions o;
  o.max_time_s = 1.0;
  o.min_samples = 20;
  o.warmup_runs = 2;
  o.flush_bias = true;
  o.flush_bias_samples = 10;
  const auto r = ab::run_case(*op, {"llama-3.1-8b", {{"batch", 32}, {"ctx", 4096}}, "measurement"}, {v}, o, 0);
  const auto& out = r.variants.at(0);
  BOOST_REQUIRE(out.status == ab::Status::ok);
  const auto info = kernels::cuda_device_info(0);
  std::size_t clocked = 0;
  for (const auto& rec : out.records) {
    if (!rec.accepted) continue;
    BOOST_TEST(std::isfinite(rec.host_launch_s));
    BOOST_TEST(rec.host_launch_s > 0.0);
    if (std::isfinite(rec.sm_clock_hz)) {
      ++clocked;
      BOOST_TEST(rec.sm_clock_hz > 0.2 * info->sm_clock_hz);
      BOOST_TEST(rec.sm_clock_hz < 1.2 * info->sm_clock_hz);
    }
  }
  BOOST_TEST(clocked > 0u, "no sample measured the SM clock (timestamps on SM 0)");
  BOOST_TEST(!out.launches.empty());
  for (const auto& l : out.launches) {
    BOOST_TEST(l.registers_per_thread > 0);
    BOOST_TEST(l.blocks_per_sm > 0);
    BOOST_TEST_MESSAGE(l.kernel << ": " << l.registers_per_thread << " regs, smem " << l.static_smem_bytes << "+"
                                << l.dynamic_smem_bytes << ", occupancy " << l.occupancy);
  }
  BOOST_REQUIRE(out.flush_bias.size() == 3u);
  for (const auto& b : out.flush_bias) {
    BOOST_TEST_MESSAGE("flush " << kernels::to_string(b.method) << ": median " << b.median_s * 1e6 << " us over "
                                << b.samples << " samples");
    BOOST_TEST(b.samples > 0);
  }
  // Hot (no flush) can only be as fast or faster than after a read flush, within noise.
  BOOST_TEST(out.flush_bias[2].median_s < 1.10 * out.flush_bias[0].median_s);
}

BOOST_AUTO_TEST_SUITE_END()
