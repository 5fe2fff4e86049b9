#pragma once
// Topics of `moelab list TOPIC`. Each topic is a small provider (a function returning entries);
// adding one is a provider function and one line in list_topics.cpp.
#include <functional>
#include <string>
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
};

const std::vector<ListTopic>& list_topics();

// Providers (one file each).
std::vector<ListEntry> list_models();
std::vector<ListEntry> list_hardware();
std::vector<ListEntry> list_engines();
std::vector<ListEntry> list_policies();
std::vector<ListEntry> list_workloads();
std::vector<ListEntry> list_variants();  // lab/cli/list_variants.cpp

}  // namespace moelab::cli
