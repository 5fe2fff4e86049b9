#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "lab/ab/environment.hpp"
#include "lab/config/spec_loaders.hpp"

using namespace moelab;

BOOST_AUTO_TEST_SUITE(ab_environment)

BOOST_AUTO_TEST_CASE(cuda_device_names_map_to_data_hardware_ids) {
  // Names as cudaGetDeviceProperties reports them; each must find an entry in data/hardware so
  // "% of peak" works on the GPUs the project targets.
  const auto known = config::list_ids("hardware");
  for (const std::string name : {"NVIDIA H200", "NVIDIA H100 80GB HBM3", "NVIDIA H100 PCIe", "NVIDIA A100-SXM4-80GB",
                                 "NVIDIA B200", "NVIDIA H800"}) {
    const auto candidates = ab::hardware_id_candidates(name);
    const bool found = std::any_of(candidates.begin(), candidates.end(), [&](const std::string& id) {
      return std::find(known.begin(), known.end(), id) != known.end();
    });
    BOOST_TEST(found, name << " has no data/hardware entry");
  }
  BOOST_TEST(ab::hardware_id_candidates("NVIDIA H100 PCIe").front() == "h100-pcie");
  BOOST_TEST(ab::hardware_id_candidates("Some Other GPU").empty());
}

BOOST_AUTO_TEST_CASE(explicit_hardware_gives_peaks_and_unknown_ids_are_input_errors) {
  const auto env = ab::detect_environment("h200");
  BOOST_TEST(env.gpu_peaks.flops_per_s > 5e14);  // dense bf16, H200: 989 TFLOP/s
  BOOST_TEST(env.gpu_peaks.bytes_per_s > 4e12);  // 4.8 TB/s
  BOOST_TEST(env.gpu_peaks.hardware_id == "h200");
  BOOST_TEST(!env.cpu_name.empty());
  BOOST_CHECK_THROW(ab::detect_environment("no-such-gpu"), InputError);
}

BOOST_AUTO_TEST_CASE(runs_without_a_cuda_variant_do_not_query_the_gpu) {
  // Querying the GPU opens the CUDA backend library; a CPU-only A/B run says it did not ask.
  const auto env = ab::detect_environment("", false);
  BOOST_TEST(!env.gpu_queried);
  BOOST_TEST(!env.gpu.has_value());
  BOOST_TEST(env.gpu_name() == "not queried (no cuda variant)");
  BOOST_TEST(env.gpu_peaks.source.empty());
  BOOST_TEST(ab::detect_environment("h200", false).gpu_peaks.hardware_id == "h200");  // peaks need no GPU
  const auto asked = ab::detect_environment("", true);
  BOOST_TEST(asked.gpu_queried);
  if (!asked.gpu) BOOST_TEST(asked.gpu_name() == "none");
}

BOOST_AUTO_TEST_SUITE_END()
