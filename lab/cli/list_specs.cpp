// `moelab list models|hardware|engines`: every data file, loaded (so a broken one is reported).
#include "lab/cli/list_topics.hpp"
#include "lab/config/spec_loaders.hpp"

namespace moelab::cli {
namespace {
template <class Load>
std::vector<ListEntry> entries_for(std::string_view kind, Load load) {
  std::vector<ListEntry> out;
  for (const auto& id : config::list_ids(kind)) out.push_back({id, load(id).display_name});
  return out;
}
}  // namespace

std::vector<ListEntry> list_models() {
  return entries_for("models", [](const std::string& id) { return config::load_model_by_id(id); });
}
std::vector<ListEntry> list_hardware() {
  return entries_for("hardware", [](const std::string& id) { return config::load_hardware_by_id(id); });
}
std::vector<ListEntry> list_engines() {
  return entries_for("engines", [](const std::string& id) { return config::load_engine_by_id(id); });
}

}  // namespace moelab::cli
