#pragma once
// Device copies of the three attention cases (uploaded once in prepare(), output poisoned), and
// the thin Variant adapter every cuda attention variant uses. Include only from .cu files.
#include <cuda_runtime.h>

#include <functional>
#include <memory>
#include <span>
#include <string>

#include "kernels/attention/cases.hpp"
#include "kernels/common/cuda/cuda_prepared_run.cuh"
#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/common/cuda_device.hpp"

namespace moelab::kernels::attention::cuda_impl {

using moelab::kernels::cuda::DeviceBuffer;

template <class T>
std::span<const T> cspan(const std::vector<T>& v) {
  return {v.data(), v.size()};
}

struct DevicePrefill {
  DeviceBuffer<bf16_bits> q, k, v;
  DeviceBuffer<std::int32_t> cu_seqlens;
  DeviceBuffer<float> out;
  PrefillParams params;
  explicit DevicePrefill(PrefillCase& c)
      : q(cspan(c.q)), k(cspan(c.k)), v(cspan(c.v)), cu_seqlens(cspan(c.cu_seqlens)), out(c.out.size()) {
    out.poison();
    params = c.params();
    params.q = q.data();
    params.k = k.data();
    params.v = v.data();
    params.cu_seqlens = cu_seqlens.data();
    params.out = out.data();
  }
};

struct DevicePagedDecode {
  DeviceBuffer<bf16_bits> q, k_cache, v_cache;
  DeviceBuffer<std::int32_t> block_table, context_lens;
  DeviceBuffer<float> out;
  PagedDecodeParams params;
  explicit DevicePagedDecode(PagedDecodeCase& c)
      : q(cspan(c.q)),
        k_cache(cspan(c.k_cache)),
        v_cache(cspan(c.v_cache)),
        block_table(cspan(c.block_table)),
        context_lens(cspan(c.context_lens)),
        out(c.out.size()) {
    out.poison();
    params = c.params();
    params.q = q.data();
    params.k_cache = k_cache.data();
    params.v_cache = v_cache.data();
    params.block_table = block_table.data();
    params.context_lens = context_lens.data();
    params.out = out.data();
  }
};

struct DeviceCascadeDecode {
  DeviceBuffer<bf16_bits> q, k_prefix, v_prefix, k_suffix, v_suffix;
  DeviceBuffer<std::int32_t> cu_suffix;
  DeviceBuffer<float> out;
  CascadeDecodeParams params;
  explicit DeviceCascadeDecode(CascadeDecodeCase& c)
      : q(cspan(c.q)),
        k_prefix(cspan(c.k_prefix)),
        v_prefix(cspan(c.v_prefix)),
        k_suffix(cspan(c.k_suffix)),
        v_suffix(cspan(c.v_suffix)),
        cu_suffix(cspan(c.cu_suffix)),
        out(c.out.size()) {
    out.poison();
    params = c.params();
    params.q = q.data();
    params.k_prefix = k_prefix.data();
    params.v_prefix = v_prefix.data();
    params.k_suffix = k_suffix.data();
    params.v_suffix = v_suffix.data();
    params.cu_suffix = cu_suffix.data();
    params.out = out.data();
  }
};

// A cuda variant: `Device` is one of the mirrors above; `make_launch(Device&)` builds the
// launch (allocating any workspace up front) so timed_run() never allocates.
template <class Case, class Device>
class CudaVariant final : public Variant {
 public:
  using LaunchFactory = std::function<std::function<void(cudaStream_t)>(Device&)>;
  CudaVariant(const char* op, const char* name, const char* description, std::function<bool(const Case&)> fits,
              LaunchFactory make_launch)
      : op_(op), name_(name), description_(description), fits_(std::move(fits)), make_launch_(std::move(make_launch)) {}

  std::string_view op() const override { return op_; }
  Backend backend() const override { return Backend::cuda; }
  std::string_view name() const override { return name_; }
  std::string_view description() const override { return description_; }
  bool available() const override { return cuda_device_available(); }
  bool supports(const OpCase& c) const override {
    const auto* cs = dynamic_cast<const Case*>(&c);
    return cs != nullptr && fits_(*cs);
  }
  std::unique_ptr<PreparedRun> prepare(OpCase& c) const override {
    auto& cs = dynamic_cast<Case&>(c);
    auto dev = std::make_shared<Device>(cs);
    auto launch = make_launch_(*dev);
    return std::make_unique<moelab::kernels::cuda::CudaPreparedRun>(
        [dev, launch](cudaStream_t s) { launch(s); },
        [dev, &cs] { dev->out.download(std::span<float>(cs.out.data(), cs.out.size())); });
  }

 private:
  const char* op_;
  const char* name_;
  const char* description_;
  std::function<bool(const Case&)> fits_;
  LaunchFactory make_launch_;
};

}  // namespace moelab::kernels::attention::cuda_impl
