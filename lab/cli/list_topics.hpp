#pragma once
// Topics of `moelab list TOPIC [--markdown]`. Each topic is a small provider (a function returning
// entries); adding one is a provider function (its own file), its declaration below and one line
// in list_topics.cpp.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace moelab::cli {

struct ListEntry {
  std::string name;
  std::string description;
};

struct ListTopic {
  std::string name;  // "models"
  std::string help;  // one line for `moelab list --help`
  std::function<std::vector<ListEntry>()> entries;
  // `--markdown` output; when empty, a `| name | description |` table of the entries.
  std::function<std::string()> markdown = {};
};

const std::vector<ListTopic>& list_topics();

// Providers (one file each).
std::vector<ListEntry> list_models();
std::vector<ListEntry> list_hardware();
std::vector<ListEntry> list_engines();
std::vector<ListEntry> list_policies();
std::vector<ListEntry> list_workloads();
std::vector<ListEntry> list_variants();  // lab/cli/list_variants.cpp
std::vector<ListEntry> list_metrics();   // lab/cli/list_metrics.cpp
std::vector<ListEntry> list_costs();     // lab/cli/list_costs.cpp

// The metric tables of lab/h5/SCHEMA.md, from the simulator's metric definitions.
std::string metrics_markdown();
// `text` with the characters that would break a Markdown table cell escaped.
std::string markdown_escape(std::string_view text);
// `| name | description |` rows of `entries`.
std::string entries_markdown(const std::vector<ListEntry>& entries);
}  // namespace moelab::cli
