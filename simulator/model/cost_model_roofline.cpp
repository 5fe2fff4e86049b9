// The roofline instance cost model. A step of an instance with D data-parallel ranks:
//   attention side: every DP rank's own batch on its attention_tp GPUs (StepCostModel: projections,
//     core attention, dense FFN layers, router, shared experts, LM head, TP all-reduces); the ranks
//     run in lockstep, so the slowest one sets this part;
//   MoE side (expert_parallel > 1): the T tokens of all ranks go to their experts. Per MoE layer the
//     busiest EP rank gets T k / EP x imbalance(T) assignments (expert_load.hpp); its grouped GEMMs
//     over all MoE layers are StepCostModel::expert_rank_cost. Dispatch and combine are all-to-alls
//     on the fabric: each GPU sends its share of the tokens (T / (TP x DP), scaled by the larger of
//     the EP imbalance and the busiest DP rank's excess) to the expected distinct remote ranks
//     (dispatch_geometry.hpp): "normal" kernels send one copy per remote NVLink domain over the NIC
//     and forward over NVLink, "low_latency" kernels send one copy per (token, expert) pair to the
//     expert's rank (DeepEP's layout), at the kernel profile's measured RDMA bandwidth if any;
//   MoE side (expert_parallel 1, DP > 1): the routed experts are TP-sharded over the whole stage;
//     every rank prices its share of all T tokens, and each MoE layer all-gathers the tokens and
//     reduce-scatters the outputs over the stage;
//   pipeline stages: one batch in flight, so stage times add up to the whole model's; each stage
//     boundary adds a send of the slowest rank's activations.
// Multi-token prediction (engine.mtp_draft_tokens = d): the step verifies d drafts per decoding
// sequence (d + 1 query tokens each, StepCostModel), then the MTP module drafts the next step's d
// tokens one after another: d passes of a one-layer copy of the model (one transformer block
// and the LM head, as DeepSeek-V3's MTP module; its own plan, experts and all-to-alls) over the
// decoding sequences, added after the (possibly overlapped) verification. The MTP module's
// weights are not counted in memory.
// Without overlap the step is the sum of these parts. With an overlap policy (engine.overlap,
// overlap.hpp) every rank's batch is split into micro-batches, each priced as above, and the
// policy's schedule sets the step; the breakdown then sums the micro-batches' parts and reports
// the busiest micro-batch's expert imbalance.
#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>

#include "simulator/core/rng_streams.hpp"
#include "simulator/fabric/collective.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/model/dispatch_geometry.hpp"
#include "simulator/model/expert_load.hpp"
#include "simulator/model/overlap.hpp"
#include "simulator/model/param_count.hpp"

