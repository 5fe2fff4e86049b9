#include "kernels/common/not_built_variant.hpp"

#include <deque>
#include <mutex>
#include <stdexcept>

namespace moelab::kernels {
namespace {

class PlaceholderVariant final : public Variant {
 public:
  PlaceholderVariant(std::string op, Backend backend, std::string name, std::string reason)
      : op_(std::move(op)), backend_(backend), name_(std::move(name)), reason_(std::move(reason)) {}
  std::string_view op() const override { return op_; }
  Backend backend() const override { return backend_; }
  std::string_view name() const override { return name_; }
  std::string_view description() const override { return "backend not in this build or not loadable here"; }
  bool available() const override { return false; }
  std::string unavailable_reason() const override { return reason_; }
  bool supports(const OpCase&) const override { return false; }
  std::unique_ptr<PreparedRun> prepare(OpCase&) const override {
    throw std::logic_error("prepare() on a placeholder variant: " + full_name());
  }

 private:
  std::string op_;
  Backend backend_;
  std::string name_;
  std::string reason_;
};

std::string not_built_reason(Backend b) {
  return b == Backend::cuda ? "not built: this build has no CUDA (MOELAB_ENABLE_CUDA=OFF or no nvcc at configure time)"
                            : "not built: Kokkos was not found when this build was configured";
}

}  // namespace

bool backend_built(Backend b) {
  switch (b) {
    case Backend::ref:
      return true;
#if MOELAB_HAVE_KOKKOS
    case Backend::kokkos:
      return true;
#else
    case Backend::kokkos:
      return false;
#endif
#if MOELAB_HAVE_CUDA
    case Backend::cuda:
      return true;
#else
    case Backend::cuda:
      return false;
#endif
  }
  return false;
}

const Variant& not_built_variant(std::string_view op, Backend backend, std::string_view name) {
  if (backend_built(backend)) throw std::logic_error("not_built_variant for a built backend");
  return unavailable_variant(op, backend, name, not_built_reason(backend));
}

const Variant& unavailable_variant(std::string_view op, Backend backend, std::string_view name,
                                   std::string_view reason) {
  static std::mutex mutex;
  static std::deque<PlaceholderVariant> interned;  // a deque never moves its elements
  std::lock_guard lock(mutex);
  for (const auto& v : interned) {
    if (v.op() == op && v.backend() == backend && v.name() == name && v.unavailable_reason() == reason) return v;
  }
  return interned.emplace_back(std::string(op), backend, std::string(name), std::string(reason));
}

}  // namespace moelab::kernels
