#pragma once
// The interface between moelab and libmoelab_kernels_cuda.so, the library that holds every cuda
// variant (and links the CUDA runtime and cuBLAS). The library exports one C symbol,
// kCudaBackendEntry, returning a CudaBackendApi; the host opens it on first use
// (kernels/common/cuda_backend.hpp), so commands that run no cuda variant never map CUDA.
// C++ objects cross this interface (Variant, OpCase, CudaDeviceInfo): host and library must come
// from the same build, which abi_version and build_id check. Bump kCudaBackendAbiVersion when
// this struct, Variant, OpCase or CudaDeviceInfo change.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels {

inline constexpr int kCudaBackendAbiVersion = 2;
inline constexpr const char* kCudaBackendEntry = "moelab_cuda_backend_api";

// What a family's cuda registration adds to: the same `r.add_variant(make_...())` lines as a
// Registry, collected in the library and handed to the host's registry.
struct CudaVariantList {
  std::vector<std::unique_ptr<Variant>> variants;
  void add_variant(std::unique_ptr<Variant> v) { variants.push_back(std::move(v)); }
};

struct CudaBackendApi {
  int abi_version = 0;        // kCudaBackendAbiVersion of the library's build
  const char* build_id = "";  // version + commit of the library's build
  CudaVariantList (*make_variants)() = nullptr;
  int (*device_count)() = nullptr;
  std::string (*unavailable_reason)() = nullptr;
  std::optional<CudaDeviceInfo> (*device_info)(int device) = nullptr;
  std::optional<CudaBuildInfo> (*build_info)() = nullptr;
  std::string (*context_error)() = nullptr;
};

// One per family, each in the family's cuda/ directory; compiled into the library only.
void register_attention_cuda(CudaVariantList& r);
void register_router_cuda(CudaVariantList& r);
void register_grouped_gemm_cuda(CudaVariantList& r);
void register_mla_cuda(CudaVariantList& r);

}  // namespace moelab::kernels

// kCudaBackendEntry's signature.
using MoelabCudaBackendEntry = const moelab::kernels::CudaBackendApi* (*)();
