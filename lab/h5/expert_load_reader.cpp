#include "lab/h5/expert_load_reader.hpp"

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>

#include "lab/h5/scoped_id.hpp"

namespace moelab::h5 {
namespace {

using Id = ScopedId;

std::vector<std::int64_t> read_column(hid_t dataset, hid_t file_type, const char* name, std::size_t rows) {
  if (H5Tget_member_index(file_type, name) < 0)
    throw std::runtime_error(std::string("the dataset has no column '") + name + "'");
  Id mem(H5Tcreate(H5T_COMPOUND, sizeof(std::int64_t)), H5Tclose);
  H5Tinsert(mem.get(), name, 0, H5T_NATIVE_INT64);
  std::vector<std::int64_t> out(rows);
  if (H5Dread(dataset, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw std::runtime_error(std::string("cannot read column '") + name + "' as integers");
  return out;
}

}  // namespace

std::vector<double> read_tokens_per_expert(const std::filesystem::path& file, const std::string& dataset) {
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
  if (!std::filesystem::is_regular_file(file, ec)) throw std::runtime_error("no such file: " + file.string());
  Id f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.ok()) throw std::runtime_error("not an HDF5 file: " + file.string());
  if (H5Oexists_by_name(f.get(), dataset.c_str(), H5P_DEFAULT) <= 0)
    throw std::runtime_error("no dataset " + dataset + " in " + file.string());
  Id d(H5Dopen2(f.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.ok()) throw std::runtime_error(dataset + " in " + file.string() + " is not a dataset");
  Id type(H5Dget_type(d.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_COMPOUND)
    throw std::runtime_error(dataset + " is not a table (expected columns expert, tokens)");
  Id space(H5Dget_space(d.get()), H5Sclose);
  const auto rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  if (rows == 0) throw std::runtime_error(dataset + " is empty");
  const auto experts = read_column(d.get(), type.get(), "expert", rows);
  const auto tokens = read_column(d.get(), type.get(), "tokens", rows);
  std::vector<double> out(rows, -1.0);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t e = experts[i];
    if (e < 0 || static_cast<std::size_t>(e) >= rows || out[static_cast<std::size_t>(e)] >= 0)
      throw std::runtime_error(dataset + ": the expert column is not a permutation of 0.." + std::to_string(rows - 1));
    if (tokens[i] < 0) throw std::runtime_error(dataset + ": negative token count for expert " + std::to_string(e));
    out[static_cast<std::size_t>(e)] = static_cast<double>(tokens[i]);
  }
  return out;
}

}  // namespace moelab::h5
