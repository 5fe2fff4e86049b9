#pragma once
// A Variant assembled from functions, so each MoE variant file holds only its kernel call:
// what it supports and how it prepares a run.
#include <functional>
#include <memory>
#include <string>

#include "kernels/common/variant.hpp"

namespace moelab::kernels::moe_detail {

class FnVariant final : public Variant {
 public:
  using Supports = std::function<bool(const OpCase&)>;
  using Prepare = std::function<std::unique_ptr<PreparedRun>(OpCase&)>;
  using Available = std::function<bool()>;

  FnVariant(std::string op, Backend backend, std::string name, std::string description, Supports supports,
            Prepare prepare, Available available = {})
      : op_(std::move(op)),
        backend_(backend),
        name_(std::move(name)),
        description_(std::move(description)),
        supports_(std::move(supports)),
        prepare_(std::move(prepare)),
        available_(std::move(available)) {}

  std::string_view op() const override { return op_; }
  Backend backend() const override { return backend_; }
  std::string_view name() const override { return name_; }
  std::string_view description() const override { return description_; }
  bool available() const override { return available_ ? available_() : true; }
  bool supports(const OpCase& c) const override { return c.op() == op_ && supports_(c); }
  std::unique_ptr<PreparedRun> prepare(OpCase& c) const override { return prepare_(c); }

 private:
  std::string op_;
  Backend backend_;
  std::string name_;
  std::string description_;
  Supports supports_;
  Prepare prepare_;
  Available available_;
};

template <class Case>
Case& case_as(OpCase& c) {
  return dynamic_cast<Case&>(c);
}

}  // namespace moelab::kernels::moe_detail
