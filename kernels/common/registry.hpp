#pragma once
// One registry of ops and their variants. `moelab list variants` prints it.
// Adding a variant = one new file (the kernel + its Variant adapter, ending in its factory
// `std::unique_ptr<Variant> make_<op>_<backend>_<name>()`) + two lines in the family's
// register_<family>.cpp: the factory's declaration and its add_variant() line
// (kernels/common/README.md).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/common/variant.hpp"

namespace moelab::kernels {

struct OpInfo {
  std::string name;         // "attention.prefill"
  std::string description;
  std::vector<std::string> presets;  // named shapes from real models
  // Builds a case; impossible or mismatched shapes throw InputError (exit 2).
  std::function<std::unique_ptr<OpCase>(const ShapeArgs&)> make_case;
};

// The type of every variant factory; register_<family>.cpp declares each factory with it:
// `VariantFactory make_attention_prefill_ref_naive;`.
using VariantFactory = std::unique_ptr<Variant>();

class Registry {
 public:
  void add_op(OpInfo op);
  void add_variant(std::unique_ptr<Variant> v);

  const OpInfo* find_op(std::string_view op) const;
  // `full_name` is "backend.name" ("cuda.flash_mma").
  const Variant* find_variant(std::string_view op, std::string_view full_name) const;
  std::vector<const Variant*> variants(std::string_view op = {}) const;  // registration order
  std::vector<const OpInfo*> ops() const;

 private:
  std::vector<OpInfo> ops_;
  std::vector<std::unique_ptr<Variant>> variants_;
};

// The registry with every family registered (built once, on first use).
const Registry& registry();

// One per family, each in its own directory.
void register_attention(Registry& r);
void register_router(Registry& r);
void register_grouped_gemm(Registry& r);

}  // namespace moelab::kernels
