// Trace replay: the real Mooncake conversation trace, CSV traces, and every class of bad line.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "base/input_error.hpp"
#include "simulator/workload/trace_data.hpp"
#include "simulator/workload/workload_spec.hpp"
#include "tests/simulator/workload/workload_test_support.hpp"
#include "tests/support/paths.hpp"

using namespace moelab;
using namespace moelab::sim;
using moelab::test::drain;
using moelab::test::write_temp;

namespace {

std::filesystem::path mooncake_path() { return test::data_dir() / "traces" / "mooncake_conversation.jsonl"; }

std::string trace_body(const std::string& kind, const std::filesystem::path& path) {
  return fmt::format("kind = \"{}\"\ntrace = \"{}\"\n", kind, path.string());
}

// Read as a config's [workload] is: the trace is read and validated in full.
WorkloadSpec trace_spec(const std::string& kind, const std::filesystem::path& path,
                        const std::vector<std::string>& sets = {}) {
  return moelab::test::workload_spec(trace_body(kind, path), sets);
}

// Expect a config replaying `text` as a trace of `kind` to fail at `line` (1-based) of the trace on `key`.
void expect_bad_line(const std::string& kind, const std::string& tag, const std::string& text, int line,
                     const std::string& key) {
  const auto path = write_temp(tag, text);
  BOOST_TEST_CONTEXT(tag) {
    try {
      trace_spec(kind, path);
      BOOST_ERROR("no error");
    } catch (const InputError& e) {
      BOOST_TEST(e.where().file == path.string());
      BOOST_TEST(e.where().line == line);
      BOOST_TEST(e.key() == key);
      BOOST_TEST(std::string(e.what()).find(path.string() + ":" + std::to_string(line)) == 0u);
    }
  }
}

const std::string kGood0 = R"({"timestamp": 0, "input_length": 1000, "output_length": 10, "hash_ids": [0, 1]})";
const std::string kGood1 = R"({"timestamp": 5, "input_length": 600, "output_length": 20, "hash_ids": [0, 2]})";

}  // namespace

BOOST_AUTO_TEST_SUITE(trace_replay)

