// --version, --help, list, validate: the parts of the CLI that do not run simulations.
#include <boost/test/unit_test.hpp>

#include "tests/lab/cli/cli_fixture.hpp"

using moelab::test::CliResult;
using moelab::test::Scratch;

namespace {
bool contains(const std::string& h, const std::string& n) { return h.find(n) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_SUITE(commands)

BOOST_AUTO_TEST_CASE(version_names_commit_and_backends) {
  Scratch s("version");
  const CliResult r = s.moelab({"--version"});
  BOOST_TEST(r.status == 0);
  BOOST_TEST(r.out.rfind("moelab 0.", 0) == 0u);
  BOOST_TEST(contains(r.out, "git "));
  BOOST_TEST(contains(r.out, "CUDA kernels: "));
  BOOST_TEST(contains(r.out, "Kokkos kernels: "));
}

BOOST_AUTO_TEST_CASE(help_on_every_subcommand) {
  Scratch s("help");
  for (const std::string sub : {"", "run", "validate", "list"}) {
    const CliResult r = sub.empty() ? s.moelab({"--help"}) : s.moelab({sub, "--help"});
    BOOST_TEST(r.status == 0);
    BOOST_TEST(contains(r.out, "Usage: moelab"));
  }
  BOOST_TEST(contains(s.moelab({"run", "--help"}).out, "--set"));
}

BOOST_AUTO_TEST_CASE(list_topics) {
  Scratch s("list");
  const auto models = s.moelab({"list", "models"});
  BOOST_TEST(models.status == 0, models.err);
  BOOST_TEST(contains(models.out, "llama-3.1-8b"));
  BOOST_TEST(contains(s.moelab({"list", "hardware"}).out, "h100-sxm"));
  BOOST_TEST(contains(s.moelab({"list", "engines"}).out, "baseline"));
  const auto policies = s.moelab({"list", "policies"});
  BOOST_TEST(contains(policies.out, "fcfs"));
  BOOST_TEST(contains(policies.out, "round_robin"));
  const auto workloads = s.moelab({"list", "workloads"}).out;
  BOOST_TEST(contains(workloads, "synthetic"));
  BOOST_TEST(contains(workloads, "lognormal"));  // length distributions
  BOOST_TEST(contains(workloads, "burst"));      // arrival processes
  BOOST_TEST(contains(workloads, "constant"));
  const auto costs = s.moelab({"list", "costs"}).out;
  BOOST_TEST(contains(costs, "own "));  // cost models
  BOOST_TEST(contains(costs, "h200           rent tiers"));
  BOOST_TEST(contains(costs, "hgx-h200-8gpu"));           // owned server types
  BOOST_TEST(contains(policies.out, "longest_prefix "));  // names padded to the longest one
  BOOST_TEST(contains(policies.out, " scheduler (engine.scheduler): most cached prompt tokens first"));
  BOOST_TEST(contains(policies.out, "two_micro_batch  overlap policy (engine.overlap): "));
  const auto metrics = s.moelab({"list", "metrics"});
  BOOST_TEST(metrics.status == 0, metrics.err);
  BOOST_TEST(contains(metrics.out, "usd_per_m_output_tok"));
  BOOST_TEST(contains(metrics.out, "tpot_s "));
  const auto markdown = s.moelab({"list", "metrics", "--markdown"});
  BOOST_TEST(markdown.status == 0, markdown.err);
  BOOST_TEST(contains(markdown.out, "| `ttft_p99_s` | float64 | s | "));
  BOOST_TEST(contains(s.moelab({"list", "engines", "--markdown"}).out, "| `baseline` |"));
}

BOOST_AUTO_TEST_CASE(validate_lists_every_sweep_point_and_writes_nothing) {
  Scratch s("validate");
  const CliResult r = s.moelab({"validate", (moelab::test::source_dir() / "experiments/quickstart.toml").string()});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(contains(r.out, "ok: "));
  BOOST_TEST(contains(r.out, "0000  workload.arrivals.rate_per_s="));
  BOOST_TEST(s.files_other_than({}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
