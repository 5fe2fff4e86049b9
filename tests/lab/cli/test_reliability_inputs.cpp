// Inputs that used to slip through: bad trace values without a location, kernel shapes that ate
// the machine, chat turns that vanished from the results, sweeps that seemed to hang.
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>

#include "tests/lab/cli/cli_fixture.hpp"
#include "tests/lab/h5_read.hpp"

using moelab::test::CliResult;
using moelab::test::Scratch;
using moelab::test::shell_quote;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const char* kHead = R"([model]
id = "llama-3.1-8b"
[hardware]
id = "h100-sxm"
[engine]
id = "baseline"
)";

// Exit status and peak resident memory (KiB) of a shell command.
std::pair<int, long> run_measured(const std::string& command) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", (command + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reliability_inputs)

BOOST_AUTO_TEST_CASE(trace_values_report_file_line_and_column) {
  Scratch s("trace_values");
  s.write("t.toml", std::string(kHead) + "[workload]\nkind = \"mooncake\"\ntrace = \"t.jsonl\"\n");
  const std::string good = R"({"timestamp": 0, "input_length": 600, "output_length": 5, "hash_ids": [1, 2]})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      // A number beyond a double was an "internal error" without file or line.
      {R"({"timestamp": 1e400, "input_length": 10, "output_length": 5, "hash_ids": []})",
       "t.jsonl:2:15: bad JSON value"},
      {R"({"timestamp": 5, "input_length": -7, "output_length": 5, "hash_ids": []})", "t.jsonl:2:34: input_length"},
      {R"({"timestamp": 5, "output_length": 5, "input_length": 600, "hash_ids": [3, -1]})", "t.jsonl:2:75: hash_ids"},
      {R"({"timestamp": 5,  "input_length": 10, "output_length": 5.5, "hash_ids": []})", "t.jsonl:2:56: output_length"},
      {R"({"timestamp": 1e13, "input_length": 10, "output_length": 5, "hash_ids": []})", "t.jsonl:2:15: timestamp"},
  };
  for (const auto& [line, expected] : cases) {
    s.write("t.jsonl", good + "\n" + line + "\n");
    for (const char* cmd : {"validate", "run"}) {
      const CliResult r = s.moelab({cmd, "t.toml"});
      BOOST_TEST_CONTEXT(cmd << " " << line) {
        BOOST_TEST(r.status == 2);
        BOOST_TEST(r.err.rfind("moelab: error: " + expected, 0) == 0u, r.err);
        BOOST_TEST(s.files_other_than({"t.toml", "t.jsonl"}).empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(csv_trace_with_a_byte_order_mark_is_read) {
  Scratch s("csv_bom");
  s.write("t.csv",
          "\xEF\xBB\xBF"
          "arrived_at,num_prefill_tokens,num_decode_tokens\r\n0.0,100,10\r\n0.5,200,20\r\n");
  s.write("t.toml", std::string(kHead) + "[workload]\nkind = \"csv\"\ntrace = \"t.csv\"\n");
  const CliResult v = s.moelab({"validate", "t.toml"});
  BOOST_TEST(v.status == 0, v.err);
  const CliResult r = s.moelab({"run", "t.toml", "-o", "out.h5"});
  BOOST_TEST(r.status == 0, r.err);
  moelab::test::H5File f(s.dir() / "out.h5");
  BOOST_TEST(f.field<std::int32_t>("/runs/0000/requests", "prompt_tokens", H5T_NATIVE_INT32) ==
             (std::vector<std::int32_t>{100, 200}));
  s.write("t.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,1e400,10\n");
  const CliResult bad = s.moelab({"validate", "t.toml"});
  BOOST_TEST(bad.status == 2);
  BOOST_TEST(contains(bad.err, "t.csv:2:5: num_prefill_tokens"), bad.err);
}

// Every planned chat turn appears in the results: one whose prompt + answer can never fit the
// KV cache is rejected, unfinished with its requested lengths, and the session's later turns
// (longer still) follow it instead of vanishing.
BOOST_AUTO_TEST_CASE(rejected_chat_turns_and_their_sessions_stay_in_the_results) {
  Scratch s("chat_rejections");
  // 16.4 GB of HBM leave ~2,600 tokens of KV next to Llama-3.1-8B's 16.06 GB of weights: turns
  // of 800 new tokens fit three times (800, 1600, 2400), the fourth (3200) never.
  s.write("chat.toml", R"([model]
id = "llama-3.1-8b"
[hardware]
id = "h100-sxm"
hbm_gb = 16.4
[engine]
id = "baseline"
gpu_memory_utilization = 1.0
[workload]
kind = "chat"
prompt_tokens = 400
output_tokens = 400
[workload.arrivals]
kind = "poisson"
rate_per_s = 20.0
[workload.chat]
turns = 10
think_time_mean_s = 1.0
sessions = 300
)");
  const CliResult r = s.moelab({"run", "chat.toml", "-o", "out.h5"});
  BOOST_TEST(r.status == 0, r.err);
  moelab::test::H5File f(s.dir() / "out.h5");
  const std::string req = "/runs/0000/requests";
  const auto session = f.field<std::int64_t>(req, "session_id", H5T_NATIVE_INT64);
  const auto turn = f.field<std::int32_t>(req, "turn", H5T_NATIVE_INT32);
  const auto finish = f.field<double>(req, "finish_s", H5T_NATIVE_DOUBLE);
  const auto prompt = f.field<std::int32_t>(req, "prompt_tokens", H5T_NATIVE_INT32);
  const auto output = f.field<std::int32_t>(req, "output_tokens", H5T_NATIVE_INT32);
  BOOST_TEST(session.size() == 3000u);  // 300 sessions x 10 planned turns
  std::map<std::int64_t, std::vector<std::int32_t>> turns;
  std::size_t unfinished = 0;
  for (std::size_t i = 0; i < session.size(); ++i) {
    turns[session[i]].push_back(turn[i]);
    BOOST_TEST(output[i] == 400);                  // requested, finished or not
    BOOST_TEST(prompt[i] == 400 + 800 * turn[i]);  // the whole history
    if (finish[i] < 0) {
      ++unfinished;
      BOOST_TEST(turn[i] >= 3);
    } else {
      BOOST_TEST(turn[i] < 3);
    }
  }
  BOOST_TEST(unfinished == 2100u);
  BOOST_TEST(turns.size() == 300u);
  for (auto& [sid, ts] : turns) {
    std::sort(ts.begin(), ts.end());
    BOOST_TEST(ts.size() == 10u, "session " << sid);
    for (std::size_t t = 0; t < ts.size(); ++t) BOOST_TEST(ts[t] == static_cast<std::int32_t>(t));
  }
  BOOST_TEST(f.string_attr("/runs/0000", "invariants") == "ok");
}

BOOST_AUTO_TEST_CASE(chat_sessions_are_generated_lazily) {
  Scratch s("chat_lazy");
  s.write("chat.toml", std::string(kHead) + R"([workload]
kind = "chat"
prompt_tokens = 50
output_tokens = 50
[workload.arrivals]
kind = "poisson"
rate_per_s = 5.0
[workload.chat]
turns = { kind = "geometric", mean = 4 }
think_time_mean_s = 1.0
sessions = 4611686018427387904
[stop]
max_requests = 100
)");
  const auto start = std::chrono::steady_clock::now();
  const CliResult r = s.moelab({"run", "chat.toml", "-o", "out.h5"});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 20.0);
  moelab::test::H5File f(s.dir() / "out.h5");
  BOOST_TEST(f.field<std::int64_t>("/runs/0000/requests", "id", H5T_NATIVE_INT64).size() == 100u);
  // Without a stop condition the same count would need far more memory than any machine has.
  std::string unbounded = moelab::test::read_text(s.dir() / "chat.toml");
  unbounded.resize(unbounded.find("[stop]"));
  s.write("chat.toml", unbounded);
  const CliResult v = s.moelab({"validate", "chat.toml"});
  BOOST_TEST(v.status == 2);
  BOOST_TEST(contains(v.err, "chat.toml:17:12: workload.chat.sessions: 1.845e+19 requests would need"), v.err);
}

BOOST_AUTO_TEST_CASE(kernel_shapes_beyond_memory_fail_fast_and_validation_allocates_nothing) {
  Scratch s("kernel_memory");
  const auto start = std::chrono::steady_clock::now();
  const CliResult r = s.moelab({"ab", "router.topk", "--variants", "ref.naive", "--dim", "experts=1000000000"});
  BOOST_TEST(r.status == 2, r.err);
  BOOST_TEST(contains(r.err, "--dim: experts: router.topk"), r.err);
  BOOST_TEST(contains(r.err, "of host memory"), r.err);
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 10.0);

  // Dims that size a vector (batch, groups) or an int32 offset are bounded before it exists.
  const CliResult batch = s.moelab({"ab", "attention.prefill", "--variants", "ref.naive", "--dim", "batch=2000000000"});
  BOOST_TEST(batch.status == 2, batch.err);
  BOOST_TEST(contains(batch.err, "moelab: error: --dim: batch: must be <= 1048576, got 2000000000"), batch.err);
  const CliResult tokens = s.moelab(
      {"ab", "attention.decode_paged", "--variants", "ref.naive", "--dim", "batch=65536", "--dim", "ctx=65536"});
  BOOST_TEST(tokens.status == 2, tokens.err);
  BOOST_TEST(contains(tokens.err, "ctx: the batch's tokens add up to 4294967296, more than 2^31 - 1"), tokens.err);
  const CliResult groups = s.moelab({"ab", "grouped_gemm", "--variants", "ref.naive", "--dim", "groups=2000000000"});
  BOOST_TEST(groups.status == 2, groups.err);
  BOOST_TEST(contains(groups.err, "groups: must be <= 1048576, got 2000000000"), groups.err);

  // Validating the kernel experiments sizes every case without allocating it: the DeepSeek-V3
  // and Llama shapes in them hold hundreds of MB to GBs.
  for (const auto& e : fs::directory_iterator(moelab::test::source_dir() / "experiments/kernels")) {
    const auto [status, rss_kib] =
        run_measured(shell_quote(MOELAB_EXE) + " validate " + shell_quote(e.path().string()));
    BOOST_TEST_CONTEXT(e.path().filename()) {
      BOOST_TEST(status == 0);
      BOOST_TEST(rss_kib < 300 * 1024);
    }
  }
}

BOOST_AUTO_TEST_CASE(ab_case_dims_errors_point_at_the_value) {
  Scratch s("ab_dims");
  s.write("k.toml", R"([experiment]
kind = "kernel-ab"
[ab]
op = "router.topk"
variants = ["ref.naive"]
[[ab.cases]]
dims = { tokens = 16 }
[[ab.cases]]
dims = { tokens = 16, k = 0 }
)");
  const CliResult r = s.moelab({"validate", "k.toml"});
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err.rfind("moelab: error: k.toml:9:27: ab.cases[1].dims.k: must be in [1, experts=256], got 0", 0) == 0u,
             r.err);
}

BOOST_AUTO_TEST_CASE(large_sweeps_say_they_take_time_and_huge_ones_are_refused) {
  Scratch s("big_sweep");
  const std::string body = std::string(kHead) + R"([workload]
kind = "synthetic"
num_requests = 10
prompt_tokens = 10
output_tokens = 10
[workload.arrivals]
kind = "poisson"
rate_per_s = 1.0
[sweep]
"workload.prompt_tokens" = [)";
  std::string values;
  for (int i = 1; i <= 1000; ++i) values += (i > 1 ? ", " : "") + std::to_string(i);
  s.write("sweep.toml", body + values + "]\n");
  const CliResult r = s.moelab({"validate", "sweep.toml"});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(contains(r.err, "moelab: note: sweep.toml: checking all 1000 sweep points before the first run"), r.err);
  s.write("sweep.toml", body + values + "]\n\"workload.output_tokens\" = [" + values + ", 1001]\n");
  const CliResult huge = s.moelab({"validate", "sweep.toml"});
  BOOST_TEST(huge.status == 2);
  BOOST_TEST(
      contains(huge.err,
               "sweep: 1.001e+06 points (the product of the value counts, zipped axes counted once); at most 1000000"),
      huge.err);
}

BOOST_AUTO_TEST_SUITE_END()
