#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <string>

#include "kernels/common/cuda_device.hpp"
#include "kernels/common/registry.hpp"
#include "kernels/grouped_gemm/cases.hpp"
#include "kernels/router/cases.hpp"
#include "tests/kernels/moe_test_support.hpp"

using namespace moelab::kernels;

namespace {
#if MOELAB_HAVE_KOKKOS
constexpr bool MOELAB_HAVE_KOKKOS_FLAG = true;
#else
constexpr bool MOELAB_HAVE_KOKKOS_FLAG = false;
#endif
#if MOELAB_HAVE_CUDA
constexpr bool MOELAB_HAVE_CUDA_FLAG = true;
#else
constexpr bool MOELAB_HAVE_CUDA_FLAG = false;
#endif
bool cuda_available_here() { return cuda_device_available(); }
}  // namespace

BOOST_AUTO_TEST_SUITE(moe_registry)

BOOST_AUTO_TEST_CASE(every_moe_op_has_its_variants) {
  const std::map<std::string, std::set<std::string>> want = {
      {"router.topk", {"ref.naive", "kokkos.fused", "cuda.warp_topk"}},
      {"router.permute", {"ref.counting", "kokkos.hist_scan", "cuda.cub_sort", "cuda.thrust_sort", "cuda.hist_scan"}},
      {"router.combine", {"ref.naive", "kokkos.gather", "cuda.gather"}},
      {"grouped_gemm", {"ref.naive", "kokkos.tiled", "cuda.cublas_loop", "cuda.cublas_grouped", "cuda.grouped_mma"}},
  };
  for (const auto& [op, names] : want) {
    BOOST_TEST_INFO(op);
    BOOST_REQUIRE(registry().find_op(op) != nullptr);
    BOOST_TEST(!registry().find_op(op)->presets.empty());
    std::set<std::string> have;
    for (const auto* v : registry().variants(op)) have.insert(v->full_name());
    for (const auto& n : names) {
      const bool expected = n.starts_with("ref.") || (n.starts_with("kokkos.") && MOELAB_HAVE_KOKKOS_FLAG) ||
                            (n.starts_with("cuda.") && MOELAB_HAVE_CUDA_FLAG);
      BOOST_TEST_INFO(n);
      BOOST_TEST(have.contains(n) == expected);
    }
    for (const auto* v : registry().variants(op)) {
      // A cuda variant is available only with a device; nothing here may throw or abort.
      if (v->backend() == Backend::cuda) BOOST_TEST(v->available() == cuda_available_here());
    }
  }
}

#if MOELAB_HAVE_CUDA
BOOST_AUTO_TEST_CASE(cuda_variants_state_their_limits_without_a_device) {
  using grouped_gemm::GroupedGemmCase;
  const auto* mma = registry().find_variant("grouped_gemm", "cuda.grouped_mma");
  BOOST_REQUIRE(mma != nullptr);
  BOOST_TEST(mma->supports(GroupedGemmCase({{3, 0, 5}, 24, 40, ""})));
  BOOST_TEST(!mma->supports(GroupedGemmCase({{3, 0, 5}, 7, 40, ""})));   // N % 8
  BOOST_TEST(!mma->supports(GroupedGemmCase({{3, 0, 5}, 24, 36, ""})));  // K % 8
  BOOST_TEST(registry().find_variant("grouped_gemm", "cuda.cublas_loop")->supports(GroupedGemmCase({{3}, 7, 9, ""})));
  const auto* warp = registry().find_variant("router.topk", "cuda.warp_topk");
  BOOST_REQUIRE(warp != nullptr);
  router::TopkShape s;
  s.tokens = 2;
  BOOST_TEST(warp->supports(router::TopkCase(s)));  // DeepSeek-V3 defaults
  s.experts = 2048;
  BOOST_TEST(!warp->supports(router::TopkCase(s)));
  s.experts = 256;
  s.k = 33;
  s.topk_group = 8;
  BOOST_TEST(!warp->supports(router::TopkCase(s)));
}
#endif

BOOST_AUTO_TEST_SUITE_END()
