#include "lab/capacity/capacity_tables.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "lab/runner/result_tables.hpp"

namespace moelab::lab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using I64 = std::int64_t;

std::string search_name(const CapacityPlan& plan) { return plan.search.kind == SearchKind::rate ? "rate" : "replicas"; }

// run and label first, then one column per swept key (as /summary of a simulation file).
void add_point_columns(h5::Table& t, const CapacityPlan& plan, const std::vector<const CapacityPoint*>& rows) {
  std::vector<I64> run;
  std::vector<std::string> label;
  for (const auto* p : rows) {
    run.push_back(static_cast<I64>(p->index));
    label.push_back(p->label);
  }
  t.add("run", "", "sweep point (0-based)", std::move(run));
  t.add("label", "", "the point's swept values, key=value,...", std::move(label));
  for (std::size_t a = 0; a < plan.axes.size(); ++a) {
    const auto& axis = plan.axes[a];
    const std::string name = swept_column_name(axis.key);
    const std::string unit =
        config_key_unit(name.substr(name.rfind("__") == std::string::npos ? 0 : name.rfind("__") + 2));
    const auto& first = rows.empty() ? SweptValue{} : rows.front()->swept[a];
    if (std::holds_alternative<std::string>(first) || std::holds_alternative<bool>(first)) {
      std::vector<std::string> v;
      for (const auto* p : rows) v.push_back(format_swept_value(p->swept[a]));
      t.add(name, unit, "swept: " + axis.key, std::move(v));
    } else if (std::holds_alternative<std::int64_t>(first)) {
      std::vector<I64> v;
      for (const auto* p : rows) v.push_back(std::get<std::int64_t>(p->swept[a]));
      t.add(name, unit, "swept: " + axis.key, std::move(v));
    } else {
      std::vector<double> v;
      for (const auto* p : rows) v.push_back(std::get<double>(p->swept[a]));
      t.add(name, unit, "swept: " + axis.key, std::move(v));
    }
  }
}

// Which bounds the probe broke: "ttft", "tpot", "ttft+tpot", "unfinished" ("" when it met them).
std::string broken_bounds(const ProbeRecord& p, const CapacitySlo& slo) {
  if (p.meets_slo) return "";
  if (p.window.finished != p.window.requests) return "unfinished";
  std::string out;
  if (slo.ttft_s > 0 && !(p.window.ttft_s <= slo.ttft_s)) out = "ttft";
  if (slo.tpot_s > 0 && p.window.tpot_samples > 0 && !(p.window.tpot_s <= slo.tpot_s))
    out += out.empty() ? "tpot" : "+tpot";
  return out;
}

std::vector<const CapacityPoint*> each(const std::vector<PointRun>& runs) {
  std::vector<const CapacityPoint*> out;
  for (const auto& r : runs) out.push_back(r.point);
  return out;
}

}  // namespace

