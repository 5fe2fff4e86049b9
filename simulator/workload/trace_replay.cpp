// Trace replay: requests in file order, timestamps scaled by trace_time_scale. The seed is unused.
#include "simulator/workload/trace_replay.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

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
  std::int64_t planned_requests() const override { return count_; }

 private:
  std::shared_ptr<const TraceData> trace_;
  double time_scale_;
  std::int64_t count_ = 0;
  std::int64_t next_ = 0;
};

class TraceReplayParams final : public WorkloadParams {
 public:
  TraceReplayParams(const TraceFormat& format, std::filesystem::path path, double time_scale,
                    std::int64_t content_block_tokens, std::int64_t num_requests)
      : format_(format),
        path_(std::move(path)),
        time_scale_(time_scale),
        content_block_tokens_(content_block_tokens),
        num_requests_(num_requests) {}

  MaybeProblem check() const override {
    if (auto p = out_of_range(num_requests_, IntRange{0, kMaxExactDoubleInt})) return problem("num_requests", *p);
    if (path_.empty()) return problem("trace", "required for a trace replay");
    // Trace times (ms, finite) times the scale must stay finite and meaningful.
    if (auto p = out_of_range(time_scale_, NumberRange{0, 1e6, true})) return problem("trace_time_scale", *p);
    if (content_block_tokens_ != format_.id_block_tokens) {
      return problem("content_block_tokens", fmt::format("the {} trace's hash ids name {}-token blocks; got {}",
                                                         format_.name, format_.id_block_tokens, content_block_tokens_));
    }
    return std::nullopt;
  }

  void read_inputs() override { trace_ = std::make_shared<const TraceData>(format_.load(path_)); }

  bool ends_by_itself() const override { return true; }
  std::optional<RequestCount> request_count() const override {
    if (!trace_) return std::nullopt;  // read_inputs() not called: nothing known yet
    const auto rows = static_cast<std::int64_t>(trace_->size());
    return RequestCount{static_cast<double>(num_requests_ > 0 ? std::min(num_requests_, rows) : rows), "num_requests"};
  }

  std::unique_ptr<Workload> make(std::uint64_t /*seed*/) const override {
    auto trace = trace_ ? trace_ : std::make_shared<const TraceData>(format_.load(path_));
    return std::make_unique<TraceWorkload>(std::move(trace), time_scale_, num_requests_);
  }

 private:
  TraceFormat format_;
  std::filesystem::path path_;
  double time_scale_;
  std::int64_t content_block_tokens_;
  std::int64_t num_requests_;
  std::shared_ptr<const TraceData> trace_;  // read by read_inputs(); null = make() reads the file
};

}  // namespace

std::shared_ptr<WorkloadParams> read_trace_replay(TableReader& workload, const TraceFormat& format) {
  const std::int64_t num_requests = workload.integer_or("num_requests", 0);
  const std::filesystem::path path = workload.path("trace");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) workload.fail("trace", "no such file: " + path.string());
  const double time_scale = workload.number_or("trace_time_scale", 1.0);
  // Only formats with content ids have the key; its one valid value is the format's block size.
  const std::int64_t block_tokens =
      format.id_block_tokens > 0 ? workload.integer_or("content_block_tokens", format.id_block_tokens) : 0;
  return std::make_shared<TraceReplayParams>(format, path, time_scale, block_tokens, num_requests);
}

}  // namespace moelab::sim
