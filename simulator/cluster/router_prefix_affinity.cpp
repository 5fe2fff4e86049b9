// "prefix_affinity": cache-aware routing as SGLang's router (now SMG, the SGLang model gateway)
// does it: while the replicas are balanced, the request goes to the one whose prefix cache holds
// the longest prefix of its prompt, if that covers at least kCacheThreshold of the prompt, else
// to the least loaded; once the load is imbalanced (max - min outstanding > kBalanceAbs and
// max > min x kBalanceRel) every request goes to the least loaded (the load cap). Ties: fewer
// outstanding, then the lowest index. SMG's defaults (lightseekorg/smg
// docs/getting-started/load-balancing.md, read 2026-11): --cache-threshold 0.3,
// --balance-abs-threshold 64, --balance-rel-threshold 1.5. Simplified: SMG matches against a
// radix tree that mirrors what it routed; here the replicas' caches are asked (exact, not a mirror).
#include <algorithm>

#include "simulator/cluster/router.hpp"

namespace moelab::sim {
namespace {

constexpr double kCacheThreshold = 0.3;
constexpr std::int64_t kBalanceAbs = 64;
constexpr double kBalanceRel = 1.5;

class RouterPrefixAffinity final : public Router {
 public:
  std::string_view name() const override { return "prefix_affinity"; }
  bool wants_prefix_match() const override { return true; }
  std::int32_t route(const Request& request, std::span<const ReplicaLoad> loads) override {
    std::size_t least = 0, best = 0;
    std::int64_t max_load = loads[0].outstanding();
    for (std::size_t i = 1; i < loads.size(); ++i) {
      const auto& a = loads[i];
      max_load = std::max(max_load, a.outstanding());
      if (a.outstanding() < loads[least].outstanding()) least = i;
      if (a.cached_prefix_tokens > loads[best].cached_prefix_tokens ||
          (a.cached_prefix_tokens == loads[best].cached_prefix_tokens && a.outstanding() < loads[best].outstanding()))
        best = i;
    }
    const std::int64_t min_load = loads[least].outstanding();
    const bool imbalanced = max_load - min_load > kBalanceAbs &&
                            static_cast<double>(max_load) > kBalanceRel * static_cast<double>(min_load);
    if (imbalanced) return static_cast<std::int32_t>(least);
    const double match = request.prompt_tokens > 0 ? static_cast<double>(loads[best].cached_prefix_tokens) /
                                                         static_cast<double>(request.prompt_tokens)
                                                   : 0.0;
    return static_cast<std::int32_t>(match >= kCacheThreshold ? best : least);
  }
};

}  // namespace

std::unique_ptr<Router> make_router_prefix_affinity(std::uint64_t) { return std::make_unique<RouterPrefixAffinity>(); }

}  // namespace moelab::sim