h5::Table capacity_table(const CapacityPlan& plan, const std::vector<PointRun>& runs) {
  h5::Table t;
  add_point_columns(t, plan, each(runs));
  std::vector<std::string> model, hardware, engine, status, fails_on;
  std::vector<I64> tp, probes, window_requests;
  std::vector<double> kv_at, kv_failing;
  std::vector<double> capacity, rate, window_rate, replicas, fails, window_start, window_end, ttft, tpot, ttft50,
      ttft90, ttft99, tpot50, tpot90, tpot99, in_tps, out_tps, cached_frac, tok_per_req, busy, prefill_share,
      cached_share;
  for (const auto& r : runs) {
    const auto& c = r.point->base;
    model.push_back(c.model.id);
    hardware.push_back(c.hardware.id);
    engine.push_back(c.engine.id);
    tp.push_back(c.cluster.parallel.attention_tp);
    status.push_back(sim::search_status_name(r.outcome->search.status));
    capacity.push_back(r.outcome->search.meets);
    fails.push_back(r.outcome->search.fails);
    probes.push_back(r.outcome->search.probes);
    const ProbeRecord* at = r.outcome->at >= 0 ? &r.outcome->probes[static_cast<std::size_t>(r.outcome->at)] : nullptr;
    const ProbeRecord* failing = nullptr;  // the failing probe nearest the edge
    for (const auto& p : r.outcome->probes) {
      if (!p.meets_slo && p.value == r.outcome->search.fails) failing = &p;
    }
    fails_on.push_back(failing ? broken_bounds(*failing, plan.search.slo) : "");
    kv_failing.push_back(failing ? failing->kv_utilization_max : kNaN);
    auto v = [&](double x) { return at ? x : kNaN; };
    kv_at.push_back(v(at ? at->kv_utilization_max : 0));
    const sim::WindowMetrics w = at ? at->window : sim::WindowMetrics{};
    rate.push_back(v(at ? at->requests_per_s : 0));
    window_rate.push_back(v(w.requests_per_s()));
    replicas.push_back(v(at ? static_cast<double>(at->replicas) : 0));
    window_start.push_back(v(w.window.start_s));
    window_end.push_back(v(w.window.end_s));
    window_requests.push_back(at ? w.requests : 0);
    ttft.push_back(v(w.ttft_s));
    tpot.push_back(v(w.tpot_s));
    ttft50.push_back(v(w.ttft_p50_s));
    ttft90.push_back(v(w.ttft_p90_s));
    ttft99.push_back(v(w.ttft_p99_s));
    tpot50.push_back(v(w.tpot_p50_s));
    tpot90.push_back(v(w.tpot_p90_s));
    tpot99.push_back(v(w.tpot_p99_s));
    const double len = w.window.length_s();
    in_tps.push_back(v(len > 0 ? w.prompt_tokens / len : 0));
    out_tps.push_back(v(len > 0 ? w.output_tokens / len : 0));
    cached_frac.push_back(v(w.prompt_tokens > 0 ? w.cached_prompt_tokens / w.prompt_tokens : 0));
    tok_per_req.push_back(v(w.requests > 0 ? w.tokens() / static_cast<double>(w.requests) : 0));
    busy.push_back(v(at ? at->busy_fraction : 0));
    prefill_share.push_back(v(at ? at->prefill_share : 0));
    cached_share.push_back(v(at ? at->cached_share_of_prefill : 0));
  }
  const std::string unit = plan.search.kind == SearchKind::rate ? "1/s" : "";
  t.add("model", "", "model id", std::move(model))
      .add("hardware", "", "hardware id", std::move(hardware))
      .add("engine", "", "engine id", std::move(engine))
      .add("tensor_parallel", "", "GPUs per replica", std::move(tp))
      .add("search", "", "what was searched: rate (highest arrival rate) or replicas (fewest replicas)",
           std::vector<std::string>(runs.size(), search_name(plan)))
      .add("status", "", "found | none_meet (nothing in the range meets the SLO) | all_meet (the range's top meets)",
           std::move(status))
      .add("capacity", unit,
           "rate: highest probed arrival rate meeting the SLO; replicas: fewest replicas meeting it (0: none)",
           std::move(capacity))
      .add("first_failing", unit,
           "rate: lowest probed rate failing the SLO (<= capacity x (1 + tolerance)); replicas: most replicas failing",
           std::move(fails))
      .add("probes", "", "simulations the search ran", std::move(probes))
      .add("first_failing_broke", "", "the bounds the first failing probe broke: ttft, tpot, ttft+tpot, unfinished",
           std::move(fails_on))
      .add("kv_utilization_max", "", "KV blocks pinned / total, maximum over the capacity probe's run",
           std::move(kv_at))
      .add("first_failing_kv_utilization_max", "", "the same over the first failing probe's run (1 = KV memory full)",
           std::move(kv_failing))
      .add("requests_per_s", "1/s", "the configured arrival rate at capacity (chat: sessions/s)", std::move(rate))
      .add("window_requests_per_s", "1/s", "requests that arrived in the window / window length (chat: turns)",
           std::move(window_rate))
      .add("replicas", "", "replicas at capacity", std::move(replicas))
      .add("window_start_s", "s", "steady-state window at capacity: first arrival time measured",
           std::move(window_start))
      .add("window_end_s", "s", "steady-state window at capacity: last arrival time measured", std::move(window_end))
      .add("window_requests", "", "requests that arrived in the window", std::move(window_requests))
      .add("ttft_slo_percentile_s", "s", "TTFT at the SLO's percentile over the window", std::move(ttft))
      .add("tpot_slo_percentile_s", "s", "TPOT at the SLO's percentile over the window", std::move(tpot))
      .add("ttft_p50_s", "s", "TTFT median over the window", std::move(ttft50))
      .add("ttft_p90_s", "s", "TTFT 90th percentile over the window", std::move(ttft90))
      .add("ttft_p99_s", "s", "TTFT 99th percentile over the window", std::move(ttft99))
      .add("tpot_p50_s", "s", "TPOT median over the window", std::move(tpot50))
      .add("tpot_p90_s", "s", "TPOT 90th percentile over the window", std::move(tpot90))
      .add("tpot_p99_s", "s", "TPOT 99th percentile over the window", std::move(tpot99))
      .add("input_tok_per_s", "tokens/s", "prompt tokens of the window's requests / window length", std::move(in_tps))
      .add("output_tok_per_s", "tokens/s", "output tokens of the window's requests / window length", std::move(out_tps))
      .add("cached_input_fraction", "", "prompt tokens served from the prefix cache / prompt tokens, window",
           std::move(cached_frac))
      .add("tokens_per_request", "tokens", "prompt + output tokens per request, window", std::move(tok_per_req))
      .add("busy_fraction", "", "replicas' iteration time / (replicas x simulated time), whole run", std::move(busy))
      .add("prefill_share", "", "share of busy time attributed to prefill", std::move(prefill_share))
      .add("cached_share_of_prefill", "", "share of prefill FLOPs caused by cached prompt tokens",
           std::move(cached_share));
  return t;
}

