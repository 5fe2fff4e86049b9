// kind = "synthetic": arrivals + independent prompt and output lengths, no content ids.
#include "simulator/core/rng_streams.hpp"
#include "simulator/workload/open_loop_workload.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {
namespace {

constexpr TrafficKeys kKeys{.num_requests = true, .content_block_tokens = false};

class SyntheticWorkload final : public OpenLoopWorkload {
 public:
  SyntheticWorkload(const GeneratedTraffic& traffic, std::uint64_t seed)
      : OpenLoopWorkload(traffic, seed),
        prompt_(traffic.prompt_tokens),
        output_(traffic.output_tokens),
        prompt_rng_(stream_seed(seed, RngStream::prompt_lengths)),
        output_rng_(stream_seed(seed, RngStream::output_lengths)) {}

 protected:
  void build(Request& r) override {
    r.prompt_tokens = prompt_->sample(prompt_rng_);
    r.output_tokens = output_->sample(output_rng_);
  }

 private:
  LengthDistributionPtr prompt_, output_;
  Rng prompt_rng_, output_rng_;
};

class SyntheticParams final : public WorkloadParams {
 public:
  explicit SyntheticParams(GeneratedTraffic traffic) : traffic_(std::move(traffic)) {}
  MaybeProblem check() const override { return check_generated_traffic(traffic_, kKeys); }
  bool ends_by_itself() const override { return traffic_.num_requests > 0; }
  std::optional<RequestCount> request_count() const override { return open_loop_request_count(traffic_); }
  std::unique_ptr<Workload> make(std::uint64_t seed) const override {
    return std::make_unique<SyntheticWorkload>(traffic_, seed);
  }

 private:
  GeneratedTraffic traffic_;
};

}  // namespace

std::shared_ptr<WorkloadParams> read_synthetic_workload(TableReader& workload) {
  return std::make_shared<SyntheticParams>(read_generated_traffic(workload, kKeys));
}

}  // namespace moelab::sim
