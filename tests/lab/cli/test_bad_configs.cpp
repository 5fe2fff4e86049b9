// Every class of bad input: exit status 2, one line on stderr naming file:line and the key, and
// nothing written (no result file, no temporary) because all checks come before any run.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tests/lab/cli/cli_fixture.hpp"

using moelab::test::CliResult;
using moelab::test::Scratch;

namespace {

const std::vector<std::string> kBase = {
    "[experiment]",           // 1
    "name = \"tiny\"",        // 2
    "seed = 1",               // 3
    "",                       // 4
    "[model]",                // 5
    "id = \"llama-3.1-8b\"",  // 6
    "",                       // 7
    "[hardware]",             // 8
    "id = \"h100-sxm\"",      // 9
    "",                       // 10
    "[engine]",               // 11
    "id = \"baseline\"",      // 12
    "",                       // 13
    "[cluster]",              // 14
    "replicas = 1",           // 15
    "",                       // 16
    "[workload]",             // 17
    "kind = \"synthetic\"",   // 18
    "num_requests = 50",      // 19
    "prompt_tokens = 100",    // 20
    "output_tokens = 20",     // 21
    "",                       // 22
    "[workload.arrivals]",    // 23
    "kind = \"poisson\"",     // 24
    "rate_per_s = 10.0",      // 25
};

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// The base config with line `line` (1-based) replaced, or lines appended when line is 0.
std::string config_with(int line, const std::string& replacement) {
  auto lines = kBase;
  if (line == 0) {
    lines.push_back(replacement);
  } else {
    lines.at(static_cast<std::size_t>(line - 1)) = replacement;
  }
  return join(lines);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Runs `run` (with -o and with the default output path) and `validate` on `config_text`; each
// must fail with exit 2, name every expected fragment on one stderr line, and leave no file.
void expect_rejected(const std::string& config_text, const std::vector<std::string>& expected,
                     const std::vector<std::string>& extra_args = {}) {
  const std::vector<std::vector<std::string>> invocations = {
      {"run", "bad.toml", "-o", "result.h5"}, {"run", "bad.toml"}, {"validate", "bad.toml"}};
  for (auto args : invocations) {
    Scratch scratch("bad");
    scratch.write("bad.toml", config_text);
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    const CliResult r = scratch.moelab(args);
    BOOST_TEST_CONTEXT("moelab " << args[0] << " ...; stderr: " << r.err) {
      BOOST_TEST(r.status == 2);
      BOOST_TEST(r.err.rfind("moelab: error: ", 0) == 0u);
      BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      for (const auto& e : expected) BOOST_TEST(contains(r.err, e), "missing '" << e << "'");
      BOOST_TEST(r.out.empty());
      BOOST_TEST(scratch.files_other_than({"bad.toml"}).empty());
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_configs)

BOOST_AUTO_TEST_CASE(the_base_config_is_valid) {
  Scratch scratch("base");
  scratch.write("ok.toml", join(kBase));
  const CliResult r = scratch.moelab({"validate", "ok.toml"});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(contains(r.out, "1 run"));
}

BOOST_AUTO_TEST_CASE(toml_syntax_error) {
  expect_rejected(config_with(15, "replicas = = 1"), {"bad.toml:15:", "TOML syntax"});
}

BOOST_AUTO_TEST_CASE(unknown_top_level_key) {
  expect_rejected(config_with(4, "[bogus]"), {"bad.toml:4:", "bogus: unknown key"});
}

BOOST_AUTO_TEST_CASE(unknown_nested_keys) {
  expect_rejected(config_with(16, "max_replicas = 3"), {"bad.toml:16:", "cluster.max_replicas", "unknown key"});
  expect_rejected(config_with(0, "burstiness = 2"), {"bad.toml:26:", "workload.arrivals.burstiness"});
  expect_rejected(config_with(13, "max_seqs = 5"), {"bad.toml:13:", "engine.max_seqs"});
  expect_rejected(config_with(4, "seeds = 2"), {"bad.toml:4:", "experiment.seeds"});
}

BOOST_AUTO_TEST_CASE(wrong_type) {
  expect_rejected(config_with(15, "replicas = \"one\""), {"bad.toml:15:", "cluster.replicas", "integer"});
  expect_rejected(config_with(15, "replicas = 1.5"), {"bad.toml:15:", "cluster.replicas", "integer"});
  expect_rejected(config_with(6, "id = 8"), {"bad.toml:6:", "model.id", "string"});
  expect_rejected(config_with(3, "seed = true"), {"bad.toml:3:", "experiment.seed"});
}

BOOST_AUTO_TEST_CASE(negative_sizes) {
  expect_rejected(config_with(15, "replicas = -2"), {"bad.toml:15:", "cluster.replicas", "> 0"});
  expect_rejected(config_with(19, "num_requests = -5"), {"bad.toml:19:", "workload.num_requests"});
  expect_rejected(config_with(13, "max_num_seqs = -1"), {"bad.toml:13:", "engine.max_num_seqs"});
  expect_rejected(config_with(25, "rate_per_s = -1.0"), {"bad.toml:25:", "workload.arrivals.rate_per_s"});
}

BOOST_AUTO_TEST_CASE(unknown_ids) {
  expect_rejected(config_with(6, "id = \"llama-9b\""), {"bad.toml:6:", "model.id", "llama-9b"});
  expect_rejected(config_with(9, "id = \"tpu-v9\""), {"bad.toml:9:", "hardware.id", "tpu-v9"});
  expect_rejected(config_with(12, "id = \"warp-engine\""), {"bad.toml:12:", "engine.id", "warp-engine"});
  expect_rejected(config_with(16, "router = \"magic\""), {"bad.toml:16:", "cluster.router", "magic"});
  expect_rejected(config_with(2, "kind = \"quantum\""), {"bad.toml:2:", "experiment.kind"});
}

BOOST_AUTO_TEST_CASE(bad_set_overrides) {
  const std::string ok = join(kBase);
  expect_rejected(ok, {"--set", "cluster.bogus", "unknown key"}, {"--set", "cluster.bogus=1"});
  expect_rejected(ok, {"--set", "cluster.replicas", "> 0"}, {"--set", "cluster.replicas=0"});
  expect_rejected(ok, {"--set", "cluster.replicas", "integer"}, {"--set", "cluster.replicas=two"});
  expect_rejected(ok, {"--set", "model.id", "nope"}, {"--set", "model.id=nope"});
  expect_rejected(ok, {"--set", "replicas", "key=value"}, {"--set", "replicas"});
  expect_rejected(ok, {"--set", "model.id", "not a table"}, {"--set", "model.id.x=1"});
}

BOOST_AUTO_TEST_CASE(bad_sweeps) {
  // An unknown key in a sweep is found at the sweep entry that names it.
  expect_rejected(config_with(0, "[sweep]\n\"cluster.bogus\" = [1, 2]"), {"bad.toml:27:", "cluster.bogus"});
  // A bad value in a later point stops everything before the first run.
  expect_rejected(config_with(0, "[sweep]\n\"cluster.replicas\" = [1, -1]"),
                  {"bad.toml:27:", "cluster.replicas", "> 0"});
  expect_rejected(config_with(0, "[sweep]\n\"cluster.replicas\" = 4"), {"bad.toml:27:", "sweep.cluster.replicas"});
  expect_rejected(config_with(0, "[sweep]\n\"experiment.name\" = [\"a\", \"b\"]"),
                  {"bad.toml:27:", "sweep.experiment.name", "cannot be swept"});
}

BOOST_AUTO_TEST_CASE(missing_trace_file) {
  auto lines = kBase;
  lines.resize(17);
  lines.push_back("kind = \"mooncake\"");        // 18
  lines.push_back("trace = \"missing.jsonl\"");  // 19
  expect_rejected(join(lines), {"bad.toml:19:", "workload.trace", "missing.jsonl"});
}

BOOST_AUTO_TEST_CASE(missing_config_file) {
  Scratch scratch("nofile");
  const CliResult r = scratch.moelab({"run", "absent.toml"});
  BOOST_TEST(r.status == 2);
  BOOST_TEST(contains(r.err, "absent.toml"));
  BOOST_TEST(scratch.files_other_than({}).empty());
}

BOOST_AUTO_TEST_CASE(workload_that_never_ends) {
  expect_rejected(config_with(19, ""), {"bad.toml:", "stop", "never ends"});
}

// `validate` checks everything `run` would, before anything runs, at the value that is wrong.
BOOST_AUTO_TEST_CASE(validate_rejects_what_run_rejects) {
  expect_rejected(config_with(13, "cache_policy = \"lru\""),
                  {"bad.toml:13:16:", "engine.cache_policy", "'lru'", "radix"});
  expect_rejected(config_with(13, "scheduler = \"sjf\""), {"bad.toml:13:", "engine.scheduler", "'sjf'"});
  expect_rejected(join(kBase), {"--set: engine.scheduler", "'sjf'"}, {"--set", "engine.scheduler=sjf"});
  expect_rejected(config_with(13, "max_num_seqs = 512\nmax_batched_tokens = 100"),
                  {"bad.toml:14:", "engine.max_batched_tokens", "must be >= engine.max_num_seqs (512)"});
  expect_rejected(
      config_with(16, "tensor_parallel = 3"),
      {"bad.toml:16:", "cluster.tensor_parallel", "32 attention heads of llama-3.1-8b do not split over 3 GPUs"});
  expect_rejected(join(kBase), {"cluster.tensor_parallel", "wider than the 8-GPU NVLink domain"},
                  {"--set", "cluster.tensor_parallel=16"});
}

// A bad sweep point stops everything before the first point runs, at the sweep value's line.
BOOST_AUTO_TEST_CASE(a_bad_sweep_point_fails_before_any_point_runs) {
  expect_rejected(config_with(0, "[sweep]\n\"engine.cache_policy\" = [\"block_hash\", \"nope\"]"),
                  {"bad.toml:27:", "engine.cache_policy", "'nope'"});
  expect_rejected(config_with(0, "[sweep]\n\"cluster.tensor_parallel\" = [1, 2, 5]"),
                  {"bad.toml:27:", "cluster.tensor_parallel", "do not split over 5 GPUs"});
}

// Every numeric key has a physically meaningful range; the arithmetic done with values inside the
// ranges cannot overflow.
BOOST_AUTO_TEST_CASE(numbers_out_of_their_range) {
  // An integer a double cannot hold exactly, given for a float key: an error, never 0.
  expect_rejected(config_with(25, "rate_per_s = 9007199254740993"), {"bad.toml:25:", "rate_per_s", "beyond +/-2^53"});
  expect_rejected(config_with(25, "rate_per_s = 1e-308"), {"bad.toml:25:", "rate_per_s", "must be >= 1e-06"});
  expect_rejected(config_with(25, "rate_per_s = 1e300"), {"bad.toml:25:", "rate_per_s", "must be <= 1000000000"});
  expect_rejected(config_with(6, "id = \"llama-3.1-8b\"\nd_model = 4611686018427387904"),
                  {"bad.toml:7:", "model.d_model", "must be <= 1048576"});
  expect_rejected(config_with(6, "id = \"llama-3.1-8b\"\nn_layers = 100000000"), {"bad.toml:7:", "model.n_layers"});
  expect_rejected(config_with(9, "id = \"h100-sxm\"\nhbm_gb = 1e18"),
                  {"bad.toml:10:", "hardware.hbm_gb", "<= 1000000"});
  expect_rejected(config_with(15, "replicas = 4294967296"), {"bad.toml:15:", "cluster.replicas", "<= 65536"});
  expect_rejected(config_with(12, "id = \"baseline\"\nkv_block_tokens = 9223372036854775807"),
                  {"bad.toml:13:", "engine.kv_block_tokens"});
  expect_rejected(config_with(19, "num_requests = 9223372036854775807"), {"bad.toml:19:", "workload.num_requests"});
  expect_rejected(config_with(0, "[stop]\nmax_duration_s = inf"), {"bad.toml:27:", "stop.max_duration_s", "finite"});
}

// Sizes that cannot be streamed fail at once with the key and the memory they would need.
BOOST_AUTO_TEST_CASE(sizes_beyond_memory_fail_fast) {
  expect_rejected(config_with(19, "num_requests = 9007199254740992"),
                  {"bad.toml:19:", "workload.num_requests", "for their result rows", "this machine allows"});
  auto unbounded = kBase;
  unbounded[18] = "";  // no num_requests: the stop condition sets the count
  unbounded.push_back("[stop]");
  unbounded.push_back("max_requests = 9007199254740992");
  expect_rejected(join(unbounded), {"bad.toml:27:", "stop.max_requests", "for their result rows"});
}

BOOST_AUTO_TEST_CASE(set_errors_blame_the_override) {
  const std::string ok = join(kBase);
  // A new table path: the unknown key is the override's, not the file's.
  expect_rejected(ok, {"moelab: error: --set: a: unknown key"}, {"--set", "a.b.c=1"});
  expect_rejected(ok, {"--set: workload.arrivals.b", "unknown key"}, {"--set", "workload.arrivals.b.c=1"});
  // A value followed by more TOML is one string, not a value plus a hidden second key.
  expect_rejected(ok, {"--set: cluster.replicas", "expected an integer"}, {"--set", "cluster.replicas=2\nrouter = 5"});
}

BOOST_AUTO_TEST_CASE(long_values_are_shortened_in_messages) {
  const std::string huge(100000, 'x');
  for (const auto& set : {"model.id=" + huge, huge + "=1", "engine.cache_policy=" + huge}) {
    Scratch scratch("long_value");
    scratch.write("ok.toml", join(kBase));
    const CliResult r = scratch.moelab({"validate", "ok.toml", "--set", set});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.size() < 2000u, r.err.size());
    BOOST_TEST(contains(r.err, "characters left out"), r.err.substr(0, 300));
  }
}

BOOST_AUTO_TEST_CASE(command_line_errors_exit_2) {
  Scratch scratch("cmdline");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"frobnicate"}, {"run"}, {"list"}, {"list", "galaxies"}, {"run", "x.toml", "--no-such-flag"}}) {
    const CliResult r = scratch.moelab(args);
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.rfind("moelab: error: ", 0) == 0u, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  }
}

BOOST_AUTO_TEST_SUITE_END()
