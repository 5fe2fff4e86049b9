// The roofline instance cost model: StepCostModel's per-operator roofline for the instance's one
// rank (step_cost.hpp has the forms).
#include <stdexcept>

#include "simulator/model/cost_model.hpp"

namespace moelab::sim {
namespace {

class RooflineCostModel final : public InstanceCostModel {
 public:
  explicit RooflineCostModel(const CostModelContext& c) : step_(c.model, c.hardware, c.engine, c.tensor_parallel) {}

  std::string_view name() const override { return "roofline"; }

  void price(std::span<const StepShape> ranks, StepBreakdown& out) const override {
    if (ranks.size() != 1) throw std::logic_error("roofline: one rank per instance");
    const StepCost c = step_.cost(ranks.front());
    out = StepBreakdown{};
    out.step_s = c.time_s;
    out.compute_s = c.compute_s + c.memory_s;
    out.allreduce_s = c.communication_s;
    out.exposed_comm_s = c.communication_s;
  }

  double rank_weight_bytes() const override { return step_.weight_bytes(); }
  double rank_kv_bytes_per_token() const override { return step_.kv_bytes_per_token(); }

 private:
  StepCostModel step_;
};

}  // namespace

std::unique_ptr<InstanceCostModel> make_cost_model_roofline(const CostModelContext& context) {
  return std::make_unique<RooflineCostModel>(context);
}

}  // namespace moelab::sim
