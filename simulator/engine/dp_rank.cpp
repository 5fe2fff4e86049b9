#include "simulator/engine/dp_rank.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace moelab::sim {

namespace {

std::unique_ptr<KvCache> make_rank_cache(const EngineSpec& engine, std::int64_t kv_blocks, KvTierStore* tiers,
                                         KvTierCosts&& tier_costs) {
  auto hbm = make_kv_cache(engine.cache_policy, kv_blocks, engine.kv_block_tokens);
  if (tiers == nullptr) return hbm;
  return std::make_unique<TieredKvCache>(std::move(hbm), *tiers, std::move(tier_costs));
}

}  // namespace

DpRank::DpRank(std::int32_t index, const EngineSpec& engine, std::int64_t kv_blocks,
               std::vector<RequestRecord>& records, FinishListener& listener, KvTierStore* tiers,
               KvTierCosts tier_costs)
    : index_(index),
      engine_(engine),
      kv_(make_rank_cache(engine, kv_blocks, tiers, std::move(tier_costs))),
      scheduler_(make_scheduler(engine.scheduler)),
      records_(records),
      listener_(listener),
      block_wheel_(static_cast<std::size_t>(engine.kv_block_tokens + 1 + engine.mtp_draft_tokens)),
      mtp_tokens_per_step_(engine.mtp_tokens_per_step()) {}

std::int64_t DpRank::next_advance() const {
  if (engine_.mtp_draft_tokens == 0) return 1;
  return static_cast<std::int64_t>(std::floor(mtp_progress_ + mtp_tokens_per_step_) - std::floor(mtp_progress_));
}

void DpRank::schedule_block_crossing(Sequence* seq) {
  // The decode at counter S needs KV for decode_base + S + 1 tokens: the first S past the
  // reserved capacity is reserved_tokens - decode_base, within block_tokens steps of now.
  const std::int64_t key = seq->reserved_tokens - seq->decode_base;
  if (key < decode_counter_ || key - decode_counter_ >= static_cast<std::int64_t>(block_wheel_.size()))
    throw std::logic_error("dp rank: block crossing outside the timing wheel");
  block_wheel_[static_cast<std::size_t>(key) % block_wheel_.size()].push_back({seq, seq->epoch});
}

Sequence* DpRank::new_sequence(Request&& request) {
  Sequence* seq;
  if (free_.empty()) {
    seq = &pool_.emplace_back();
  } else {
    seq = free_.back();
    free_.pop_back();
    const std::uint32_t epoch = seq->epoch;
    *seq = Sequence{};
    seq->epoch = epoch + 1;  // entries of the slot's previous owner stay stale
  }
  seq->request = std::move(request);
  return seq;
}

void DpRank::free_sequence(Sequence* seq) {
  seq->request.content_ids = {};
  free_.push_back(seq);
}

void DpRank::enqueue(Request&& request) { waiting_.push_back(new_sequence(std::move(request))); }

void DpRank::enqueue_transferred(Request&& request) {
  Sequence* seq = new_sequence(std::move(request));
  seq->kv_transferred = true;
  seq->generated = 1;  // the prefill instance produced the first token
  waiting_.push_back(seq);
}

void DpRank::link_running(Sequence* seq) {
  seq->prev = running_tail_;
  seq->next = nullptr;
  (running_tail_ ? running_tail_->next : running_head_) = seq;
  running_tail_ = seq;
  ++running_count_;
}

void DpRank::unlink_running(Sequence* seq) {
  (seq->prev ? seq->prev->next : running_head_) = seq->next;
  (seq->next ? seq->next->prev : running_tail_) = seq->prev;
  seq->prev = seq->next = nullptr;
  --running_count_;
  ++seq->epoch;
}

void DpRank::preempt(Sequence* seq) {
  kv_->preempt(seq->request.id);
  if (seq->phase == SequencePhase::decode) {
    seq->generated = seq->generated_at_entry + static_cast<std::int32_t>(decode_counter_ - seq->decode_entry_counter);
    --decoding_;
    decode_base_sum_ -= seq->decode_base;
  }
  seq->phase = SequencePhase::waiting;  // a prefilling sequence leaves prefilling_ at compaction
  unlink_running(seq);
  ++records_[seq->request.id].preemptions;
  ++totals_.preemptions;
  waiting_.push_front(seq);
}

bool DpRank::reserve_or_preempt(Sequence* seq, std::int64_t tokens) {
  while (!kv_->reserve(seq->request.id, tokens)) {
    Sequence* victim = running_tail_;
    preempt(victim);
    if (victim == seq) return false;
  }
  return true;
}

