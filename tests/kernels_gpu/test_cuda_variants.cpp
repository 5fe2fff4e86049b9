#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "kernels/common/cuda_device.hpp"
#if MOELAB_HAVE_CUDA
#include "kernels/common/cuda_backend.hpp"
#endif
#include "kernels/common/registry.hpp"
#include "lab/ab/harness.hpp"

using namespace moelab;

namespace {

// Skip the whole suite (exit 77, which ctest reports as "skipped") without a device.
struct RequireCudaDevice {
  RequireCudaDevice() {
#if MOELAB_HAVE_CUDA
    // A CUDA build whose backend library does not open is broken, not "without a GPU".
    if (const auto& backend = kernels::cuda_backend(); backend.api == nullptr) {
      std::printf("%s\n", backend.error.c_str());
      std::exit(1);
    }
#endif
    if (!kernels::cuda_device_available()) {
      std::puts("no CUDA device (or CUDA not built): skipping the GPU suite");
      std::fflush(stdout);
      std::_Exit(77);
    }
  }
};

// Small shapes per op: big enough to cover several tiles/blocks and ragged edges, small enough
// for the fp64 ref to take well under a second. An op missing here fails the suite on a GPU
// machine, so new ops get a shape.
const std::map<std::string, kernels::ShapeArgs>& small_shapes() {
  static const std::map<std::string, kernels::ShapeArgs> shapes = {
      {"attention.prefill", {"llama-3.1-8b", {{"batch", 2}, {"seq", 200}, {"vary", 1}}, "small"}},
      {"attention.decode_paged", {"llama-3.1-8b", {{"batch", 5}, {"ctx", 700}, {"vary", 1}}, "small"}},
      {"attention.decode_cascade", {"llama-3.1-8b", {{"batch", 5}, {"prefix", 600}, {"suffix", 70}, {"vary", 1}}, "small"}},
      {"router.topk", {"deepseek-v3", {{"tokens", 300}}, "small"}},
      {"router.permute", {"deepseek-v3", {{"tokens", 300}}, "small"}},
      {"router.combine", {"deepseek-v3", {{"tokens", 100}}, "small"}},
      {"grouped_gemm", {"qwen3-30b-a3b.up", {{"tokens", 48}}, "small"}},
  };
  return shapes;
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(RequireCudaDevice);

BOOST_AUTO_TEST_SUITE(kernels_gpu)

BOOST_AUTO_TEST_CASE(device_is_described) {
  const auto info = kernels::cuda_device_info(0);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST_MESSAGE("device: " << info->name << ", " << info->sm_count << " SMs, L2 " << info->l2_bytes / (1 << 20)
                                << " MiB, driver " << kernels::cuda_version_text(info->driver_version));
  BOOST_TEST(!info->name.empty());
  BOOST_TEST(info->sm_count > 0);
  BOOST_TEST(info->l2_bytes > 0);
  BOOST_TEST(info->sm_clock_hz > 0);
  BOOST_TEST(info->peak_memory_bytes_per_s > 1e11);  // any datacenter GPU: > 100 GB/s
  BOOST_TEST(info->driver_version >= info->runtime_version);
}

BOOST_AUTO_TEST_CASE(every_cuda_variant_matches_ref_on_small_shapes) {
  const auto& reg = kernels::registry();
  ab::AbOptions o;
  o.cold_cache = true;  // exercises the L2 flush on every sample
  o.max_time_s = 0.5;
  o.min_samples = 5;
  o.warmup_runs = 1;
  o.bootstrap_resamples = 200;
  std::size_t tested = 0;
  for (const auto* op : reg.ops()) {
    const auto it = small_shapes().find(op->name);
    BOOST_TEST((it != small_shapes().end()), "no small shape for op " << op->name << " in tests/kernels_gpu");
    if (it == small_shapes().end()) continue;
    // All cuda variants of the op in one case: one reference computation, then each is checked.
    std::vector<const kernels::Variant*> cuda_variants;
    for (const auto* v : reg.variants(op->name)) {
      if (v->backend() == kernels::Backend::cuda) cuda_variants.push_back(v);
    }
    if (cuda_variants.empty()) continue;
    const auto r = ab::run_case(*op, it->second, cuda_variants, o, tested);
    for (const auto& out : r.variants) {
      BOOST_TEST_MESSAGE(op->name << " " << out.variant << " [" << r.shape_text << "]: " << ab::to_string(out.status)
                                  << ", max rel error " << out.check.max_rel_error << " (tol " << out.check.tolerance
                                  << "), median " << out.summary.median * 1e6 << " us " << out.detail);
      BOOST_TEST((out.status == ab::Status::ok || out.status == ab::Status::unsupported),
                 op->name << " " << out.variant << ": " << ab::to_string(out.status) << " " << out.detail);
      if (out.status == ab::Status::ok) BOOST_TEST(out.samples_s.size() >= 1u);
      ++tested;
    }
  }
  BOOST_TEST_MESSAGE(tested << " cuda variant(s) checked");
}

BOOST_AUTO_TEST_SUITE_END()
