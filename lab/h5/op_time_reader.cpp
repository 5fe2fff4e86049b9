#include "lab/h5/op_time_reader.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>

#include "lab/h5/scoped_id.hpp"

namespace moelab::h5 {
namespace {

using Id = ScopedId;

const char* kTable = "/summary";

int member_index(hid_t file_type, const std::string& name) {
  const int i = H5Tget_member_index(file_type, name.c_str());
  if (i < 0) throw OpTimeReadError(OpTimeReadError::Part::file, std::string(kTable) + " has no column '" + name + "'");
  return i;
}

std::vector<double> read_numbers(hid_t dataset, hid_t file_type, const std::string& name, std::size_t rows) {
  member_index(file_type, name);
  Id mem(H5Tcreate(H5T_COMPOUND, sizeof(double)), H5Tclose);
  H5Tinsert(mem.get(), name.c_str(), 0, H5T_NATIVE_DOUBLE);
  std::vector<double> out(rows);
  if (H5Dread(dataset, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw OpTimeReadError(OpTimeReadError::Part::file,
                          "cannot read column '" + name + "' of " + kTable + " as numbers");
  return out;
}

// Fixed-length string columns, as lab/h5/writer.cpp stores them.
std::vector<std::string> read_strings(hid_t dataset, hid_t file_type, const std::string& name, std::size_t rows) {
  const int i = member_index(file_type, name);
  Id member(H5Tget_member_type(file_type, static_cast<unsigned>(i)), H5Tclose);
  if (H5Tget_class(member.get()) != H5T_STRING || H5Tis_variable_str(member.get()) > 0)
    throw OpTimeReadError(OpTimeReadError::Part::file,
                          "column '" + name + "' of " + kTable + " is not a fixed-length string");
  const std::size_t width = H5Tget_size(member.get());
  Id mem(H5Tcreate(H5T_COMPOUND, width), H5Tclose);
  H5Tinsert(mem.get(), name.c_str(), 0, member.get());
  std::vector<char> buf(rows * width);
  if (H5Dread(dataset, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
    throw OpTimeReadError(OpTimeReadError::Part::file, "cannot read column '" + name + "' of " + kTable);
  std::vector<std::string> out;
  for (std::size_t r = 0; r < rows; ++r) {
    std::string s(buf.data() + r * width, width);
    s.resize(std::min(s.size(), s.find('\0')));
    out.push_back(std::move(s));
  }
  return out;
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

OpTimeRows read_op_times(const std::filesystem::path& file, const std::string& op, const std::string& variant,
                         const std::string& shape_column) {
  H5E_auto2_t old_func = nullptr;
  void* old_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // report our own message, not HDF5's stack
  struct Restore {
    H5E_auto2_t f;
    void* d;
    ~Restore() { H5Eset_auto2(H5E_DEFAULT, f, d); }
  } restore{old_func, old_data};

  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw OpTimeReadError(OpTimeReadError::Part::file, "no such file: " + file.string());
  Id f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.ok()) throw OpTimeReadError(OpTimeReadError::Part::file, "not an HDF5 file: " + file.string());
  if (H5Oexists_by_name(f.get(), kTable, H5P_DEFAULT) <= 0)
    throw OpTimeReadError(OpTimeReadError::Part::file,
                          std::string("no ") + kTable + " table in " + file.string() + " (not a kernel A/B file)");
  Id d(H5Dopen2(f.get(), kTable, H5P_DEFAULT), H5Dclose);
  if (!d.ok())
    throw OpTimeReadError(OpTimeReadError::Part::file,
                          std::string(kTable) + " in " + file.string() + " is not a dataset");
  Id type(H5Dget_type(d.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_COMPOUND)
    throw OpTimeReadError(OpTimeReadError::Part::file, std::string(kTable) + " is not a table");
  Id space(H5Dget_space(d.get()), H5Sclose);
  const auto rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));

  const auto ops = read_strings(d.get(), type.get(), "op", rows);
  const auto variants = read_strings(d.get(), type.get(), "variant", rows);
  const auto status = read_strings(d.get(), type.get(), "status", rows);
  const auto median = read_numbers(d.get(), type.get(), "median_s", rows);
  std::vector<double> shape;
  if (const auto star = shape_column.find('*'); star != std::string::npos) {
    shape = read_numbers(d.get(), type.get(), shape_column.substr(0, star), rows);
    const auto other = read_numbers(d.get(), type.get(), shape_column.substr(star + 1), rows);
    for (std::size_t r = 0; r < rows; ++r) shape[r] *= other[r];
  } else {
    shape = read_numbers(d.get(), type.get(), shape_column, rows);
  }

  std::set<std::string> all_ops, op_variants;
  std::vector<std::size_t> picked;
  bool any_row = false;
  for (std::size_t r = 0; r < rows; ++r) {
    all_ops.insert(ops[r]);
    if (ops[r] != op) continue;
    op_variants.insert(variants[r]);
    if (variants[r] != variant) continue;
    any_row = true;
    if (status[r] == "ok") picked.push_back(r);
  }
  if (!all_ops.count(op))
    throw OpTimeReadError(OpTimeReadError::Part::op,
                          "no rows of op '" + op + "' in " + file.string() + " (ops: " + joined(all_ops) + ")");
  if (!any_row)
    throw OpTimeReadError(OpTimeReadError::Part::variant, "no rows of variant '" + variant + "' for op '" + op +
                                                              "' in " + file.string() +
                                                              " (variants: " + joined(op_variants) + ")");
  if (picked.empty())
    throw OpTimeReadError(OpTimeReadError::Part::variant,
                          "no row of op '" + op + "', variant '" + variant + "' has status ok in " + file.string());
  std::sort(picked.begin(), picked.end(), [&](std::size_t a, std::size_t b) { return shape[a] < shape[b]; });
  OpTimeRows out;
  for (const std::size_t r : picked) {
    if (!(std::isfinite(shape[r]) && shape[r] > 0))
      throw OpTimeReadError(
          OpTimeReadError::Part::variant,
          shape_column + " of row " + std::to_string(r) + " is not a positive number (is it this op's shape column?)");
    if (!(std::isfinite(median[r]) && median[r] > 0))
      throw OpTimeReadError(OpTimeReadError::Part::variant, "median_s of row " + std::to_string(r) + " is not > 0");
    if (!out.shape.empty() && out.shape.back() == shape[r])
      throw OpTimeReadError(OpTimeReadError::Part::variant, "two rows of op '" + op + "', variant '" + variant +
                                                                "' share " + shape_column + " = " +
                                                                std::to_string(shape[r]) + ": keep one case per shape");
    out.shape.push_back(shape[r]);
    out.seconds.push_back(median[r]);
  }
  return out;
}

}  // namespace moelab::h5
