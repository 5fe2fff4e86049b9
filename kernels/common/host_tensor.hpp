#pragma once
// A host tensor: an aligned row-major buffer plus its shape. Kernels take raw pointers; the shape
// travels with the data only on the host side (cases, references, checks).
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/common/aligned_buffer.hpp"

namespace moelab::kernels {

template <class T>
class HostTensor {
 public:
  HostTensor() = default;
  explicit HostTensor(std::vector<std::int64_t> shape) : shape_(std::move(shape)), data_(element_count(shape_)) {}
  HostTensor(std::initializer_list<std::int64_t> shape) : HostTensor(std::vector<std::int64_t>(shape)) {}

  const std::vector<std::int64_t>& shape() const { return shape_; }
  std::int64_t dim(std::size_t i) const { return shape_.at(i); }
  std::size_t size() const { return data_.size(); }
  std::size_t size_bytes() const { return data_.size_bytes(); }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  std::span<T> span() { return data_.span(); }
  std::span<const T> span() const { return data_.span(); }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  void fill(const T& v) { data_.fill(v); }

  static std::size_t element_count(const std::vector<std::int64_t>& shape) {
    std::size_t n = 1;
    for (auto d : shape) {
      if (d < 0) throw std::logic_error("HostTensor: negative dimension " + std::to_string(d));
      n *= static_cast<std::size_t>(d);
    }
    return n;
  }

 private:
  std::vector<std::int64_t> shape_;
  AlignedBuffer<T> data_;
};

}  // namespace moelab::kernels
