#include "simulator/model/expert_load.hpp"

#include <algorithm>
#include <cmath>
#include <compare>
#include <map>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>

#include "base/input_error.hpp"
#include "base/rng.hpp"

namespace moelab::sim {
namespace {

constexpr int kPointsPerOctave = 2;

// The imbalance table is a pure function of the model's inputs (~0.3 s of sampling for 256
// experts), and one process builds the same model many times: every instance of a pool, every
// sweep point, the planner's check of a point and its run. Each distinct input is sampled once per
// process; the numbers are the ones a fresh sampling gives, so results do not depend on the cache.
struct TableKey {
  std::vector<double> shares;
  std::int64_t k, ranks, redundant;
  bool eplb;
  std::uint64_t seed;
  auto operator<=>(const TableKey&) const = default;
};

template <class Compute>
std::vector<double> memoized_table(TableKey key, Compute&& compute) {
  static std::mutex mutex;
  static std::map<TableKey, std::vector<double>> tables;
  constexpr std::size_t kMaxTables = 64;  // a sweep over routing inputs must not grow without bound
  {
    const std::lock_guard lock(mutex);
    if (const auto it = tables.find(key); it != tables.end()) return it->second;
  }
  std::vector<double> table = compute();
  const std::lock_guard lock(mutex);
  if (tables.size() >= kMaxTables) tables.clear();
  tables.emplace(std::move(key), table);
  return table;
}

}  // namespace

ExpertPlacement place_experts(const std::vector<double>& shares, std::int64_t ranks, std::int64_t redundant,
                              bool eplb) {
  const auto experts = static_cast<std::int64_t>(shares.size());
  const std::int64_t physical = experts + redundant;
  if (ranks < 1 || physical % ranks != 0) throw std::logic_error("place_experts: experts do not split over ranks");
  if (!eplb && redundant != 0) throw std::logic_error("place_experts: redundant experts need the load balancer");
  ExpertPlacement p;
  p.ranks = ranks;
  p.slots_per_rank = physical / ranks;
  p.replicas.assign(static_cast<std::size_t>(experts), 1);
  p.slot_logical.resize(static_cast<std::size_t>(physical));
  p.slot_rank.resize(static_cast<std::size_t>(physical));
  std::iota(p.slot_logical.begin(), p.slot_logical.begin() + experts, 0);
  // Replicate: each redundant slot to the logical expert with the largest share per replica (first on ties).
  for (std::int64_t s = experts; s < physical; ++s) {
    std::size_t best = 0;
    for (std::size_t e = 1; e < shares.size(); ++e) {
      if (shares[e] / p.replicas[e] > shares[best] / p.replicas[best]) best = e;
    }
    ++p.replicas[best];
    p.slot_logical[static_cast<std::size_t>(s)] = static_cast<std::int32_t>(best);
  }
  std::vector<double> slot_load(static_cast<std::size_t>(physical));
  for (std::size_t s = 0; s < slot_load.size(); ++s) {
    const auto e = static_cast<std::size_t>(p.slot_logical[s]);
    slot_load[s] = shares[e] / p.replicas[e];
  }
  p.rank_share.assign(static_cast<std::size_t>(ranks), 0.0);
  if (!eplb) {
    for (std::int64_t s = 0; s < physical; ++s)
      p.slot_rank[static_cast<std::size_t>(s)] = static_cast<std::int32_t>(s / p.slots_per_rank);
  } else {
    // Balanced packing: heaviest slot first (stable on ties), to the lightest rank with room.
    std::vector<std::size_t> order(slot_load.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return slot_load[a] > slot_load[b]; });
    std::vector<std::int64_t> count(static_cast<std::size_t>(ranks), 0);
    std::vector<double> load(static_cast<std::size_t>(ranks), 0.0);
    for (std::size_t s : order) {
      std::size_t best = static_cast<std::size_t>(ranks);
      for (std::size_t r = 0; r < load.size(); ++r) {
        if (count[r] >= p.slots_per_rank) continue;
        if (best == load.size() || load[r] < load[best]) best = r;
      }
      p.slot_rank[s] = static_cast<std::int32_t>(best);
      ++count[best];
      load[best] += slot_load[s];
    }
  }
  for (std::size_t s = 0; s < slot_load.size(); ++s)
    p.rank_share[static_cast<std::size_t>(p.slot_rank[s])] += slot_load[s];
  return p;
}

