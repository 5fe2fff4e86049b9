#pragma once
// MOELAB_HOST_DEVICE marks small functions that must give bit-identical answers on the host and in CUDA
// kernels (input generation, fp8 conversion): __host__ __device__ under nvcc, nothing otherwise.
#if defined(__CUDACC__)
#define MOELAB_HOST_DEVICE __host__ __device__
#else
#define MOELAB_HOST_DEVICE
#endif
