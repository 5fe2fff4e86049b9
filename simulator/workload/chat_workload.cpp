// kind = "chat": closed-loop multi-turn sessions.
//  - Sessions start by the arrival process; session s's turn count is drawn when it starts, and
//    its user-message lengths, answer lengths and think times turn by turn from streams seeded by
//    (seed, s), so a session is the same whatever engine serves it (only later turns' arrival
//    times depend on finishes). Nothing is planned ahead: a session exists from its start to its
//    last turn, so the number of sessions costs no memory and no time up front.
//  - Turn n's prompt is [system prompt][u0][a0]...[u(n-1)][a(n-1)][un] and its answer is an.
//  - Turn n+1 arrives at finish(n) + think time; peek_arrival_s() is the earliest of the pending
//    turns (a min-heap by (time, release order)) and the next session start.
//  - A turn the engine rejects as unservable ends unfinished; the session goes on as after a
//    finish (its later turns are longer, so they are rejected too): every planned turn is issued.
//  - A session ends before a turn whose prompt + answer would exceed chat.max_context_tokens, or
//    2^31 - 1 tokens (the most a request holds) when no cap is given; its first turn always runs.
//  - Content ids (content_ids.hpp) cover prompt AND answer of the turn: ceil((prompt + output) /
//    block_tokens) ids. Turn n+1's ids therefore start with all of turn n's full-block ids; turn
//    n's partial last block has its own id, different from turn n+1's block at that position
//    (an id names an exact token run). A shared system prompt's full blocks are shared by all
//    sessions.
// Keys: the shared generated-traffic keys (generated_traffic.hpp; no num_requests: sessions count)
// and [workload.chat] turns, think_time_mean_s, system_prompt_tokens, sessions, max_context_tokens.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <queue>
#include <stdexcept>

#include "simulator/core/rng_streams.hpp"
#include "simulator/workload/content_ids.hpp"
#include "simulator/workload/generated_traffic.hpp"
#include "simulator/workload/prompt_length.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {
namespace {

constexpr TrafficKeys kKeys{.num_requests = false, .content_block_tokens = true};

// [workload.chat]. Sessions start by the arrival process; each turn's prompt is the whole history
// plus a new user message (length from prompt_tokens), its answer length from output_tokens; the
// next turn arrives think time after the previous one finishes.
struct ChatTable {
  LengthDistributionPtr turns;            // turns per session (>= 1)
  double think_time_mean_s = 0;           // exponential think time between finish and next turn; 0 = none
  std::int64_t system_prompt_tokens = 0;  // shared by every session (0 = none)
  std::int64_t sessions = 0;              // sessions to start; 0 = unbounded (stop by the run's limits)
  std::int64_t max_context_tokens = 0;    // a session ends before a turn whose prompt+output exceeds it; 0 = no cap
};

// Ranges that keep every sum below int64 and every think time finite.
constexpr double kMaxThinkTimeMeanS = 1e6;
constexpr std::int64_t kMaxTokensPerRequest = kMaxInt32;  // int32 fields

constexpr std::uint64_t kSystemTag = 0x53595354454D0000ULL;  // "SYSTEM"
constexpr std::uint64_t kUserTag = 0x55534552ULL;            // "USER"
constexpr std::uint64_t kAnswerTag = 0x414E53574552ULL;      // "ANSWER"

struct PendingTurn {
  double arrival_s;
  std::uint64_t order;  // release order: deterministic tie-break
  std::int64_t session;
  std::int64_t turn;
  bool operator>(const PendingTurn& o) const {
    return arrival_s != o.arrival_s ? arrival_s > o.arrival_s : order > o.order;
  }
};

class ChatWorkload final : public Workload {
 public:
  ChatWorkload(const GeneratedTraffic& traffic, const ChatTable& chat, std::uint64_t seed)
      : chat_(chat),
        block_tokens_(traffic.content_block_tokens),
        seed_(seed),
        context_cap_(chat.max_context_tokens > 0 ? chat.max_context_tokens : kMaxTokensPerRequest),
        turns_(chat.turns),
        user_(traffic.prompt_tokens),
        answer_(traffic.output_tokens),
        starts_(traffic.arrivals->start(stream_seed(seed, RngStream::arrivals))),
        content_seed_(stream_seed(seed, RngStream::content)) {}

  std::optional<double> peek_arrival_s() override {
    const auto start = next_start_s();
    if (pending_.empty()) return start;
    if (!start) return pending_.top().arrival_s;
    return std::min(*start, pending_.top().arrival_s);
  }

