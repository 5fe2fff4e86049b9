#include "lab/runner/result_tables.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "simulator/metrics/request_metrics.hpp"
#include "simulator/metrics/timeseries_metrics.hpp"

namespace moelab::lab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string config_key_unit(const std::string& name) {
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
  std::vector<double> arrival(n), first(n), finish(n);
  std::vector<std::int32_t> prompt(n), cached(n), output(n), preempt(n), replica(n), dp_rank(n), turn(n);
  std::vector<std::string> unservable(n);
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
    dp_rank[i] = r.dp_rank;
    session[i] = r.session_id;
    turn[i] = r.turn;
    if (r.unservable != sim::UnservableReason::none) unservable[i] = sim::unservable_reason_name(r.unservable);
  }
  h5::Table t;
  t.add("id", "", "request id", std::move(id))
      .add("arrival_s", "s", "arrival time (simulated)", std::move(arrival))
      .add("first_token_s", "s", "time the first output token was produced; -1 if none", std::move(first))
      .add("finish_s", "s", "time the last output token was produced; -1 if unfinished", std::move(finish))
      .add("prompt_tokens", "tokens", "prompt length", std::move(prompt))
      .add("cached_tokens", "tokens", "prompt tokens served from the prefix cache (last admission)", std::move(cached))
      .add("output_tokens", "tokens",
           "output tokens requested (a finished request generated all of them, an unfinished one none)",
           std::move(output))
      .add("preemptions", "", "times the request was preempted (KV dropped, recomputed)", std::move(preempt))
      .add("replica", "", "replica (engine instance) that served it; -1 if none", std::move(replica))
      .add("dp_rank", "", "data-parallel rank of that instance that served it; -1 if none", std::move(dp_rank))
      .add("session_id", "", "session of a multi-turn workload; -1 if none", std::move(session))
      .add("turn", "", "turn within its session (0 = first, and for requests without a session)", std::move(turn))
      .add("unservable_reason", "",
           "why it was dropped at admission: exceeds_kv_cache (prompt + output exceed the whole KV cache) or "
           "exceeds_batch_budget (prompt over max_batched_tokens without chunked prefill); empty if it was not",
           std::move(unservable));
  // Derived latencies: the functions the run summary aggregates.
  for (const auto& m : sim::request_metrics()) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = m.of(requests[i]);
    t.add(std::string(m.definition.name), std::string(m.definition.unit), std::string(m.definition.description),
          std::move(v));
  }
  return t;
}

