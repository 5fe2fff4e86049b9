#include <cxxabi.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "kernels/common/cuda/launch.cuh"

namespace moelab::kernels::cuda {
namespace {

thread_local LaunchRecorder* active = nullptr;

std::string demangle(const char* name) {
  if (name == nullptr) return "?";
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

}  // namespace

LaunchRecorder::LaunchRecorder() : previous_(active) { active = this; }
LaunchRecorder::~LaunchRecorder() { active = previous_; }

void LaunchRecorder::record(const void* kernel, dim3 grid, dim3 block, std::size_t smem) {
  if (active != nullptr) active->launches_.push_back({kernel, grid, block, smem});
}

std::vector<LaunchInfo> launch_infos(const std::vector<RecordedLaunch>& launches) {
  using Key = std::tuple<const void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, std::size_t>;
  std::map<Key, std::size_t> index;
  std::vector<LaunchInfo> out;
  int device = 0, max_threads_per_sm = 0;
  CUDA_CHECK(cudaGetDevice(&device));
  CUDA_CHECK(cudaDeviceGetAttribute(&max_threads_per_sm, cudaDevAttrMaxThreadsPerMultiProcessor, device));
  for (const auto& l : launches) {
    const Key key{l.kernel, l.grid.x, l.grid.y, l.grid.z, l.block.x, l.block.y, l.block.z, l.dynamic_smem_bytes};
    if (auto it = index.find(key); it != index.end()) {
      ++out[it->second].count;
      continue;
    }
    LaunchInfo info;
    const char* name = nullptr;
    if (cudaFuncGetName(&name, l.kernel) != cudaSuccess) cudaGetLastError();
    info.kernel = demangle(name);
    info.grid[0] = static_cast<int>(l.grid.x), info.grid[1] = static_cast<int>(l.grid.y),
    info.grid[2] = static_cast<int>(l.grid.z);
    info.block[0] = static_cast<int>(l.block.x), info.block[1] = static_cast<int>(l.block.y),
    info.block[2] = static_cast<int>(l.block.z);
    info.dynamic_smem_bytes = static_cast<std::int64_t>(l.dynamic_smem_bytes);
    cudaFuncAttributes attr{};
    CUDA_CHECK(cudaFuncGetAttributes(&attr, l.kernel));
    info.static_smem_bytes = static_cast<std::int64_t>(attr.sharedSizeBytes);
    info.registers_per_thread = attr.numRegs;
    info.local_bytes_per_thread = static_cast<std::int64_t>(attr.localSizeBytes);
    info.max_threads_per_block = attr.maxThreadsPerBlock;
    info.ptx_version = attr.ptxVersion;
    info.binary_version = attr.binaryVersion;
    const int threads = static_cast<int>(l.block.x * l.block.y * l.block.z);
    int blocks = 0;
    CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, l.kernel, threads, l.dynamic_smem_bytes));
    info.blocks_per_sm = blocks;
    const int warp_threads = (threads + 31) / 32 * 32;
    info.occupancy = max_threads_per_sm > 0 ? static_cast<double>(blocks) * warp_threads / max_threads_per_sm : 0.0;
    index.emplace(key, out.size());
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace moelab::kernels::cuda
