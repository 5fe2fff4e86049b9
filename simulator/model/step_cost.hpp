#pragma once
// Time of one engine iteration from a per-operator roofline:
//   t_op = max(flops / (peak * matmul_or_attention_eff), bytes / (hbm_bw * memory_eff))
// summed over operators, plus tensor-parallel all-reduces priced on the fabric (collective.hpp:
// inside the NVLink domain, or hierarchical over the NICs when TP spans domains). MoE layers read only the
// experts the batch touches (expected distinct experts when T tokens each pick k of E).
// Per-step CPU overhead is the engine's business (overlapped or not), not the cost model's.
#include <cstdint>

#include <functional>

#include "simulator/engine/engine_spec.hpp"
#include "simulator/fabric/collective.hpp"
#include "simulator/model/hardware_spec.hpp"
#include "simulator/model/model_spec.hpp"
#include "simulator/model/parallel_plan.hpp"

namespace moelab::sim {

// Aggregates of one iteration's batch: enough for the roofline, cheap to update incrementally
// (the engine never walks every sequence to price a decode step).
struct StepShape {
  std::int64_t decode_seqs = 0;             // sequences producing one token this step
  std::int64_t decode_context_tokens = 0;   // sum of KV lengths those decodes attend to
  std::int64_t prefill_seqs = 0;            // sequences with a prompt chunk this step
  std::int64_t prefill_tokens = 0;          // new prompt tokens this step (sum of chunks)
  double prefill_attention_pairs = 0;       // sum over chunks of (query, key) pairs, causal
  std::int64_t prefill_context_tokens = 0;  // sum over chunks of KV tokens read (cached + chunk)

  std::int64_t tokens() const { return decode_seqs + prefill_tokens; }
};

struct StepCost {
  double time_s = 0;
  double flops = 0;            // per replica (all TP ranks together)
  double hbm_bytes = 0;        // per replica
  double compute_s = 0;        // part of time_s bounded by compute
  double memory_s = 0;         // part bounded by memory
  double communication_s = 0;  // TP all-reduce
  // The operators' times (each max(compute, memory)) by kernel class.
  double attention_s = 0;    // core attention
  double dense_gemm_s = 0;   // projections, dense FFN, router, shared experts (EP > 1), LM head
  double expert_gemm_s = 0;  // routed (and, with EP 1, fused shared) experts
};

// One DP rank's step on one of its GPUs under a ParallelPlan (attention TP over plan.attention_tp
// GPUs). With expert_parallel 1 the routed experts are TP-sharded over the stage's GPUs and priced
// here (with the tokens of the whole instance); with EP > 1 they run on EP ranks and
// expert_rank_cost() prices the busiest one, while this rank keeps its shared experts.
class StepCostModel {
 public:
  StepCostModel(const ModelSpec& model, const HardwareSpec& hw, const EngineSpec& engine, std::int64_t tensor_parallel);
  StepCostModel(const ModelSpec& model, const HardwareSpec& hw, const EngineSpec& engine, const ParallelPlan& plan);
  // `moe_tokens`: tokens the TP-sharded experts see (EP 1: the instance's total); < 0 = the shape's.
  StepCost cost(const StepShape& shape, double moe_tokens = -1) const;
  // Routed experts of one EP rank over all MoE layers, on one of its expert_tp GPUs:
  // `assignments_per_layer` (token, expert) pairs spread over `experts_on_rank` physical experts.
  StepCost expert_rank_cost(double assignments_per_layer, double experts_on_rank) const;
  // Tokens the forward pass runs: prompt tokens plus, per decoding sequence, 1 + the MTP drafts it verifies.
  double forward_tokens(const StepShape& s) const {
    return static_cast<double>(s.decode_seqs) * decode_queries_ + static_cast<double>(s.prefill_tokens);
  }
  // Seconds per routed-expert FLOP at `tokens_per_expert` rows per expert.
  double s_per_expert_flop(double tokens_per_expert) const;
  // The step's time of `op_class` over `layers` layers from its measured table (engine.op_times,
  // op_times.hpp) at `shape`, or -1 when the class is priced by the roofline.
  double measured_s(OpClass op_class, double shape, double layers) const;

