#include "kernels/common/backend.hpp"

#include "kernels/common/variant.hpp"

namespace moelab::kernels {

std::string_view to_string(Backend b) {
  switch (b) {
    case Backend::ref:
      return "ref";
    case Backend::kokkos:
      return "kokkos";
    case Backend::cuda:
      return "cuda";
  }
  return "?";
}

std::optional<Backend> parse_backend(std::string_view s) {
  if (s == "ref") return Backend::ref;
  if (s == "kokkos") return Backend::kokkos;
  if (s == "cuda") return Backend::cuda;
  return std::nullopt;
}

std::string_view to_string(FlushMethod m) {
  switch (m) {
    case FlushMethod::read:
      return "read";
    case FlushMethod::write:
      return "write";
    case FlushMethod::none:
      return "none";
  }
  return "?";
}

}  // namespace moelab::kernels
