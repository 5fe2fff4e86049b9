#pragma once
// A PreparedRun for CPU backends (ref, kokkos): times one call with the steady clock, copies
// nothing (the variant writes the case's host output directly, or supplies a copy step), and
// flushes the CPU's last-level cache for cold samples. Variants build one from two callables.
#include <chrono>
#include <functional>
#include <utility>

#include "kernels/common/cpu_cache.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels {

class CpuPreparedRun : public PreparedRun {
 public:
  // `run` computes the output; `copy_out` (optional) moves a private result into the case.
  explicit CpuPreparedRun(std::function<void()> run, std::function<void()> copy_out = {})
      : run_(std::move(run)), copy_out_(std::move(copy_out)) {}

  double timed_run() override {
    const auto t0 = std::chrono::steady_clock::now();
    run_();
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double>(t1 - t0).count();
  }
  void copy_output_to_case() override {
    if (copy_out_) copy_out_();
  }
  void flush_cache() override { shared_cpu_cache_flusher().flush(); }

 private:
  std::function<void()> run_;
  std::function<void()> copy_out_;
};

}  // namespace moelab::kernels
