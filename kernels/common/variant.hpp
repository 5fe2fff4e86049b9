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
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Which tensor-core rate bounds an op: the sanity check and "% of peak" compare against it.
enum class PeakKind { bf16, fp8 };

// One named number of a case's shape (batch, context, heads, tokens per expert, n, k, ...): the
// A/B harness writes each as a numeric column `dim_<name>` of /summary, so a consumer can
// interpolate time over shape (lab/h5/SCHEMA.md lists the names per op).
using ShapeDim = std::pair<std::string, double>;

class OpCase {
 public:
  virtual ~OpCase() = default;
  virtual std::string_view op() const = 0;           // "attention.prefill"
  virtual std::string shape_text() const = 0;        // "b=1 sq=4096 skv=4096 h=32 hkv=8 d=128 causal"
  virtual double flops() const = 0;                  // fixed formula, independent of variant
  virtual double bytes() const = 0;                  // compulsory memory traffic, independent of variant
  virtual void fill_inputs(std::uint64_t seed) = 0;  // fresh random inputs, never all zeros
  virtual void compute_reference() = 0;              // the ref oracle (fp64 accumulation)
  virtual void poison_output() = 0;                  // NaN-fill the output before a checked run
  virtual CheckResult check_output() const = 0;
  virtual std::vector<ShapeDim> shape_dims() const { return {}; }
  virtual PeakKind peak_kind() const { return PeakKind::bf16; }
  // Host memory the case's buffers take (inputs, outputs, reference), computed from the shape:
  // cases allocate on first use, so the harness checks this against the machine before any
  // buffer exists. 0 = not stated.
  virtual double host_bytes() const { return 0; }
};

// How the GPU's L2 is emptied before a cold sample (kernels/common/cuda/l2_flush.cuh).
//   read   a kernel reads 2 x L2 bytes: L2 is left holding clean lines, so the timed kernel pays
//          no write-back (the default)
//   write  a kernel writes 2 x L2 bytes: L2 is left dirty; the timed kernel pays the write-back
//          of whatever it evicts (the harness can measure this bias: AbOptions::flush_bias)
//   none   no flush (hot L2)
// CPU runs flush their LLC by writing, whatever the method (the CPU has no clean-read flush).
enum class FlushMethod { read, write, none };
std::string_view to_string(FlushMethod m);

// What a run observed about its last timed sample, beyond the time. NaN = not measured.
struct SampleInfo {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double host_launch_s = kNaN;        // host time spent enqueuing the timed work (GPU)
  double sm_clock_hz = kNaN;          // SM clock measured over the sample (clock64 / globaltimer)
  double clock_window_s = kNaN;       // the globaltimer window that clock was measured over
  double default_sm_clock_hz = kNaN;  // the device's default (maximum) SM clock
  int launches = 1;                   // timed launches in the sample (> 1 in batch mode)
  bool blocked = false;               // the timed work was enqueued behind a blocking kernel
  bool blocker_timed_out = false;     // ... which gave up waiting: launch latency is in the time
};

// One kernel a GPU run launches, with the attributes the compiler and occupancy API report.
struct LaunchInfo {
  std::string kernel;  // demangled name
  int grid[3] = {0, 0, 0};
  int block[3] = {0, 0, 0};
  std::int64_t dynamic_smem_bytes = 0;
  std::int64_t static_smem_bytes = 0;
  int registers_per_thread = 0;
  std::int64_t local_bytes_per_thread = 0;  // spills and stack
  int max_threads_per_block = 0;
  int blocks_per_sm = 0;  // cudaOccupancyMaxActiveBlocksPerMultiprocessor
  double occupancy = 0;   // active warps per SM / maximum warps per SM
  int ptx_version = 0;    // cudaFuncAttributes::ptxVersion (90 = 9.0)
  int binary_version = 0;
  int count = 1;  // launches of this configuration per run
};

class PreparedRun {
 public:
  virtual ~PreparedRun() = default;
  // One launch, timed by the run itself: CUDA events on GPU, steady clock on CPU. Seconds.
  // GPU runs enqueue the work behind a blocking kernel, so the events bracket the kernels and not
  // the host's launch latency (reported apart, in last_sample()).
  virtual double timed_run() = 0;
  // `reps` back-to-back launches timed together (hot L2, the batch mode); seconds per launch.
  virtual double timed_batch(int reps) {
    double total = 0;
    for (int i = 0; i < reps; ++i) total += timed_run();
    return reps > 0 ? total / reps : 0.0;
  }
  virtual SampleInfo last_sample() const { return {}; }
  // Make the case's output hold this run's result (device -> host copy on GPU).
  virtual void copy_output_to_case() = 0;
  // Evict the last-level cache (a buffer >= 2x L2 / LLC) before a cold sample.
  virtual void flush_cache() = 0;
  virtual void flush_cache_with(FlushMethod m) {
    if (m != FlushMethod::none) flush_cache();
  }
  // The kernels one run launches (GPU; recorded at the first run), and library calls whose
  // kernels are not visible ("cuBLAS cublasGemmEx x 256").
  virtual std::vector<LaunchInfo> launch_info() const { return {}; }
  virtual std::string library_calls() const { return ""; }
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