BOOST_AUTO_TEST_CASE(mooncake_conversation_trace_replays_in_full) {
  auto w = make_workload(trace_spec("mooncake", mooncake_path()), 0);
  BOOST_TEST(w->expected_requests() == 12031);
  const auto rs = drain(*w, 20'000);
  BOOST_REQUIRE(rs.size() == 12031u);
  double input_sum = 0, output_sum = 0;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    input_sum += rs[i].prompt_tokens;
    output_sum += rs[i].output_tokens;
    BOOST_TEST(rs[i].id == static_cast<std::int64_t>(i));
    BOOST_TEST(rs[i].content_block_tokens == 512);
    BOOST_TEST(rs[i].content_ids.size() == static_cast<std::size_t>((rs[i].prompt_tokens + 511) / 512));
    if (i > 0) BOOST_TEST(rs[i].arrival_s >= rs[i - 1].arrival_s);
  }
  // Facts (data/traces/README.md): mean input 12,035 tokens, mean output 343, ~3,537 s.
  BOOST_TEST(input_sum / 12031.0 == 12035.06, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(output_sum / 12031.0 == 343.0, boost::test_tools::tolerance(0.01));
  BOOST_TEST(rs.back().arrival_s == 3536.999, boost::test_tools::tolerance(1e-9));  // 3,536,999 ms
  // First row: {"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0..13]}.
  BOOST_TEST(rs[0].prompt_tokens == 6758);
  BOOST_TEST(rs[0].output_tokens == 500);
  const std::vector<std::uint64_t> first_ids = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  BOOST_TEST(rs[0].content_ids == first_ids, boost::test_tools::per_element());
  BOOST_TEST(rs[1].content_ids.front() == 0u);  // shared first block
}

BOOST_AUTO_TEST_CASE(time_scale_and_request_limit) {
  const auto spec = trace_spec("mooncake", mooncake_path(), {"trace_time_scale=0.5", "num_requests=100"});
  BOOST_TEST(spec.ends_by_itself());
  auto full = drain(*make_workload(trace_spec("mooncake", mooncake_path()), 0), 100);
  auto w = make_workload(spec, 0);
  const auto rs = drain(*w, 1000);
  BOOST_TEST(rs.size() == 100u);
  BOOST_TEST(w->expected_requests() == 100);
  for (std::size_t i = 0; i < rs.size(); ++i) BOOST_TEST(rs[i].arrival_s == 0.5 * full[i].arrival_s);
  BOOST_TEST(rs.back().arrival_s > 0.0);
}

BOOST_AUTO_TEST_CASE(mooncake_bad_lines_name_file_line_and_key) {
  const std::string g = kGood0 + "\n";
  expect_bad_line("mooncake", "malformed", g + "{\"timestamp\": 1, \"input_length\": 5\n", 2, "");
  expect_bad_line("mooncake", "not_object", g + "[1, 2]\n", 2, "");
  expect_bad_line("mooncake", "missing_input",
                  g + R"({"timestamp": 1, "output_length": 3, "hash_ids": []})"
                      "\n",
                  2, "input_length");
  expect_bad_line("mooncake", "missing_output",
                  g + R"({"timestamp": 1, "input_length": 3, "hash_ids": []})"
                      "\n",
                  2, "output_length");
  expect_bad_line("mooncake", "missing_ids",
                  g + R"({"timestamp": 1, "input_length": 3, "output_length": 3})"
                      "\n",
                  2, "hash_ids");
  expect_bad_line("mooncake", "missing_timestamp",
                  g + R"({"input_length": 3, "output_length": 3, "hash_ids": []})"
                      "\n",
                  2, "timestamp");
  expect_bad_line("mooncake", "negative_input",
                  g + R"({"timestamp": 1, "input_length": -3, "output_length": 3, "hash_ids": []})"
                      "\n",
                  2, "input_length");
  expect_bad_line("mooncake", "zero_output",
                  g + R"({"timestamp": 1, "input_length": 3, "output_length": 0, "hash_ids": []})"
                      "\n",
                  2, "output_length");
  expect_bad_line("mooncake", "negative_timestamp",
                  R"({"timestamp": -1, "input_length": 3, "output_length": 3, "hash_ids": [4]})"
                  "\n",
                  1, "timestamp");
  expect_bad_line("mooncake", "string_output",
                  g + R"({"timestamp": 1, "input_length": 3, "output_length": "3", "hash_ids": []})"
                      "\n",
                  2, "output_length");
  expect_bad_line("mooncake", "fractional_input",
                  g + R"({"timestamp": 1, "input_length": 3.5, "output_length": 3, "hash_ids": []})"
                      "\n",
                  2, "input_length");
  expect_bad_line("mooncake", "decreasing_time", kGood1 + "\n" + kGood0 + "\n", 2, "timestamp");
  // 1025 tokens = 3 blocks of 512 at most (the last partial); 4 ids cannot fit.
  expect_bad_line("mooncake", "too_many_ids",
                  g + "\n" +
                      R"({"timestamp": 9, "input_length": 1025, "output_length": 3, "hash_ids": [1, 2, 3, 4]})"
                      "\n",
                  3, "hash_ids");
  expect_bad_line("mooncake", "negative_id",
                  g + R"({"timestamp": 9, "input_length": 1025, "output_length": 3, "hash_ids": [1, -2]})"
                      "\n",
                  2, "hash_ids");
  expect_bad_line("mooncake", "ids_not_array",
                  g + R"({"timestamp": 9, "input_length": 1025, "output_length": 3, "hash_ids": 7})"
                      "\n",
                  2, "hash_ids");
}

BOOST_AUTO_TEST_CASE(mooncake_edge_cases_that_are_fine) {
  // Equal timestamps, exactly ceil(input/512) ids, fewer ids, blank lines and extra keys.
  const auto path = write_temp(
      "fine", kGood0 + "\n\n" +
                  R"({"timestamp": 0, "input_length": 1025, "output_length": 1, "hash_ids": [0, 1, 9], "extra": 1})"
                  "\n" +
                  R"({"timestamp": 0.5, "input_length": 513, "output_length": 2, "hash_ids": [0]})"
                  "\n");
  const auto t = load_mooncake_trace(path);
  BOOST_TEST(t.size() == 3u);
  BOOST_TEST(t.arrival_s[2] == 0.0005);
  BOOST_TEST(t.id_begin.back() == 6u);
}

BOOST_AUTO_TEST_CASE(csv_trace_replays) {
  const auto path = write_temp("csv_good",
                               "arrived_at,num_prefill_tokens,num_decode_tokens,extra\n"
                               "0.0,100,10,x\n"
                               "0.5,2000.0,1,y\n"
                               "\n"
                               "0.5,7,300,z\n");
  const auto rs = drain(*make_workload(trace_spec("csv", path, {"trace_time_scale=2.0"}), 0), 10);
  BOOST_REQUIRE(rs.size() == 3u);
  BOOST_TEST(rs[1].arrival_s == 1.0);
  BOOST_TEST(rs[1].prompt_tokens == 2000);
  BOOST_TEST(rs[2].output_tokens == 300);
  BOOST_TEST(rs[0].content_block_tokens == 0);
  BOOST_TEST(rs[0].content_ids.empty());
  // Columns in another order.
  const auto path2 = write_temp("csv_order", "num_decode_tokens,arrived_at,num_prefill_tokens\n5,1.5,40\n");
  const auto t = load_csv_trace(path2);
  BOOST_TEST(t.arrival_s[0] == 1.5);
  BOOST_TEST(t.prompt_tokens[0] == 40);
  BOOST_TEST(t.output_tokens[0] == 5);
}

BOOST_AUTO_TEST_CASE(csv_bad_lines_name_file_line_and_key) {
  const std::string h = "arrived_at,num_prefill_tokens,num_decode_tokens\n";
  expect_bad_line("csv", "csv_missing_column", "arrived_at,num_prefill_tokens\n0,1\n", 1, "num_decode_tokens");
  expect_bad_line("csv", "csv_not_number", h + "0,10,5\n1,ten,5\n", 3, "num_prefill_tokens");
  expect_bad_line("csv", "csv_negative_time", h + "-1,10,5\n", 2, "arrived_at");
  expect_bad_line("csv", "csv_zero_decode", h + "0,10,0\n", 2, "num_decode_tokens");
  expect_bad_line("csv", "csv_fraction", h + "0,10.5,3\n", 2, "num_prefill_tokens");
  expect_bad_line("csv", "csv_decreasing", h + "2,10,5\n1,10,5\n", 3, "arrived_at");
  expect_bad_line("csv", "csv_field_count", h + "0,10,5\n1,10\n", 3, "");
  expect_bad_line("csv", "csv_empty_field", h + "0,,5\n", 2, "num_prefill_tokens");
}

BOOST_AUTO_TEST_CASE(missing_trace_file_is_an_input_error) {
  BOOST_CHECK_THROW(load_mooncake_trace("/nonexistent/trace.jsonl"), InputError);
  BOOST_CHECK_THROW(trace_spec("csv", "/nonexistent/trace.csv"), InputError);
}

BOOST_AUTO_TEST_CASE(an_unchecked_spec_reads_its_trace_when_made) {
  // Read without checks, the spec holds only the path: make_workload reads the file, so a trace
  // that went missing in between is an InputError naming it.
  const auto path = write_temp("csv_later", "arrived_at,num_prefill_tokens,num_decode_tokens\n0,100,10\n1,50,5\n");
  const auto spec = moelab::test::unchecked_workload_spec(trace_body("csv", path));
  BOOST_TEST(drain(*make_workload(spec, 0), 10).size() == 2u);
  std::filesystem::remove(path);
  try {
    make_workload(spec, 0);
    BOOST_ERROR("no error for a missing trace");
  } catch (const InputError& e) {
    BOOST_TEST(e.where().file == path.string());
  }
}

BOOST_AUTO_TEST_SUITE_END()
