#pragma once
// data/quality/scores.toml: published benchmark scores. Quality is data, not simulation: moelab
// only carries these numbers next to its cost results.
#include <string>
#include <vector>

namespace moelab::config {

struct QualityScore {
  std::string model_id;   // a data/models id or "api:<name>"
  std::string benchmark;  // "GPQA-Diamond", "MMLU-Pro", ...
  double score_percent = 0;
  std::string variant;  // mode, shots, harness
  bool self_reported = true;
  std::string date;
  std::string source;
};

// Strict: every [[score]] has all fields, a score in [0, 100], a model_id naming a data/models file
// or starting with "api:", and a non-empty source.
std::vector<QualityScore> load_quality_scores();

}  // namespace moelab::config
