#pragma once
// What a GPU-hour costs: rented (cost_rent.cpp) or owned (cost_own.cpp), one file per kind and
// one line in gpu_cost_model_registry.cpp. A model gives the cost of one GPU-hour, split into named
// components, for a GPU that is busy a given fraction of the hour (owned power depends on it), and
// says how each component is billed: only while the GPU serves (hourly cloud rental, scaled with
// demand) or for every provisioned GPU around the clock (reservations, owned hardware).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/named_registry.hpp"
#include "base/table_reader.hpp"
#include "simulator/economics/cost_data.hpp"
#include "simulator/model/hardware_spec.hpp"

namespace moelab::sim {

enum class Billing {
  per_active_gpu_hour,       // paid for GPU-hours in use (on-demand / spot rental, scaled hourly)
  per_provisioned_gpu_hour,  // paid for every provisioned GPU, all day (reserved, owned)
};

std::string_view billing_name(Billing b);  // "active" | "provisioned"

struct CostComponent {
  std::string name;  // "rent", "capex", "network", "hosting", "ops", "power"
  double usd_per_gpu_hour = 0;
  Billing billing = Billing::per_active_gpu_hour;
};

struct GpuHourCost {
  std::vector<CostComponent> components;  // same names and order for every busy fraction
  double total_usd_per_gpu_hour() const;
};

class CostModel {
 public:
  virtual ~CostModel() = default;
  virtual std::string_view kind() const = 0;
  // One line naming the prices used ("rent h200 on_demand_low: 2.50 USD/GPU-h").
  virtual std::string describe() const = 0;
  // One GPU-hour of a GPU busy `busy_fraction` (in [0, 1]) of the hour; 0 = provisioned but idle.
  virtual GpuHourCost per_gpu_hour(double busy_fraction) const = 0;
};

using CostModelPtr = std::shared_ptr<const CostModel>;

// What a cost model may look up while it reads its table: the GPU the experiment runs and the
// price/TCO data.
struct CostContext {
  const HardwareSpec& hardware;
  const CostData& data;
};

using ReadCostModel = CostModelPtr(TableReader& table, const CostContext& context);
const NamedRegistry<ReadCostModel>& gpu_cost_model_registry();

// The table's `kind` picks the model, which reads the rest; unknown keys are errors.
CostModelPtr read_cost_model(TableReader& table, const CostContext& context);

}  // namespace moelab::sim
