// `moelab ab OP --variants A,B[,C...] [--shape PRESET ... | --dim key=value[,value...] ...] [--cold-l2|--hot|--batch]
//   [--flush read|write] [--flush-bias] [--max-time-s T] [--min-samples N] [--noise 0.01] [--margin 0.02]
//   [--warmup N] [--seed S] [--hardware ID] [--strict] [-o OUT.h5]`
// The first variant is the baseline. Several --shape values give several cases (--dim applies to
// each); a --dim with several values (`--dim batch=1,2,4,8`) sweeps that dimension: one case per
// value, the product over every such --dim (the last given varying fastest). The harness is lab/ab/harness.hpp; the
// same run can be written as an experiment file (lab/ab/ab_config.hpp) — the HDF5 file stores that equivalent file as
// its config.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "base/input_error.hpp"
#include "lab/ab/ab_plan.hpp"
#include "lab/cli/command.hpp"

namespace moelab::cli {
namespace {

struct AbArgs {
  std::string op;
  std::vector<std::string> variants;
  std::vector<std::string> shapes;
  std::vector<std::string> dims;
  bool cold = false;
  bool hot = false;
  bool batch = false;
  std::string flush = "read";
  ab::AbOptions options;
  std::string hardware;
  std::string output;
};

// Every combination of the --dim values, the last --dim varying fastest.
std::vector<std::map<std::string, std::int64_t>> parse_dims(const std::vector<std::string>& dims) {
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> axes;
  for (const auto& d : dims) {
    const auto eq = d.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError({"--dim", 0, 0}, d, "expected key=value or key=v1,v2,...");
    const std::string key = d.substr(0, eq);
    std::vector<std::int64_t> values;
    std::size_t start = eq + 1;
    while (true) {
      const std::size_t comma = std::min(d.find(',', start), d.size());
      const std::string value = d.substr(start, comma - start);
      std::size_t used = 0;
      std::int64_t v = 0;
      try {
        v = std::stoll(value, &used);
      } catch (...) {
        used = 0;
      }
      if (used == 0 || used != value.size())
        throw InputError({"--dim", 0, 0}, key, "'" + value + "' is not an integer");
      if (std::find(values.begin(), values.end(), v) != values.end()) {
        throw InputError({"--dim", 0, 0}, key, "value " + value + " given twice");
      }
      values.push_back(v);
      if (comma == d.size()) break;
      start = comma + 1;
    }
    for (const auto& a : axes) {
      if (a.first == key) throw InputError({"--dim", 0, 0}, key, "given twice");
    }
    axes.emplace_back(key, std::move(values));
  }
  std::vector<std::map<std::string, std::int64_t>> out{{}};
  for (const auto& [key, values] : axes) {
    std::vector<std::map<std::string, std::int64_t>> next;
    for (const auto& partial : out) {
      for (std::int64_t v : values) {
        auto m = partial;
        m[key] = v;
        next.push_back(std::move(m));
      }
    }
    out = std::move(next);
  }
  return out;
}

int run_ab(const AbArgs& a, const std::string& command_line) {
  if (a.cold && a.hot) throw InputError({"--hot", 0, 0}, "", "--cold-l2 and --hot exclude each other");
  if (a.cold && a.batch)
    throw InputError({"--batch", 0, 0}, "", "--cold-l2 and --batch exclude each other (batch is hot)");
  if (a.flush != "read" && a.flush != "write") throw InputError({"--flush", 0, 0}, a.flush, "must be read or write");
  ab::AbPlan plan;
  plan.options = a.options;
  plan.options.cold_cache = !a.hot && !a.batch;
  plan.options.batch = a.batch;
  plan.options.flush = a.flush == "write" ? kernels::FlushMethod::write : kernels::FlushMethod::read;
  plan.hardware_id = a.hardware;
  const auto dim_points = parse_dims(a.dims);
  const std::vector<std::string> presets = a.shapes.empty() ? std::vector<std::string>{""} : a.shapes;
  for (const auto& preset : presets) {
    for (const auto& dims : dim_points) {
      ab::AbCaseSpec c;
      c.op = a.op;
      c.variants = a.variants;
      c.shape = kernels::ShapeArgs{preset, dims, preset.empty() ? "--dim" : "--shape " + preset};
      c.where = SourceLocation{"moelab ab", 0, 0};
      plan.cases.push_back(std::move(c));
    }
  }
  ab::AbOutput out;
  if (!a.output.empty()) out.path = a.output;
  out.command_line = command_line;
  out.config_toml = ab::plan_to_toml(plan, "ab-" + a.op);
  return ab::execute_plan(kernels::registry(), plan, out, std::cout);
}

}  // namespace

void add_ab_command(CLI::App& app, CliState& state) {
  auto a = std::make_shared<AbArgs>();
  CLI::App* sub = app.add_subcommand("ab", "A/B test kernel variants of one op: check against ref, time, compare");
  sub->add_option("op", a->op, "Op, e.g. attention.prefill (see `moelab list variants`)")->required();
  sub->add_option("--variants", a->variants, "Variants, comma-separated; the first is the baseline")
      ->required()
      ->delimiter(',');
  sub->add_option("--shape", a->shapes, "Named shape preset (repeatable: one case each)")->delimiter(',');
  sub->add_option(
      "--dim", a->dims,
      "Shape dimension key=value, overriding the preset (repeatable); key=v1,v2,... sweeps it: one case per value");
  sub->add_flag("--cold-l2", a->cold, "Flush L2 (GPU) / LLC (CPU) before every sample (default)");
  sub->add_flag("--hot", a->hot, "Do not flush caches between samples");
  sub->add_flag("--batch", a->batch, "Hot, with back-to-back launches per sample (per-launch time)");
  sub->add_option("--flush", a->flush, "Cold flush: read (leaves L2 clean) or write (leaves it dirty)")
      ->capture_default_str();
  sub->add_flag("--flush-bias", a->options.flush_bias, "Also time each variant after read / write / no flush");
  sub->add_option("--margin", a->options.equivalence_margin,
                  "Equivalence margin: SAME when the ratio's CI is within 1 +- this")
      ->capture_default_str();
  sub->add_flag("--strict", a->options.strict, "Skipped or unsupported variants fail the run (exit 1)");
  sub->add_option("--max-time-s", a->options.max_time_s, "Time cap per case, seconds")->capture_default_str();
  sub->add_option("--min-samples", a->options.min_samples, "Minimum samples per variant")->capture_default_str();
  sub->add_option("--max-samples", a->options.max_samples, "Maximum samples per variant")->capture_default_str();
  sub->add_option("--noise", a->options.noise, "Stop when every median's 95% CI half-width is below this fraction")
      ->capture_default_str();
  sub->add_option("--warmup", a->options.warmup_runs, "Untimed warm-up runs per variant")->capture_default_str();
  sub->add_option("--seed", a->options.seed, "Seed for inputs and the bootstrap")->capture_default_str();
  sub->add_option("--bootstrap", a->options.bootstrap_resamples, "Bootstrap resamples")->capture_default_str();
  sub->add_option("--hardware", a->hardware, "data/hardware id for % of peak (default: match the CUDA device)");
  sub->add_option("-o,--output", a->output, "Write the results to this HDF5 file");
  sub->callback([&state, a] {
    const std::string line = state.command_line;
    state.action = [a, line] { return run_ab(*a, line); };
  });
}

}  // namespace moelab::cli
