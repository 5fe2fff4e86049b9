#include "kernels/common/registry.hpp"

#include <stdexcept>

#if MOELAB_HAVE_CUDA
#include "kernels/common/cuda_backend.hpp"
#endif

namespace moelab::kernels {

void Registry::add_op(OpInfo op) {
  if (find_op(op.name) != nullptr) throw std::logic_error("op registered twice: " + op.name);
  ops_.push_back(std::move(op));
}

void Registry::add_variant(std::unique_ptr<Variant> v) {
  if (find_op(v->op()) == nullptr) throw std::logic_error("variant for unregistered op: " + std::string(v->op()));
  for (const auto& w : variants_) {  // not find_variant(): that would load a deferred backend
    if (w->op() == v->op() && w->full_name() == v->full_name()) {
      throw std::logic_error("variant registered twice: " + std::string(v->op()) + " " + v->full_name());
    }
  }
  variants_.push_back(std::move(v));
}

void Registry::defer_backend(Backend backend, BackendLoader load) {
  for (const auto& d : deferred_) {
    if (d->backend == backend) throw std::logic_error("backend deferred twice: " + std::string(to_string(backend)));
  }
  auto d = std::make_unique<Deferred>();
  d->backend = backend;
  d->load = std::move(load);
  deferred_.push_back(std::move(d));
}

const std::vector<std::unique_ptr<Variant>>& Registry::loaded(Deferred& d) const {
  std::call_once(d.loaded, [&] {
    try {
      auto variants = d.load();
      // A library whose variants do not fit this registry is from another build: a load error.
      for (const auto& v : variants) {
        const std::string what = std::string(v->op()) + " " + v->full_name();
        if (v->backend() != d.backend) throw BackendLoadError("library variant of another backend: " + what);
        if (find_op(v->op()) == nullptr) throw BackendLoadError("library variant for an op this build lacks: " + what);
        std::size_t same_name = 0;
        const std::vector<std::unique_ptr<Variant>>* lists[] = {&variants_, &variants};
        for (const auto* list : lists) {
          for (const auto& w : *list) same_name += w->op() == v->op() && w->full_name() == v->full_name();
        }
        if (same_name > 1) throw BackendLoadError("library variant registered twice: " + what);
      }
      d.variants = std::move(variants);
    } catch (const BackendLoadError& e) {
      d.error = e.what();
    }
  });
  return d.variants;
}

const OpInfo* Registry::find_op(std::string_view op) const {
  for (const auto& o : ops_) {
    if (o.name == op) return &o;
  }
  return nullptr;
}

const Variant* Registry::find_variant(std::string_view op, std::string_view full_name) const {
  for (const auto& v : variants_) {
    if (v->op() == op && v->full_name() == full_name) return v.get();
  }
  const auto backend = parse_backend(full_name.substr(0, full_name.find('.')));
  for (const auto& d : deferred_) {
    if (!backend || d->backend != *backend) continue;
    for (const auto& v : loaded(*d)) {
      if (v->op() == op && v->full_name() == full_name) return v.get();
    }
  }
  return nullptr;
}

std::vector<const Variant*> Registry::variants(std::string_view op) const {
  std::vector<const Variant*> out;
  for (const auto& v : variants_) {
    if (op.empty() || v->op() == op) out.push_back(v.get());
  }
  for (const auto& d : deferred_) {
    for (const auto& v : loaded(*d)) {
      if (op.empty() || v->op() == op) out.push_back(v.get());
    }
  }
  return out;
}

std::vector<const OpInfo*> Registry::ops() const {
  std::vector<const OpInfo*> out;
  for (const auto& o : ops_) out.push_back(&o);
  return out;
}

std::string Registry::load_error(Backend backend) const {
  for (const auto& d : deferred_) {
    if (d->backend == backend) return d->error;
  }
  return "";
}

const Registry& registry() {
  static const Registry instance = [] {
    Registry r;
    register_attention(r);
    register_router(r);
    register_grouped_gemm(r);
    register_mla(r);
#if MOELAB_HAVE_CUDA
    // The cuda variants (register_*_cuda, in each family's cuda/) are in libmoelab_kernels_cuda.so.
    r.defer_backend(Backend::cuda, load_cuda_variants);
#endif
    return r;
  }();
  return instance;
}

}  // namespace moelab::kernels
