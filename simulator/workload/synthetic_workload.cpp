// kind = "synthetic": arrivals + independent prompt and output lengths, no content ids.
#include "simulator/core/rng_streams.hpp"
#include "simulator/workload/open_loop_workload.hpp"
#include "simulator/workload/workload_factories.hpp"

namespace moelab::sim {
namespace {

class SyntheticWorkload final : public OpenLoopWorkload {
 public:
  SyntheticWorkload(const WorkloadSpec& spec, std::uint64_t seed)
      : OpenLoopWorkload(spec, seed),
        prompt_(spec.prompt_tokens),
        output_(spec.output_tokens),
        prompt_rng_(stream_seed(seed, RngStream::prompt_lengths)),
        output_rng_(stream_seed(seed, RngStream::output_lengths)) {}

 protected:
  void build(Request& r) override {
    r.prompt_tokens = prompt_.sample(prompt_rng_);
    r.output_tokens = output_.sample(output_rng_);
  }

 private:
  LengthSampler prompt_, output_;
  Rng prompt_rng_, output_rng_;
};

}  // namespace

std::unique_ptr<Workload> make_synthetic_workload(const WorkloadSpec& spec, std::uint64_t seed) {
  return std::make_unique<SyntheticWorkload>(spec, seed);
}

}  // namespace moelab::sim
