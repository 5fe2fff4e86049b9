#pragma once
// An owning device allocation of `count` elements of T, with host<->device copies and poisoning.
// T is the host storage type (float, moelab::kernels::bf16, int32_t); a bf16 buffer can be passed
// to a kernel as __nv_bfloat16* via as<__nv_bfloat16>() since the two share their bits.
#include <cuda_runtime.h>

#include <cstddef>
#include <span>
#include <stdexcept>
#include <utility>

#include "kernels/common/cuda/check.cuh"

namespace moelab::kernels::cuda {

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t count) : count_(count) {
    if (count > 0) CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&ptr_), count * sizeof(T)));
  }
  explicit DeviceBuffer(std::span<const T> host) : DeviceBuffer(host.size()) { upload(host); }
  ~DeviceBuffer() {
    if (ptr_ != nullptr) cudaFree(ptr_);
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      if (ptr_ != nullptr) cudaFree(ptr_);
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* data() { return ptr_; }
  const T* data() const { return ptr_; }
  template <class U>
  U* as() {
    static_assert(sizeof(U) == sizeof(T), "reinterpret only between same-size element types");
    return reinterpret_cast<U*>(ptr_);
  }
  std::size_t size() const { return count_; }
  std::size_t size_bytes() const { return count_ * sizeof(T); }

  void upload(std::span<const T> host) {
    require_size(host.size());
    CUDA_CHECK(cudaMemcpy(ptr_, host.data(), size_bytes(), cudaMemcpyHostToDevice));
  }
  void download(std::span<T> host) const {
    require_size(host.size());
    CUDA_CHECK(cudaMemcpy(host.data(), ptr_, size_bytes(), cudaMemcpyDeviceToHost));
  }
  // All bits set: a NaN for float, double, bf16 and half; -1 for integers. A kernel that leaves
  // elements unwritten then fails the check against ref.
  void poison() {
    if (count_ > 0) CUDA_CHECK(cudaMemset(ptr_, 0xff, size_bytes()));
  }

 private:
  void require_size(std::size_t n) const {
    if (n != count_) throw std::logic_error("DeviceBuffer: host span size does not match the device buffer");
  }
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace moelab::kernels::cuda