h5::Table probes_table(const CapacityPlan& plan, const std::vector<PointRun>& runs) {
  std::vector<const CapacityPoint*> rows;
  std::vector<I64> probe, meets, window_requests, finished, replicas, preemptions;
  std::vector<double> value, rate, ttft, tpot, ttft99, tpot99, start, end, busy, in_tps, out_tps, kv_max;
  for (const auto& r : runs) {
    for (std::size_t i = 0; i < r.outcome->probes.size(); ++i) {
      const auto& p = r.outcome->probes[i];
      rows.push_back(r.point);
      probe.push_back(static_cast<I64>(i));
      value.push_back(p.value);
      rate.push_back(p.requests_per_s);
      replicas.push_back(p.replicas);
      meets.push_back(p.meets_slo ? 1 : 0);
      window_requests.push_back(p.window.requests);
      finished.push_back(p.window.finished);
      ttft.push_back(p.window.ttft_s);
      tpot.push_back(p.window.tpot_s);
      ttft99.push_back(p.window.ttft_p99_s);
      tpot99.push_back(p.window.tpot_p99_s);
      start.push_back(p.window.window.start_s);
      end.push_back(p.window.window.end_s);
      busy.push_back(p.busy_fraction);
      kv_max.push_back(p.kv_utilization_max);
      preemptions.push_back(p.preemptions);
      const double len = p.window.window.length_s();
      in_tps.push_back(len > 0 ? p.window.prompt_tokens / len : 0);
      out_tps.push_back(len > 0 ? p.window.output_tokens / len : 0);
    }
  }
  h5::Table t;
  add_point_columns(t, plan, rows);
  t.add("probe", "", "order in which the search ran it", std::move(probe))
      .add("value", plan.search.kind == SearchKind::rate ? "1/s" : "", "the searched value (rate or replicas)",
           std::move(value))
      .add("requests_per_s", "1/s", "arrival rate", std::move(rate))
      .add("replicas", "", "replicas", std::move(replicas))
      .add("meets_slo", "", "1 when the window's percentiles meet the SLO and every windowed request finished",
           std::move(meets))
      .add("window_requests", "", "requests that arrived in the steady-state window", std::move(window_requests))
      .add("window_finished", "", "of those, finished", std::move(finished))
      .add("window_start_s", "s", "steady-state window: first arrival time measured", std::move(start))
      .add("window_end_s", "s", "steady-state window: last arrival time measured", std::move(end))
      .add("ttft_slo_percentile_s", "s", "TTFT at the SLO's percentile", std::move(ttft))
      .add("tpot_slo_percentile_s", "s", "TPOT at the SLO's percentile", std::move(tpot))
      .add("ttft_p99_s", "s", "TTFT 99th percentile", std::move(ttft99))
      .add("tpot_p99_s", "s", "TPOT 99th percentile", std::move(tpot99))
      .add("busy_fraction", "", "replicas' iteration time / (replicas x simulated time)", std::move(busy))
      .add("kv_utilization_max", "", "KV blocks pinned / total: maximum over the run (1 = KV memory full)",
           std::move(kv_max))
      .add("preemptions", "", "sequences preempted for KV memory over the run", std::move(preemptions))
      .add("input_tok_per_s", "tokens/s", "prompt tokens of windowed requests / window length", std::move(in_tps))
      .add("output_tok_per_s", "tokens/s", "output tokens of windowed requests / window length", std::move(out_tps));
  return t;
}

