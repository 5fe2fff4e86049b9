#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <string>

#include "kernels/common/cuda_device.hpp"
#include "kernels/common/registry.hpp"
#include "moe_test_support.hpp"

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

BOOST_AUTO_TEST_SUITE_END()
