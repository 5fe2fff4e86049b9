// Per-operator roofline for one engine iteration (see step_cost.hpp).
//
// Forms and assumptions, in one place:
// - Matmuls read their weights once per step and their activations (in + out features per token,
//   BF16). Norms, RoPE, softmax, embedding lookup and sampling are left out (elementwise, small).
// - FLOP rate: FP8 tensor cores when weights are <= 1 byte/param and the GPU has them (FP8
//   activations, as FP8/FP4 deployments run on Hopper); BF16 otherwise. Attention runs at BF16.
// - GQA attention: 4 * n_heads * head_dim FLOPs per (query, key) pair per layer.
// - MLA decode uses the absorbed-weights form (FlashMLA): scores and values over the latent,
//   2 * H * (2 * kv_lora + rope) per pair; the absorbed W_UK / W_UV matmuls cost exactly what
//   applying kv_b to the new token costs, so projections are counted once for both forms.
//   MLA prefill uses the expanded form: 2 * H * (nope + rope + v) per pair, plus up-projecting the
//   cached prefix latents (prefill_context_tokens - prefill_tokens) through kv_b.
// - csa (V4, approximated): 4 * H * head_dim per pair, scaled by kv_context_fraction.
// - Attention bytes: the KV of every context token read once per step (decode and prefill), plus
//   the new tokens' KV written.
// - MoE: weights of the expected distinct experts touched by the step's T tokens plus shared
//   experts; FLOPs for k routed + shared experts per token; router d x E per token.
// - LM head for decode_seqs + prefill_seqs rows.
// - Tensor parallelism: weights, heads and FLOPs split evenly over tp GPUs; KV split by KV heads
//   where possible (MLA/csa latents and GQA with fewer KV heads than tp are replicated); two
//   all-reduces per layer of T * d_model BF16 activations, priced by the fabric's all_reduce
//   (ring at the measured effective NVLink bandwidth plus a per-collective latency inside an
//   NVLink domain; hierarchical over the NICs when the TP group spans domains).
#include "simulator/model/step_cost.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "base/input_error.hpp"
#include "simulator/model/param_count.hpp"

