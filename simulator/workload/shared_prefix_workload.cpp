// kind = "shared_prefix": one of `num_prefixes` fixed prefixes (chosen uniformly) followed by a
// unique suffix. The prefix's full blocks carry the same ids in every request that uses it; the
// block holding the prefix/suffix boundary (when prefix_tokens % block_tokens != 0) is unique.
// Keys: the shared generated-traffic keys (generated_traffic.hpp; prompt_tokens is the suffix) and
// [workload.shared_prefix] prefix_tokens, num_prefixes = 1.
#include <fmt/format.h>

#include "simulator/core/rng_streams.hpp"
#include "simulator/workload/content_ids.hpp"
#include "simulator/workload/open_loop_workload.hpp"
#include "simulator/workload/prompt_length.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {
namespace {

constexpr TrafficKeys kKeys{.num_requests = true, .content_block_tokens = true};

// [workload.shared_prefix]: one of `num_prefixes` fixed prefixes (system prompt / few-shot
// examples), chosen uniformly, + a unique suffix (prompt_tokens).
struct SharedPrefixTable {
  std::int64_t prefix_tokens = 0;
  std::int64_t num_prefixes = 1;
};

constexpr std::uint64_t kPrefixTag = 0x5052454649580000ULL;  // "PREFIX"
constexpr std::uint64_t kSuffixTag = 0x5355464649580000ULL;  // "SUFFIX"

class SharedPrefixWorkload final : public OpenLoopWorkload {
 public:
  SharedPrefixWorkload(const GeneratedTraffic& traffic, const SharedPrefixTable& p, std::uint64_t seed)
      : OpenLoopWorkload(traffic, seed),
        p_(p),
        block_tokens_(traffic.content_block_tokens),
        suffix_(traffic.prompt_tokens),
        output_(traffic.output_tokens),
        content_seed_(stream_seed(seed, RngStream::content)),
        prompt_rng_(stream_seed(seed, RngStream::prompt_lengths)),
        output_rng_(stream_seed(seed, RngStream::output_lengths)),
        choice_rng_(stream_seed(seed, RngStream::prefix_choice)) {}

 protected:
  void build(Request& r) override {
    const auto prefix = static_cast<std::uint64_t>(choice_rng_.below(static_cast<std::uint64_t>(p_.num_prefixes)));
    const std::int64_t suffix_tokens = suffix_->sample(prompt_rng_);
    const ContentSegment segments[] = {
        {hash_combine(hash_combine(content_seed_, kPrefixTag), prefix), p_.prefix_tokens},
        {hash_combine(hash_combine(content_seed_, kSuffixTag), static_cast<std::uint64_t>(r.id)), suffix_tokens},
    };
    r.prompt_tokens = checked_prompt_tokens(p_.prefix_tokens + suffix_tokens, "shared_prefix prompt");
    r.output_tokens = output_->sample(output_rng_);
    r.content_block_tokens = static_cast<std::int32_t>(block_tokens_);
    r.content_tokens = r.prompt_tokens;
    r.content_ids = block_content_ids(segments, r.content_tokens, block_tokens_);
  }

 private:
  SharedPrefixTable p_;
  std::int64_t block_tokens_;
  LengthDistributionPtr suffix_, output_;
  std::uint64_t content_seed_;
  Rng prompt_rng_, output_rng_, choice_rng_;
};

class SharedPrefixParams final : public WorkloadParams {
 public:
  SharedPrefixParams(GeneratedTraffic traffic, SharedPrefixTable p) : traffic_(std::move(traffic)), p_(p) {}

  MaybeProblem check() const override {
    if (auto p = check_generated_traffic(traffic_, kKeys)) return p;
    if (p_.prefix_tokens < 0 || p_.prefix_tokens > kMaxCount) {
      return problem("shared_prefix.prefix_tokens",
                     fmt::format("must be in [0, {}], got {}", kMaxCount, p_.prefix_tokens));
    }
    if (p_.num_prefixes < 1)
      return problem("shared_prefix.num_prefixes", fmt::format("must be >= 1, got {}", p_.num_prefixes));
    return std::nullopt;
  }

  bool ends_by_itself() const override { return traffic_.num_requests > 0; }
  std::optional<RequestCount> request_count() const override { return open_loop_request_count(traffic_); }

  std::unique_ptr<Workload> make(std::uint64_t seed) const override {
    return std::make_unique<SharedPrefixWorkload>(traffic_, p_, seed);
  }

 private:
  GeneratedTraffic traffic_;
  SharedPrefixTable p_;
};

}  // namespace

std::shared_ptr<WorkloadParams> read_shared_prefix_workload(TableReader& workload) {
  GeneratedTraffic traffic = read_generated_traffic(workload, kKeys);
  const auto t = workload.table("shared_prefix");
  SharedPrefixTable p;
  p.prefix_tokens = t->integer("prefix_tokens");
  p.num_prefixes = t->integer_or("num_prefixes", 1);
  t->finish();
  return std::make_shared<SharedPrefixParams>(std::move(traffic), p);
}

}  // namespace moelab::sim
