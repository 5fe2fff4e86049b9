// [workload] parsing: strict keys, file:line locations, trace paths and up-front trace validation.
#include <boost/test/unit_test.hpp>

#include "lab/config/workload_config.hpp"
#include "simulator/workload/trace_data.hpp"
#include "tests/simulator/workload/workload_test_support.hpp"
#include "tests/support/paths.hpp"

using namespace moelab;
using namespace moelab::config;
using moelab::test::write_temp;

namespace {

sim::WorkloadSpec parse(const std::string& toml_text, const std::filesystem::path& dir = ".") {
  const toml::table root = parse_text(toml_text, "exp.toml");
  StrictTable top(root, "exp.toml");
  StrictTable section = top.table("workload");
  return parse_workload(section, dir);
}

InputError parse_error(const std::string& toml_text, const std::filesystem::path& dir = ".") {
  try {
    parse(toml_text, dir);
  } catch (const InputError& e) {
    return e;
  }
  BOOST_ERROR("expected an InputError");
  return InputError({}, "", "");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(workload_config)

BOOST_AUTO_TEST_CASE(synthetic_with_tables_and_shorthand) {
  const auto s = parse(R"(
[workload]
kind = "synthetic"
num_requests = 100
prompt_tokens = { kind = "lognormal", mean = 512, sigma = 0.8, max = 4096 }
output_tokens = 128
[workload.arrivals]
kind = "gamma"
rate_per_s = 4
cv = 2.5
)");
  BOOST_TEST(s.kind == "synthetic");
  BOOST_TEST(s.ends_by_itself());
  auto w = sim::make_workload(s, 1);
  BOOST_TEST(w->expected_requests() == 100);
  const auto rs = moelab::test::drain(*w, 1000);
  BOOST_TEST(rs.size() == 100u);
  for (const auto& r : rs) {
    BOOST_TEST(r.prompt_tokens <= 4096);  // the lognormal's max
    BOOST_TEST(r.output_tokens == 128);   // the number shorthand: fixed
    BOOST_TEST(r.content_block_tokens == 0);
    BOOST_TEST(r.content_ids.empty());
  }
  // The shorthand and its table read the same, draw for draw; so do the defaulted clamp keys.
  const auto long_form = parse(R"(
[workload]
kind = "synthetic"
num_requests = 100
prompt_tokens = { kind = "lognormal", mean = 512, sigma = 0.8, min = 1, max = 4096 }
output_tokens = { kind = "fixed", value = 128 }
[workload.arrivals]
kind = "gamma"
rate_per_s = 4
cv = 2.5
)");
  const auto again = moelab::test::drain(*sim::make_workload(long_form, 1), 1000);
  BOOST_REQUIRE(again.size() == rs.size());
  for (std::size_t i = 0; i < rs.size(); ++i) {
    BOOST_TEST(again[i].arrival_s == rs[i].arrival_s);
    BOOST_TEST(again[i].prompt_tokens == rs[i].prompt_tokens);
    BOOST_TEST(again[i].output_tokens == rs[i].output_tokens);
  }
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_and_full_key) {
  auto e = parse_error(
      "[workload]\nkind = \"synthetic\"\nprompt_tokens = 5\noutput_tokens = 5\nrate = 3\n"
      "[workload.arrivals]\nkind = \"poisson\"\nrate_per_s = 1\n");
  BOOST_TEST(e.key() == "workload.rate");
  BOOST_TEST(e.where().file == "exp.toml");
  BOOST_TEST(e.where().line == 5);

  e = parse_error(
      "[workload]\nkind = \"synthetic\"\noutput_tokens = 5\n"
      "prompt_tokens = { kind = \"lognormal\", mean = 100, sigma = -2 }\n"
      "[workload.arrivals]\nkind = \"poisson\"\nrate_per_s = 1\n");
  BOOST_TEST(e.key() == "workload.prompt_tokens.sigma");
  BOOST_TEST(e.where().line == 4);

  e = parse_error(
      "[workload]\nkind = \"synthetic\"\nprompt_tokens = 5\noutput_tokens = 5\n"
      "[workload.arrivals]\nkind = \"poisson\"\nrate_per_s = 1\ncv = 2\n");
  BOOST_TEST(e.key() == "workload.arrivals.cv");  // cv is only valid for gamma
  BOOST_TEST(e.where().line == 8);

  e = parse_error("[workload]\nkind = \"synthetc\"\n");
  BOOST_TEST(e.key() == "workload.kind");
  BOOST_TEST(e.where().line == 2);

  e = parse_error(
      "[workload]\nkind = \"synthetic\"\nprompt_tokens = 5\noutput_tokens = 5\n"
      "[workload.arrivals]\nkind = \"burst\"\n");
  BOOST_TEST(e.key() == "workload.num_requests");

  e = parse_error(
      "[workload]\nkind = \"synthetic\"\nprompt_tokens = 5\noutput_tokens = 5\ncontent_block_tokens = 16\n"
      "[workload.arrivals]\nkind = \"poisson\"\nrate_per_s = 1\n");
  BOOST_TEST(e.key() == "workload.content_block_tokens");  // synthetic prompts carry no ids
}

BOOST_AUTO_TEST_CASE(trace_paths_resolve_against_the_config_directory) {
  const auto s = parse(
      "[workload]\nkind = \"mooncake\"\ntrace = \"traces/mooncake_conversation.jsonl\"\n"
      "trace_time_scale = 0.25\n",
      test::data_dir());
  const auto via_parent = parse("[workload]\nkind = \"mooncake\"\ntrace = \"../traces/mooncake_conversation.jsonl\"\n",
                                test::data_dir() / "workloads");
  auto w = sim::make_workload(s, 0);
  BOOST_TEST(w->expected_requests() == 12031);
  BOOST_TEST(sim::make_workload(via_parent, 0)->expected_requests() == 12031);
  BOOST_TEST(w->pop().content_block_tokens == 512);

  auto e = parse_error("[workload]\nkind = \"mooncake\"\ntrace = \"no_such.jsonl\"\n", test::data_dir());
  BOOST_TEST(e.key() == "workload.trace");
  BOOST_TEST(e.where().line == 3);
  // A missing file is named by its resolved path, "workloads/../traces" normalised.
  e = parse_error("[workload]\nkind = \"mooncake\"\ntrace = \"../traces/no_such.jsonl\"\n",
                  test::data_dir() / "workloads");
  BOOST_TEST(e.problem() == "no such file: " + (test::data_dir() / "traces/no_such.jsonl").string());

  e = parse_error(
      "[workload]\nkind = \"mooncake\"\ntrace = \"traces/mooncake_conversation.jsonl\"\n"
      "content_block_tokens = 16\n",
      test::data_dir());
  BOOST_TEST(e.key() == "workload.content_block_tokens");
}

BOOST_AUTO_TEST_CASE(a_bad_trace_line_fails_at_parse_time) {
  const auto path = write_temp("cfg_bad_trace", "arrived_at,num_prefill_tokens,num_decode_tokens\n0,5,5\n1,5,-5\n");
  const auto e =
      parse_error("[workload]\nkind = \"csv\"\ntrace = \"" + path.filename().string() + "\"\n", path.parent_path());
  BOOST_TEST(e.where().file == path.string());
  BOOST_TEST(e.where().line == 3);
  BOOST_TEST(e.key() == "num_decode_tokens");
}

BOOST_AUTO_TEST_CASE(chat_rag_and_shared_prefix_tables) {
  const auto c = parse(R"(
[workload]
kind = "chat"
prompt_tokens = { kind = "lognormal", mean = 94.5, sigma = 1.0 }
output_tokens = { kind = "lognormal", mean = 348.5, sigma = 1.0 }
arrivals = { kind = "poisson", rate_per_s = 1 }
[workload.chat]
turns = { kind = "geometric", mean = 3.51 }
think_time_mean_s = 5
sessions = 10
)");
  BOOST_TEST(c.ends_by_itself());  // 10 sessions
  auto chat = sim::make_workload(c, 1);
  BOOST_TEST(chat->expected_requests() >= 10);
  const auto t0 = chat->pop();
  BOOST_TEST(t0.content_block_tokens == 16);  // the default for generated kinds
  BOOST_TEST(t0.turn == 0);
  const auto chat_count = parse_error(R"(
[workload]
kind = "chat"
num_requests = 100
prompt_tokens = 10
output_tokens = 10
arrivals = { kind = "poisson", rate_per_s = 1 }
[workload.chat]
turns = 2
think_time_mean_s = 0
)");
  BOOST_TEST(chat_count.key() == "workload.num_requests");  // chat counts sessions, not requests

  const auto r = parse(R"(
[workload]
kind = "rag"
content_block_tokens = 64
num_requests = 10
prompt_tokens = 30
output_tokens = 100
arrivals = { kind = "burst" }
[workload.rag]
system_prompt_tokens = 200
corpus_documents = 1000
zipf_s = 0.9
documents_per_request = 4
document_tokens = { kind = "uniform", min = 128, max = 512 }
document_order = "popularity"
)");
  const auto rs = moelab::test::drain(*sim::make_workload(r, 1), 100);
  BOOST_TEST(rs.size() == 10u);
  for (const auto& q : rs) BOOST_TEST(q.content_block_tokens == 64);

  auto e = parse_error(R"(
[workload]
kind = "rag"
num_requests = 10
prompt_tokens = 30
output_tokens = 100
arrivals = { kind = "burst" }
[workload.rag]
corpus_documents = 3
zipf_s = 0.9
documents_per_request = 4
document_tokens = 100
)");
  BOOST_TEST(e.key() == "workload.rag.documents_per_request");
  BOOST_TEST(e.where().line == 11);

  e = parse_error(
      "[workload]\nkind = \"shared_prefix\"\nprompt_tokens = 5\noutput_tokens = 5\n"
      "arrivals = { kind = \"poisson\", rate_per_s = 1 }\n[workload.shared_prefix]\nprefix_tokens = 100\n"
      "prefix_count = 3\n");
  BOOST_TEST(e.key() == "workload.shared_prefix.prefix_count");
  BOOST_TEST(e.where().line == 8);
}

BOOST_AUTO_TEST_CASE(check_problems_point_at_the_value_or_its_table) {
  // A defaulted value has no position of its own: the message points at the table that lacks it.
  auto e = parse_error(R"(
[workload]
kind = "synthetic"
prompt_tokens = { kind = "lognormal", mean = 100, sigma = 1, max = 0.5 }
output_tokens = 5
arrivals = { kind = "poisson", rate_per_s = 1 }
)");
  BOOST_TEST(e.key() == "workload.prompt_tokens.max");
  BOOST_TEST(e.where().line == 4);
  e = parse_error(R"(
[workload]
kind = "chat"
prompt_tokens = 10
output_tokens = 10
arrivals = { kind = "burst" }
[workload.chat]
turns = 2
think_time_mean_s = 0
)");
  BOOST_TEST(e.key() == "workload.chat.sessions");  // absent: reported at [workload.chat]
  BOOST_TEST(e.where().line == 7);
  e = parse_error(
      "[workload]\nkind = \"synthetic\"\nprompt_tokens = \"long\"\noutput_tokens = 5\n"
      "arrivals = { kind = \"poisson\", rate_per_s = 1 }\n");
  BOOST_TEST(e.key() == "workload.prompt_tokens");
  BOOST_TEST(e.problem() == "expected a number (fixed) or a table {kind = ...}");
  e = parse_error(
      "[workload]\nkind = \"synthetic\"\nprompt_tokens = { kind = \"zipf\" }\noutput_tokens = 5\n"
      "arrivals = { kind = \"poisson\", rate_per_s = 1 }\n");
  BOOST_TEST(e.key() == "workload.prompt_tokens.kind");
  BOOST_TEST(e.problem() == "unknown value 'zipf'; expected one of: fixed, uniform, lognormal, empirical, geometric");
  e = parse_error(
      "[workload]\nkind = \"synthetic\"\nprompt_tokens = 5\noutput_tokens = 5\n"
      "arrivals = { kind = \"uniform\" }\n");
  BOOST_TEST(e.key() == "workload.arrivals.kind");
  BOOST_TEST(e.problem() == "unknown value 'uniform'; expected one of: poisson, gamma, burst, constant");
}

BOOST_AUTO_TEST_CASE(shipped_workload_presets_parse) {
  // data/workloads/*.toml are complete [workload] tables: they must stay valid.
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::data_dir() / "workloads")) {
    if (entry.path().extension() != ".toml") continue;
    BOOST_TEST_CONTEXT(entry.path()) {
      const toml::table root = parse_file(entry.path());
      StrictTable top(root, entry.path().string());
      StrictTable section = top.table("workload");
      const auto spec = parse_workload(section, entry.path().parent_path());
      top.finish();
      auto w = sim::make_workload(spec, 1);
      BOOST_TEST(w->peek_arrival_s().has_value());
      ++parsed;
    }
  }
  BOOST_TEST(parsed >= 3);
}

BOOST_AUTO_TEST_SUITE_END()
