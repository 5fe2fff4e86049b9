#include "lab/config/spec_loaders.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "lab/config/spec_fill.hpp"
#include "moelab_build_info.hpp"

namespace moelab::config {
namespace {

std::filesystem::path kind_dir(std::string_view kind) { return data_dir() / std::string(kind); }

// The file for `id`, or an InputError at `id_key` (in `section` when given) listing what exists.
std::filesystem::path file_for(std::string_view kind, std::string_view singular, const std::string& id,
                               const StrictTable* section) {
  const auto ids = list_ids(kind);
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return kind_dir(kind) / (id + ".toml");
  const std::string problem = fmt::format("unknown {} '{}'; available in {}: {}", singular, id, kind_dir(kind).string(),
                                          ids.empty() ? "(none)" : fmt::format("{}", fmt::join(ids, ", ")));
  if (section != nullptr) section->fail("id", problem);
  throw InputError({}, std::string(singular) + ".id", problem);
}

template <class Spec, class Fill>
Spec load(std::string_view kind, std::string_view singular, StrictTable* section, const std::string& id, Fill fill,
          toml::table* resolved = nullptr) {
  const bool inline_only = section != nullptr && section->boolean_or("resolved", false);
  std::optional<SpecReader> reader;
  if (inline_only) {
    reader.emplace(*section);
  } else {
    reader.emplace(file_for(kind, singular, id, section), section);
  }
  Spec spec = fill(*reader, id);
  reader->finish();
  if (resolved != nullptr) {
    *resolved = toml::table{{"id", id}, {"resolved", true}};
    for (const auto& [k, v] : reader->resolved()) resolved->insert_or_assign(k, v);
  }
  return spec;
}

}  // namespace

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("MOELAB_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return build_info::data_dir;
}

std::vector<std::string> list_ids(std::string_view kind) {
  std::vector<std::string> ids;
  std::error_code ec;
  const auto dir = kind_dir(kind);
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".toml") ids.push_back(it->path().stem().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

sim::ModelSpec load_model(StrictTable& section, toml::table* resolved) {
  const std::string id = section.string("id");
  return load<sim::ModelSpec>("models", "model", &section, id, detail::read_model, resolved);
}
sim::HardwareSpec load_hardware(StrictTable& section, toml::table* resolved) {
  const std::string id = section.string("id");
  return load<sim::HardwareSpec>("hardware", "hardware", &section, id, detail::read_hardware, resolved);
}
sim::EngineSpec load_engine(StrictTable& section, toml::table* resolved) {
  const std::string id = section.string("id");
  return load<sim::EngineSpec>("engines", "engine", &section, id, detail::read_engine, resolved);
}

sim::ModelSpec load_model_by_id(std::string_view id) {
  return load<sim::ModelSpec>("models", "model", nullptr, std::string(id), detail::read_model);
}
sim::HardwareSpec load_hardware_by_id(std::string_view id) {
  return load<sim::HardwareSpec>("hardware", "hardware", nullptr, std::string(id), detail::read_hardware);
}
sim::EngineSpec load_engine_by_id(std::string_view id) {
  return load<sim::EngineSpec>("engines", "engine", nullptr, std::string(id), detail::read_engine);
}

sim::KernelProfile load_kernel_profile_by_id(std::string_view id) {
  return load<sim::KernelProfile>("kernels", "kernel_profile", nullptr, std::string(id), detail::read_kernel_profile);
}

namespace detail {
std::string describe_source(const SpecReader& r) {
  std::string s = r.source_summary();
  if (!r.overridden_fields().empty()) {
    s += fmt::format("; overridden by the experiment: {}", fmt::join(r.overridden_fields(), ", "));
  }
  return s;
}
}  // namespace detail

}  // namespace moelab::config
