#include "lab/config/sourced_table.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace moelab::config {

void SourcedTable::finish(std::initializer_list<std::string_view> need_no_source) {
  auto is_field = [&](std::string_view key) { return key != "sources" && key != "notes" && entry_.has(key); };
  bool has_default = false;
  std::vector<std::string> sourced;
  if (entry_.has("sources")) {
    StrictTable sources = entry_.table("sources");
    for (const auto& [k, v] : sources.raw()) {
      const std::string key(k.str());
      if (key != "default" && !is_field(key)) sources.fail(key, "names no field of this entry");
      if (sources.string(key).empty()) sources.fail(key, "source must not be empty");
      has_default = has_default || key == "default";
      sourced.push_back(key);
    }
    sources.finish();
  }
  if (entry_.has("notes")) {
    StrictTable notes = entry_.table("notes");
    // Notes are free remarks (a field's name, `general`, or a topic such as `validation`).
    for (const auto& [k, v] : notes.raw()) notes.string(k.str());
    notes.finish();
  }
  entry_.finish();  // unknown keys first: a misspelt field is reported as such, not as unsourced
  for (const auto& [k, v] : entry_.raw()) {
    const std::string_view key = k.str();
    if (key == "sources" || key == "notes") continue;
    if (std::find(need_no_source.begin(), need_no_source.end(), key) != need_no_source.end()) continue;
    if (!has_default && std::find(sourced.begin(), sourced.end(), key) == sourced.end()) {
      entry_.fail(key, fmt::format("no source: add {} = \"...\" to [{}.sources] (or a default)", key, entry_.prefix()));
    }
  }
}

void check_evidence_table(StrictTable entry) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : entry.raw()) keys.emplace_back(k.str());
  for (const auto& key : keys) {
    if (key != "sources" && key != "notes") entry.number(key);
  }
  SourcedTable(std::move(entry)).finish({});
}

}  // namespace moelab::config
