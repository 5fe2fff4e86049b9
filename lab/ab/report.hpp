#pragma once
// A/B results out: the compact verdict table on stdout (report.cpp) and the HDF5 layout of
// lab/h5/SCHEMA.md ("Kernel A/B files", report_h5.cpp), written through the one writer.
#include <ostream>
#include <vector>

#include "lab/ab/environment.hpp"
#include "lab/ab/harness.hpp"
#include "lab/h5/writer.hpp"

namespace moelab::ab {

// Throughput and % of peak for one variant row (NaN where undefined: no samples, no peak, or a
// CPU backend, whose peak is not known). The FLOP peak is the one of the case's kind (bf16/fp8).
struct RowRates {
  double flops_per_s = 0;
  double bytes_per_s = 0;
  double pct_peak_flops = 0;
  double pct_peak_bw = 0;
};
RowRates rates_of(const CaseOutcome& c, const VariantOutcome& v, const AbEnvironment& env);

// Ratios of a row to its case's anchor (anchors.hpp); NaN without an anchor or a rate.
struct AnchorRatios {
  double ratio = 0;              // this row's metric / the anchor's value
  double ratio_peak_scaled = 0;  // (row / this GPU's peak) / (anchor / the anchor GPU's peak)
};
AnchorRatios anchor_ratios(const CaseOutcome& c, const VariantOutcome& v, const AbEnvironment& env);

// "1.234 ms", "56.7 us".
std::string format_seconds(double s);

void print_case(std::ostream& os, const CaseOutcome& c, const AbEnvironment& env);

// /summary, /ab/<op>/<case>/ (attributes, samples, telemetry, launches, flush bias), plus root
// attributes describing the device, the build and the options. The caller writes the provenance
// and commits.
void write_ab_results(h5::Writer& w, const std::vector<CaseOutcome>& cases, const AbEnvironment& env,
                      const AbOptions& options);

}  // namespace moelab::ab