  // Bytes of weights one replica holds, and KV bytes per token (over all layers, whole replica).
  // With tensor parallelism the KV of MLA/csa (one shared latent) and of GQA heads fewer than the
  // TP degree is replicated on every rank; kv_bytes_per_token() counts those copies, so it is what
  // a replica's memory pays per cached token.
  double weight_bytes() const;
  double kv_bytes_per_token() const;
  double weight_bytes_per_gpu() const;
  double kv_bytes_per_token_per_gpu() const;
  std::int64_t tensor_parallel() const { return tp_; }
  // What one DP rank's GPUs (attention_tp x pipeline_stages of them) hold together, from the plan:
  // attention, embeddings, dense and shared-expert weights over TP; routed experts (and redundant
  // copies) over EP x expert_tp; everything over pipeline stages.
  double rank_weight_bytes() const;
  double rank_gpus() const { return static_cast<double>(plan_.attention_tp * plan_.pipeline_stages); }
  const ParallelPlan& plan() const { return plan_; }
  const ModelSpec& model() const { return model_; }

 private:
  // Per-step constants, summed over layers for the whole replica (flops, bytes) and converted to
  // one GPU's share where the roofline needs it. Filled once in the constructor.
  struct Constants {
    double tp = 1;
    // Seconds per FLOP and per byte on one GPU (1 / (peak * efficiency)).
    double s_per_matmul_flop = 0, s_per_expert_flop = 0, s_per_attention_flop = 0, s_per_byte = 0;
    // Kernel classes (engine.kernel_profile); without a profile these equal the ones above.
    double s_per_prefill_attention_flop = 0, s_per_gemm_byte = 0, s_per_attention_byte = 0;
    double expert_peak_flops = 0;  // for grouped-GEMM efficiency by tokens per expert (profile, FP8 experts)
    double s_per_shared_flop = 0;  // shared experts on a DP rank (EP > 1): a dense GEMM at expert precision
    bool expert_efficiency_by_m = false;
    double act_bytes = 2;  // activations in BF16

    double proj_flops_per_token = 0, proj_weight_bytes = 0, proj_act_bytes_per_token = 0;
    double decode_flops_per_pair = 0, prefill_flops_per_pair = 0;
    double prefix_upproject_flops_per_token = 0;  // MLA prefill: cached latents -> per-head K/V
    double kv_bytes_per_token = 0;                // whole replica, no TP copies
    double kv_gpu_share = 1;                      // share of the KV one GPU holds
    double dense_flops_per_token = 0, dense_weight_bytes = 0, dense_act_bytes_per_token = 0;
    double router_flops_per_token = 0, router_weight_bytes = 0, router_act_bytes_per_token = 0;
    double experts = 0, experts_per_token = 0;  // E, k
    double expert_flops_per_token = 0;          // routed k + shared, all MoE layers
    double expert_weight_bytes = 0;             // one expert in every MoE layer
    double shared_weight_bytes = 0;             // all shared experts, all MoE layers
    double expert_act_bytes_per_token = 0;
    double lm_flops_per_seq = 0, lm_weight_bytes = 0, lm_act_bytes_per_seq = 0;
    // EP > 1: routed experts per (token, expert) assignment and shared experts per token, all MoE layers.
    double moe_layers = 0;
    double layers = 0;  // all layers (attention runs in each)
    double expert_flops_per_assignment = 0, expert_act_bytes_per_assignment = 0;
    double shared_flops_per_token = 0, shared_act_bytes_per_token = 0;
    double expert_tp = 1;                  // GPUs one routed expert (EP 1: the stage) is split over
    double allreduces_per_step = 0;        // two per layer (after attention, after the FFN)
    double allreduce_bytes_per_token = 0;  // d_model activations in BF16
  };

  ModelSpec model_;
  HardwareSpec hw_;
  EngineSpec engine_;
  std::int64_t tp_;
  ParallelPlan plan_;
  double decode_queries_ = 1;           // query tokens per decoding sequence: 1 + engine.mtp_draft_tokens
  bool experts_with_attention_ = true;  // EP 1: routed experts priced in cost()
  Constants c_;
  double weight_bytes_ = 0;
  Fabric fabric_;
  GroupSpan tp_span_;
  double rank_weight_bytes_ = 0;
  std::function<CollectiveFn> all_reduce_;
};

// Expected number of distinct experts touched when `tokens` tokens each choose `k` of `experts`
// uniformly without replacement: E * (1 - (1 - k/E)^T).
double expected_distinct_experts(double experts, double k, double tokens);

}  // namespace moelab::sim
