#include "lab/runner/result_tables.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

namespace moelab::lab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Metrics that count things: stored as integers so pandas shows them as such.
const std::set<std::string, std::less<>>& counting_metrics() {
  static const std::set<std::string, std::less<>> names = {"requests",    "finished",             "unfinished",
                                                           "preemptions", "prefill_tokens_saved", "evicted_blocks"};
  return names;
}

}  // namespace

std::string metric_unit(const std::string& name) {
  if (name.rfind("usd_per_m_", 0) == 0) return "USD/Mtok";
  if (name == "usd_per_gpu_hour") return "USD/h";
  if (ends_with(name, "_usd")) return "USD";
  if (name == "gpu_hours") return "h";
  if (ends_with(name, "_tok_per_s")) return "tokens/s";
  if (ends_with(name, "_per_s")) return "1/s";
  if (ends_with(name, "_s")) return "s";
  if (ends_with(name, "_tokens") || ends_with(name, "_tok")) return "tokens";
  if (ends_with(name, "_blocks")) return "blocks";
  return "";
}

h5::Table requests_table(const std::vector<sim::RequestRecord>& requests) {
  const std::size_t n = requests.size();
  std::vector<std::int64_t> id(n), session(n);
  std::vector<double> arrival(n), first(n), finish(n), ttft(n), tpot(n), e2e(n);
  std::vector<std::int32_t> prompt(n), cached(n), output(n), preempt(n), replica(n), turn(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = requests[i];
    id[i] = r.id;
    arrival[i] = r.arrival_s;
    first[i] = r.first_token_s;
    finish[i] = r.finish_s;
    prompt[i] = r.prompt_tokens;
    cached[i] = r.cached_tokens;
    output[i] = r.output_tokens;
    preempt[i] = r.preemptions;
    replica[i] = r.replica;
    session[i] = r.session_id;
    turn[i] = r.turn;
    const bool has_first = r.first_token_s >= 0;
    const bool finished = r.finish_s >= 0;
    ttft[i] = has_first ? r.first_token_s - r.arrival_s : kNaN;
    e2e[i] = finished ? r.finish_s - r.arrival_s : kNaN;
    tpot[i] = (finished && has_first && r.output_tokens > 1) ? (r.finish_s - r.first_token_s) / (r.output_tokens - 1)
                                                              : kNaN;
  }
  h5::Table t;
  t.add("id", "", std::move(id))
      .add("arrival_s", "s", std::move(arrival))
      .add("first_token_s", "s", std::move(first))
      .add("finish_s", "s", std::move(finish))
      .add("prompt_tokens", "tokens", std::move(prompt))
      .add("cached_tokens", "tokens", std::move(cached))
      .add("output_tokens", "tokens", std::move(output))
      .add("preemptions", "", std::move(preempt))
      .add("replica", "", std::move(replica))
      .add("session_id", "", std::move(session))
      .add("turn", "", std::move(turn))
      .add("ttft_s", "s", std::move(ttft))
      .add("tpot_s", "s", std::move(tpot))
      .add("e2e_s", "s", std::move(e2e));
  return t;
}

h5::Table timeseries_table(const std::vector<sim::TimePoint>& timeseries) {
  const std::size_t n = timeseries.size();
  std::vector<double> t_s(n), util(n);
  std::vector<std::int32_t> replica(n), running(n), waiting(n);
  std::vector<std::int64_t> pinned(n), cached(n), total(n), batch(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = timeseries[i];
    t_s[i] = p.t_s;
    replica[i] = p.replica;
    running[i] = p.running;
    waiting[i] = p.waiting;
    pinned[i] = p.kv_blocks_pinned;
    cached[i] = p.kv_blocks_cached;
    total[i] = p.kv_blocks_total;
    util[i] = p.kv_blocks_total > 0 ? static_cast<double>(p.kv_blocks_pinned) / static_cast<double>(p.kv_blocks_total)
                                    : 0.0;
    batch[i] = p.batch_tokens;
  }
  h5::Table t;
  t.add("t_s", "s", std::move(t_s))
      .add("replica", "", std::move(replica))
      .add("running", "", std::move(running))
      .add("waiting", "", std::move(waiting))
      .add("kv_blocks_pinned", "blocks", std::move(pinned))
      .add("kv_blocks_cached", "blocks", std::move(cached))
      .add("kv_blocks_total", "blocks", std::move(total))
      .add("kv_utilization", "", std::move(util))
      .add("batch_tokens", "tokens", std::move(batch));
  return t;
}

h5::Table summary_table(const SimulationPlan& plan, const std::vector<std::vector<sim::Metric>>& metrics_per_run) {
  const std::size_t n = metrics_per_run.size();
  h5::Table t;
  std::vector<std::int64_t> run(n);
  std::vector<std::string> label(n);
  for (std::size_t i = 0; i < n; ++i) {
    run[i] = static_cast<std::int64_t>(plan.runs.at(i).index);
    label[i] = plan.runs.at(i).label;
  }
  t.add("run", "", std::move(run)).add("label", "", std::move(label));

  for (std::size_t a = 0; a < plan.axes.size(); ++a) {
    const std::string name = swept_column_name(plan.axes[a].key);
    const SweptValue& first = plan.axes[a].values.front();
    // The unit of a swept key follows the same suffix rule as metrics ("..._per_s" -> "1/s").
    const std::string unit = metric_unit(plan.axes[a].target.back());
    if (std::holds_alternative<std::string>(first)) {
      std::vector<std::string> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = std::get<std::string>(plan.runs[i].swept[a]);
      t.add(name, unit, std::move(v));
    } else if (std::holds_alternative<double>(first)) {
      std::vector<double> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = std::get<double>(plan.runs[i].swept[a]);
      t.add(name, unit, std::move(v));
    } else {
      std::vector<std::int64_t> v(n);
      for (std::size_t i = 0; i < n; ++i) {
        const auto& x = plan.runs[i].swept[a];
        v[i] = std::holds_alternative<bool>(x) ? (std::get<bool>(x) ? 1 : 0) : std::get<std::int64_t>(x);
      }
      t.add(name, unit, std::move(v));
    }
  }

  // Metric columns in first-seen order; a run that lacks one gets NaN (never expected).
  std::vector<std::string> names;
  for (const auto& metrics : metrics_per_run) {
    for (const auto& m : metrics) {
      if (std::find(names.begin(), names.end(), m.name) == names.end()) names.push_back(m.name);
    }
  }
  for (const auto& name : names) {
    std::vector<double> v(n, kNaN);
    for (std::size_t i = 0; i < n; ++i) {
      for (const auto& m : metrics_per_run[i]) {
        if (m.name == name) v[i] = m.value;
      }
    }
    bool integral = counting_metrics().count(name) > 0;
    for (double x : v) integral = integral && std::isfinite(x) && x == std::floor(x);
    if (integral) {
      std::vector<std::int64_t> iv(n);
      for (std::size_t i = 0; i < n; ++i) iv[i] = static_cast<std::int64_t>(v[i]);
      t.add(name, metric_unit(name), std::move(iv));
    } else {
      t.add(name, metric_unit(name), std::move(v));
    }
  }
  return t;
}

}  // namespace moelab::lab
