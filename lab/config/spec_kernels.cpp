// data/kernels/<id>.toml -> sim::KernelProfile (per-kernel-class efficiencies, with sources).
#include <fmt/format.h>

#include <algorithm>

#include "lab/config/spec_fill.hpp"
#include "lab/config/spec_loaders.hpp"

namespace moelab::config::detail {

namespace {
using ST = StrictTable;

void check_ascending(SpecReader& r, const char* key, const std::vector<double>& v) {
  for (std::size_t i = 1; i < v.size(); ++i)
    if (!(v[i] > v[i - 1])) r.fail(key, "must be strictly ascending");
  for (double x : v)
    if (!(x > 0)) r.fail(key, "values must be > 0");
}

void check_fractions(SpecReader& r, const char* key, const std::vector<double>& v, std::size_t size) {
  if (v.size() != size) r.fail(key, fmt::format("needs {} values (one per table point), got {}", size, v.size()));
  for (double x : v)
    if (!(x > 0 && x <= 1)) r.fail(key, fmt::format("values must be in (0, 1], got {}", x));
}
}  // namespace

sim::KernelProfile read_kernel_profile(SpecReader& r, const std::string& id) {
  sim::KernelProfile k;
  k.id = id;
  k.display_name = r.get(&ST::string, "display_name");
  k.hardware = r.get(&ST::string_array, "hardware");
  if (k.hardware.empty()) r.fail("hardware", "must name at least one hardware id");
  k.dense_gemm_compute_efficiency = r.get(&ST::fraction, "dense_gemm_compute_efficiency");
  k.gemm_memory_efficiency = r.get(&ST::fraction, "gemm_memory_efficiency");
  k.grouped_gemm_tokens_per_expert = r.get(&ST::number_array, "grouped_gemm_tokens_per_expert");
  check_ascending(r, "grouped_gemm_tokens_per_expert", k.grouped_gemm_tokens_per_expert);
  if (k.grouped_gemm_tokens_per_expert.empty()) r.fail("grouped_gemm_tokens_per_expert", "must not be empty");
  k.grouped_gemm_compute_efficiency = r.get(&ST::number_array, "grouped_gemm_compute_efficiency");
  check_fractions(r, "grouped_gemm_compute_efficiency", k.grouped_gemm_compute_efficiency,
                  k.grouped_gemm_tokens_per_expert.size());
  k.decode_attention_compute_efficiency = r.get(&ST::fraction, "decode_attention_compute_efficiency");
  k.decode_attention_memory_efficiency = r.get(&ST::fraction, "decode_attention_memory_efficiency");
  k.prefill_attention_compute_efficiency = r.get(&ST::fraction, "prefill_attention_compute_efficiency");
  if (r.has("a2a_low_latency_ep")) {
    k.a2a_measured_nic_bytes_per_s = 1e9 * r.get(&ST::positive_number, "a2a_measured_nic_gb_per_s");
    k.a2a_low_latency_ep = r.get(&ST::number_array, "a2a_low_latency_ep");
    check_ascending(r, "a2a_low_latency_ep", k.a2a_low_latency_ep);
    for (const char* key : {"a2a_low_latency_dispatch_gb_per_s", "a2a_low_latency_combine_gb_per_s"}) {
      auto v = r.get(&ST::number_array, key);
      if (v.size() != k.a2a_low_latency_ep.size()) r.fail(key, "needs one value per a2a_low_latency_ep entry");
      for (double& x : v) {
        if (!(x > 0)) r.fail(key, "values must be > 0");
        x *= 1e9;
      }
      (std::string(key).find("dispatch") != std::string::npos ? k.a2a_low_latency_dispatch_bytes_per_s
                                                              : k.a2a_low_latency_combine_bytes_per_s) = std::move(v);
    }
  }
  k.source = describe_source(r);
  return k;
}

}  // namespace moelab::config::detail
