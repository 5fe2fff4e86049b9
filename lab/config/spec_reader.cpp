#include "lab/config/spec_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace moelab::config {
namespace {
// Keys of a data file that are not spec fields.
constexpr std::string_view kSources = "sources";
constexpr std::string_view kNotes = "notes";
// Descriptive fields that need no source.
bool needs_source(std::string_view key) { return key != "display_name"; }
}  // namespace

SpecReader::SpecReader(const std::filesystem::path& data_file, StrictTable* overrides)
    : path_(data_file), doc_(parse_file(data_file)), data_(doc_, data_file.string()), overrides_(overrides) {}

SpecReader::SpecReader(StrictTable& section)
    : path_(section.file()), data_(doc_, section.file()), overrides_(&section), resolved_mode_(true) {}

bool SpecReader::has(std::string_view key) const {
  return (overrides_ != nullptr && overrides_->has(key)) || data_.has(key);
}

bool SpecReader::overridden(std::string_view key) const { return overrides_ != nullptr && overrides_->has(key); }

StrictTable& SpecReader::at(std::string_view key) {
  known_.emplace(key);
  StrictTable* from = &data_;
  if (resolved_mode_ || overridden(key)) {  // resolved: the section is the only source, errors point there
    if (!resolved_mode_ && std::find(overridden_.begin(), overridden_.end(), key) == overridden_.end())
      overridden_.emplace_back(key);
    if (data_.has(key)) data_.mark_read(key);  // replaced, not unknown
    from = overrides_;
  }
  if (const toml::node* value = from->raw().get(key)) resolved_.insert_or_assign(key, *value);
  return *from;
}

void SpecReader::fail(std::string_view key, const std::string& problem) { at(key).fail(key, problem); }

std::string SpecReader::source_summary() const {
  if (resolved_mode_) return "resolved in " + path_.string() + " (every field given there; no data file read)";
  if (const auto* sources = doc_.get_as<toml::table>(kSources)) {
    if (const auto* d = sources->get_as<std::string>("default")) return d->get();
  }
  return path_.string();
}

void SpecReader::finish() {
  // Sources: a table of non-empty strings naming known fields.
  std::set<std::string, std::less<>> sourced;
  bool has_default = false;
  if (data_.has(kSources)) {
    StrictTable sources = data_.table(kSources);
    for (const auto& [k, v] : sources.raw()) {
      const std::string key(k.str());
      if (key != "default" && known_.find(key) == known_.end()) {
        sources.fail(key, "names no field of this file's format");
      }
      if (sources.string(key).empty()) sources.fail(key, "source must not be empty");
      if (key == "default") has_default = true;
      sourced.insert(key);
    }
    sources.finish();
  }
  if (data_.has(kNotes)) {
    StrictTable notes = data_.table(kNotes);
    for (const auto& [k, v] : notes.raw()) {
      const std::string key(k.str());
      if (key != "general" && known_.find(key) == known_.end()) {
        notes.fail(key, "names no field of this file's format (use 'general' for the file as a whole)");
      }
      notes.string(key);
    }
    notes.finish();
  }
  // Unknown keys first (a misspelt field should be reported as such, not as unsourced).
  data_.finish();
  if (overrides_ != nullptr) overrides_->finish();
  for (const auto& [k, v] : doc_) {
    const std::string_view key = k.str();
    if (key == kSources || key == kNotes || !needs_source(key)) continue;
    if (!has_default && sourced.find(key) == sourced.end()) {
      data_.fail(key, fmt::format("no source: add [sources] {} = \"...\" (or a [sources] default)", key));
    }
  }
}

}  // namespace moelab::config