namespace moelab::sim {
namespace {

double d(std::int64_t v) { return static_cast<double>(v); }

// Sum over an operator's matrices of (in_features + out_features): activation elements moved per
// token per layer, and the matrices' parameters.
struct MatmulShape {
  double params = 0;
  double act_elems = 0;
  void add(double in, double out) { add(in, out, in * out); }
  void add(double in, double out, double weights) {  // block-structured matrices hold fewer weights
    params += weights;
    act_elems += in + out;
  }
};

MatmulShape attention_projections(const ModelSpec& m) {
  MatmulShape s;
  const double dm = d(m.d_model), h = d(m.n_heads);
  switch (m.attention) {
    case AttentionKind::gqa:
      s.add(dm, h * d(m.head_dim));                      // q
      s.add(dm, 2.0 * d(m.n_kv_heads) * d(m.head_dim));  // k, v (one fused matrix)
      s.add(h * d(m.head_dim), dm);                      // o
      break;
    case AttentionKind::mla: {
      const auto& a = m.mla;
      const double qk = d(a.qk_nope_head_dim + a.qk_rope_head_dim);
      if (a.q_lora_rank > 0) {
        s.add(dm, d(a.q_lora_rank));
        s.add(d(a.q_lora_rank), h * qk);
      } else {
        s.add(dm, h * qk);
      }
      s.add(dm, d(a.kv_lora_rank + a.qk_rope_head_dim));                   // kv_a
      s.add(d(a.kv_lora_rank), h * d(a.qk_nope_head_dim + a.v_head_dim));  // kv_b (or absorbed)
      s.add(h * d(a.v_head_dim), dm);                                      // o
      break;
    }
    case AttentionKind::csa: {
      const double hd = d(m.head_dim), ql = d(m.mla.q_lora_rank);
      const double ol = d(m.o_lora.o_lora_rank), g = d(m.o_lora.o_groups);
      s.add(dm, ql);
      s.add(ql, h * hd);
      s.add(dm, d(m.n_kv_heads) * hd);
      s.add(h * hd, g * ol, h * hd * ol);  // o_groups block-diagonal blocks, (h/g * hd) x ol each
      s.add(g * ol, dm);
      break;
    }
  }
  return s;
}

}  // namespace

StepCostModel::StepCostModel(const ModelSpec& model, const HardwareSpec& hw, const EngineSpec& engine,
                             std::int64_t tensor_parallel)
    : StepCostModel(model, hw, engine, ParallelPlan::tensor_parallel(tensor_parallel)) {}

StepCostModel::StepCostModel(const ModelSpec& model, const HardwareSpec& hw, const EngineSpec& engine,
                             const ParallelPlan& plan)
    : model_(model), hw_(hw), engine_(engine), tp_(plan.attention_tp), plan_(plan) {
  if (tp_ < 1) throw std::invalid_argument("tensor_parallel must be >= 1, got " + std::to_string(tp_));
  if (tp_ > 1 && !(hw_.nvlink_eff_bytes_per_s > 0))
    throw InputError({}, "hardware", "tensor_parallel > 1 needs nvlink_eff_gb_per_s for " + hw_.id);
  if (!(hw_.peak_bf16_flops > 0) || !(hw_.hbm_bytes_per_s > 0)) {
    throw std::invalid_argument("hardware " + hw_.id + " needs peak_bf16_flops and hbm_bytes_per_s");
  }
  const auto& m = model_;
  const ParamCounts pc = count_params(m);
  Constants& c = c_;
  c.tp = d(tp_);
  decode_queries_ = 1.0 + d(engine_.mtp_draft_tokens);
  const double layers = d(m.n_layers), dense_layers = d(pc.n_dense_layers), moe_layers = d(pc.n_moe_layers);
  c.layers = layers;
  const double dm = d(m.d_model), h = d(m.n_heads);
  const double wb = m.weight_bytes_per_param, ewb = m.expert_bytes_per_param();

  const bool fp8 = hw_.peak_fp8_flops > 0;
  const double matmul_peak = (fp8 && wb <= 1.0) ? hw_.peak_fp8_flops : hw_.peak_bf16_flops;
  const double expert_peak = (fp8 && ewb <= 1.0) ? hw_.peak_fp8_flops : hw_.peak_bf16_flops;
  c.s_per_matmul_flop = 1.0 / (matmul_peak * engine_.matmul_efficiency);
  c.s_per_expert_flop = 1.0 / (expert_peak * engine_.matmul_efficiency);
  c.s_per_attention_flop = 1.0 / (hw_.peak_bf16_flops * engine_.attention_efficiency);
  c.s_per_byte = 1.0 / (hw_.hbm_bytes_per_s * engine_.memory_efficiency);
  c.s_per_prefill_attention_flop = c.s_per_attention_flop;
  c.s_per_shared_flop = c.s_per_expert_flop;
  c.s_per_gemm_byte = c.s_per_byte;
  c.s_per_attention_byte = c.s_per_byte;
  if (const KernelProfile& k = engine_.kernels; !k.empty()) {
    if (fp8 && wb <= 1.0) c.s_per_matmul_flop = 1.0 / (matmul_peak * k.dense_gemm_compute_efficiency);
    c.expert_efficiency_by_m = fp8 && ewb <= 1.0;
    c.expert_peak_flops = expert_peak;
    if (fp8 && ewb <= 1.0) c.s_per_shared_flop = 1.0 / (expert_peak * k.dense_gemm_compute_efficiency);
    c.s_per_attention_flop = 1.0 / (hw_.peak_bf16_flops * k.decode_attention_compute_efficiency);
    c.s_per_prefill_attention_flop = 1.0 / (hw_.peak_bf16_flops * k.prefill_attention_compute_efficiency);
    c.s_per_gemm_byte = 1.0 / (hw_.hbm_bytes_per_s * k.gemm_memory_efficiency);
    c.s_per_attention_byte = 1.0 / (hw_.hbm_bytes_per_s * k.decode_attention_memory_efficiency);
  }

  const MatmulShape proj = attention_projections(m);
  c.proj_flops_per_token = 2.0 * proj.params * layers;
  c.proj_weight_bytes = proj.params * layers * wb;
  c.proj_act_bytes_per_token = proj.act_elems * layers * c.act_bytes;

  const double frac = m.kv_context_fraction;
  switch (m.attention) {
    case AttentionKind::gqa:
    case AttentionKind::csa:
      c.decode_flops_per_pair = 4.0 * h * d(m.head_dim) * layers * frac;
      c.prefill_flops_per_pair = c.decode_flops_per_pair;
      break;
    case AttentionKind::mla: {
      const auto& a = m.mla;
      c.decode_flops_per_pair = 2.0 * h * d(2 * a.kv_lora_rank + a.qk_rope_head_dim) * layers * frac;
      c.prefill_flops_per_pair = 2.0 * h * d(a.qk_nope_head_dim + a.qk_rope_head_dim + a.v_head_dim) * layers * frac;
      c.prefix_upproject_flops_per_token = 2.0 * d(a.kv_lora_rank) * h * d(a.qk_nope_head_dim + a.v_head_dim) * layers;
      break;
    }
  }
  c.kv_bytes_per_token = sim::kv_bytes_per_token(m);
  c.kv_gpu_share = (m.attention == AttentionKind::gqa) ? std::max(1.0 / c.tp, 1.0 / d(m.n_kv_heads)) : 1.0;

  c.dense_flops_per_token = 2.0 * pc.dense_ffn_per_layer * dense_layers;
  c.dense_weight_bytes = pc.dense_ffn_per_layer * dense_layers * wb;
  c.dense_act_bytes_per_token = 3.0 * (dm + d(m.dense_ffn_dim)) * dense_layers * c.act_bytes;

  if (m.is_moe()) {
    const double f = d(m.moe.expert_ffn_dim), e = d(m.moe.n_routed_experts);
    const double per_token_experts = d(m.moe.experts_per_token + m.moe.n_shared_experts);
    c.router_flops_per_token = 2.0 * dm * e * moe_layers;
    c.router_weight_bytes = dm * e * moe_layers * wb;
    c.router_act_bytes_per_token = (dm + e) * moe_layers * c.act_bytes;
    c.experts = e;
    c.experts_per_token = d(m.moe.experts_per_token);
    c.expert_flops_per_token = 2.0 * pc.expert * per_token_experts * moe_layers;
    c.expert_weight_bytes = pc.expert * moe_layers * ewb;
    c.shared_weight_bytes = pc.expert * d(m.moe.n_shared_experts) * moe_layers * ewb;
    c.expert_act_bytes_per_token = 3.0 * (dm + f) * per_token_experts * moe_layers * c.act_bytes;
    c.moe_layers = moe_layers;
    c.expert_flops_per_assignment = 2.0 * pc.expert * moe_layers;
    c.expert_act_bytes_per_assignment = 3.0 * (dm + f) * moe_layers * c.act_bytes;
    c.shared_flops_per_token = 2.0 * pc.expert * d(m.moe.n_shared_experts) * moe_layers;
    c.shared_act_bytes_per_token = 3.0 * (dm + f) * d(m.moe.n_shared_experts) * moe_layers * c.act_bytes;
  }
  experts_with_attention_ = plan_.expert_parallel <= 1;
  c.expert_tp = d(plan_.resolved_expert_tp());

  const double vocab = d(m.vocab_size);
  c.lm_flops_per_seq = 2.0 * dm * vocab;
  c.lm_weight_bytes = dm * vocab * wb;
  c.lm_act_bytes_per_seq = (dm + vocab) * c.act_bytes;

  fabric_ = Fabric::from_hardware(hw_);
  tp_span_ = attention_tp_span(plan_, hw_);
  if (tp_span_.crosses_domains() && !(hw_.interconnect_eff_bytes_per_s > 0))
    throw InputError({}, "hardware",
                     "tensor parallelism across NVLink domains needs interconnect_eff_gb_per_s for " + hw_.id);
  all_reduce_ = collective_registry().lookup("all_reduce").make;
  // After attention in every layer and after every dense FFN; after a MoE layer when its experts
  // are TP-sharded over this rank alone (EP 1, DP 1) or its shared experts are (EP > 1). With EP 1
  // and DP > 1 the MoE layers gather over the whole stage instead (the instance prices that).
  const bool moe_allreduce = !experts_with_attention_ || plan_.attention_dp == 1;
  c.allreduces_per_step = moe_allreduce ? 2.0 * layers : layers + dense_layers;
  c.allreduce_bytes_per_token = dm * c.act_bytes;
  weight_bytes_ = sim::weight_bytes(m);

  const bool whole_model_per_rank = plan_.expert_parallel == 1 && plan_.attention_dp == 1 && plan_.pipeline_stages == 1;
  if (whole_model_per_rank) {
    rank_weight_bytes_ = weight_bytes_;
  } else {
    const double stages = d(plan_.pipeline_stages);
    double per_gpu = pc.non_expert() * wb / c.tp;
    if (experts_with_attention_) {
      per_gpu += pc.experts_total() * ewb / c.expert_tp;
    } else {
      const double physical = d(pc.n_routed_experts + plan_.redundant_experts) / d(pc.n_routed_experts);
      per_gpu += pc.shared_experts_total() * ewb / c.tp;
      per_gpu += pc.routed_experts_total() * physical * ewb / (d(plan_.expert_parallel) * c.expert_tp);
    }
    rank_weight_bytes_ = per_gpu / stages * rank_gpus();
  }
}

double StepCostModel::rank_weight_bytes() const { return rank_weight_bytes_; }

double StepCostModel::weight_bytes() const { return weight_bytes_; }
double StepCostModel::weight_bytes_per_gpu() const { return weight_bytes_ / c_.tp; }
double StepCostModel::kv_bytes_per_token_per_gpu() const { return c_.kv_bytes_per_token * c_.kv_gpu_share; }
double StepCostModel::kv_bytes_per_token() const { return kv_bytes_per_token_per_gpu() * c_.tp; }

StepCost StepCostModel::cost(const StepShape& s, double moe_tokens) const {
  StepCost out;
  // With MTP every decoding sequence runs 1 + d query tokens (GEMM rows, attention queries over
  // the same KV, logits); d = 0 leaves every term as it was.
  const double tokens = forward_tokens(s);
  if (moe_tokens < 0) moe_tokens = tokens;
  if (tokens <= 0 && !(experts_with_attention_ && moe_tokens > 0)) return out;
  const Constants& c = c_;
  const double decode = static_cast<double>(s.decode_seqs) * decode_queries_;  // query rows
  const double prefill = static_cast<double>(s.prefill_tokens);
  const double out_rows = decode + static_cast<double>(s.prefill_seqs);
  const double inv_tp = 1.0 / c.tp;

  // One operator on one GPU: flops and bytes are the replica's; the GPU does 1/tp of the FLOPs and
  // moves `gpu_bytes`. Its time max(compute, memory) also goes to its kernel class.
  // A measured time (>= 0, [op_times]) replaces the roofline's and counts as compute.
  auto op = [&](double flops, double gpu_bytes, double s_per_flop, double s_per_byte, double& class_s, double gpus = 0,
                double measured = -1) {
    const double split = gpus > 0 ? gpus : c.tp;
    const double t_compute = flops * (gpus > 0 ? 1.0 / gpus : inv_tp) * s_per_flop;
    const double t_memory = gpu_bytes * s_per_byte;
    out.flops += flops;
    out.hbm_bytes += gpu_bytes * split;
    if (measured >= 0) {
      out.compute_s += measured;
      class_s += measured;
    } else if (t_compute >= t_memory) {
      out.compute_s += t_compute;
      class_s += t_compute;
    } else {
      out.memory_s += t_memory;
      class_s += t_memory;
    }
  };
  const double kv_gpu = c.kv_bytes_per_token * c.kv_gpu_share;

  if (tokens > 0) {
    op(c.proj_flops_per_token * tokens, (c.proj_weight_bytes + c.proj_act_bytes_per_token * tokens) * inv_tp,
       c.s_per_matmul_flop, c.s_per_gemm_byte, out.dense_gemm_s);
  }
  if (s.decode_seqs > 0) {
    const double ctx = static_cast<double>(s.decode_context_tokens);
    op(c.decode_flops_per_pair * ctx * decode_queries_, kv_gpu * (ctx + decode), c.s_per_attention_flop,
       c.s_per_attention_byte, out.attention_s, 0, measured_s(OpClass::decode_attention, ctx, c.layers));
  }
  if (s.prefill_tokens > 0) {
    const double ctx = static_cast<double>(s.prefill_context_tokens);
    const double cached = std::max(0.0, ctx - prefill);
    op(c.prefill_flops_per_pair * s.prefill_attention_pairs + c.prefix_upproject_flops_per_token * cached,
       kv_gpu * (ctx + prefill), c.s_per_prefill_attention_flop, c.s_per_attention_byte, out.attention_s, 0,
       measured_s(OpClass::prefill_attention, prefill, c.layers));
  }
  if (c.dense_flops_per_token > 0 && tokens > 0) {
    op(c.dense_flops_per_token * tokens, (c.dense_weight_bytes + c.dense_act_bytes_per_token * tokens) * inv_tp,
       c.s_per_matmul_flop, c.s_per_gemm_byte, out.dense_gemm_s);
  }
  if (c.experts > 0) {
    if (tokens > 0) {
      op(c.router_flops_per_token * tokens, (c.router_weight_bytes + c.router_act_bytes_per_token * tokens) * inv_tp,
         c.s_per_matmul_flop, c.s_per_gemm_byte, out.dense_gemm_s);
    }
    if (experts_with_attention_) {
      // Routed + shared experts TP-sharded over the stage (over this rank's TP GPUs when DP is 1).
      const double inv_etp = 1.0 / c.expert_tp;
      const double touched = expected_distinct_experts(c.experts, c.experts_per_token, moe_tokens);
      op(c.expert_flops_per_token * moe_tokens,
         (touched * c.expert_weight_bytes + c.shared_weight_bytes + c.expert_act_bytes_per_token * moe_tokens) *
             inv_etp,
         s_per_expert_flop(moe_tokens * c.experts_per_token / c.experts), c.s_per_gemm_byte, out.expert_gemm_s,
         c.expert_tp == c.tp ? 0.0 : c.expert_tp,
         measured_s(OpClass::expert_gemm, moe_tokens * c.experts_per_token, c.moe_layers));
    } else if (c.shared_flops_per_token > 0 && tokens > 0) {
      // EP > 1: this rank's shared experts, a dense GEMM on its own tokens.
      op(c.shared_flops_per_token * tokens, (c.shared_weight_bytes + c.shared_act_bytes_per_token * tokens) * inv_tp,
         c.s_per_shared_flop, c.s_per_gemm_byte, out.dense_gemm_s);
    }
  }
  if (out_rows > 0) {
    op(c.lm_flops_per_seq * out_rows, (c.lm_weight_bytes + c.lm_act_bytes_per_seq * out_rows) * inv_tp,
       c.s_per_matmul_flop, c.s_per_gemm_byte, out.dense_gemm_s);
  }
  if (tp_ > 1 && tokens > 0) {
    CollectiveCall call;
    call.bytes = c.allreduce_bytes_per_token * tokens;
    call.group = tp_span_;
    out.communication_s = c.allreduces_per_step * all_reduce_(fabric_, call);
  }
  out.time_s = out.compute_s + out.memory_s + out.communication_s;
  return out;
}

double StepCostModel::measured_s(OpClass op_class, double shape, double layers) const {
  const MeasuredOpTable* table = engine_.op_times.measured(op_class);
  if (table == nullptr) return -1;
  return table->seconds_at(shape) * table->calls_per_layer * layers;
}

double StepCostModel::s_per_expert_flop(double tokens_per_expert) const {
  if (!c_.expert_efficiency_by_m) return c_.s_per_expert_flop;
  return 1.0 / (c_.expert_peak_flops * engine_.kernels.grouped_gemm_efficiency(tokens_per_expert));
}

StepCost StepCostModel::expert_rank_cost(double assignments_per_layer, double experts_on_rank) const {
  StepCost out;
  if (!(assignments_per_layer > 0) || !(experts_on_rank > 0)) return out;
  const Constants& c = c_;
  // Experts touched on the rank: its assignments spread uniformly over its experts.
  const double touched = experts_on_rank * (1.0 - std::pow(1.0 - 1.0 / experts_on_rank, assignments_per_layer));
  const double flops = c.expert_flops_per_assignment * assignments_per_layer;
  const double gpu_bytes =
      (touched * c.expert_weight_bytes + c.expert_act_bytes_per_assignment * assignments_per_layer) / c.expert_tp;
  const double t_compute = flops / c.expert_tp * s_per_expert_flop(assignments_per_layer / experts_on_rank);
  const double t_memory = gpu_bytes * c.s_per_gemm_byte;
  out.flops = flops;
  out.hbm_bytes = gpu_bytes * c.expert_tp;
  if (const double measured = measured_s(OpClass::expert_gemm, assignments_per_layer, c.moe_layers); measured >= 0) {
    out.compute_s = measured;
    out.expert_gemm_s = measured;
    out.time_s = measured;
    return out;
  }
  if (t_compute >= t_memory) {
    out.compute_s = t_compute;
  } else {
    out.memory_s = t_memory;
  }
  out.expert_gemm_s = std::max(t_compute, t_memory);
  out.time_s = out.expert_gemm_s;
  return out;
}

}  // namespace moelab::sim
