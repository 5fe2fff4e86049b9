#include "simulator/metrics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "simulator/metrics/percentile.hpp"

namespace moelab::sim {
namespace {

void add_distribution(std::vector<Metric>& out, const char* stem, std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  const double mean = values.empty() ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(values.size());
  const std::string s(stem);
  out.push_back({s + "_mean_s", mean});
  out.push_back({s + "_p50_s", percentile_linear_select(values, 0.50)});
  out.push_back({s + "_p90_s", percentile_linear_select(values, 0.90)});
  out.push_back({s + "_p99_s", percentile_linear_select(values, 0.99)});
}

double per(double num, double den) { return den > 0 ? num / den : 0; }

}  // namespace

std::vector<Metric> summarize(const std::vector<RequestRecord>& records, const RunTotals& totals,
                              const SimConfig& config) {
  std::int64_t finished = 0, meeting_slo = 0;
  double input_tokens = 0, output_tokens = 0;
  double first_arrival = std::numeric_limits<double>::infinity(), last_finish = 0;
  std::vector<double> ttft, tpot, e2e;
  std::vector<double> ttft_first_turn, ttft_later_turns;  // multi-turn: does history reuse help?
  ttft.reserve(records.size());
  e2e.reserve(records.size());
  tpot.reserve(records.size());
  const auto& slo = config.slo;
  for (const auto& r : records) {
    first_arrival = std::min(first_arrival, r.arrival_s);
    if (r.finish_s < 0) continue;
    ++finished;
    last_finish = std::max(last_finish, r.finish_s);
    input_tokens += r.prompt_tokens;
    output_tokens += r.output_tokens;
    const double t_first = r.first_token_s - r.arrival_s, t_e2e = r.finish_s - r.arrival_s;
    ttft.push_back(t_first);
    (r.turn == 0 ? ttft_first_turn : ttft_later_turns).push_back(t_first);
    e2e.push_back(t_e2e);
    bool ok = (slo.ttft_s <= 0 || t_first <= slo.ttft_s) && (slo.e2e_s <= 0 || t_e2e <= slo.e2e_s);
    if (r.output_tokens > 1) {
      const double t_tok = (r.finish_s - r.first_token_s) / (r.output_tokens - 1);
      tpot.push_back(t_tok);
      ok = ok && (slo.tpot_s <= 0 || t_tok <= slo.tpot_s);
    }
    meeting_slo += ok ? 1 : 0;
  }
  const auto requests = static_cast<std::int64_t>(records.size());
  const double duration_s = finished > 0 ? last_finish - first_arrival : 0;

  std::vector<Metric> out;
  out.push_back({"requests", static_cast<double>(requests)});
  out.push_back({"finished", static_cast<double>(finished)});
  out.push_back({"unfinished", static_cast<double>(requests - finished)});
  out.push_back({"duration_s", duration_s});
  out.push_back({"input_tok_per_s", per(input_tokens, duration_s)});
  out.push_back({"output_tok_per_s", per(output_tokens, duration_s)});
  out.push_back({"requests_per_s", per(static_cast<double>(finished), duration_s)});
  add_distribution(out, "ttft", ttft);
  add_distribution(out, "tpot", tpot);
  add_distribution(out, "e2e", e2e);
  out.push_back({"goodput_requests_per_s", per(static_cast<double>(meeting_slo), duration_s)});
  out.push_back({"slo_attainment", per(static_cast<double>(meeting_slo), static_cast<double>(requests))});
  out.push_back({"kv_utilization_mean",
                 per(totals.kv_pinned_fraction_s, duration_s * static_cast<double>(totals.replicas))});
  out.push_back({"kv_utilization_max", totals.kv_pinned_fraction_max});
  out.push_back({"preemptions", static_cast<double>(totals.preemptions)});
  out.push_back({"prefix_hit_rate", per(static_cast<double>(totals.kv.hit_tokens), static_cast<double>(totals.kv.lookup_tokens))});
  out.push_back({"prefill_tokens_saved", static_cast<double>(totals.kv.hit_tokens)});
  out.push_back({"evicted_blocks", static_cast<double>(totals.kv.evicted_blocks)});
  const double gpu_hours =
      static_cast<double>(totals.replicas * config.cluster.tensor_parallel) * duration_s / 3600.0;
  const double usd = gpu_hours * config.usd_per_gpu_hour;
  const double input_share = per(totals.input_gpu_s, totals.input_gpu_s + totals.output_gpu_s);
  out.push_back({"gpu_hours", gpu_hours});
  out.push_back({"usd_per_m_input_tok", per(usd * input_share, input_tokens / 1e6)});
  out.push_back({"usd_per_m_output_tok", per(usd * (1 - input_share), output_tokens / 1e6)});
  out.push_back({"usd_per_gpu_hour", config.usd_per_gpu_hour});
  // TTFT by turn (requests without sessions are all turn 0); NaN when a group is empty.
  out.push_back({"ttft_first_turn_p50_s", percentile_linear_select(ttft_first_turn, 0.50)});
  out.push_back({"ttft_first_turn_p99_s", percentile_linear_select(ttft_first_turn, 0.99)});
  out.push_back({"ttft_later_turns_p50_s", percentile_linear_select(ttft_later_turns, 0.50)});
  out.push_back({"ttft_later_turns_p99_s", percentile_linear_select(ttft_later_turns, 0.99)});
  return out;
}

}  // namespace moelab::sim
