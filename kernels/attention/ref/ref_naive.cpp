// ref.naive for the three attention ops: the oracle itself, run as a variant so the harness
// can time it and list it.
#include <algorithm>
#include <vector>

#include "kernels/attention/cases.hpp"
#include "kernels/attention/ref/attention_ref.hpp"
#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace {

template <class Case, auto Kernel>
class RefNaive final : public Variant {
 public:
  explicit RefNaive(const char* op) : op_(op) {}
  std::string_view op() const override { return op_; }
  Backend backend() const override { return Backend::ref; }
  std::string_view name() const override { return "naive"; }
  std::string_view description() const override { return "plain loops, fp64 accumulation (the oracle)"; }
  bool supports(const OpCase& c) const override { return dynamic_cast<const Case*>(&c) != nullptr; }
  std::unique_ptr<PreparedRun> prepare(OpCase& c) const override {
    auto& cs = dynamic_cast<Case&>(c);
    // The oracle computes in fp64 into a scratch buffer; copy-out narrows it to the case's fp32 output.
    auto scratch = std::make_shared<std::vector<double>>(cs.out.size());
    return std::make_unique<CpuPreparedRun>(
        [&cs, scratch] { Kernel(cs.params(), scratch->data(), nullptr); },
        [&cs, scratch] { std::copy(scratch->begin(), scratch->end(), cs.out.begin()); });
  }

 private:
  const char* op_;
};

}  // namespace

std::unique_ptr<Variant> make_attention_prefill_ref_naive() {
  return std::make_unique<RefNaive<PrefillCase, &ref::prefill>>(kPrefillOp);
}
std::unique_ptr<Variant> make_attention_decode_paged_ref_naive() {
  return std::make_unique<RefNaive<PagedDecodeCase, &ref::paged_decode>>(kPagedDecodeOp);
}
std::unique_ptr<Variant> make_attention_decode_cascade_ref_naive() {
  return std::make_unique<RefNaive<CascadeDecodeCase, &ref::cascade_decode>>(kCascadeDecodeOp);
}

}  // namespace moelab::kernels::attention
