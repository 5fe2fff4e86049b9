#include "lab/config/strict_table_reader.hpp"

namespace moelab::config {

StrictTableReader::StrictTableReader(StrictTable& table, std::filesystem::path config_dir)
    : table_(&table), config_dir_(std::move(config_dir)) {}

StrictTableReader::StrictTableReader(SubTable, StrictTable owned, std::filesystem::path config_dir)
    : owned_(std::move(owned)), table_(&*owned_), config_dir_(std::move(config_dir)) {}

bool StrictTableReader::has(std::string_view key) const { return table_->has(key); }

bool StrictTableReader::holds_number(std::string_view key) const {
  const toml::node* n = table_->raw().get(key);
  return n != nullptr && n->is_number();
}

bool StrictTableReader::holds_table(std::string_view key) const {
  const toml::node* n = table_->raw().get(key);
  return n != nullptr && n->is_table();
}

std::string StrictTableReader::string(std::string_view key) { return table_->string(key); }
std::int64_t StrictTableReader::integer(std::string_view key) { return table_->integer(key); }
double StrictTableReader::number(std::string_view key) { return table_->number(key); }
std::vector<double> StrictTableReader::number_array(std::string_view key) { return table_->number_array(key); }

std::string StrictTableReader::choice(std::string_view key, const std::vector<std::string>& allowed) {
  return table_->choice(key, allowed);
}

std::filesystem::path StrictTableReader::path(std::string_view key) {
  const std::filesystem::path given = table_->string(key);
  return given.is_absolute() ? given : (config_dir_ / given).lexically_normal();
}

std::unique_ptr<TableReader> StrictTableReader::table(std::string_view key) {
  return std::unique_ptr<TableReader>(new StrictTableReader(SubTable{}, table_->table(key), config_dir_));
}

void StrictTableReader::finish() const { table_->finish(); }

void StrictTableReader::fail(std::string_view key, const std::string& problem) const { table_->fail(key, problem); }

void StrictTableReader::fail_at_path(std::string_view dotted_key, const std::string& problem) const {
  // The offending value, or its nearest enclosing table when the key was defaulted.
  const toml::table& raw = table_->raw();
  std::string path(dotted_key);
  const toml::node* n = toml::at_path(raw, path).node();
  while (n == nullptr && path.find('.') != std::string::npos) {
    path.erase(path.rfind('.'));
    n = toml::at_path(raw, path).node();
  }
  const SourceLocation where = n != nullptr ? location_of(*n, table_->file()) : location_of(raw, table_->file());
  throw InputError(where, table_->full_key(dotted_key), problem);
}

}  // namespace moelab::config
