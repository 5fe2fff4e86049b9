#pragma once
// Reads measured op times from a kernel-lab A/B file (lab/h5/SCHEMA.md, "Kernel A/B files"), or a
// published table in the same format: the /summary rows of one op and variant with status "ok",
// their median time against one shape column. This is how [op_times] reaches the simulator: the
// lab reads the file, the simulator gets the table (simulator/model/op_times.hpp).
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace moelab::h5 {

struct OpTimeRows {
  std::vector<double> shape;    // ascending, distinct
  std::vector<double> seconds;  // median_s of the row at each shape
};

// What a read failed on: the file (missing, not HDF5, no /summary or a column missing), the op,
// or the variant (including no "ok" row, or two rows at one shape).
struct OpTimeReadError : std::runtime_error {
  enum class Part { file, op, variant };
  OpTimeReadError(Part p, const std::string& what) : std::runtime_error(what), part(p) {}
  Part part;
};

// `shape_column`: a /summary column (e.g. "dim_tokens"), or "dim_batch*dim_context_mean" for
// the product of two. Throws OpTimeReadError with a reason when the file, the table, a column,
// the op or the variant is missing, when no row of them is "ok", or when two rows share a shape.
OpTimeRows read_op_times(const std::filesystem::path& file, const std::string& op, const std::string& variant,
                         const std::string& shape_column);

}  // namespace moelab::h5