  Request pop() override {
    const auto start = next_start_s();
    if (!pending_.empty() && (!start || pending_.top().arrival_s <= *start)) {
      const PendingTurn t = pending_.top();
      pending_.pop();
      return issue(t.session, t.turn, t.arrival_s);
    }
    if (!start) throw std::logic_error("Workload::pop() with no pending request");
    const std::int64_t s = sessions_started_++;
    next_start_.reset();
    begin_session(s);
    return issue(s, 0, *start);
  }

  void on_finished(const Request& r, double finish_s) override { advance(r, finish_s); }
  void on_rejected(const Request& r, double now_s) override { advance(r, now_s); }

  // Exact once every session has started; before, sessions x the turns distribution's mean.
  std::int64_t expected_requests() const override {
    if (chat_.sessions == 0) return 0;
    const double unstarted = static_cast<double>(chat_.sessions - sessions_started_);
    return planned_ + static_cast<std::int64_t>(std::ceil(unstarted * std::max(1.0, turns_->nominal_mean())));
  }
  std::int64_t planned_requests() const override { return planned_; }

 private:
  // One session from its start to its last turn: lengths are drawn turn by turn.
  struct Session {
    Session(Rng user, Rng answer, Rng think) : user_rng(user), answer_rng(answer), think_rng(think) {}
    Rng user_rng, answer_rng, think_rng;
    std::int64_t turns = 0;    // planned: drawn at the start, cut when the context cap is reached
    std::int64_t context = 0;  // system prompt + every drawn user message and answer
    std::vector<std::int32_t> user_tokens, answer_tokens;  // per drawn turn
    std::vector<double> think_s;                           // after turn n, before turn n+1
    std::int64_t in_flight_turn = 0;  // turn issued and not yet finished; -1 = waiting (think time)
  };

  std::optional<double> next_start_s() {
    if (chat_.sessions > 0 && sessions_started_ >= chat_.sessions) return std::nullopt;
    if (!next_start_) next_start_ = starts_->next_s();
    return next_start_;
  }

  void begin_session(std::int64_t s) {
    const auto session = static_cast<std::uint64_t>(s);
    Rng turn_rng(derive_seed(stream_seed(seed_, RngStream::turns), session));
    Session state(Rng(derive_seed(stream_seed(seed_, RngStream::prompt_lengths), session)),
                  Rng(derive_seed(stream_seed(seed_, RngStream::output_lengths), session)),
                  Rng(derive_seed(stream_seed(seed_, RngStream::think_times), session)));
    state.turns = turns_->sample(turn_rng);
    state.context = chat_.system_prompt_tokens;
    planned_ += state.turns;
    auto& placed = active_.emplace(s, std::move(state)).first->second;
    draw_turn(placed);  // the first turn always happens
  }

  // Draws the next turn's lengths; false (and the plan shortened) when the conversation would
  // outgrow the context cap. The first turn is never cut.
  bool draw_turn(Session& a) {
    const auto n = static_cast<std::int64_t>(a.user_tokens.size());
    const std::int32_t u = user_->sample(a.user_rng);
    const std::int32_t ans = answer_->sample(a.answer_rng);
    const double think = chat_.think_time_mean_s > 0 ? a.think_rng.exponential(chat_.think_time_mean_s) : 0.0;
    a.context += std::int64_t{u} + ans;
    if (n > 0 && a.context > context_cap_) {
      planned_ -= a.turns - n;
      a.turns = n;
      return false;
    }
    a.user_tokens.push_back(u);
    a.answer_tokens.push_back(ans);
    a.think_s.push_back(think);
    return true;
  }

  // Turn r.turn ended (finished or rejected) at t: release the next one after the think time.
  void advance(const Request& r, double t) {
    const auto it = active_.find(r.session_id);
    if (it == active_.end() || it->second.in_flight_turn != r.turn) return;  // not ours, or reported twice
    Session& a = it->second;
    const std::int64_t next = r.turn + 1;
    if (next >= a.turns || !draw_turn(a)) {
      active_.erase(it);
      return;
    }
    a.in_flight_turn = -1;
    pending_.push({t + a.think_s[static_cast<std::size_t>(r.turn)], release_order_++, r.session_id, next});
  }

