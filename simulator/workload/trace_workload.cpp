// kind = "mooncake" | "csv": replay a validated trace in file order (timestamps scaled by
// trace_time_scale). The seed is unused: a replay is the same for every seed.
#include <stdexcept>

#include "simulator/workload/trace_data.hpp"
#include "simulator/workload/workload_factories.hpp"

namespace moelab::sim {
namespace {

class TraceWorkload final : public Workload {
 public:
  TraceWorkload(std::shared_ptr<const TraceData> trace, double time_scale, std::int64_t limit)
      : trace_(std::move(trace)), time_scale_(time_scale) {
    count_ = static_cast<std::int64_t>(trace_->size());
    if (limit > 0 && limit < count_) count_ = limit;
  }

  std::optional<double> peek_arrival_s() override {
    if (next_ >= count_) return std::nullopt;
    return trace_->arrival_s[static_cast<std::size_t>(next_)] * time_scale_;
  }

  Request pop() override {
    if (next_ >= count_) throw std::logic_error("Workload::pop() with no pending request");
    const auto i = static_cast<std::size_t>(next_);
    Request r;
    r.id = next_++;
    r.arrival_s = trace_->arrival_s[i] * time_scale_;
    r.prompt_tokens = trace_->prompt_tokens[i];
    r.output_tokens = trace_->output_tokens[i];
    if (trace_->content_block_tokens > 0) {
      r.content_block_tokens = trace_->content_block_tokens;
      r.content_ids.assign(trace_->content_ids.begin() + static_cast<std::ptrdiff_t>(trace_->id_begin[i]),
                           trace_->content_ids.begin() + static_cast<std::ptrdiff_t>(trace_->id_begin[i + 1]));
    }
    return r;
  }

  std::int64_t expected_requests() const override { return count_; }

 private:
  std::shared_ptr<const TraceData> trace_;
  double time_scale_;
  std::int64_t count_ = 0;
  std::int64_t next_ = 0;
};

}  // namespace

std::unique_ptr<Workload> make_trace_workload(const WorkloadSpec& spec, std::uint64_t /*seed*/) {
  auto trace = spec.trace ? spec.trace : std::make_shared<const TraceData>(load_trace(spec.kind, spec.trace_path));
  return std::make_unique<TraceWorkload>(std::move(trace), spec.trace_time_scale, spec.num_requests);
}

}  // namespace moelab::sim
