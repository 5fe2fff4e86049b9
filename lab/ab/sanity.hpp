#pragma once
// The sanity bound on every timed GPU row: a kernel cannot beat the hardware. A measured rate
// above 1.05 x the GPU's peak means the timing or the FLOP/byte formula is wrong (a kernel that
// exits early passes its check only if the output was right anyway, so the bound is the second
// line of defence); such a row becomes "implausible", which fails the run.
//   FLOP/s  <= 1.05 x the dense tensor-core peak of the op's kind (bf16, or fp8 for fp8 ops)
//   B/s     <= 1.05 x the HBM bandwidth, for cold samples only (hot and batch samples may be
//              served from L2, which is faster than HBM)
// Rows of CPU backends are not bounded (no CPU peak is known); neither are rows without a peak.
#include "lab/ab/environment.hpp"
#include "lab/ab/harness.hpp"

namespace moelab::ab {

inline constexpr double kSanityPeakFactor = 1.05;

// Marks the case's "ok" rows that break the bound as Status::implausible (detail says which
// rate and which peak). Returns how many it marked.
int apply_sanity_bound(CaseOutcome& c, const AbEnvironment& env, const AbOptions& options);

}  // namespace moelab::ab
