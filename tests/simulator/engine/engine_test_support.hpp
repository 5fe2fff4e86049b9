#pragma once
// Test doubles for the engine suite: a vector-backed workload and a hand-written Llama-3.1-8B /
// H100-SXM / baseline-engine config (the numbers of data/models, data/hardware, data/engines and
// data/prices), so the suite depends only on the simulator library.
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
                                             std::int32_t prompt_lo, std::int32_t prompt_hi, std::int32_t output_lo,
                                             std::int32_t output_hi) {
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

// Llama-3.1-8B on one H100 SXM with the baseline engine, every number as the data files give it
// (the loaders are in lab/, which this suite does not link); tests/simulator/model/test_fixtures.cpp
// checks each field against the loaded files, so a change to data/ fails there, not silently here.
inline SimConfig llama8b_h100_config() {
  SimConfig c;
  auto& m = c.model;  // data/models/llama-3.1-8b.toml
  m.id = "llama-3.1-8b";
  m.display_name = "Llama-3.1-8B";
  m.d_model = 4096;
  m.n_layers = 32;
  m.vocab_size = 128256;
  m.tied_embeddings = false;
  m.attention = AttentionKind::gqa;
  m.n_heads = 32;
  m.n_kv_heads = 8;
  m.head_dim = 128;
  m.dense_ffn_dim = 14336;
  m.published_total_params = 1e9 * 8.03;   // published_total_params_billion, converted as the loader does
  m.published_active_params = 1e9 * 8.03;  // dense: every parameter is active
  m.weight_bytes_per_param = 2.0;
  m.kv_bytes_per_element = 2.0;
  m.max_context_tokens = 0;  // the file gives none
  auto& h = c.hardware;      // data/hardware/h100-sxm.toml; price from data/prices/gpu_rental.toml
  h.id = "h100-sxm";
  h.display_name = "NVIDIA H100 SXM 80GB";
  h.peak_bf16_flops = 989e12;
  h.peak_fp8_flops = 1979e12;
  h.hbm_bytes = 80e9;
  h.hbm_bytes_per_s = 3.35e12;
  h.nvlink_bytes_per_s = 900e9;  // both directions together, as the file (450 GB/s each way)
  h.interconnect_bytes_per_s = 50e9;
  h.tdp_w = 700;
  h.gpus_per_node = 8;
  h.nvlink_domain_gpus = 8;
  h.nvlink_eff_bytes_per_s = 370e9;
  h.nvlink_latency_s = 6e-6;
  h.interconnect_eff_bytes_per_s = 48e9;
  h.interconnect_latency_s = 3.7e-6;
  h.interconnect_collective_latency_s = 47e-6;
  h.sm_count = 132;
  h.l2_bytes = 50e6;
  h.usd_per_gpu_hour = 1.99;
  auto& e = c.engine;  // data/engines/baseline.toml
  e.id = "baseline";
  e.display_name = "Baseline (no prefix cache, FCFS)";
  e.max_num_seqs = 256;
  e.max_batched_tokens = 8192;
  e.chunked_prefill = true;
  e.kv_block_tokens = 16;
  e.gpu_memory_utilization = 0.9;
  e.step_overhead_s = 0.0;
  e.overhead_overlapped = false;
  e.matmul_efficiency = 0.778;
  e.attention_efficiency = 0.778;
  e.memory_efficiency = 0.896;
  e.cache_policy = "none";
  e.scheduler = "fcfs";
  c.timeseries_interval_s = 0;
  c.seed = 7;
  c.usd_per_gpu_hour = h.usd_per_gpu_hour;
  return c;
}

}  // namespace moelab::sim::test