h5::Table costs_table(const CapacityPlan& plan, const std::vector<PointRun>& runs) {
  std::vector<const CapacityPoint*> rows;
  std::vector<std::string> name, kind, description;
  std::vector<I64> probe, at_capacity;
  std::vector<double> gpu_hour, per_hour, uncached, cached, output, all;
  for (const auto& r : runs) {
    for (const auto& s : r.economics.scenarios) {
      // One row per probe; at_capacity = 1 on the capacity probe's row.
      for (std::size_t i = 0; i < s.probes.size(); ++i) {
        rows.push_back(r.point);
        name.push_back(s.name);
        kind.push_back(s.kind);
        description.push_back(s.description);
        probe.push_back(static_cast<I64>(i));
        at_capacity.push_back(static_cast<int>(i) == r.outcome->at ? 1 : 0);
        const auto& c = s.probes[i];
        gpu_hour.push_back(c.gpu_hour.total_usd_per_gpu_hour());
        per_hour.push_back(c.tokens.usd_per_hour);
        uncached.push_back(c.tokens.usd_per_m_input_uncached);
        cached.push_back(c.tokens.usd_per_m_input_cached);
        output.push_back(c.tokens.usd_per_m_output);
        all.push_back(c.tokens.usd_per_m_tokens);
      }
    }
  }
  h5::Table t;
  add_point_columns(t, plan, rows);
  t.add("cost", "", "cost scenario ([costs.<name>])", std::move(name))
      .add("cost_kind", "", "rent | own", std::move(kind))
      .add("cost_description", "", "the prices the scenario used", std::move(description))
      .add("probe", "", "the probe priced (row of /probes with the same run)", std::move(probe))
      .add("at_capacity", "", "1 on the probe at the SLO capacity", std::move(at_capacity))
      .add("usd_per_gpu_hour", "USD/h", "one GPU-hour at the probe's busy fraction", std::move(gpu_hour))
      .add("usd_per_hour", "USD/h", "the cluster's cost per hour", std::move(per_hour))
      .add("usd_per_m_input_uncached", "USD/Mtok", "prefill cost of uncached prompt tokens / million of them",
           std::move(uncached))
      .add("usd_per_m_input_cached", "USD/Mtok",
           "prefill cost caused by cached prompt tokens / million of them (NaN: none)", std::move(cached))
      .add("usd_per_m_output", "USD/Mtok", "decode cost / million output tokens", std::move(output))
      .add("usd_per_m_tokens", "USD/Mtok", "cost / million prompt + output tokens (blended)", std::move(all));
  return t;
}

h5::Table cost_components_table(const std::vector<PointRun>& runs) {
  std::vector<I64> run;
  std::vector<std::string> name, component, billing;
  std::vector<double> gpu_hour, per_m;
  for (const auto& r : runs) {
    if (r.outcome->at < 0) continue;
    for (const auto& s : r.economics.scenarios) {
      const auto& c = s.at_capacity;
      for (std::size_t i = 0; i < c.gpu_hour.components.size(); ++i) {
        run.push_back(static_cast<I64>(r.point->index));
        name.push_back(s.name);
        component.push_back(c.gpu_hour.components[i].name);
        billing.push_back(std::string(sim::billing_name(c.gpu_hour.components[i].billing)));
        gpu_hour.push_back(c.gpu_hour.components[i].usd_per_gpu_hour);
        per_m.push_back(c.tokens.usd_per_m_tokens_by_component[i].second);
      }
    }
  }
  h5::Table t;
  t.add("run", "", "sweep point", std::move(run))
      .add("cost", "", "cost scenario", std::move(name))
      .add("component", "", "rent | capex | network | hosting | ops | power", std::move(component))
      .add("billing", "", "active: paid per GPU-hour in use; provisioned: paid for every provisioned GPU all day",
           std::move(billing))
      .add("usd_per_gpu_hour", "USD/h", "this component of one GPU-hour at capacity", std::move(gpu_hour))
      .add("usd_per_m_tokens", "USD/Mtok", "this component's share of the blended $/M tokens at capacity",
           std::move(per_m));
  return t;
}