namespace moelab::sim {
namespace {

class RooflineCostModel final : public InstanceCostModel {
 public:
  explicit RooflineCostModel(const CostModelContext& c)
      : plan_(c.plan),
        engine_(c.engine),
        step_(c.model, c.hardware, c.engine, c.plan),
        fabric_(Fabric::from_hardware(c.hardware)),
        overlap_(make_overlap(c.engine.overlap)) {
    const ModelSpec& m = c.model;
    if (c.engine.a2a_mode != "auto" && c.engine.a2a_mode != "normal" && c.engine.a2a_mode != "low_latency")
      throw InputError({}, "engine.a2a_mode", "must be auto, normal or low_latency, got '" + c.engine.a2a_mode + "'");
    hidden_ = static_cast<double>(m.d_model);
    layers_ = static_cast<double>(m.n_layers);
    stage_gpus_ = static_cast<double>(plan_.gpus_per_stage());
    const ParamCounts pc = count_params(m);
    moe_layers_ = static_cast<double>(pc.n_moe_layers);
    single_rank_tp_ = plan_.attention_dp == 1 && plan_.expert_parallel == 1 && plan_.pipeline_stages == 1;
    if (m.is_moe() && plan_.expert_parallel > 1) {
      k_ = static_cast<double>(m.moe.experts_per_token);
      ep_ = static_cast<double>(plan_.expert_parallel);
      slots_per_rank_ = static_cast<double>(m.moe.n_routed_experts + plan_.redundant_experts) / ep_;
      const std::uint64_t seed = stream_seed(c.seed, RngStream::expert_routing);
      const auto shares = expert_shares(c.routing, m.moe.n_routed_experts, derive_seed(seed, 1));
      const bool eplb = c.routing.eplb || plan_.redundant_experts > 0;
      load_.emplace(shares, m.moe.experts_per_token, plan_.expert_parallel, plan_.redundant_experts, eplb,
                    derive_seed(seed, 2), !c.memory_only);
      geometry_ = dispatch_geometry(m, plan_, c.hardware, c.routing.max_nodes_per_token);
      ep_span_ = expert_parallel_span(plan_, c.hardware);
      // Low-latency kernels send a token once per chosen expert; by symmetry of the routing a
      // share (domain ranks - 1) / EP of its k experts sits in its own domain, (EP - domain) / EP beyond.
      const double per_domain = static_cast<double>(std::min(ep_span_.members_per_domain, plan_.expert_parallel));
      ll_same_domain_copies_ = k_ * (per_domain - 1.0) / ep_;
      ll_other_domain_copies_ = k_ * (ep_ - per_domain) / ep_;
      if (const KernelProfile& kp = c.engine.kernels; !kp.empty() && !kp.a2a_low_latency_ep.empty()) {
        const double line = c.hardware.interconnect_bytes_per_s / kp.a2a_measured_nic_bytes_per_s;
        ll_dispatch_nic_bytes_per_s_ = kp.low_latency_bytes_per_s(ep_, false) * line;
        ll_combine_nic_bytes_per_s_ = kp.low_latency_bytes_per_s(ep_, true) * line;
      }
      if (ep_span_.crosses_domains() && !(c.hardware.interconnect_eff_bytes_per_s > 0))
        throw InputError(
            {}, "hardware",
            "expert parallelism across NVLink domains needs interconnect_eff_gb_per_s for " + c.hardware.id);
    }
    if (m.is_moe() && plan_.expert_parallel == 1 && plan_.attention_dp > 1) stage_span_ = stage_span(plan_, c.hardware);
    if (plan_.pipeline_stages > 1) {
      // A stage boundary lies inside an NVLink domain when a whole stage fits in part of one.
      stage_boundary_in_domain_ = plan_.gpus_per_stage() < c.hardware.nvlink_domain_gpus;
    }
    all_to_all_ = collective_registry().lookup("all_to_all").make;
    all_gather_ = collective_registry().lookup("all_gather").make;
    reduce_scatter_ = collective_registry().lookup("reduce_scatter").make;
    send_recv_ = collective_registry().lookup("send_recv").make;
    if (c.engine.mtp_draft_tokens > 0 && !c.memory_only) {
      mtp_model_ = c.model;
      mtp_model_.n_layers = 1;
      if (mtp_model_.is_moe()) mtp_model_.moe.n_dense_layers = 0;
      mtp_engine_ = c.engine;
      mtp_engine_.mtp_draft_tokens = 0;
      mtp_engine_.overlap = "none";
      mtp_plan_ = c.plan;
      mtp_plan_.pipeline_stages = 1;
      draft_ = std::make_unique<RooflineCostModel>(
          CostModelContext{mtp_model_, c.hardware, mtp_engine_, mtp_plan_, c.routing, c.seed, false});
    }
  }

  std::string_view name() const override { return "roofline"; }

  void price(std::span<const StepShape> ranks, StepBreakdown& out) const override {
    price_verification(ranks, out);
    if (!draft_) return;
    draft_shapes_.resize(ranks.size());
    bool any_decode = false;
    for (std::size_t r = 0; r < ranks.size(); ++r) {
      draft_shapes_[r] = StepShape{};
      draft_shapes_[r].decode_seqs = ranks[r].decode_seqs;
      draft_shapes_[r].decode_context_tokens = ranks[r].decode_context_tokens;
      any_decode = any_decode || ranks[r].decode_seqs > 0;
    }
    if (!any_decode) return;
    StepBreakdown d;
    draft_->price(draft_shapes_, d);
    const double n = static_cast<double>(engine_.mtp_draft_tokens);
    out.step_s += n * d.step_s;
    out.attention_s += n * d.attention_s;
    out.dense_gemm_s += n * d.dense_gemm_s;
    out.expert_gemm_s += n * d.expert_gemm_s;
    out.dispatch_s += n * d.dispatch_s;
    out.combine_s += n * d.combine_s;
    out.allreduce_s += n * d.allreduce_s;
    out.compute_s += n * d.compute_s;
    out.exposed_comm_s += n * d.exposed_comm_s;
  }

