// data/hardware/<id>.toml -> sim::HardwareSpec, with the default rental price from
// data/prices/gpu_rental.toml. Units are in the key names (TFLOP/s, GB, TB/s; decimal prefixes).
#include <fmt/format.h>

#include "lab/config/key_ranges.hpp"
#include "lab/config/spec_fill.hpp"
#include "lab/config/spec_loaders.hpp"

namespace moelab::config::detail {

namespace {
using ST = StrictTable;

// The `default_usd_per_gpu_hour` of [<id>] in data/prices/gpu_rental.toml, or 0 when the file has
// no entry for this GPU (cost metrics then need an explicit usd_per_gpu_hour).
double default_price(const std::string& id) {
  const auto path = data_dir() / "prices" / "gpu_rental.toml";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return 0.0;
  const toml::table doc = parse_file(path);
  StrictTable root(doc, path.string());
  auto entry = root.table_if_present(id);
  if (!entry) return 0.0;
  return entry->number_in("default_usd_per_gpu_hour", ranges::kUsdPerHour);
}
}  // namespace

sim::HardwareSpec read_hardware(SpecReader& r, const std::string& id) {
  sim::HardwareSpec h;
  h.id = id;
  h.display_name = r.get(&ST::string, "display_name");
  h.peak_bf16_flops = 1e12 * r.get(&ST::number_in, "peak_bf16_tflops", ranges::kTflops);
  h.peak_fp8_flops = 1e12 * r.get(&ST::number_in_or, "peak_fp8_tflops", ranges::kTflopsOrNone, 0.0);
  h.hbm_bytes = 1e9 * r.get(&ST::number_in, "hbm_gb", ranges::kMemoryGb);
  h.hbm_bytes_per_s = 1e12 * r.get(&ST::number_in, "hbm_tb_per_s", ranges::kBandwidthTbPerS);
  h.nvlink_bytes_per_s = 1e9 * r.get(&ST::number_in, "nvlink_gb_per_s", ranges::kLinkGbPerS);
  h.interconnect_bytes_per_s = 1e9 * r.get(&ST::number_in_or, "interconnect_gb_per_s", ranges::kLinkGbPerS, 0.0);
  h.gpus_per_node = r.get(&ST::integer_in_or, "gpus_per_node", ranges::kGpusOrNone, 0);
  h.nvlink_domain_gpus = r.get(&ST::integer_in_or, "nvlink_domain_gpus", ranges::kGpusOrNone, 0);
  h.nvlink_eff_bytes_per_s = 1e9 * r.get(&ST::number_in_or, "nvlink_eff_gb_per_s", ranges::kLinkGbPerS, 0.0);
  h.nvlink_latency_s = 1e-6 * r.get(&ST::number_in_or, "nvlink_latency_us", ranges::kLatencyUs, 0.0);
  h.interconnect_eff_bytes_per_s =
      1e9 * r.get(&ST::number_in_or, "interconnect_eff_gb_per_s", ranges::kLinkGbPerS, 0.0);
  h.interconnect_latency_s = 1e-6 * r.get(&ST::number_in_or, "interconnect_latency_us", ranges::kLatencyUs, 0.0);
  h.interconnect_collective_latency_s =
      1e-6 * r.get(&ST::number_in_or, "interconnect_collective_latency_us", ranges::kLatencyUs, 0.0);
  if (h.nvlink_domain_gpus > 0 && h.gpus_per_node > 0 && h.nvlink_domain_gpus % h.gpus_per_node != 0 &&
      h.gpus_per_node % h.nvlink_domain_gpus != 0)
    r.fail("nvlink_domain_gpus", fmt::format("{} GPUs per NVLink domain and {} per node: one must divide the other",
                                             h.nvlink_domain_gpus, h.gpus_per_node));
  if (h.nvlink_eff_bytes_per_s > h.nvlink_bytes_per_s * 0.5 + 1)
    r.fail("nvlink_eff_gb_per_s", "exceeds one direction of nvlink_gb_per_s (which counts both directions)");
  if (h.interconnect_eff_bytes_per_s > h.interconnect_bytes_per_s + 1)
    r.fail("interconnect_eff_gb_per_s", "exceeds interconnect_gb_per_s (the line rate)");
  h.tdp_w = r.get(&ST::number_in, "tdp_w", ranges::kWatts);
  h.sm_count = r.get(&ST::integer_in_or, "sm_count", ranges::kSmCount, 0);
  h.l2_bytes = 1e6 * r.get(&ST::number_in_or, "l2_mb", ranges::kCacheMb, 0.0);
  if (r.has("usd_per_gpu_hour")) {
    h.usd_per_gpu_hour = r.get(&ST::number_in, "usd_per_gpu_hour", ranges::kUsdPerHour);
  } else {
    h.usd_per_gpu_hour = default_price(id);
    r.record("usd_per_gpu_hour", h.usd_per_gpu_hour);  // from data/prices: the resolved section carries it
  }
  h.source = describe_source(r);
  return h;
}

}  // namespace moelab::config::detail
