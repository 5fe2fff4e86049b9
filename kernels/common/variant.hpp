#pragma once
// The kernel lab's one abstraction, shared by every op (attention, router, grouped GEMM):
//   OpCase   - one problem instance: host inputs, the ref output, the output variants write,
//              and the op's fixed FLOP and byte formulas.
//   Variant  - one implementation, keyed (op, backend, name); says what it supports and
//              prepares runs (device buffers, uploads).
//   PreparedRun - the thing the A/B harness times; it never allocates inside run().
// Kernels themselves are free functions on raw pointers (kernels/<family>/<backend>/); a Variant
// is a thin adapter around one, so kernels stay free of harness headers.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "kernels/common/backend.hpp"
#include "kernels/common/cuda_device.hpp"

namespace moelab::kernels {

struct CheckResult {
  double max_abs_error = 0;
  double max_rel_error = 0;  // max |out - ref| / max(|ref|, floor) over elements
  double tolerance = 0;      // per-dtype threshold the op applies
  bool passed = false;       // false on any NaN/Inf or error above tolerance
  std::string detail;        // first offending element, when failed
};

// Shape arguments as given on the CLI (--shape PRESET, --dim key=value) or in a TOML table.
struct ShapeArgs {
  std::string preset;                        // "" = none
  std::map<std::string, std::int64_t> dims;  // explicit dims override the preset's
  std::string origin = "--dim";              // where the dims came from, for error messages
};

class OpCase {
 public:
  virtual ~OpCase() = default;
  virtual std::string_view op() const = 0;     // "attention.prefill"
  virtual std::string shape_text() const = 0;  // "b=1 sq=4096 skv=4096 h=32 hkv=8 d=128 causal"
  virtual double flops() const = 0;            // fixed formula, independent of variant
  virtual double bytes() const = 0;            // compulsory memory traffic, independent of variant
  virtual void fill_inputs(std::uint64_t seed) = 0;  // fresh random inputs, never all zeros
  virtual void compute_reference() = 0;        // the ref oracle (fp64 accumulation)
  virtual void poison_output() = 0;            // NaN-fill the output before a checked run
  virtual CheckResult check_output() const = 0;
};

class PreparedRun {
 public:
  virtual ~PreparedRun() = default;
  // One launch, timed by the run itself: CUDA events on GPU, steady clock on CPU. Seconds.
  virtual double timed_run() = 0;
  // Make the case's output hold this run's result (device -> host copy on GPU).
  virtual void copy_output_to_case() = 0;
  // Evict the last-level cache (write a buffer >= 2x L2 / LLC) before a cold sample.
  virtual void flush_cache() = 0;
};

class Variant {
 public:
  virtual ~Variant() = default;
  virtual std::string_view op() const = 0;
  virtual Backend backend() const = 0;
  virtual std::string_view name() const = 0;  // "naive", "tiled", "flash_mma"
  virtual std::string_view description() const = 0;
  std::string full_name() const { return std::string(to_string(backend())) + "." + std::string(name()); }
  // Runnable here at all (a cuda variant without a GPU is not): the harness reports "skipped".
  virtual bool available() const { return true; }
  // Why not, for the harness's "skipped" detail (cuda: what the runtime said, e.g. no driver).
  virtual std::string unavailable_reason() const {
    if (backend() == Backend::cuda) return cuda_unavailable_reason();
    return std::string(to_string(backend())) + " backend not available here";
  }
  // Shape/dtype support: false -> the harness reports "unsupported", never a crash.
  virtual bool supports(const OpCase& c) const = 0;
  virtual std::unique_ptr<PreparedRun> prepare(OpCase& c) const = 0;
};

}  // namespace moelab::kernels
