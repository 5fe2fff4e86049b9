// The host side of libmoelab_kernels_cuda.so: finding and opening it, and cuda_device.hpp's
// functions answered through it. Builds without CUDA use cuda_device_stub.cpp instead.
#if MOELAB_HAVE_CUDA
#include "kernels/common/cuda_backend.hpp"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "kernels/common/registry.hpp"
#include "moelab_build_info.hpp"

namespace moelab::kernels {
namespace {

std::atomic<bool> opened{false};

std::string this_build_id() { return std::string(build_info::version) + " " + build_info::git_commit; }

// Whether an opened library is a CUDA backend of this very build: "" if so, else why not.
std::string check_entry(const std::string& path, void* handle) {
  auto entry = reinterpret_cast<MoelabCudaBackendEntry>(dlsym(handle, kCudaBackendEntry));
  if (entry == nullptr) return path + ": no symbol " + kCudaBackendEntry + " (not a moelab CUDA backend)";
  const CudaBackendApi* api = entry();
  if (api == nullptr || api->abi_version != kCudaBackendAbiVersion) {
    return path + ": interface version " + std::to_string(api ? api->abi_version : 0) + ", this moelab needs " +
           std::to_string(kCudaBackendAbiVersion);
  }
  if (this_build_id() != api->build_id) {
    return path + ": built from moelab " + api->build_id + ", this moelab is " + this_build_id() +
           " (rebuild both, or point " + kCudaBackendEnv + " at the matching library)";
  }
  if (api->make_variants == nullptr || api->device_count == nullptr || api->unavailable_reason == nullptr ||
      api->device_info == nullptr || api->build_info == nullptr || api->context_error == nullptr) {
    return path + ": incomplete interface";
  }
  return "";
}

// dlopen + entry + checks for one path; "" on success (backend filled), else why not.
std::string try_open(const std::string& path, CudaBackend& backend) {
  // RTLD_NOW: a library that cannot resolve its symbols fails here, not at the first kernel.
  // RTLD_LOCAL: its symbols stay out of the global scope (they are hidden anyway).
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* e = dlerror();
    return e != nullptr ? e : path + ": dlopen failed";
  }
  const std::string why = check_entry(path, handle);
  if (!why.empty()) {
    dlclose(handle);
    return why;
  }
  // Never dlclose'd once accepted: variants and their vtables live in the library until exit.
  backend.api = reinterpret_cast<MoelabCudaBackendEntry>(dlsym(handle, kCudaBackendEntry))();
  backend.path = path;
  return "";
}

CudaBackend open_backend() {
  CudaBackend backend;
  for (const auto& path : cuda_backend_candidates()) {
    const std::string why = try_open(path, backend);
    if (why.empty()) {
      backend.error.clear();
      break;
    }
    backend.error += (backend.error.empty() ? "" : "; ") + why;
  }
  if (backend.api == nullptr) backend.error = std::string("CUDA backend not loaded: ") + backend.error;
  opened = backend.api != nullptr;
  return backend;
}

}  // namespace

std::vector<std::string> cuda_backend_candidates() {
  if (const char* env = std::getenv(kCudaBackendEnv); env != nullptr && *env != '\0') return {env};
  std::vector<std::string> out;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back((exe.parent_path() / ".." / "lib" / "moelab" / kCudaBackendFileName).lexically_normal().string());
  }
  const std::string build_path = build_info::cuda_backend_build_path;
  if (!build_path.empty() && (out.empty() || out.front() != build_path)) out.push_back(build_path);
  return out;
}

const CudaBackend& cuda_backend() {
  static const CudaBackend backend = open_backend();
  return backend;
}

bool cuda_backend_opened() { return opened; }

std::vector<std::unique_ptr<Variant>> load_cuda_variants() {
  const auto& backend = cuda_backend();
  if (backend.api == nullptr) throw BackendLoadError(backend.error);
  return std::move(backend.api->make_variants().variants);
}

// cuda_device.hpp, answered by the library; without it there is no usable device.
int cuda_device_count() {
  const auto& backend = cuda_backend();
  return backend.api != nullptr ? backend.api->device_count() : 0;
}

std::string cuda_unavailable_reason() {
  const auto& backend = cuda_backend();
  return backend.api != nullptr ? backend.api->unavailable_reason() : backend.error;
}

bool cuda_device_available() {
  static const bool available = cuda_device_count() > 0;
  return available;
}

std::optional<CudaDeviceInfo> cuda_device_info(int device) {
  const auto& backend = cuda_backend();
  if (backend.api == nullptr) return std::nullopt;
  return backend.api->device_info(device);
}

std::optional<CudaBuildInfo> cuda_build_info() {
  const auto& backend = cuda_backend();
  if (backend.api == nullptr) return std::nullopt;
  return backend.api->build_info();
}

std::string cuda_context_error() {
  const auto& backend = cuda_backend();
  return backend.api != nullptr ? backend.api->context_error() : "";
}

}  // namespace moelab::kernels
#endif  // MOELAB_HAVE_CUDA
