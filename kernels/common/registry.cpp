#include "kernels/common/registry.hpp"

#include <stdexcept>

namespace moelab::kernels {

void Registry::add_op(OpInfo op) {
  if (find_op(op.name) != nullptr) throw std::logic_error("op registered twice: " + op.name);
  ops_.push_back(std::move(op));
}

void Registry::add_variant(std::unique_ptr<Variant> v) {
  if (find_op(v->op()) == nullptr) throw std::logic_error("variant for unregistered op: " + std::string(v->op()));
  if (find_variant(v->op(), v->full_name()) != nullptr) {
    throw std::logic_error("variant registered twice: " + std::string(v->op()) + " " + v->full_name());
  }
  variants_.push_back(std::move(v));
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
  return nullptr;
}

std::vector<const Variant*> Registry::variants(std::string_view op) const {
  std::vector<const Variant*> out;
  for (const auto& v : variants_) {
    if (op.empty() || v->op() == op) out.push_back(v.get());
  }
  return out;
}

std::vector<const OpInfo*> Registry::ops() const {
  std::vector<const OpInfo*> out;
  for (const auto& o : ops_) out.push_back(&o);
  return out;
}

const Registry& registry() {
  static const Registry instance = [] {
    Registry r;
    register_attention(r);
    register_router(r);
    register_grouped_gemm(r);
    return r;
  }();
  return instance;
}

}  // namespace moelab::kernels
