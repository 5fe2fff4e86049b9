// Cost kind "rent": a price per GPU-hour, from a tier of data/prices/gpu_rental_ranges.toml for the
// experiment's GPU (`tier`), the hardware's default price (`tier = "default"`, i.e. the hardware
// spec's usd_per_gpu_hour: data/prices/gpu_rental.toml or the experiment's override), or an
// explicit `usd_per_gpu_hour`. Billed per GPU-hour in use (hourly cloud capacity scaled with
// demand), except reservations, which are paid for every provisioned GPU all day; `billing`
// overrides that.
#include <fmt/format.h>

#include <cmath>

#include "simulator/economics/cost_model.hpp"

namespace moelab::sim {
namespace {

class RentCostModel final : public CostModel {
 public:
  RentCostModel(std::string what, double usd_per_gpu_hour, Billing billing)
      : what_(std::move(what)), usd_per_gpu_hour_(usd_per_gpu_hour), billing_(billing) {}
  std::string_view kind() const override { return "rent"; }
  std::string describe() const override {
    return fmt::format("rent {}: {:.3f} USD/GPU-h, billed per {} GPU-hour", what_, usd_per_gpu_hour_,
                       billing_name(billing_));
  }
  GpuHourCost per_gpu_hour(double /*busy_fraction*/) const override {
    return GpuHourCost{{CostComponent{"rent", usd_per_gpu_hour_, billing_}}};
  }

 private:
  std::string what_;
  double usd_per_gpu_hour_;
  Billing billing_;
};

}  // namespace

CostModelPtr read_rent_cost_model(TableReader& table, const CostContext& context) {
  const std::string& gpu = context.hardware.id;
  std::vector<std::string> tiers = kRentalTiers;
  tiers.insert(tiers.begin(), "default");
  double price = 0;
  std::string what;
  std::string tier;
  if (table.has("usd_per_gpu_hour")) {
    if (table.has("tier")) table.fail("tier", "give either tier or usd_per_gpu_hour, not both");
    price = table.number("usd_per_gpu_hour");
    if (!(price > 0)) table.fail("usd_per_gpu_hour", fmt::format("must be > 0, got {}", price));
    what = fmt::format("{} at an explicit price", gpu);
  } else {
    tier = table.choice_or("tier", tiers, "default");
    if (tier == "default") {
      price = context.hardware.usd_per_gpu_hour;
      if (!(price > 0)) {
        table.fail("tier", fmt::format("hardware '{}' has no default price (data/prices/gpu_rental.toml); "
                                       "choose a tier or set usd_per_gpu_hour",
                                       gpu));
      }
    } else {
      const GpuRentalRange* range = context.data.rental_for(gpu);
      const auto found = range ? range->usd_per_gpu_hour.find(tier) : std::map<std::string, double>::const_iterator{};
      if (range == nullptr || found == range->usd_per_gpu_hour.end()) {
        table.fail("tier", fmt::format("data/prices/gpu_rental_ranges.toml gives no {} price for '{}'", tier, gpu));
      }
      price = found->second;
    }
    what = fmt::format("{} {}", gpu, tier);
  }
  const Billing fallback = tier == "reserved" ? Billing::per_provisioned_gpu_hour : Billing::per_active_gpu_hour;
  const std::string billing =
      table.choice_or("billing", {"active", "provisioned"}, std::string(billing_name(fallback)));
  return std::make_shared<RentCostModel>(
      what, price, billing == "active" ? Billing::per_active_gpu_hour : Billing::per_provisioned_gpu_hour);
}

}  // namespace moelab::sim