 private:
  void price_verification(std::span<const StepShape> ranks, StepBreakdown& out) const {
    if (overlap_->micro_batches() == 1) {
      price_batch(ranks, out);
      return;
    }
    if (overlap_->micro_batches() != 2) throw std::logic_error("roofline: overlap into 1 or 2 micro-batches");
    half_a_.resize(ranks.size());
    half_b_.resize(ranks.size());
    for (std::size_t r = 0; r < ranks.size(); ++r) split_in_two(ranks[r], half_a_[r], half_b_[r]);
    StepBreakdown a, b;
    price_batch(half_a_, a);
    price_batch(half_b_, b);
    const MicroBatchTimes parts[2] = {{a.compute_s, a.step_s - a.compute_s}, {b.compute_s, b.step_s - b.compute_s}};
    out = StepBreakdown{};
    out.step_s = overlap_->step_s(parts, layers_);
    out.attention_s = a.attention_s + b.attention_s;
    out.dense_gemm_s = a.dense_gemm_s + b.dense_gemm_s;
    out.expert_gemm_s = a.expert_gemm_s + b.expert_gemm_s;
    out.dispatch_s = a.dispatch_s + b.dispatch_s;
    out.combine_s = a.combine_s + b.combine_s;
    out.allreduce_s = a.allreduce_s + b.allreduce_s;
    out.compute_s = a.compute_s + b.compute_s;
    out.exposed_comm_s = std::max(0.0, out.step_s - out.compute_s);
    out.expert_imbalance = std::max(a.expert_imbalance, b.expert_imbalance);
  }

 public:
  double rank_weight_bytes() const override { return step_.rank_weight_bytes(); }
  double rank_kv_bytes_per_token() const override { return step_.kv_bytes_per_token(); }

