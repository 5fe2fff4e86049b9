#pragma once
#include <optional>
#include <string_view>

namespace moelab::kernels {

// Where a variant runs: `ref` is the fp64-accumulating oracle, `kokkos` portable C++ that mirrors
// the GPU algorithm, `cuda` the device kernels (run only when a GPU is present).
enum class Backend { ref, kokkos, cuda };

std::string_view to_string(Backend b);
std::optional<Backend> parse_backend(std::string_view s);

}  // namespace moelab::kernels