void DpRank::finish(Sequence* seq, double now) {
  kv_->finish(seq->request.id);
  if (seq->phase == SequencePhase::decode) {
    seq->generated = seq->generated_at_entry + static_cast<std::int32_t>(decode_counter_ - seq->decode_entry_counter);
    if (seq->generated > seq->request.output_tokens) {  // MTP: the step's last advance overshot
      totals_.generated_tokens -= seq->generated - seq->request.output_tokens;
      seq->generated = seq->request.output_tokens;
    }
    --decoding_;
    decode_base_sum_ -= seq->decode_base;
  }
  unlink_running(seq);
  auto& rec = records_[seq->request.id];
  rec.finish_s = now;
  rec.output_tokens = seq->generated;
  if (seq->generated != seq->request.output_tokens) ++totals_.output_mismatches;
  listener_.on_finished(seq->request, now);
  free_sequence(seq);
}

void DpRank::enter_decode(Sequence* seq, std::int64_t reserved_tokens) {
  seq->phase = SequencePhase::decode;
  seq->decode_entry_counter = decode_counter_;
  seq->generated_at_entry = seq->generated;
  seq->decode_base = seq->computed - decode_counter_;
  seq->reserved_tokens = reserved_tokens;
  ++decoding_;
  decode_base_sum_ += seq->decode_base;
  finish_heap_.push({decode_counter_ + (seq->request.output_tokens - seq->generated), seq->serial, seq, seq->epoch});
  schedule_block_crossing(seq);
}

UnservableReason DpRank::why_never_runs(const Sequence& seq) const {
  const auto& r = seq.request;
  if (kv_->blocks_for(std::int64_t{r.prompt_tokens} + r.output_tokens) > kv_->total_blocks()) {
    return UnservableReason::exceeds_kv_cache;
  }
  if (seq.kv_transferred) return UnservableReason::none;  // no prefill here: the token budget does not bind it
  if (!engine_.chunked_prefill && std::int64_t{r.prompt_tokens} + seq.generated > engine_.max_batched_tokens) {
    return UnservableReason::exceeds_batch_budget;
  }
  return UnservableReason::none;
}

void DpRank::reject(Sequence* seq) {
  ++totals_.rejected;
  listener_.on_rejected(seq->request, iteration_start_s_);
  free_sequence(seq);  // its record keeps finish_s = -1: reported unfinished
}

void DpRank::add_chunk(Sequence* seq, std::int64_t chunk, StepShape& shape) {
  const auto done = static_cast<double>(seq->computed);
  const auto c = static_cast<double>(chunk);
  shape.prefill_seqs += 1;
  shape.prefill_tokens += chunk;
  shape.prefill_attention_pairs += c * done + c * (c + 1) / 2;  // causal: each new token sees all before it
  shape.prefill_context_tokens += seq->computed + chunk;
  step_chunks_.push_back({seq, chunk});
}

// The sequence's prompt KV came over the fabric: register it with the cache (a prefix the cache
// already holds changes nothing: the KV is here anyway), reserve room for the prompt and for this
// step's decode (the timing wheel's bucket for this step was walked already), and decode it in
// this very step, as a sequence whose prefill just completed decodes in the next.
bool DpRank::admit_transferred(Sequence* seq, std::int64_t& budget) {
  const auto id = seq->request.id;
  const std::int64_t prompt = seq->request.prompt_tokens;
  kv_->start(seq->request);
  if (!kv_->reserve(id, prompt + 1)) {
    kv_->preempt(id);  // undo start(): wait for room
    return false;
  }
  waiting_.pop_front();
  seq->kv_transferred = false;
  seq->serial = next_serial_++;
  seq->prefill_target = prompt;
  seq->computed = prompt;
  link_running(seq);
  kv_->prefill_done(id);
  enter_decode(seq, kv_->blocks_for(prompt + 1) * kv_->block_tokens());
  budget -= 1;
  return true;
}

void DpRank::admit_waiting(StepShape& shape, std::int64_t& budget) {
  scheduler_->order(waiting_, *kv_);
  while (!waiting_.empty() && running_count_ < engine_.max_num_seqs && budget > 0) {
    Sequence* seq = waiting_.front();
    if (const UnservableReason why = why_never_runs(*seq); why != UnservableReason::none) {
      records_[seq->request.id].unservable = why;
      waiting_.pop_front();
      reject(seq);
      continue;
    }
    if (seq->kv_transferred) {
      if (!admit_transferred(seq, budget)) break;
      continue;
    }
    const auto id = seq->request.id;
    const std::int64_t target = std::int64_t{seq->request.prompt_tokens} + seq->generated;
    const std::int64_t cached = kv_->start(seq->request);
    const std::int64_t chunk = std::min(target - cached, budget);
    if ((!engine_.chunked_prefill && chunk < target - cached) || !kv_->reserve(id, cached + chunk)) {
      kv_->preempt(id);  // undo start(): the head waits for room (no skipping ahead)
      break;
    }
    waiting_.pop_front();
    seq->phase = SequencePhase::prefill;
    seq->serial = next_serial_++;
    seq->prefill_target = target;
    seq->computed = cached;
    seq->cached_at_start = cached;
    seq->prefill_computed = 0;
    link_running(seq);
    prefilling_.push_back(seq);
    records_[id].cached_tokens = static_cast<std::int32_t>(cached);
    add_chunk(seq, chunk, shape);
    budget -= chunk;
  }
}