h5::Table kv_transfers_table(const std::vector<sim::KvTransferRecord>& transfers) {
  const std::size_t n = transfers.size();
  std::vector<std::int64_t> id(n);
  std::vector<std::int32_t> prefill(n), decode(n);
  std::vector<double> bytes(n), ready(n), start(n), done(n), seconds(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& t = transfers[i];
    id[i] = t.request_id;
    prefill[i] = t.prefill_instance;
    decode[i] = t.decode_instance;
    bytes[i] = t.kv_bytes;
    ready[i] = t.ready_s;
    start[i] = t.start_s;
    done[i] = t.done_s;
    seconds[i] = t.kv_transfer_s();
  }
  h5::Table t;
  t.add("id", "", "request id (a row of requests)", std::move(id))
      .add("prefill_instance", "", "instance that prefilled it (cluster-wide number)", std::move(prefill))
      .add("decode_instance", "", "instance that decoded it (cluster-wide number)", std::move(decode))
      .add("kv_bytes", "bytes", "KV sent: KV bytes per token x prompt tokens", std::move(bytes))
      .add("ready_s", "s", "prefill done", std::move(ready))
      .add("start_s", "s", "transfer start (both sides' NICs free)", std::move(start))
      .add("done_s", "s", "KV on the decode instance; the first token is delivered then", std::move(done))
      .add("kv_transfer_s", "s", "done_s - ready_s (NIC queueing included)", std::move(seconds));
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
    util[i] =
        p.kv_blocks_total > 0 ? static_cast<double>(p.kv_blocks_pinned) / static_cast<double>(p.kv_blocks_total) : 0.0;
    batch[i] = p.batch_tokens;
  }
  h5::Table t;
  t.add("t_s", "s", "sample time (simulated)", std::move(t_s))
      .add("replica", "", "replica sampled", std::move(replica))
      .add("running", "", "sequences in the running batch", std::move(running))
      .add("waiting", "", "sequences queued at the replica", std::move(waiting))
      .add("kv_blocks_pinned", "blocks", "KV blocks held by running sequences", std::move(pinned))
      .add("kv_blocks_cached", "blocks", "KV blocks unpinned but kept for prefix reuse (evictable)", std::move(cached))
      .add("kv_blocks_total", "blocks", "KV blocks of the replica", std::move(total))
      .add("kv_utilization", "", "kv_blocks_pinned / kv_blocks_total (0 when total is 0)", std::move(util))
      .add("batch_tokens", "tokens", "tokens in the iteration that produced this sample", std::move(batch));
  for (const auto& m : sim::timeseries_metrics()) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = m.of(timeseries[i]);
    t.add(std::string(m.definition.name), std::string(m.definition.unit), std::string(m.definition.description),
          std::move(v));
  }
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
  t.add("run", "", "run index: its group is /runs/NNNN", std::move(run))
      .add("label", "", "the sweep point: key=value,... (empty without a sweep)", std::move(label));

  for (std::size_t a = 0; a < plan.axes.size(); ++a) {
    const std::string name = swept_column_name(plan.axes[a].key);
    const SweptValue& first = plan.axes[a].values.front();
    // Config keys have no unit table: their names carry the unit (the project's naming rule).
    const std::string unit = config_key_unit(plan.axes[a].target.back());
    const std::string description = "swept config key " + plan.axes[a].key;
    if (std::holds_alternative<std::string>(first)) {
      std::vector<std::string> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = std::get<std::string>(plan.runs[i].swept[a]);
      t.add(name, unit, description, std::move(v));
    } else if (std::holds_alternative<double>(first)) {
      std::vector<double> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = std::get<double>(plan.runs[i].swept[a]);
      t.add(name, unit, description, std::move(v));
    } else {
      std::vector<std::int64_t> v(n);
      for (std::size_t i = 0; i < n; ++i) {
        const auto& x = plan.runs[i].swept[a];
        v[i] = std::holds_alternative<bool>(x) ? (std::get<bool>(x) ? 1 : 0) : std::get<std::int64_t>(x);
      }
      t.add(name, unit, description, std::move(v));
    }
  }

  // Metric columns in the order the simulator reports them; a run that lacks one gets NaN (never
  // expected: every run reports every summary metric).
  std::vector<const sim::MetricDefinition*> defs;
  for (const auto& metrics : metrics_per_run) {
    for (const auto& m : metrics) {
      if (std::find(defs.begin(), defs.end(), m.definition) == defs.end()) defs.push_back(m.definition);
    }
  }
  for (const sim::MetricDefinition* def : defs) {
    std::vector<double> v(n, kNaN);
    for (std::size_t i = 0; i < n; ++i) {
      for (const auto& m : metrics_per_run[i]) {
        if (m.definition == def) v[i] = m.value;
      }
    }
    const std::string name(def->name), unit(def->unit), description(def->description);
    if (def->type == sim::MetricType::count) {
      std::vector<std::int64_t> iv(n);
      for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(v[i]) || v[i] != std::floor(v[i])) {
          throw std::logic_error("summary metric " + name + " counts things but is " + std::to_string(v[i]));
        }
        iv[i] = static_cast<std::int64_t>(v[i]);
      }
      t.add(name, unit, description, std::move(iv));
    } else {
      t.add(name, unit, description, std::move(v));
    }
  }
  return t;
}

}  // namespace moelab::lab
