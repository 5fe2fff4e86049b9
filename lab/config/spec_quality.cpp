#include "lab/config/spec_quality.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lab/config/spec_loaders.hpp"
#include "lab/config/strict_toml.hpp"

namespace moelab::config {

std::vector<QualityScore> load_quality_scores() {
  const auto path = data_dir() / "quality" / "scores.toml";
  const toml::table doc = parse_file(path);
  StrictTable root(doc, path.string());
  const auto models = list_ids("models");
  std::vector<QualityScore> out;
  for (auto& t : root.tables("score")) {
    QualityScore s;
    s.model_id = t.string("model_id");
    if (s.model_id.rfind("api:", 0) != 0 && std::find(models.begin(), models.end(), s.model_id) == models.end()) {
      t.fail("model_id", fmt::format("'{}' is neither a data/models id nor \"api:<name>\"", s.model_id));
    }
    s.benchmark = t.string("benchmark");
    s.score_percent = t.non_negative_number("score_percent");
    if (s.score_percent > 100) t.fail("score_percent", fmt::format("must be <= 100, got {}", s.score_percent));
    s.variant = t.string("variant");
    s.self_reported = t.boolean("self_reported");
    s.date = t.string("date");
    s.source = t.string("source");
    if (s.source.empty()) t.fail("source", "must not be empty");
    t.finish();
    out.push_back(std::move(s));
  }
  root.finish();
  return out;
}

}  // namespace moelab::config
