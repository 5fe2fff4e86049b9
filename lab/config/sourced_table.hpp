#pragma once
// One entry of a multi-entry data file ([gpu.h200], [server.hgx-h200-8gpu], [facility], ...) in
// the data format of data/README.md: the entry's fields, a [<entry>.sources] table naming a
// source per field (or `default`), an optional [<entry>.notes] table. Fields are read through
// table(); finish() then rejects unknown keys, sources or notes naming no field of the entry,
// empty sources, and any field without a source (except those that need none, e.g. `date`).
#include <initializer_list>
#include <string_view>

#include "lab/config/strict_toml.hpp"

namespace moelab::config {

class SourcedTable {
 public:
  explicit SourcedTable(StrictTable entry) : entry_(std::move(entry)) {}
  StrictTable& table() { return entry_; }
  void finish(std::initializer_list<std::string_view> need_no_source = {"date"});

 private:
  StrictTable entry_;
};

// An evidence table: every key but sources/notes is a number with a source (not an input; the
// values are read so that a typo or an unsourced number is still an error).
void check_evidence_table(StrictTable entry);

}  // namespace moelab::config