h5::Table fleet_table(const std::vector<PointRun>& runs) {
  std::vector<I64> run, peak;
  std::vector<std::string> name;
  std::vector<double> tokens, active, provisioned, util, usd, per_m;
  for (const auto& r : runs) {
    for (const auto& s : r.economics.scenarios) {
      for (const auto& day : s.fleet) {
        run.push_back(static_cast<I64>(r.point->index));
        name.push_back(s.name);
        tokens.push_back(day.tokens_per_day);
        peak.push_back(day.peak_replicas);
        active.push_back(day.active_gpu_hours);
        provisioned.push_back(day.provisioned_gpu_hours);
        util.push_back(day.mean_utilisation);
        usd.push_back(day.usd_per_day);
        per_m.push_back(day.usd_per_m_tokens);
      }
    }
  }
  h5::Table t;
  t.add("run", "", "sweep point", std::move(run))
      .add("cost", "", "cost scenario", std::move(name))
      .add("tokens_per_day", "tokens", "demand: prompt + output tokens per day", std::move(tokens))
      .add("peak_replicas", "", "replicas in the busiest hour", std::move(peak))
      .add("active_gpu_hours", "h", "GPU-hours of replicas in use, per day", std::move(active))
      .add("provisioned_gpu_hours", "h", "peak replicas x GPUs x 24 h", std::move(provisioned))
      .add("mean_utilisation", "", "requests served / SLO capacity of the replicas in use, over the day",
           std::move(util))
      .add("usd_per_day", "USD", "the fleet's cost per day", std::move(usd))
      .add("usd_per_m_tokens", "USD/Mtok", "usd_per_day / million tokens per day (effective $/M)", std::move(per_m));
  return t;
}

h5::Table api_table(const std::vector<PointRun>& runs) {
  std::vector<I64> run;
  std::vector<std::string> id, provider, model, quality, date, source;
  std::vector<double> in, cached, out, standard, batch, blended, mix_uncached, mix_cached, mix_out;
  for (const auto& r : runs) {
    const auto& apis = r.point->compare.apis;
    for (std::size_t i = 0; i < apis.size(); ++i) {
      const auto& a = apis[i];
      run.push_back(static_cast<I64>(r.point->index));
      id.push_back(a.id);
      provider.push_back(a.provider);
      model.push_back(a.model);
      quality.push_back(a.quality_key());
      date.push_back(a.date);
      source.push_back(a.source);
      in.push_back(a.input_usd_per_mtok);
      cached.push_back(a.cache_hit_input_usd_per_mtok > 0 ? a.cache_hit_input_usd_per_mtok : kNaN);
      out.push_back(a.output_usd_per_mtok);
      standard.push_back(r.economics.api[i].standard_usd_per_m_tokens);
      batch.push_back(r.economics.api[i].batch_usd_per_m_tokens);
      blended.push_back(r.economics.api[i].usd_per_m_tokens);
      mix_uncached.push_back(r.economics.api_mix.uncached_input);
      mix_cached.push_back(r.economics.api_mix.cached_input);
      mix_out.push_back(r.economics.api_mix.output);
    }
  }
  h5::Table t;
  t.add("run", "", "sweep point (its token mix prices the API)", std::move(run))
      .add("api", "", "data/prices/api.toml id", std::move(id))
      .add("provider", "", "", std::move(provider))
      .add("api_model", "", "the model as the price list names it", std::move(model))
      .add("quality_id", "", "the model's id in data/quality/scores.toml (\"\" if unknown)", std::move(quality))
      .add("usd_per_m_input", "USD/Mtok", "list price: input (cache miss)", std::move(in))
      .add("usd_per_m_input_cached", "USD/Mtok", "list price: cache-hit input (NaN: none listed)", std::move(cached))
      .add("usd_per_m_output", "USD/Mtok", "list price: output", std::move(out))
      .add("uncached_input_fraction", "", "share of tokens priced as uncached input", std::move(mix_uncached))
      .add("cached_input_fraction", "", "share of tokens priced as cache-hit input", std::move(mix_cached))
      .add("output_fraction", "", "share of tokens priced as output", std::move(mix_out))
      .add("standard_usd_per_m_tokens", "USD/Mtok", "the mix at standard prices", std::move(standard))
      .add("batch_usd_per_m_tokens", "USD/Mtok", "the mix at batch prices (NaN: no batch price)", std::move(batch))
      .add("usd_per_m_tokens", "USD/Mtok", "the mix with compare.batch_fraction of it at batch prices",
           std::move(blended))
      .add("price_date", "", "", std::move(date))
      .add("price_source", "", "", std::move(source));
  return t;
}

