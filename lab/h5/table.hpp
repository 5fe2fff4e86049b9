#pragma once
// A column-oriented table that becomes one HDF5 compound dataset (a pandas DataFrame in one call).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace moelab::h5 {

using ColumnData =
    std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::int32_t>, std::vector<std::string>>;

struct Column {
  std::string name;  // carries its unit where it has one: "ttft_s", "kv_bytes_per_token"
  std::string unit;  // "s", "tokens", "1/s", "USD", "" when dimensionless; stored alongside
  ColumnData data;
  std::string description;  // one line; "" when the column has none (lab/h5/SCHEMA.md)
};

class Table {
 public:
  template <class T>
  Table& add(std::string name, std::string unit, std::vector<T> values) {
    return add(std::move(name), std::move(unit), std::string(), std::move(values));
  }
  template <class T>
  Table& add(std::string name, std::string unit, std::string description, std::vector<T> values) {
    if (!columns_.empty() && size_of(columns_.front().data) != values.size()) {
      throw std::logic_error("h5::Table column '" + name + "' has a different row count");
    }
    columns_.push_back(Column{std::move(name), std::move(unit), ColumnData(std::move(values)), std::move(description)});
    return *this;
  }
  std::size_t rows() const { return columns_.empty() ? 0 : size_of(columns_.front().data); }
  const std::vector<Column>& columns() const { return columns_; }

 private:
  static std::size_t size_of(const ColumnData& d) {
    return std::visit([](const auto& v) { return v.size(); }, d);
  }
  std::vector<Column> columns_;
};

}  // namespace moelab::h5
