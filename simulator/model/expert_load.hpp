#pragma once
// How a step's routed (token, expert) assignments fall on the EP ranks. The MoE part of a step is
// set by the busiest rank, so the cost model needs E[max over ranks of assignments] for T tokens:
// the imbalance factor E[max] / mean. It comes from the routing shares (moe_routing.hpp), the
// placement of experts on ranks (contiguous, or EPLB: replicate the heaviest experts, then pack
// by expected load) and the sampling noise of T tokens. A table over T (1 .. 16,384 tokens, two
// points per octave) is filled once by a seeded Monte Carlo that draws each token's k distinct
// experts by share and a replica of each uniformly; steps interpolate in log2 T. Above the table
// the excess over the static imbalance (max rank share x EP, the many-token limit) shrinks as
// 1/sqrt(T), as a sampling fluctuation does.
#include <cstdint>
#include <vector>

namespace moelab::sim {

struct ExpertPlacement {
  std::int64_t ranks = 1;
  std::int64_t slots_per_rank = 0;         // physical experts per rank
  std::vector<std::int32_t> replicas;      // per logical expert
  std::vector<std::int32_t> slot_logical;  // physical slot -> logical expert
  std::vector<std::int32_t> slot_rank;     // physical slot -> rank
  std::vector<double> rank_share;          // expected share of all assignments per rank
};

// DeepSeek EPLB's global policy (deepseek-ai/EPLB eplb.py, 2025-03): each redundant slot goes to
// the logical expert with the largest share / replicas; then replicas, heaviest first, go to the
// lightest rank that still has a free slot (equal slots per rank). Without `eplb`, expert e sits on
// rank e / (experts / ranks) and `redundant` must be 0.
ExpertPlacement place_experts(const std::vector<double>& shares, std::int64_t ranks, std::int64_t redundant, bool eplb);

class ExpertLoadModel {
 public:
  // `shares`: per logical expert, summing to 1; `k`: experts per token; needs at least k experts
  // with a share > 0 (InputError at moe.routing otherwise).
  // `with_table` false skips the Monte Carlo (placement and static imbalance only).
  ExpertLoadModel(const std::vector<double>& shares, std::int64_t k, std::int64_t ranks, std::int64_t redundant,
                  bool eplb, std::uint64_t seed, bool with_table = true);

  // E[max over ranks of assignments] / (tokens * k / ranks) for `tokens` tokens in one MoE layer.
  double imbalance(double tokens) const;
  // The limit for many tokens: max rank share x ranks.
  double static_imbalance() const { return static_imbalance_; }
  const ExpertPlacement& placement() const { return placement_; }
  std::int64_t ranks() const { return placement_.ranks; }

  // Mean over `samples` draws of the largest rank load for `tokens` tokens (the table's entries).
  double sample_mean_max_load(std::int64_t tokens, std::int64_t samples, std::uint64_t seed) const;

  static constexpr double kTableMaxTokens = 16384;

 private:
  std::vector<double> shares_;
  std::int64_t k_;
  ExpertPlacement placement_;
  double static_imbalance_ = 1;
  // Vose alias table over logical experts; replicas of each logical expert (ranks).
  std::vector<double> alias_prob_;
  std::vector<std::int32_t> alias_;
  std::vector<std::int32_t> replica_begin_, replica_rank_;
  std::vector<double> table_;  // imbalance at tokens = 2^(i / 2)
};

}  // namespace moelab::sim
