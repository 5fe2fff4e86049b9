// kind = "shared_prefix": one of `num_prefixes` fixed prefixes (chosen uniformly) followed by a
// unique suffix. The prefix's full blocks carry the same ids in every request that uses it; the
// block holding the prefix/suffix boundary (when prefix_tokens % block_tokens != 0) is unique.
#include "simulator/core/rng_streams.hpp"
#include "simulator/workload/content_ids.hpp"
#include "simulator/workload/open_loop_workload.hpp"
#include "simulator/workload/prompt_length.hpp"
#include "simulator/workload/workload_factories.hpp"

namespace moelab::sim {
namespace {

constexpr std::uint64_t kPrefixTag = 0x5052454649580000ULL;  // "PREFIX"
constexpr std::uint64_t kSuffixTag = 0x5355464649580000ULL;  // "SUFFIX"

class SharedPrefixWorkload final : public OpenLoopWorkload {
 public:
  SharedPrefixWorkload(const WorkloadSpec& spec, std::uint64_t seed)
      : OpenLoopWorkload(spec, seed),
        p_(spec.shared_prefix),
        block_tokens_(spec.content_block_tokens),
        suffix_(spec.prompt_tokens),
        output_(spec.output_tokens),
        content_seed_(stream_seed(seed, RngStream::content)),
        prompt_rng_(stream_seed(seed, RngStream::prompt_lengths)),
        output_rng_(stream_seed(seed, RngStream::output_lengths)),
        choice_rng_(stream_seed(seed, RngStream::prefix_choice)) {}

 protected:
  void build(Request& r) override {
    const auto prefix = static_cast<std::uint64_t>(choice_rng_.below(static_cast<std::uint64_t>(p_.num_prefixes)));
    const std::int64_t suffix_tokens = suffix_.sample(prompt_rng_);
    const ContentSegment segments[] = {
        {hash_combine(hash_combine(content_seed_, kPrefixTag), prefix), p_.prefix_tokens},
        {hash_combine(hash_combine(content_seed_, kSuffixTag), static_cast<std::uint64_t>(r.id)), suffix_tokens},
    };
    r.prompt_tokens = checked_prompt_tokens(p_.prefix_tokens + suffix_tokens, "shared_prefix prompt");
    r.output_tokens = output_.sample(output_rng_);
    r.content_block_tokens = static_cast<std::int32_t>(block_tokens_);
    r.content_tokens = r.prompt_tokens;
    r.content_ids = block_content_ids(segments, r.content_tokens, block_tokens_);
  }

 private:
  SharedPrefixSpec p_;
  std::int64_t block_tokens_;
  LengthSampler suffix_, output_;
  std::uint64_t content_seed_;
  Rng prompt_rng_, output_rng_, choice_rng_;
};

}  // namespace

std::unique_ptr<Workload> make_shared_prefix_workload(const WorkloadSpec& spec, std::uint64_t seed) {
  return std::make_unique<SharedPrefixWorkload>(spec, seed);
}

}  // namespace moelab::sim
