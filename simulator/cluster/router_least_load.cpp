// "least_load": the replica with the fewest outstanding (running + waiting) requests, lowest index
// on ties — the "least outstanding requests" policy of common load balancers.
#include "simulator/cluster/router.hpp"

namespace moelab::sim {
namespace {
class RouterLeastLoad final : public Router {
 public:
  std::string_view name() const override { return "least_load"; }
  std::int32_t route(const Request&, std::span<const ReplicaLoad> loads) override {
    std::size_t best = 0;
    for (std::size_t i = 1; i < loads.size(); ++i)
      if (loads[i].outstanding() < loads[best].outstanding()) best = i;
    return static_cast<std::int32_t>(best);
  }
};
}  // namespace

std::unique_ptr<Router> make_router_least_load(std::uint64_t) { return std::make_unique<RouterLeastLoad>(); }

}  // namespace moelab::sim