ExpertLoadModel::ExpertLoadModel(const std::vector<double>& shares, std::int64_t k, std::int64_t ranks,
                                 std::int64_t redundant, bool eplb, std::uint64_t seed, bool with_table)
    : shares_(shares), k_(k), placement_(place_experts(shares, ranks, redundant, eplb)) {
  const auto n = shares_.size();
  const auto nonzero = std::count_if(shares_.begin(), shares_.end(), [](double s) { return s > 0; });
  if (nonzero < k_)
    throw InputError({}, "moe.routing",
                     "only " + std::to_string(nonzero) + " experts receive tokens, fewer than the " +
                         std::to_string(k_) + " each token picks");
  static_imbalance_ =
      *std::max_element(placement_.rank_share.begin(), placement_.rank_share.end()) * static_cast<double>(ranks);

  // Vose's alias method over the logical experts.
  alias_prob_.assign(n, 0.0);
  alias_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<std::int32_t> small, large;
  for (std::size_t e = 0; e < n; ++e) {
    scaled[e] = shares_[e] * static_cast<double>(n);
    (scaled[e] < 1.0 ? small : large).push_back(static_cast<std::int32_t>(e));
  }
  while (!small.empty() && !large.empty()) {
    const std::int32_t s = small.back(), l = large.back();
    small.pop_back();
    alias_prob_[static_cast<std::size_t>(s)] = scaled[static_cast<std::size_t>(s)];
    alias_[static_cast<std::size_t>(s)] = l;
    scaled[static_cast<std::size_t>(l)] -= 1.0 - scaled[static_cast<std::size_t>(s)];
    if (scaled[static_cast<std::size_t>(l)] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (std::int32_t e : large) alias_prob_[static_cast<std::size_t>(e)] = 1.0;
  for (std::int32_t e : small) alias_prob_[static_cast<std::size_t>(e)] = 1.0;

  replica_begin_.assign(n + 1, 0);
  for (std::int32_t e : placement_.slot_logical) ++replica_begin_[static_cast<std::size_t>(e) + 1];
  for (std::size_t e = 0; e < n; ++e) replica_begin_[e + 1] += replica_begin_[e];
  replica_rank_.assign(placement_.slot_logical.size(), 0);
  std::vector<std::int32_t> fill(replica_begin_.begin(), replica_begin_.end() - 1);
  for (std::size_t s = 0; s < placement_.slot_logical.size(); ++s) {
    const auto e = static_cast<std::size_t>(placement_.slot_logical[s]);
    replica_rank_[static_cast<std::size_t>(fill[e]++)] = placement_.slot_rank[s];
  }

  if (!with_table) return;
  table_ = memoized_table({shares, k, ranks, redundant, eplb, seed}, [&] {
    const int points = static_cast<int>(std::log2(kTableMaxTokens)) * kPointsPerOctave + 1;
    std::vector<double> table(static_cast<std::size_t>(points));
    for (int i = 0; i < points; ++i) {
      const auto tokens = static_cast<std::int64_t>(std::llround(std::exp2(static_cast<double>(i) / kPointsPerOctave)));
      const double draws = static_cast<double>(tokens * k_);
      const auto samples = static_cast<std::int64_t>(std::clamp(std::ceil(524288.0 / draws), 16.0, 512.0));
      const double mean = draws / static_cast<double>(ranks);
      table[static_cast<std::size_t>(i)] =
          sample_mean_max_load(tokens, samples, derive_seed(seed, static_cast<std::uint64_t>(i))) / mean;
    }
    return table;
  });
}

double ExpertLoadModel::sample_mean_max_load(std::int64_t tokens, std::int64_t samples, std::uint64_t seed) const {
  Rng rng(seed);
  const auto n = static_cast<std::uint64_t>(shares_.size());
  std::vector<std::int64_t> load(static_cast<std::size_t>(placement_.ranks));
  std::vector<std::int32_t> chosen(static_cast<std::size_t>(k_));
  double sum_max = 0;
  for (std::int64_t s = 0; s < samples; ++s) {
    std::fill(load.begin(), load.end(), 0);
    for (std::int64_t t = 0; t < tokens; ++t) {
      for (std::int64_t j = 0; j < k_; ++j) {
        std::int32_t e;
        for (;;) {  // k distinct experts by share (alias draw, redraw a repeat)
          const auto i = static_cast<std::size_t>(rng.below(n));
          e = rng.uniform01() < alias_prob_[i] ? static_cast<std::int32_t>(i) : alias_[i];
          if (std::find(chosen.begin(), chosen.begin() + j, e) == chosen.begin() + j) break;
        }
        chosen[static_cast<std::size_t>(j)] = e;
        const auto b = replica_begin_[static_cast<std::size_t>(e)];
        const auto c = replica_begin_[static_cast<std::size_t>(e) + 1] - b;
        const std::int32_t r = replica_rank_[static_cast<std::size_t>(
            b + (c > 1 ? static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(c))) : 0))];
        ++load[static_cast<std::size_t>(r)];
      }
    }
    sum_max += static_cast<double>(*std::max_element(load.begin(), load.end()));
  }
  return sum_max / static_cast<double>(samples);
}

double ExpertLoadModel::imbalance(double tokens) const {
  if (placement_.ranks <= 1) return 1.0;
  if (tokens <= 1) return table_.front();
  if (tokens >= kTableMaxTokens) {
    return static_imbalance_ + (table_.back() - static_imbalance_) * std::sqrt(kTableMaxTokens / tokens);
  }
  const double x = std::log2(tokens) * kPointsPerOctave;
  const auto i = static_cast<std::size_t>(x);
  const double f = x - static_cast<double>(i);
  if (i + 1 >= table_.size()) return table_.back();
  return table_[i] + f * (table_[i + 1] - table_[i]);
}

}  // namespace moelab::sim
