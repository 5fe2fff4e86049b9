#pragma once
// One registry of ops and their variants. `moelab list variants` prints it.
// Adding a variant = one new file (the kernel + its Variant adapter, ending in its factory
// `std::unique_ptr<Variant> make_<op>_<backend>_<name>()`) + two lines in the family's
// register_<family>.cpp: the factory's declaration and its add_variant() line
// (kernels/common/README.md).
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/common/variant.hpp"

namespace moelab::kernels {

// A deferred backend's variants could not be loaded (its library is missing or refused to open).
class BackendLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OpInfo {
  std::string name;  // "attention.prefill"
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
  using BackendLoader = std::function<std::vector<std::unique_ptr<Variant>>()>;

  void add_op(OpInfo op);
  void add_variant(std::unique_ptr<Variant> v);
  // The variants of `backend` live in a library opened on first use (cuda:
  // libmoelab_kernels_cuda.so, kernels/common/cuda_backend.hpp). `load` runs once, when a lookup
  // first needs them: variants(), or find_variant() of a name of that backend. It returns the
  // variants (for registered ops) or throws BackendLoadError, which load_error() then reports.
  void defer_backend(Backend backend, BackendLoader load);

  const OpInfo* find_op(std::string_view op) const;
  // `full_name` is "backend.name" ("cuda.flash_mma").
  const Variant* find_variant(std::string_view op, std::string_view full_name) const;
  // Registration order; a deferred backend's variants come after the others.
  std::vector<const Variant*> variants(std::string_view op = {}) const;
  std::vector<const OpInfo*> ops() const;
  // Why a deferred backend has no variants: its load failed. "" when it loaded, was not needed
  // yet, or is not deferred.
  std::string load_error(Backend backend) const;

 private:
  // A deferred backend: filled once by the first lookup that needs it (std::call_once), so
  // const lookups may load it; the other variants never change after registration.
  struct Deferred {
    Backend backend;
    BackendLoader load;
    std::once_flag loaded;
    std::vector<std::unique_ptr<Variant>> variants;
    std::string error;
  };
  const std::vector<std::unique_ptr<Variant>>& loaded(Deferred& d) const;

  std::vector<OpInfo> ops_;
  std::vector<std::unique_ptr<Variant>> variants_;
  std::vector<std::unique_ptr<Deferred>> deferred_;
};

// The registry with every family registered (built once, on first use).
const Registry& registry();

// One per family, each in its own directory.
void register_attention(Registry& r);
void register_router(Registry& r);
void register_grouped_gemm(Registry& r);
void register_mla(Registry& r);

}  // namespace moelab::kernels
