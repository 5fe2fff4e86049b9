#pragma once
// The A/B harness: runs one case (op + shape) across several variants, checks each against the
// ref oracle, then times them interleaved until the medians are precise enough or time runs out.
//
// Per case: make_case (InputError for impossible shapes) -> fill inputs with the case's seed ->
// reference -> per variant: unavailable -> "skipped"; !supports -> "unsupported"; prepare, poison
// the output, run once, copy back, check (fail -> "wrong", not timed; an exception -> "error").
// Then timing of the "ok" variants: warm-up runs, then rounds of one sample per variant in a
// rotated order (round r starts at variant r mod k, cancelling drift and order effects), a cache
// flush before each sample when cold. Stop when every variant has >= min_samples and its noise
// (relative half-width of the median's 95% CI, stats.hpp) is <= the target, or at the time cap.
// Each variant is compared with the baseline (the first variant) by a seeded bootstrap CI of the
// ratio of medians.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/common/case_statistics.hpp"
#include "kernels/common/registry.hpp"
#include "lab/ab/stats.hpp"
#include "base/input_error.hpp"

namespace moelab::ab {

struct AbOptions {
  bool cold_cache = true;         // flush L2 (GPU) / LLC (CPU) before every sample
  double max_time_s = 5.0;        // cap on one case's warm-up + timing phase
  std::int64_t min_samples = 10;  // per variant
  std::int64_t max_samples = 100000;
  double noise = 0.01;            // target relative half-width of each median's 95% CI
  std::int64_t warmup_runs = 3;   // per variant, untimed, after the checked run
  std::uint64_t seed = 1;
  int bootstrap_resamples = 2000;
};

// Throws InputError naming `origin` when the options make no sense (noise <= 0, ...).
void validate(const AbOptions& o, const std::string& origin);

enum class Status { ok, wrong, unsupported, skipped, error };
std::string_view to_string(Status s);  // "ok" | "wrong" | "unsupported" | "skipped" | "error"

struct VariantOutcome {
  std::string variant;  // "cuda.flash_mma"
  std::string backend;  // "cuda"
  Status status = Status::skipped;
  std::string detail;   // why it was skipped/unsupported/wrong/error
  kernels::CheckResult check;
  std::vector<double> samples_s;  // in the order taken
  SampleSummary summary;
  double rel_noise = 0;  // relative_median_ci_halfwidth(samples_s)
  bool has_ratio = false;
  RatioCI ratio;         // vs the baseline; meaningful when has_ratio
  Verdict verdict = Verdict::same;
};

struct CaseOutcome {
  std::string op;
  std::string label;       // unique within a run: "00_llama3-8b"
  std::string shape_text;  // OpCase::shape_text()
  double flops = 0;
  double bytes = 0;
  std::string baseline;    // first variant's full name
  std::vector<VariantOutcome> variants;
  std::int64_t rounds = 0;
  double timing_wall_s = 0;
  bool time_capped = false;  // stopped by max_time_s, not by the noise target
  // Tokens per expert and load imbalance, for cases implementing kernels::HasExpertLoad (router,
  // grouped GEMM); taken once the inputs exist, so absent when no variant could run here.
  std::optional<kernels::ExpertLoad> expert_load;
};

// "ref.naive,cuda.flash" -> variants of `op`; unknown names throw InputError at `where`, except
// names of a backend this build left out (kernels/common/not_built_variant.hpp): those resolve to a
// placeholder the run reports "skipped" with detail "not built: ...", and names of a backend whose
// library did not load (Registry::load_error), reported "skipped" with the loader's message.
// Naming a cuda variant opens the CUDA backend library (kernels/common/cuda_backend.hpp).
std::vector<const kernels::Variant*> resolve_variants(const kernels::Registry& reg, const std::string& op,
                                                      const std::vector<std::string>& names,
                                                      const SourceLocation& where);

// Runs one case. `case_index` picks the case's input seed (derived from options.seed) and its label.
CaseOutcome run_case(const kernels::OpInfo& op, const kernels::ShapeArgs& shape,
                     const std::vector<const kernels::Variant*>& variants, const AbOptions& options,
                     std::size_t case_index);

}  // namespace moelab::ab
