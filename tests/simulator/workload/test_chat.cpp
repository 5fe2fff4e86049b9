// chat: closed loop (next turn released after finish + think time), history prompts, and
// content ids that carry each turn's prompt+output blocks into the next turn.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <map>
#include <set>

#include "simulator/workload/workload_spec.hpp"
#include "tests/simulator/workload/workload_test_support.hpp"

using namespace moelab::sim;
using moelab::test::serve_all;
using moelab::test::Served;

namespace {

// New user message of 20 tokens per turn, answers of 30, 3 turns per session.
WorkloadSpec chat(std::int64_t sessions, double think_s, const std::vector<std::string>& sets = {}) {
  return moelab::test::workload_spec(fmt::format(R"(kind = "chat"
arrivals = {{ kind = "poisson", rate_per_s = 2 }}
prompt_tokens = 20
output_tokens = 30
content_block_tokens = 16
[workload.chat]
turns = 3
think_time_mean_s = {}
sessions = {}
)",
                                                 think_s, sessions),
                                     sets);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chat_workload)

BOOST_AUTO_TEST_CASE(next_turn_is_released_only_after_finish) {
  auto w = make_workload(chat(1, 0.0), 1);
  BOOST_TEST(w->expected_requests() == 3);  // 1 session x 3 fixed turns
  BOOST_TEST(w->planned_requests() == 0);   // nothing planned before the session starts
  const auto start = w->peek_arrival_s();
  BOOST_REQUIRE(start.has_value());
  const Request t0 = w->pop();
  BOOST_TEST(w->planned_requests() == 3);
  BOOST_TEST(t0.turn == 0);
  BOOST_TEST(t0.session_id == 0);
  BOOST_TEST(!w->peek_arrival_s().has_value());  // nothing until turn 0 finishes
  w->on_finished(t0, *start + 7.0);
  BOOST_TEST(w->peek_arrival_s().value() == *start + 7.0);  // think time 0
  const Request t1 = w->pop();
  BOOST_TEST(t1.turn == 1);
  BOOST_TEST(t1.id == 1);
  BOOST_TEST(t1.prompt_tokens == 20 + 30 + 20);
  w->on_finished(t1, *start + 9.0);
  w->on_finished(t1, *start + 9.5);  // reported twice: ignored
  const Request t2 = w->pop();
  BOOST_TEST(t2.arrival_s == *start + 9.0);
  BOOST_TEST(t2.prompt_tokens == 2 * 50 + 20);
  BOOST_TEST(!w->peek_arrival_s().has_value());
  w->on_finished(t2, *start + 12.0);
  BOOST_TEST(!w->peek_arrival_s().has_value());  // 3 turns, session over
}

BOOST_AUTO_TEST_CASE(next_turn_ids_start_with_previous_prompt_and_output_blocks) {
  auto w = make_workload(chat(1, 0.0), 2);
  const Request t0 = w->pop();
  w->on_finished(t0, t0.arrival_s + 1);
  const Request t1 = w->pop();
  // Turn 0 covers prompt 20 + output 30 = 50 tokens: 3 full blocks + a 2-token partial block.
  BOOST_TEST(t0.content_block_tokens == 16);
  BOOST_REQUIRE(t0.content_ids.size() == 4u);
  // Turn 1: prompt 70 + output 30 = 100 tokens: 6 full blocks + a 4-token partial block.
  BOOST_REQUIRE(t1.content_ids.size() == 7u);
  for (int j = 0; j < 3; ++j) BOOST_TEST(t1.content_ids[j] == t0.content_ids[j]);
  BOOST_TEST(t1.content_ids[3] != t0.content_ids[3]);  // partial run != full block at that position
}

BOOST_AUTO_TEST_CASE(ids_describe_prompt_and_output_even_within_one_block) {
  auto w =
      make_workload(chat(1, 0.0, {"output_tokens=5"}), 4);  // prompt 20 + output 5 end in the prompt's second block
  const Request t0 = w->pop();
  BOOST_TEST(t0.content_ids.size() == 2u);
  BOOST_TEST(t0.content_tokens == 25);
  BOOST_TEST(described_tokens(t0) == 25);  // not just the prompt's 20
  w->on_finished(t0, t0.arrival_s + 1);
  const Request t1 = w->pop();
  BOOST_TEST(t1.prompt_tokens == 45);
  BOOST_TEST(described_tokens(t1) == 50);
  BOOST_TEST(t1.content_ids[0] == t0.content_ids[0]);  // the one full block of turn 0
  BOOST_TEST(t1.content_ids[1] != t0.content_ids[1]);  // turn 0's 9-token run vs a full block
}

