#pragma once
// What the sweep tests share: the 12-point quickstart sweep, mpirun, and a dataset-by-dataset
// comparison of two result files (dtype and raw bytes, through the HDF5 C API only).
#include <hdf5.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/lab/cli/cli_fixture.hpp"

namespace moelab::test {

inline std::string quickstart_path() { return (source_dir() / "experiments/quickstart.toml").string(); }

// The quickstart over 12 arrival rates (fewer requests per point for `requests` > 0).
inline std::vector<std::string> quickstart12(const std::string& output, int requests = 0) {
  std::vector<std::string> args = {"run",   quickstart_path(),
                                   "-o",    output,
                                   "--set", "sweep.workload.arrivals.rate_per_s=[5,10,15,20,30,40,50,60,70,80,90,100]"};
  if (requests > 0) {
    args.push_back("--set");
    args.push_back("workload.num_requests=" + std::to_string(requests));
  }
  return args;
}

// `moelab ARGS` as one shell command (for pipelines, backgrounding, env).
inline std::string moelab_command(const std::vector<std::string>& args) {
  std::string cmd = shell_quote(MOELAB_EXE);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  return cmd;
}

#ifdef MOELAB_MPIEXEC
// mpirun with N ranks; root is allowed (CI containers) and more ranks than cores too.
inline std::string mpirun_command(int ranks, const std::vector<std::string>& args) {
  return shell_quote(MOELAB_MPIEXEC) + " --allow-run-as-root --oversubscribe -np " + std::to_string(ranks) + " " +
         moelab_command(args);
}
#endif

inline std::vector<std::string> dataset_names(hid_t file) {
  std::vector<std::string> out;
  H5Ovisit(
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &out);
  return out;
}

inline std::vector<unsigned char> raw_bytes(hid_t file, const std::string& name, hid_t* type_out) {
  hid_t ds = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  hid_t type = H5Dget_type(ds);
  hid_t space = H5Dget_space(ds);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<unsigned char> bytes(n * H5Tget_size(type));
  if (n > 0) H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
  H5Sclose(space);
  H5Dclose(ds);
  *type_out = type;
  return bytes;
}

// "" when both files have the same datasets with the same types and bytes; else the first difference.
inline std::string dataset_difference(const std::filesystem::path& a, const std::filesystem::path& b) {
  hid_t fa = H5Fopen(a.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t fb = H5Fopen(b.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  std::string diff;
  if (fa < 0 || fb < 0) {
    diff = "cannot open " + (fa < 0 ? a : b).string();
  } else {
    const auto names = dataset_names(fa);
    if (names != dataset_names(fb)) diff = "different dataset lists";
    if (names.empty()) diff = "no datasets";
    for (const auto& name : names) {
      if (!diff.empty()) break;
      hid_t ta = -1, tb = -1;
      const auto ba = raw_bytes(fa, name, &ta);
      const auto bb = raw_bytes(fb, name, &tb);
      if (H5Tequal(ta, tb) <= 0)
        diff = name + ": different types";
      else if (ba != bb)
        diff = name + ": different bytes";
      H5Tclose(ta);
      H5Tclose(tb);
    }
  }
  if (fa >= 0) H5Fclose(fa);
  if (fb >= 0) H5Fclose(fb);
  return diff;
}

inline bool file_exists(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(p, ec);
}

}  // namespace moelab::test
