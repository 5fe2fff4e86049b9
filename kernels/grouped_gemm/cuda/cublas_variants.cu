// cuBLAS baselines for grouped_gemm (row-major C_g = A_g * B_g^T with B_g stored N x K; in
// cuBLAS's column-major terms C_g^T [N x M_g] = op_T(B_g) [N x K] * A_g^T [K x M_g]):
//   cuda.cublas_loop     one cublasGemmEx per non-empty group (bf16 in/out, CUBLAS_COMPUTE_32F).
//                        The host must know every M_g: in a serving engine that costs a
//                        device->host copy of the expert counts, which this timing leaves out.
//   cuda.cublas_grouped  one cublasGemmGroupedBatchedEx call (cuBLAS >= 12.5) with one group per
//                        non-empty expert (group_size 1); bf16 A/B/C with fp32 compute is a
//                        documented combination. Same host-side M_g caveat.
#include <cublas_v2.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/common/cuda/cuda_prepared_run.cuh"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/cuda/device_grouped_gemm.cuh"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

void cublas_check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS) throw std::runtime_error(std::string(what) + ": " + cublasGetStatusName(s));
}

struct CublasHandle {
  cublasHandle_t h = nullptr;
  CublasHandle() { cublas_check(cublasCreate(&h), "cublasCreate"); }
  ~CublasHandle() {
    if (h != nullptr) cublasDestroy(h);
  }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
};

struct LoopState {
  std::unique_ptr<DeviceGroupedGemm> d;
  CublasHandle handle;
  std::vector<int> m;  // host copy of M_g
};

std::unique_ptr<PreparedRun> prepare_loop(OpCase& c) {
  auto& gc = moe_detail::case_as<GroupedGemmCase>(c);
  auto st = std::make_shared<LoopState>();
  st->d = std::make_unique<DeviceGroupedGemm>(gc);
  for (auto m : gc.shape().m) st->m.push_back(static_cast<int>(m));
  auto launch = [st](cudaStream_t s) {
    const GroupedGemmParams& p = st->d->params;
    cublas_check(cublasSetStream(st->handle.h, s), "cublasSetStream");
    const float alpha = 1.0f, beta = 0.0f;
    std::size_t row0 = 0;
    for (int g = 0; g < p.groups; ++g) {
      const int m = st->m[g];
      if (m > 0) {
        cublas_check(
            cublasGemmEx(st->handle.h, CUBLAS_OP_T, CUBLAS_OP_N, p.n, m, p.k, &alpha,
                         p.b + static_cast<std::size_t>(g) * p.n * p.k, CUDA_R_16BF, p.k, p.a + row0 * p.k, CUDA_R_16BF,
                         p.k, &beta, p.c + row0 * p.n, CUDA_R_16BF, p.n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
            "cublasGemmEx");
      }
      row0 += static_cast<std::size_t>(m);
    }
  };
  const auto calls = std::count_if(st->m.begin(), st->m.end(), [](int m) { return m > 0; });
  return std::make_unique<cuda::CudaPreparedRun>(
      launch, [st, &gc] { st->d->c.download(gc.c.span()); }, nullptr, "cublasGemmEx x " + std::to_string(calls));
}

struct GroupedState {
  std::unique_ptr<DeviceGroupedGemm> d;
  CublasHandle handle;
  std::vector<cublasOperation_t> trans_a, trans_b;
  std::vector<int> m, n, k, lda, ldb, ldc, group_size;
  std::vector<float> alpha, beta;
  cuda::DeviceBuffer<const void*> a_ptrs, b_ptrs;
  cuda::DeviceBuffer<void*> c_ptrs;
  int groups = 0;  // non-empty ones
};

std::unique_ptr<PreparedRun> prepare_grouped(OpCase& c) {
  auto& gc = moe_detail::case_as<GroupedGemmCase>(c);
  auto st = std::make_shared<GroupedState>();
  st->d = std::make_unique<DeviceGroupedGemm>(gc);
  const GroupedGemmParams& p = st->d->params;
  std::vector<const void*> a_ptrs, b_ptrs;
  std::vector<void*> c_ptrs;
  std::size_t row0 = 0;
  for (int g = 0; g < p.groups; ++g) {
    const int m = static_cast<int>(gc.shape().m[g]);
    if (m > 0) {
      // cuBLAS's "A" is B_g (op T), its "B" is A_g: see the header comment.
      a_ptrs.push_back(p.b + static_cast<std::size_t>(g) * p.n * p.k);
      b_ptrs.push_back(p.a + row0 * p.k);
      c_ptrs.push_back(p.c + row0 * p.n);
      st->m.push_back(p.n);
      st->n.push_back(m);
      st->k.push_back(p.k);
      st->lda.push_back(p.k);
      st->ldb.push_back(p.k);
      st->ldc.push_back(p.n);
    }
    row0 += static_cast<std::size_t>(m);
  }
  st->groups = static_cast<int>(a_ptrs.size());
  st->trans_a.assign(st->groups, CUBLAS_OP_T);
  st->trans_b.assign(st->groups, CUBLAS_OP_N);
  st->group_size.assign(st->groups, 1);
  st->alpha.assign(st->groups, 1.0f);
  st->beta.assign(st->groups, 0.0f);
  st->a_ptrs = cuda::DeviceBuffer<const void*>(std::span<const void* const>(a_ptrs));
  st->b_ptrs = cuda::DeviceBuffer<const void*>(std::span<const void* const>(b_ptrs));
  st->c_ptrs = cuda::DeviceBuffer<void*>(std::span<void* const>(c_ptrs));
  auto launch = [st](cudaStream_t s) {
    if (st->groups == 0) return;
    cublas_check(cublasSetStream(st->handle.h, s), "cublasSetStream");
    cublas_check(
        cublasGemmGroupedBatchedEx(st->handle.h, st->trans_a.data(), st->trans_b.data(), st->m.data(), st->n.data(),
                                   st->k.data(), st->alpha.data(), st->a_ptrs.data(), CUDA_R_16BF, st->lda.data(),
                                   st->b_ptrs.data(), CUDA_R_16BF, st->ldb.data(), st->beta.data(), st->c_ptrs.data(),
                                   CUDA_R_16BF, st->ldc.data(), st->groups, st->group_size.data(), CUBLAS_COMPUTE_32F),
        "cublasGemmGroupedBatchedEx");
  };
  return std::make_unique<cuda::CudaPreparedRun>(
      launch, [st, &gc] { st->d->c.download(gc.c.span()); }, nullptr,
      "cublasGemmGroupedBatchedEx x 1 (" + std::to_string(st->groups) + " groups)");
}

}  // namespace

std::unique_ptr<Variant> make_grouped_gemm_cuda_cublas_loop() {
  return std::make_unique<moe_detail::FnVariant>(
      kGroupedGemmOp, Backend::cuda, "cublas_loop",
      "one cublasGemmEx (bf16, fp32 compute) per non-empty group; needs M_g on the host",
      [](const OpCase&) { return true; }, prepare_loop, [] { return cuda_device_available(); });
}

std::unique_ptr<Variant> make_grouped_gemm_cuda_cublas_grouped() {
  return std::make_unique<moe_detail::FnVariant>(
      kGroupedGemmOp, Backend::cuda, "cublas_grouped",
      "one cublasGemmGroupedBatchedEx (bf16, fp32 compute), a group per non-empty expert; needs M_g on the host",
      [](const OpCase&) { return true; }, prepare_grouped, [] { return cuda_device_available(); });
}

}  // namespace moelab::kernels::grouped_gemm