BOOST_AUTO_TEST_CASE(think_time_delays_the_next_turn) {
  auto w = make_workload(chat(200, 5.0, {"chat.turns=2"}), 3);
  const auto served = serve_all(*w, [](const Request&) { return 1.0; });
  BOOST_TEST(served.size() == 400u);
  std::map<std::int64_t, double> finish0;
  std::vector<double> think;
  for (const auto& s : served) {
    if (s.request.turn == 0) finish0[s.request.session_id] = s.finish_s;
  }
  for (const auto& s : served) {
    if (s.request.turn == 1) think.push_back(s.request.arrival_s - finish0.at(s.request.session_id));
  }
  BOOST_TEST(think.size() == 200u);
  for (double t : think) BOOST_TEST(t >= 0.0);
  BOOST_TEST(moelab::test::moments(think).mean == 5.0, boost::test_tools::tolerance(0.2));
}

BOOST_AUTO_TEST_CASE(closed_loop_run_is_consistent_and_sessions_do_not_depend_on_the_engine) {
  const auto spec =
      chat(300, 2.0,
           {"chat.turns={ kind = \"geometric\", mean = 3.51 }",
            "prompt_tokens={ kind = \"lognormal\", mean = 94.5, sigma = 1.0 }",
            "output_tokens={ kind = \"lognormal\", mean = 348.5, sigma = 1.0 }", "chat.system_prompt_tokens=40"});
  auto fast = make_workload(spec, 11);
  auto slow = make_workload(spec, 11);
  const auto estimate = fast->expected_requests();  // before any session: 300 x mean 3.51, rounded up
  BOOST_TEST((estimate == 1053 || estimate == 1054), estimate);
  const auto a = serve_all(*fast, [](const Request& r) { return 0.01 * r.output_tokens; });
  const auto b = serve_all(*slow, [](const Request& r) { return 0.2 + 0.05 * r.output_tokens; });
  const std::int64_t expected = fast->planned_requests();
  BOOST_TEST(slow->planned_requests() == expected);
  BOOST_TEST(fast->expected_requests() == expected);  // exact once every session has started
  BOOST_TEST(static_cast<std::int64_t>(a.size()) == expected);
  BOOST_TEST(static_cast<std::int64_t>(b.size()) == expected);
  BOOST_TEST(expected / 300.0 == 3.51, boost::test_tools::tolerance(0.15));

  // Same (session, turn) -> same lengths and ids, whatever the service times were.
  std::map<std::pair<std::int64_t, std::int32_t>, const Request*> by_turn;
  for (const auto& s : a) by_turn[{s.request.session_id, s.request.turn}] = &s.request;
  for (const auto& s : b) {
    const Request* r = by_turn.at({s.request.session_id, s.request.turn});
    BOOST_TEST(r->prompt_tokens == s.request.prompt_tokens);
    BOOST_TEST(r->content_ids == s.request.content_ids);
  }

  // Ids dense in pop order, arrivals non-decreasing, history grows, system prompt shared.
  std::map<std::int64_t, const Served*> previous;
  std::set<std::uint64_t> first_blocks, second_blocks;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& s = a[i];
    BOOST_TEST(s.request.id == static_cast<std::int64_t>(i));
    if (i > 0) BOOST_TEST(s.request.arrival_s >= a[i - 1].request.arrival_s);
    BOOST_TEST(s.request.content_ids.size() ==
               static_cast<std::size_t>((s.request.prompt_tokens + s.request.output_tokens + 15) / 16));
    first_blocks.insert(s.request.content_ids[0]);
    second_blocks.insert(s.request.content_ids[2]);
    const auto it = previous.find(s.request.session_id);
    if (it != previous.end()) {
      const Request& p = it->second->request;
      BOOST_TEST(s.request.turn == p.turn + 1);
      BOOST_TEST(s.request.arrival_s >= it->second->finish_s);
      BOOST_TEST(s.request.prompt_tokens > p.prompt_tokens + p.output_tokens);
      const std::size_t full = static_cast<std::size_t>((p.prompt_tokens + p.output_tokens) / 16);
      for (std::size_t j = 0; j < full; ++j) BOOST_TEST(s.request.content_ids[j] == p.content_ids[j]);
    } else {
      BOOST_TEST(s.request.turn == 0);
    }
    previous[s.request.session_id] = &s;
  }
  BOOST_TEST(first_blocks.size() == 1u);     // 40-token system prompt: blocks 0 and 1 are shared
  BOOST_TEST(second_blocks.size() == 300u);  // block 2 mixes in the session's first message
}