  Request issue(std::int64_t session, std::int64_t turn, double arrival_s) {
    Session& a = active_.at(session);
    a.in_flight_turn = turn;
    const auto s = static_cast<std::uint64_t>(session);
    std::vector<ContentSegment> segments;
    segments.reserve(static_cast<std::size_t>(2 * turn + 3));
    segments.push_back({hash_combine(content_seed_, kSystemTag), chat_.system_prompt_tokens});
    std::int64_t prompt = chat_.system_prompt_tokens;
    for (std::int64_t n = 0; n <= turn; ++n) {
      const auto i = static_cast<std::size_t>(n);
      const auto un = static_cast<std::uint64_t>(n);
      segments.push_back({hash_combine(hash_combine(hash_combine(content_seed_, kUserTag), s), un), a.user_tokens[i]});
      segments.push_back(
          {hash_combine(hash_combine(hash_combine(content_seed_, kAnswerTag), s), un), a.answer_tokens[i]});
      prompt += a.user_tokens[i] + (n < turn ? a.answer_tokens[i] : 0);
    }
    Request r;
    r.id = next_id_++;
    r.arrival_s = arrival_s;
    r.prompt_tokens = checked_prompt_tokens(prompt, "chat history");
    r.output_tokens = a.answer_tokens[static_cast<std::size_t>(turn)];
    r.content_block_tokens = static_cast<std::int32_t>(block_tokens_);
    r.content_tokens = prompt + r.output_tokens;
    r.content_ids = block_content_ids(segments, r.content_tokens, block_tokens_);
    r.session_id = session;
    r.turn = static_cast<std::int32_t>(turn);
    return r;
  }

  ChatTable chat_;
  std::int64_t block_tokens_;
  std::uint64_t seed_;
  std::int64_t context_cap_;
  LengthDistributionPtr turns_, user_, answer_;
  std::unique_ptr<ArrivalClock> starts_;
  std::uint64_t content_seed_;
  std::optional<double> next_start_;
  std::int64_t sessions_started_ = 0;
  std::int64_t next_id_ = 0;
  std::uint64_t release_order_ = 0;
  std::int64_t planned_ = 0;
  std::map<std::int64_t, Session> active_;
  std::priority_queue<PendingTurn, std::vector<PendingTurn>, std::greater<>> pending_;
};

class ChatParams final : public WorkloadParams {
 public:
  ChatParams(GeneratedTraffic traffic, ChatTable chat) : traffic_(std::move(traffic)), chat_(std::move(chat)) {}

  MaybeProblem check() const override {
    if (auto p = check_generated_traffic(traffic_, kKeys)) return p;
    if (traffic_.arrivals->all_at_time_zero() && chat_.sessions == 0) {
      return problem("chat.sessions",
                     fmt::format("{} arrivals start every session at t = 0: give a number of sessions > 0",
                                 traffic_.arrivals->kind()));
    }
    const auto& c = chat_;
    if (auto p = under("chat.turns", c.turns->check())) return p;
    if (auto p = out_of_range(c.think_time_mean_s, NumberRange{0, kMaxThinkTimeMeanS}))
      return problem("chat.think_time_mean_s", *p);
    if (auto p = out_of_range(c.system_prompt_tokens, IntRange{0, kMaxInt32}))
      return problem("chat.system_prompt_tokens", *p);
    if (auto p = out_of_range(c.sessions, IntRange{0})) return problem("chat.sessions", *p);
    if (auto p = out_of_range(c.max_context_tokens, IntRange{0, kMaxInt32}))
      return problem("chat.max_context_tokens", *p);
    return std::nullopt;
  }

  // Chat ends by its number of sessions, not by a request count.
  bool ends_by_itself() const override { return chat_.sessions > 0; }
  std::optional<RequestCount> request_count() const override {
    if (chat_.sessions <= 0) return std::nullopt;
    return RequestCount{static_cast<double>(chat_.sessions) * std::max(1.0, chat_.turns->nominal_mean()),
                        "chat.sessions"};
  }

  std::unique_ptr<Workload> make(std::uint64_t seed) const override {
    return std::make_unique<ChatWorkload>(traffic_, chat_, seed);
  }

 private:
  GeneratedTraffic traffic_;
  ChatTable chat_;
};

}  // namespace

std::shared_ptr<WorkloadParams> read_chat_workload(TableReader& workload) {
  GeneratedTraffic traffic = read_generated_traffic(workload, kKeys);
  const auto t = workload.table("chat");
  ChatTable c;
  c.turns = read_length_distribution(*t, "turns");
  c.think_time_mean_s = t->number("think_time_mean_s");
  c.system_prompt_tokens = t->integer_or("system_prompt_tokens", 0);
  c.sessions = t->integer_or("sessions", 0);
  c.max_context_tokens = t->integer_or("max_context_tokens", 0);
  t->finish();
  return std::make_shared<ChatParams>(std::move(traffic), std::move(c));
}

}  // namespace moelab::sim
