#include "lab/ab/anchors.hpp"

#include <toml++/toml.h>

#include "lab/config/spec_loaders.hpp"
#include "lab/config/strict_toml.hpp"

namespace moelab::ab {
namespace {

std::string text_of(const toml::table& t, const char* key) { return t[key].value_or(std::string()); }

}  // namespace

Anchor load_anchor(const std::string& id, const SourceLocation& where) {
  const auto path = config::data_dir() / "validation" / "kernels.toml";
  const toml::table root = config::parse_file(path);
  const auto* kernels = root["kernel"].as_array();
  if (kernels == nullptr) throw InputError(where, "anchor", path.string() + " has no [[kernel]] entries");
  for (const auto& node : *kernels) {
    const auto* t = node.as_table();
    if (t == nullptr || text_of(*t, "id") != id) continue;
    Anchor a;
    a.id = id;
    a.metric = text_of(*t, "metric");
    a.value = (*t)["value"].value_or(0.0);
    a.unit = text_of(*t, "unit");
    a.library = text_of(*t, "library");
    a.hardware = text_of(*t, "hardware");
    a.fp8 = text_of(*t, "dtype").find("fp8") != std::string::npos;
    a.source = text_of(*t, "source");
    a.date = text_of(*t, "date");
    if (a.metric != "tflops" && a.metric != "memory_gb_per_s" && a.metric != "fraction_of_peak") {
      throw InputError(where, "anchor",
                       "'" + id + "' has metric '" + a.metric +
                           "'; an A/B anchor needs tflops, memory_gb_per_s or fraction_of_peak");
    }
    if (!(a.value > 0)) throw InputError(where, "anchor", "'" + id + "' has no positive value");
    const auto known = config::list_ids("hardware");
    if (std::find(known.begin(), known.end(), a.hardware) != known.end()) {
      const auto hw = config::load_hardware_by_id(a.hardware);
      if (a.metric == "memory_gb_per_s") {
        a.hardware_peak = hw.hbm_bytes_per_s;
      } else {
        a.hardware_peak = a.fp8 ? hw.peak_fp8_flops : hw.peak_bf16_flops;
      }
    }
    return a;
  }
  throw InputError(where, "anchor", "no entry '" + id + "' in " + path.string());
}

}  // namespace moelab::ab