h5::Table break_even_table(const std::vector<PointRun>& runs) {
  std::vector<I64> run;
  std::vector<std::string> name, api, status;
  std::vector<double> tokens, api_usd_month;
  for (const auto& r : runs) {
    for (const auto& s : r.economics.scenarios) {
      for (std::size_t i = 0; i < s.break_even.size(); ++i) {
        run.push_back(static_cast<I64>(r.point->index));
        name.push_back(s.name);
        api.push_back(r.point->compare.apis[i].id);
        status.push_back(sim::break_even_status_name(s.break_even[i].status));
        tokens.push_back(s.break_even[i].tokens_per_day);
        api_usd_month.push_back(s.break_even[i].tokens_per_day / 1e6 * r.economics.api[i].usd_per_m_tokens * 365.0 /
                                12.0);
      }
    }
  }
  h5::Table t;
  t.add("run", "", "sweep point", std::move(run))
      .add("cost", "", "cost scenario", std::move(name))
      .add("api", "", "data/prices/api.toml id", std::move(api))
      .add("status", "", "crosses | self_host_always_cheaper | api_always_cheaper (within the demand range)",
           std::move(status))
      .add("tokens_per_day", "tokens", "volume from which self-hosting stays cheaper to the range's top (NaN: never)",
           std::move(tokens))
      .add("api_usd_per_month", "USD", "the API's bill at that volume (30.4 days)", std::move(api_usd_month));
  return t;
}

h5::Table demand_shape_table(const std::vector<PointRun>& runs) {
  std::vector<I64> run, hour;
  std::vector<std::string> shape;
  std::vector<double> fraction, peak;
  for (const auto& r : runs) {
    if (!r.point->demand.present) continue;
    for (int h = 0; h < 24; ++h) {
      run.push_back(static_cast<I64>(r.point->index));
      hour.push_back(h);
      shape.push_back(r.point->demand.shape.name);
      fraction.push_back(r.point->demand.shape.hourly_fraction[static_cast<std::size_t>(h)]);
      peak.push_back(r.point->demand.shape.peak_factor);
    }
  }
  h5::Table t;
  t.add("run", "", "sweep point", std::move(run))
      .add("hour", "", "hour of the day (the shape's time zone)", std::move(hour))
      .add("shape", "", "data/demand/diurnal.toml id or flat", std::move(shape))
      .add("hourly_fraction", "", "share of the day's tokens in this hour", std::move(fraction))
      .add("peak_factor", "", "within-hour peak / hourly mean rate provisioned for", std::move(peak));
  return t;
}

h5::Table quality_table(const std::vector<PointRun>& runs, const std::vector<config::QualityScore>& scores) {
  std::set<std::string> wanted;
  for (const auto& r : runs) {
    wanted.insert(r.point->base.model.id);
    for (const auto& a : r.point->compare.apis) {
      if (!a.quality_key().empty()) wanted.insert(a.quality_key());
    }
  }
  std::vector<std::string> id, benchmark, variant, date, source;
  std::vector<double> score;
  std::vector<I64> self;
  for (const auto& s : scores) {
    if (wanted.count(s.model_id) == 0) continue;
    id.push_back(s.model_id);
    benchmark.push_back(s.benchmark);
    score.push_back(s.score_percent);
    variant.push_back(s.variant);
    self.push_back(s.self_reported ? 1 : 0);
    date.push_back(s.date);
    source.push_back(s.source);
  }
  h5::Table t;
  t.add("quality_id", "", "data/models id or api:<name> (data/quality/scores.toml)", std::move(id))
      .add("benchmark", "", "", std::move(benchmark))
      .add("score_percent", "%", "published score: DATA, not simulated", std::move(score))
      .add("variant", "", "mode, shots, harness: only equal variants compare", std::move(variant))
      .add("self_reported", "", "1: published by the model's vendor; 0: third-party measurement", std::move(self))
      .add("date", "", "", std::move(date))
      .add("source", "", "", std::move(source));
  return t;
}

}  // namespace moelab::lab
