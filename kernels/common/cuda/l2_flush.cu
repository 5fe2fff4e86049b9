#include "kernels/common/cuda/l2_flush.cuh"

namespace moelab::kernels::cuda {
namespace {

constexpr int kBlocks = 1024, kThreads = 256;

__global__ void write_words(uint4* __restrict__ buffer, std::size_t n, unsigned int value) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const unsigned int v = value + static_cast<unsigned int>(i);
    buffer[i] = make_uint4(v, v, v, v);
  }
}

// Reads every 16-byte word; the xor of what a block read goes to one word of `sink` (4 KiB of
// dirty lines in all, against the 120 MB read), so the loads cannot be optimised away.
__global__ void read_words(const uint4* __restrict__ buffer, std::size_t n, unsigned int* __restrict__ sink) {
  __shared__ unsigned int block_acc;
  if (threadIdx.x == 0) block_acc = 0;
  __syncthreads();
  unsigned int acc = 0;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const uint4 v = __ldcg(buffer + i);
    acc ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  atomicXor(&block_acc, acc);
  __syncthreads();
  if (threadIdx.x == 0) sink[blockIdx.x] = block_acc;
}

std::size_t flush_words(int device) {
  int l2_bytes = 0;
  CUDA_CHECK(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, device));
  const std::size_t bytes = 2 * static_cast<std::size_t>(l2_bytes > 0 ? l2_bytes : (64 << 20));
  return bytes / sizeof(uint4);
}

}  // namespace

L2Flusher::L2Flusher(int device) : buffer_(flush_words(device)), sink_(kBlocks) {
  buffer_.poison();  // defined contents for the read kernel (and initcheck)
  sink_.poison();
}

void L2Flusher::flush(cudaStream_t stream, FlushMethod method) {
  if (method == FlushMethod::none) return;
  if (method == FlushMethod::write) {
    ++round_;
    write_words<<<kBlocks, kThreads, 0, stream>>>(buffer_.data(), buffer_.size(), round_);
  } else {
    read_words<<<kBlocks, kThreads, 0, stream>>>(buffer_.data(), buffer_.size(), sink_.data());
  }
  CUDA_CHECK_LAUNCH();
}

L2Flusher& shared_l2_flusher() {
  static L2Flusher flusher = [] {
    int device = 0;
    CUDA_CHECK(cudaGetDevice(&device));
    return L2Flusher(device);
  }();
  return flusher;
}

}  // namespace moelab::kernels::cuda