BOOST_AUTO_TEST_CASE(max_context_ends_sessions_early) {
  // Turns of 50 tokens: 3 fit in 160 (150), the 4th would not.
  auto w = make_workload(chat(50, 0.0, {"chat.turns=10", "chat.max_context_tokens=160"}), 5);
  BOOST_TEST(w->expected_requests() == 500);  // 10 turns drawn per session; the cap is found turn by turn
  const auto served = serve_all(*w, [](const Request&) { return 0.5; });
  BOOST_TEST(served.size() == 150u);
  BOOST_TEST(w->planned_requests() == 150);
  for (const auto& s : served) BOOST_TEST(s.request.prompt_tokens + s.request.output_tokens <= 160);
}

// A turn the engine rejects ends unfinished, and the session goes on as after a finish: the next
// turn is released think time later, so every planned turn is issued.
BOOST_AUTO_TEST_CASE(a_rejected_turn_releases_the_next_one) {
  auto w = make_workload(chat(1, 0.0), 1);
  const Request t0 = w->pop();
  BOOST_TEST(!w->peek_arrival_s().has_value());
  w->on_rejected(t0, t0.arrival_s + 0.25);
  BOOST_TEST(w->peek_arrival_s().value() == t0.arrival_s + 0.25);
  const Request t1 = w->pop();
  BOOST_TEST(t1.turn == 1);
  BOOST_TEST(t1.prompt_tokens == 20 + 30 + 20);  // the same history as after a finish
  w->on_rejected(t1, t1.arrival_s + 1);
  w->on_rejected(t1, t1.arrival_s + 2);  // reported twice: ignored
  const Request t2 = w->pop();
  BOOST_TEST(t2.turn == 2);
  w->on_finished(t2, t2.arrival_s + 1);
  BOOST_TEST(!w->peek_arrival_s().has_value());
  BOOST_TEST(w->planned_requests() == 3);
}

// Sessions exist from their start to their last turn: a count far beyond memory costs nothing up
// front (the run's stop condition ends it).
BOOST_AUTO_TEST_CASE(sessions_are_not_planned_ahead) {
  auto w = make_workload(chat(std::int64_t{1} << 62, 0.0), 7);
  for (int i = 0; i < 100; ++i) w->pop();
  BOOST_TEST(w->planned_requests() == 300);  // 100 sessions started, 3 turns each
}

// Without a cap, a session ends before its history would outgrow what a request holds (2^31 - 1
// tokens) instead of failing mid-run.
BOOST_AUTO_TEST_CASE(history_never_outgrows_a_request) {
  auto w = make_workload(
      chat(1, 0.0,
           {"chat.turns=100", "prompt_tokens=500000000", "output_tokens=100000000", "content_block_tokens=1048576"}),
      3);
  const auto served = serve_all(*w, [](const Request&) { return 1.0; });
  BOOST_TEST(served.size() == 3u);  // 600M tokens per turn: the 4th would pass 2^31 - 1
  for (const auto& s : served)
    BOOST_TEST(std::int64_t{s.request.prompt_tokens} + s.request.output_tokens <= 2147483647);
  BOOST_TEST(w->planned_requests() == 3);
}

BOOST_AUTO_TEST_CASE(same_seed_same_sessions_different_seed_differs) {
  const auto spec = chat(100, 1.0, {"prompt_tokens={ kind = \"uniform\", min = 1, max = 500 }"});
  auto service = [](const Request& r) { return 0.001 * r.output_tokens; };
  auto w1 = make_workload(spec, 21), w2 = make_workload(spec, 21), w3 = make_workload(spec, 22);
  const auto a = serve_all(*w1, service), b = serve_all(*w2, service), c = serve_all(*w3, service);
  BOOST_REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].request.arrival_s == b[i].request.arrival_s);
    BOOST_TEST(a[i].request.content_ids == b[i].request.content_ids);
  }
  int differing = 0;
  for (std::size_t i = 0; i < std::min(a.size(), c.size()); ++i) {
    if (a[i].request.prompt_tokens != c[i].request.prompt_tokens) ++differing;
  }
  BOOST_TEST(differing > 200);
}

BOOST_AUTO_TEST_CASE(sessions_end_the_workload_and_burst_needs_them) {
  BOOST_TEST(chat(5, 0.0).ends_by_itself());
  BOOST_TEST(!chat(0, 0.0).ends_by_itself());  // unbounded: the run's stop condition ends it
  try {
    chat(0, 0.0, {"arrivals={ kind = \"burst\" }"});
    BOOST_ERROR("burst without a session count was accepted");
  } catch (const moelab::InputError& e) {
    BOOST_TEST(e.key() == "workload.chat.sessions");
    BOOST_TEST(e.where().line == 10);  // sessions = 0 in chat()'s table
    BOOST_TEST(e.problem() == "burst arrivals start every session at t = 0: give a number of sessions > 0");
  }
}

BOOST_AUTO_TEST_SUITE_END()
