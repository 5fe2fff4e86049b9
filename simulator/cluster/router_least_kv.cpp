// "least_kv": the replica whose KV cache is least used (pinned blocks / total), then the fewest
// outstanding requests, then the lowest index: a decode router that balances memory, the
// resource decode instances run out of (Mooncake's conductor and DistServe place decode by it).
#include "simulator/cluster/router.hpp"

namespace moelab::sim {
namespace {
class RouterLeastKv final : public Router {
 public:
  std::string_view name() const override { return "least_kv"; }
  std::int32_t route(const Request&, std::span<const ReplicaLoad> loads) override {
    std::size_t best = 0;
    for (std::size_t i = 1; i < loads.size(); ++i) {
      const auto& a = loads[i];
      const auto& b = loads[best];
      if (a.kv_used_fraction < b.kv_used_fraction ||
          (a.kv_used_fraction == b.kv_used_fraction && a.outstanding() < b.outstanding()))
        best = i;
    }
    return static_cast<std::int32_t>(best);
  }
};
}  // namespace

std::unique_ptr<Router> make_router_least_kv(std::uint64_t) { return std::make_unique<RouterLeastKv>(); }

}  // namespace moelab::sim
