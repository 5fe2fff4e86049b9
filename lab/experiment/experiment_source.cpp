#include "lab/experiment/experiment_source.hpp"

#include <cctype>

#include "base/rng.hpp"
#include "lab/experiment/sweep.hpp"

namespace moelab::lab {

toml::table ExperimentSource::load() const {
  toml::table root = config::parse_file(config_path);
  for (const auto& o : overrides) apply_override_replacing_axes(root, o);
  return root;
}

std::filesystem::path ExperimentSource::config_dir() const {
  const auto dir = config_path.parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}

namespace {
bool is_file_name_safe(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (unsigned char c : name) {
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}
}  // namespace

ExperimentHeader read_header(config::StrictTable& root, const std::string& default_name) {
  ExperimentHeader h;
  h.name = default_name;
  if (auto e = root.table_if_present("experiment")) {
    h.name = e->string_or("name", default_name);
    if (!is_file_name_safe(h.name)) {
      e->fail("name", "'" + h.name + "' must be a plain file name (letters, digits, '-', '_', '.')");
    }
    h.description = e->string_or("description", "");
    h.kind = e->choice_or("kind", kExperimentKinds, "simulation");
    h.seed = static_cast<std::uint64_t>(e->non_negative_integer_or("seed", 0));
    h.seed_per_run = e->boolean_or("seed_per_run", false);
    h.run_index = static_cast<std::uint64_t>(e->non_negative_integer_or("run_index", 0));
    e->finish();
  }
  return h;
}

std::uint64_t seed_for_run(const ExperimentHeader& header, std::size_t run_index) {
  if (!header.seed_per_run) return header.seed;
  return derive_seed(header.seed, header.run_index + static_cast<std::uint64_t>(run_index));
}

}  // namespace moelab::lab
