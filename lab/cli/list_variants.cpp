// `moelab list variants`: every kernel op with its presets, then its variants with backend and
// whether they can run here (cuda variants need a GPU). In a CUDA build this opens the CUDA
// backend library (kernels/common/cuda_backend.hpp) to list its variants; when it cannot be
// opened, a last line says why.
#include <fmt/format.h>

#include "kernels/common/registry.hpp"
#include "lab/cli/list_topics.hpp"

namespace moelab::cli {

std::vector<ListEntry> list_variants() {
  std::vector<ListEntry> out;
  const auto& reg = kernels::registry();
  for (const auto* op : reg.ops()) {
    std::string presets;
    for (const auto& p : op->presets) presets += (presets.empty() ? "" : ", ") + p;
    out.push_back({op->name, fmt::format("{} [presets: {}]", op->description, presets.empty() ? "none" : presets)});
    for (const auto* v : reg.variants(op->name)) {
      out.push_back(
          {"  " + v->full_name(), fmt::format("{:<6} {:<13} {}", kernels::to_string(v->backend()),
                                              v->available() ? "available" : "unavailable", v->description())});
    }
  }
  if (const auto why = reg.load_error(kernels::Backend::cuda); !why.empty()) {
    out.push_back({"cuda.*", "cuda variants not listed: " + why});
  }
  return out;
}

}  // namespace moelab::cli