bool DpRank::compose(StepShape& shape, double now_s) {
  iteration_start_s_ = now_s;
  const std::int64_t counter = decode_counter_;
  bool preempted = false;
  const std::int64_t preemptions_before = totals_.preemptions;

  // 1. Decodes that cross a block boundary this step need one more block. A step advances every
  // decoding sequence by step_advance_ tokens (1; with MTP the accepted tokens), so the buckets
  // of each counter value it passes are walked. Rescheduled crossings land in later buckets
  // (1..block_tokens tokens ahead), so a bucket is stable while it is walked.
  step_advance_ = next_advance();
  for (std::int64_t j = 0; j < step_advance_; ++j) {
    auto& bucket = block_wheel_[static_cast<std::size_t>(counter + j) % block_wheel_.size()];
    for (std::size_t i = 0; i < bucket.size(); ++i) {
      Sequence* seq = bucket[i].seq;
      if (seq->epoch != bucket[i].epoch || seq->phase != SequencePhase::decode) continue;
      // Never past the request's end (an MTP advance can overshoot its last token); once that is
      // reserved the sequence crosses no further block.
      const std::int64_t end = std::int64_t{seq->request.prompt_tokens} + seq->request.output_tokens;
      const std::int64_t need = std::min(seq->decode_base + counter + j + 1, end);
      if (!reserve_or_preempt(seq, need)) continue;
      seq->reserved_tokens = kv_->blocks_for(need) * kv_->block_tokens();
      if (need < end) schedule_block_crossing(seq);
    }
    bucket.clear();
  }

  // 2. Prompt chunks for sequences already prefilling, oldest first.
  step_chunks_.clear();
  std::int64_t budget = engine_.max_batched_tokens - decoding_ * (1 + engine_.mtp_draft_tokens);
  for (std::size_t i = 0; i < prefilling_.size() && budget > 0; ++i) {
    Sequence* seq = prefilling_[i];
    if (seq->phase != SequencePhase::prefill) continue;
    const std::int64_t chunk = std::min(seq->prefill_target - seq->computed, budget);
    if (!reserve_or_preempt(seq, seq->computed + chunk)) continue;
    add_chunk(seq, chunk, shape);
    budget -= chunk;
  }
  preempted = totals_.preemptions != preemptions_before;

  // 3. New admissions, unless this step had to preempt (the cache is under pressure).
  if (!preempted && !waiting_.empty()) admit_waiting(shape, budget);
  std::erase_if(prefilling_, [](const Sequence* s) { return s->phase != SequencePhase::prefill; });

  shape.decode_seqs = decoding_;
  shape.decode_context_tokens = decode_base_sum_ + decoding_ * (counter + 1);
  step_decodes_ = decoding_;
  return shape.tokens() != 0;
}

void DpRank::apply(double now) {
  if (step_decodes_ > 0) {
    decode_counter_ += step_advance_;
    if (engine_.mtp_draft_tokens > 0) mtp_progress_ += mtp_tokens_per_step_;
    totals_.generated_tokens += step_decodes_ * step_advance_;
    while (!finish_heap_.empty() && finish_heap_.top().key <= decode_counter_) {
      const HeapEntry e = finish_heap_.top();
      finish_heap_.pop();
      if (e.seq->epoch != e.epoch || e.seq->phase != SequencePhase::decode) continue;
      finish(e.seq, now);
    }
  }
  for (const auto& [seq, chunk] : step_chunks_) {
    seq->computed += chunk;
    seq->prefill_computed += chunk;
    if (seq->computed < seq->prefill_target) continue;
    totals_.prefill_targets += seq->prefill_target;
    totals_.prefill_cached_plus_computed += seq->cached_at_start + seq->prefill_computed;
    if (seq->cached_at_start + seq->prefill_computed != seq->prefill_target) ++totals_.prefill_mismatches;
    kv_->prefill_done(seq->request.id);
    // The last prompt chunk's logits give the next token.
    ++seq->generated;
    ++totals_.generated_tokens;
    auto& rec = records_[seq->request.id];
    if (rec.first_token_s < 0) rec.first_token_s = now;
    if (seq->generated >= seq->request.output_tokens) {
      seq->phase = SequencePhase::waiting;  // leaves prefilling_ at the next compaction
      finish(seq, now);
    } else {
      enter_decode(seq, kv_->blocks_for(seq->computed) * kv_->block_tokens());
    }
  }
  std::erase_if(prefilling_, [](const Sequence* s) { return s->phase != SequencePhase::prefill; });
  step_chunks_.clear();
}

}  // namespace moelab::sim
