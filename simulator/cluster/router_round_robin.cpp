// "round_robin": replica 0, 1, ..., n-1, 0, ... in arrival order, blind to load.
#include "simulator/cluster/router.hpp"

namespace moelab::sim {
namespace {
class RouterRoundRobin final : public Router {
 public:
  std::string_view name() const override { return "round_robin"; }
  std::int32_t route(const Request&, std::span<const ReplicaLoad> loads) override {
    const auto chosen = static_cast<std::int32_t>(next_ % loads.size());
    ++next_;
    return chosen;
  }

 private:
  std::uint64_t next_ = 0;
};
}  // namespace

std::unique_ptr<Router> make_router_round_robin(std::uint64_t) { return std::make_unique<RouterRoundRobin>(); }

}  // namespace moelab::sim
