#pragma once
// The A/B harness: runs one case (op + shape) across several variants, checks each against the
// ref oracle, then times them interleaved until the medians are precise enough or time runs out.
//
// Per case: make_case (InputError for impossible shapes) -> fill inputs with the case's seed ->
// reference -> per variant: unavailable -> "skipped"; !supports -> "unsupported"; prepare, poison
// the output, run once, copy back, check (fail -> "wrong", not timed; an exception -> "error").
// Then timing of the "ok" variants: warm-up runs, then rounds in a rotated order (round r starts
// at variant r mod k, cancelling drift and order effects). In a round every active variant takes
// about as much time as the slowest one's single sample (samples_this_round, stats.hpp), so a
// slow baseline does not starve fast variants of samples. A cold sample is preceded by an L2 /
// LLC flush (FlushMethod; default "read", which leaves L2 clean). A variant leaves the rotation
// once it has >= min_samples and its noise (relative half-width of the median's 95% CI,
// stats.hpp) is <= the target, or at max_samples; the case stops when none is left or at the
// time cap. GPU samples whose measured SM clock shows throttling are dropped (NVBench's rule),
// as are samples whose blocking kernel timed out (launch latency would be in them).
// Each variant is compared with the baseline (the first variant) by a seeded bootstrap CI of the
// ratio of medians, and judged with an equivalence margin (verdict_of).
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/input_error.hpp"
#include "kernels/common/case_statistics.hpp"
#include "kernels/common/registry.hpp"
#include "lab/ab/anchors.hpp"
#include "lab/ab/stats.hpp"

namespace moelab::ab {

struct AbOptions {
  bool cold_cache = true;  // flush L2 (GPU) / LLC (CPU) before every sample
  bool batch = false;      // hot L2, each sample = back-to-back launches (needs cold_cache off)
  kernels::FlushMethod flush = kernels::FlushMethod::read;  // how a cold sample's L2 is emptied
  double max_time_s = 5.0;                                  // cap on one case's warm-up + timing phase
  std::int64_t min_samples = 20;                            // per variant
  std::int64_t max_samples = 100000;
  double noise = 0.01;           // target relative half-width of each median's 95% CI
  std::int64_t warmup_runs = 3;  // per variant, untimed, after the checked run
  std::uint64_t seed = 1;
  int bootstrap_resamples = 2000;
  double equivalence_margin = kDefaultEquivalenceMargin;  // SAME within +-margin (verdict_of)
  double throttle_threshold = kDefaultThrottleThreshold;  // drop samples below this x default clock
  double throttle_recovery_s = 0.05;                      // pause after a throttled sample (NVBench's default)
  double batch_target_s = 200e-6;        // batch mode: launches per sample until a sample lasts this long
  int max_batch = 64;                    // ... at most this many launches per sample
  bool flush_bias = false;               // after timing, sample each variant under every flush method
  std::int64_t flush_bias_samples = 20;  // per variant and method
  // Every variant must run: "skipped" and "unsupported" count as failures (scripts/device-check.sh).
  bool strict = false;
};

// Throws InputError naming `origin` when the options make no sense (noise <= 0, ...).
void validate(const AbOptions& o, const std::string& origin);

// "implausible": timed, but faster than the hardware allows (sanity.hpp); counts as a failure.
enum class Status { ok, wrong, unsupported, skipped, error, implausible };
std::string_view to_string(Status s);  // "ok" | "wrong" | "unsupported" | "skipped" | "error" | "implausible"

inline constexpr double kUnmeasured = std::numeric_limits<double>::quiet_NaN();

// One timed sample with what was observed around it. NaN = not measured (CPU rows, no NVML).
struct SampleRecord {
  double time_s = 0;     // per launch (a batch sample's total / launches)
  bool accepted = true;  // false: dropped (see rejected)
  std::string rejected;  // "" | "throttled" | "blocker timed out"
  int launches = 1;
  double host_launch_s = kUnmeasured;     // host time to enqueue the sample's launches
  double sm_clock_hz = kUnmeasured;       // measured over the sample (clock64 / globaltimer)
  double nvml_sm_clock_hz = kUnmeasured;  // NVML's current SM clock, read after the sample
  double temperature_c = kUnmeasured;
  double power_w = kUnmeasured;
  std::int64_t clock_event_reasons = -1;  // NVML bitmask; -1 unknown
};

// Medians of one variant's samples under each flush method (AbOptions::flush_bias).
struct FlushBias {
  kernels::FlushMethod method = kernels::FlushMethod::read;
  std::int64_t samples = 0;
  double median_s = 0;
};

struct VariantOutcome {
  std::string variant;  // "cuda.flash_mma"
  std::string backend;  // "cuda"
  Status status = Status::skipped;
  std::string detail;  // why it was skipped/unsupported/wrong/error/implausible
  kernels::CheckResult check;
  std::vector<double> samples_s;       // accepted samples, in the order taken
  std::vector<SampleRecord> records;   // every sample taken, accepted or not, in order
  std::int64_t throttled_samples = 0;  // dropped as throttled
  std::int64_t blocked_timeouts = 0;   // dropped because the blocking kernel timed out
  SampleSummary summary;
  double rel_noise = 0;  // relative_median_ci_halfwidth(samples_s)
  double host_launch_median_s = kUnmeasured;
  double sm_clock_median_hz = kUnmeasured;
  bool has_ratio = false;
  RatioCI ratio;  // vs the baseline; meaningful when has_ratio
  Verdict verdict = Verdict::same;
  std::vector<kernels::LaunchInfo> launches;  // GPU kernels of one run (first run)
  std::string library_calls;                  // launches it makes through libraries (cuBLAS)
  std::vector<FlushBias> flush_bias;
};

struct CaseOutcome {
  std::string op;
  std::string label;                    // unique within a run: "00_llama3-8b"
  std::string shape_text;               // OpCase::shape_text()
  std::vector<kernels::ShapeDim> dims;  // OpCase::shape_dims()
  kernels::PeakKind peak_kind = kernels::PeakKind::bf16;
  double flops = 0;
  double bytes = 0;
  std::string baseline;  // first variant's full name
  std::vector<VariantOutcome> variants;
  std::int64_t rounds = 0;
  double timing_wall_s = 0;
  bool time_capped = false;  // stopped by max_time_s, not by the noise target
  // Tokens per expert and load imbalance, for cases implementing kernels::HasExpertLoad (router,
  // grouped GEMM); taken once the inputs exist, so absent when no variant could run here.
  std::optional<kernels::ExpertLoad> expert_load;
  std::optional<Anchor> anchor;  // the case's public reference point (anchors.hpp), if named
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

// After a cuda variant's error left the CUDA context unusable (a sticky error: illegal address,
// ...), every later cuda variant of this process reports "error" with this reason instead of
// running ("" while the context is fine). Run op families in separate processes to keep one
// family's crash from hiding the others (scripts/device-check.sh does).
const std::string& cuda_context_lost();

}  // namespace moelab::ab