 private:
  // One batch (or micro-batch), computation and communication in sequence.
  void price_batch(std::span<const StepShape> ranks, StepBreakdown& out) const {
    out = StepBreakdown{};
    if (single_rank_tp_) {  // one rank holds the whole model: the rank's roofline is the step
      if (ranks.size() != 1) throw std::logic_error("roofline: one rank expected");
      const StepCost c = step_.cost(ranks.front());
      out.step_s = c.time_s;
      out.attention_s = c.attention_s;
      out.dense_gemm_s = c.dense_gemm_s;
      out.expert_gemm_s = c.expert_gemm_s;
      out.allreduce_s = c.communication_s;
      out.compute_s = c.compute_s + c.memory_s;
      out.exposed_comm_s = c.communication_s;
      return;
    }
    double total_tokens = 0, max_tokens = 0;
    bool any_prefill = false;
    for (const StepShape& s : ranks) {
      const double t = step_.forward_tokens(s);
      total_tokens += t;
      max_tokens = std::max(max_tokens, t);
      any_prefill = any_prefill || s.prefill_tokens > 0;
    }
    if (total_tokens <= 0) return;
    const bool sharded_moe = stage_span_.members > 1;  // EP 1, DP > 1: experts over the stage

    // Attention side: the slowest rank.
    StepCost slowest;
    for (const StepShape& s : ranks) {
      const StepCost c = step_.cost(s, sharded_moe ? total_tokens : -1.0);
      if (c.time_s > slowest.time_s) slowest = c;
    }
    out.attention_s = slowest.attention_s;
    out.dense_gemm_s = slowest.dense_gemm_s;
    out.expert_gemm_s = slowest.expert_gemm_s;
    out.allreduce_s = slowest.communication_s;
    double compute = slowest.compute_s + slowest.memory_s;

    if (sharded_moe) {
      CollectiveCall call;
      call.bytes = total_tokens * hidden_ * 2.0;  // BF16 activations of every token of the stage
      call.group = stage_span_;
      out.allreduce_s += moe_layers_ * (all_gather_(fabric_, call) + reduce_scatter_(fabric_, call));
    }
    if (load_) {
      const double imbalance = load_->imbalance(total_tokens);
      out.expert_imbalance = imbalance;
      const StepCost experts = step_.expert_rank_cost(total_tokens * k_ / ep_ * imbalance, slots_per_rank_);
      out.expert_gemm_s += experts.time_s;
      compute += experts.time_s;
      // Bytes one GPU sends per MoE layer: its share of the tokens, scaled to the busiest sender
      // or receiver, times the copies per link class.
      const double mean_rank_tokens = total_tokens / static_cast<double>(ranks.size());
      const double scale = std::max(imbalance, max_tokens / mean_rank_tokens);
      const double gpu_tokens = total_tokens / stage_gpus_ * scale;
      const bool low_latency = engine_.a2a_mode == "low_latency" || (engine_.a2a_mode == "auto" && !any_prefill);
      double nvlink_copies, nic_copies;
      if (low_latency) {  // one copy per (token, expert) pair, straight to the expert's rank
        nvlink_copies = ll_same_domain_copies_;
        nic_copies = ll_other_domain_copies_;
      } else if (!ep_span_.crosses_domains()) {
        nvlink_copies = geometry_.same_domain_ranks;
        nic_copies = 0;
      } else {  // one copy per remote domain over the NIC, forwarded to each rank over NVLink
        nvlink_copies = geometry_.same_domain_ranks + geometry_.other_domain_ranks;
        nic_copies = geometry_.other_domains;
      }
      CollectiveCall call;
      call.group = ep_span_;
      if (low_latency) call.links.nic_bytes_per_s = ll_dispatch_nic_bytes_per_s_;
      call.nvlink_bytes = gpu_tokens * nvlink_copies * hidden_ * engine_.dispatch_bytes_per_element;
      call.nic_bytes = gpu_tokens * nic_copies * hidden_ * engine_.dispatch_bytes_per_element;
      out.dispatch_s = moe_layers_ * all_to_all_(fabric_, call);
      if (low_latency) call.links.nic_bytes_per_s = ll_combine_nic_bytes_per_s_;
      call.nvlink_bytes = gpu_tokens * nvlink_copies * hidden_ * engine_.combine_bytes_per_element;
      call.nic_bytes = gpu_tokens * nic_copies * hidden_ * engine_.combine_bytes_per_element;
      out.combine_s = moe_layers_ * all_to_all_(fabric_, call);
    }
    if (plan_.pipeline_stages > 1) {
      CollectiveCall call;
      call.bytes = max_tokens * hidden_ * 2.0;
      call.group.members = 2;
      call.group.domains = stage_boundary_in_domain_ ? 1 : 2;
      out.allreduce_s += static_cast<double>(plan_.pipeline_stages - 1) * send_recv_(fabric_, call);
    }
    out.compute_s = compute;
    out.step_s = compute + out.allreduce_s + out.dispatch_s + out.combine_s;
    out.exposed_comm_s = out.step_s - out.compute_s;
  }

  ParallelPlan plan_;
  const EngineSpec& engine_;
  StepCostModel step_;
  Fabric fabric_;
  std::unique_ptr<OverlapPolicy> overlap_;
  mutable std::vector<StepShape> half_a_, half_b_, draft_shapes_;
  ModelSpec mtp_model_;  // the MTP module: one layer of the model (and the LM head)
  EngineSpec mtp_engine_;
  ParallelPlan mtp_plan_;
  std::unique_ptr<RooflineCostModel> draft_;  // null without MTP  // micro-batch scratch (price() is not reentrant)
  double layers_ = 0;
  double hidden_ = 0, stage_gpus_ = 1, moe_layers_ = 0;
  bool single_rank_tp_ = true;
  double k_ = 0, ep_ = 1, slots_per_rank_ = 0;
  std::optional<ExpertLoadModel> load_;
  DispatchGeometry geometry_;
  GroupSpan ep_span_, stage_span_;
  double ll_same_domain_copies_ = 0, ll_other_domain_copies_ = 0;
  double ll_dispatch_nic_bytes_per_s_ = 0, ll_combine_nic_bytes_per_s_ = 0;  // 0 = the fabric's NIC
  bool stage_boundary_in_domain_ = true;
  std::function<CollectiveFn> all_to_all_, all_gather_, reduce_scatter_, send_recv_;
};

}  // namespace

std::unique_ptr<InstanceCostModel> make_cost_model_roofline(const CostModelContext& context) {
  return std::make_unique<RooflineCostModel>(context);
}

}  // namespace moelab::sim
