#pragma once
// Test doubles for the engine suite: a vector-backed workload and a hand-written Llama-3.1-8B /
// H100-SXM pair (numbers from data/models/llama-3.1-8b.toml and the H100 datasheet), so the
// suite depends only on the simulator library.
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/rng.hpp"
#include "simulator/sim_config.hpp"
#include "simulator/workload/request.hpp"

namespace moelab::sim::test {

class VectorWorkload final : public Workload {
 public:
  explicit VectorWorkload(std::vector<Request> requests) : requests_(std::move(requests)) {}
  std::optional<double> peek_arrival_s() override {
    if (next_ >= requests_.size()) return std::nullopt;
    return requests_[next_].arrival_s;
  }
  Request pop() override { return requests_[next_++]; }
  void on_finished(const Request& r, double finish_s) override { finishes.emplace_back(r.id, finish_s); }
  std::int64_t expected_requests() const override { return static_cast<std::int64_t>(requests_.size()); }

  std::vector<std::pair<std::int64_t, double>> finishes;

 private:
  std::vector<Request> requests_;
  std::size_t next_ = 0;
};

inline Request make_request(std::int64_t id, double arrival_s, std::int32_t prompt, std::int32_t output) {
  Request r;
  r.id = id;
  r.arrival_s = arrival_s;
  r.prompt_tokens = prompt;
  r.output_tokens = output;
  return r;
}

// Poisson arrivals (inverse-CDF exponential gaps) with lengths drawn uniformly in [lo, hi].
inline std::vector<Request> poisson_requests(std::int64_t n, double rate_per_s, std::uint64_t seed,
                                             std::int32_t prompt_lo, std::int32_t prompt_hi,
                                             std::int32_t output_lo, std::int32_t output_hi) {
  Rng rng(seed);
  std::vector<Request> out;
  double t = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    t += -std::log(rng.uniform_open()) / rate_per_s;
    const auto p = prompt_lo + static_cast<std::int32_t>(rng.uniform01() * (prompt_hi - prompt_lo + 1));
    const auto o = output_lo + static_cast<std::int32_t>(rng.uniform01() * (output_hi - output_lo + 1));
    out.push_back(make_request(i, t, p, o));
  }
  return out;
}

inline SimConfig llama8b_h100_config() {
  SimConfig c;
  auto& m = c.model;
  m.id = "llama-3.1-8b";
  m.d_model = 4096;
  m.n_layers = 32;
  m.vocab_size = 128256;
  m.attention = AttentionKind::gqa;
  m.n_heads = 32;
  m.n_kv_heads = 8;
  m.head_dim = 128;
  m.dense_ffn_dim = 14336;
  m.published_total_params = 8.03e9;
  m.published_active_params = 8.03e9;
  m.weight_bytes_per_param = 2.0;
  m.kv_bytes_per_element = 2.0;
  m.max_context_tokens = 131072;
  auto& h = c.hardware;
  h.id = "h100-sxm";
  h.peak_bf16_flops = 989e12;
  h.peak_fp8_flops = 1979e12;
  h.hbm_bytes = 80e9;
  h.hbm_bytes_per_s = 3.35e12;
  h.nvlink_bytes_per_s = 900e9;
  h.gpus_per_node = 8;
  h.nvlink_domain_gpus = 8;
  h.nvlink_eff_bytes_per_s = 370e9;
  h.nvlink_latency_s = 6e-6;
  h.sm_count = 132;
  h.l2_bytes = 50e6;
  c.engine.id = "test";
  c.engine.step_overhead_s = 0.002;
  c.timeseries_interval_s = 0;
  c.seed = 7;
  c.usd_per_gpu_hour = 2.0;
  return c;
}

}  // namespace moelab::sim::test
