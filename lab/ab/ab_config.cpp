#include "lab/ab/ab_config.hpp"

#include <fmt/format.h>

namespace moelab::ab {
namespace {

std::string origin_text(const SourceLocation& where) {
  return where.line > 0 ? fmt::format("{}:{}", where.file, where.line) : where.file;
}

}  // namespace

AbPlan read_ab_plan(config::StrictTable& root, std::uint64_t seed) {
  root.mark_read("experiment");  // checked by the runner
  auto ab = root.table("ab");
  AbPlan plan;
  AbOptions& o = plan.options;
  o.seed = seed;
  o.cold_cache = ab.boolean_or("cold_l2", o.cold_cache);
  o.max_time_s = ab.positive_number_or("max_time_s", o.max_time_s);
  o.min_samples = ab.positive_integer_or("min_samples", o.min_samples);
  o.max_samples = ab.positive_integer_or("max_samples", o.max_samples);
  o.noise = ab.positive_number_or("noise", o.noise);
  o.warmup_runs = ab.non_negative_integer_or("warmup_runs", o.warmup_runs);
  o.bootstrap_resamples = static_cast<int>(ab.positive_integer_or("bootstrap_resamples", o.bootstrap_resamples));
  o.batch = ab.boolean_or("batch", o.batch);
  const std::string flush = ab.choice_or("flush", {"read", "write"}, "read");
  o.flush = flush == "write" ? kernels::FlushMethod::write : kernels::FlushMethod::read;
  o.flush_bias = ab.boolean_or("flush_bias", o.flush_bias);
  o.flush_bias_samples = ab.positive_integer_or("flush_bias_samples", o.flush_bias_samples);
  o.equivalence_margin = ab.non_negative_number_or("equivalence_margin", o.equivalence_margin);
  o.throttle_threshold = ab.non_negative_number_or("throttle_threshold", o.throttle_threshold);
  o.throttle_recovery_s = ab.non_negative_number_or("throttle_recovery_s", o.throttle_recovery_s);
  o.batch_target_s = ab.positive_number_or("batch_target_s", o.batch_target_s);
  o.max_batch = static_cast<int>(ab.positive_integer_or("max_batch", o.max_batch));
  o.strict = ab.boolean_or("strict", o.strict);
  plan.hardware_id = ab.string_or("hardware", "");
  try {
    validate(o, ab.file());
  } catch (const InputError& e) {
    ab.fail(e.key(), e.problem());
  }

  const std::string default_op = ab.string_or("op", "");
  const std::vector<std::string> default_variants =
      ab.has("variants") ? ab.string_array("variants") : std::vector<std::string>{};
  auto cases = ab.tables("cases");
  if (cases.empty()) ab.fail("cases", "add at least one [[ab.cases]] table");
  for (auto& c : cases) {
    AbCaseSpec spec;
    spec.op = c.string_or("op", default_op);
    if (spec.op.empty()) c.fail("op", "no op: set it in [ab] or in the case");
    spec.variants = c.has("variants") ? c.string_array("variants") : default_variants;
    spec.where = c.location_of(c.has("variants") ? "variants" : "op");
    if (spec.variants.empty()) c.fail("variants", "no variants: set them in [ab] or in the case");
    spec.shape.preset = c.string_or("preset", "");
    if (c.has("anchor")) {
      spec.anchor_where = c.location_of("anchor");
      spec.anchor = c.string("anchor");
    }
    if (c.has("preset")) spec.preset_location = c.location_of("preset");
    if (auto dims = c.table_if_present("dims")) {
      for (const auto& [key, node] : dims->raw()) {
        spec.shape.dims[std::string(key.str())] = dims->integer(key.str());
        spec.dim_locations[std::string(key.str())] = dims->location_of(key.str());
      }
      dims->finish();
    }
    spec.key_prefix = c.prefix();
    spec.shape.origin = origin_text(c.location_of(c.has("dims") ? "dims" : "preset"));
    c.finish();
    plan.cases.push_back(std::move(spec));
  }
  ab.finish();
  root.finish();
  return plan;
}

}  // namespace moelab::ab
