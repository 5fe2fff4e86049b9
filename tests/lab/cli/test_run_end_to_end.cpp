// `moelab run` end to end: the quickstart, the file analysis code reads, determinism, seeds.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tests/lab/cli/cli_fixture.hpp"
#include "tests/lab/h5_read.hpp"

using moelab::test::CliResult;
using moelab::test::H5File;
using moelab::test::Scratch;
using moelab::test::shell_quote;

namespace {

bool contains(const std::string& h, const std::string& n) { return h.find(n) != std::string::npos; }

std::string quickstart() { return (moelab::test::source_dir() / "experiments/quickstart.toml").string(); }

// Every dataset's path in the file, in visiting order.
std::vector<std::string> dataset_paths(const H5File& f) {
  std::vector<std::string> out;
  H5Ovisit(
      f.id(), H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &out);
  return out;
}

std::size_t runs_in(const std::string& validate_out) {
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = validate_out.find("\n  0", pos)) != std::string::npos; ++pos) ++n;
  return n;
}

const char* kSmall =
    "[experiment]\n"
    "name = \"small\"\n"
    "seed = 11\n"
    "[model]\nid = \"llama-3.1-8b\"\n"
    "[hardware]\nid = \"h100-sxm\"\n"
    "[engine]\nid = \"baseline\"\n"
    "[workload]\nkind = \"synthetic\"\nnum_requests = 300\n"
    "prompt_tokens = { kind = \"lognormal\", mean = 200, sigma = 1.0, min = 1, max = 4000 }\n"
    "output_tokens = { kind = \"lognormal\", mean = 150, sigma = 0.8, min = 1, max = 1000 }\n"
    "[workload.arrivals]\nkind = \"poisson\"\nrate_per_s = 20\n"
    "[sweep]\n\"cluster.replicas\" = [1, 2]\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(run_end_to_end)

BOOST_AUTO_TEST_CASE(quickstart_runs_and_pandas_reads_the_summary) {
  Scratch s("quickstart");
  const CliResult v = s.moelab({"validate", quickstart()});
  BOOST_REQUIRE(v.status == 0);
  const std::size_t runs = runs_in(v.out);
  BOOST_TEST(runs >= 4u);

  const CliResult r = s.moelab({"run", quickstart(), "-o", "tmp.h5"});
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  // stderr is not a terminal here: a plain progress line per run, and one for the file.
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == static_cast<long>(runs + 1), r.err);
  BOOST_TEST(contains(r.out, "TTFT p99 s"));
  BOOST_TEST(contains(r.out, "$/M out"));
  BOOST_TEST(std::count(r.out.begin(), r.out.end(), '\n') == static_cast<long>(runs + 2));  // header, rows, "wrote"
  BOOST_TEST(s.files_other_than({}) == (std::vector<std::string>{"tmp.h5"}));

  const std::string script = (moelab::test::source_dir() / "tests/lab/cli/check_summary.py").string();
  const CliResult py = s.shell(shell_quote(MOELAB_TEST_PYTHON) + " " + shell_quote(script) + " " +
                               shell_quote((s.dir() / "tmp.h5").string()) + " " + std::to_string(runs) +
                               " workload__arrivals__rate_per_s");
  BOOST_TEST(py.status == 0, py.err);
  BOOST_TEST(contains(py.out, "OK"));
}

BOOST_AUTO_TEST_CASE(default_output_is_out_slash_name) {
  Scratch s("default_out");
  s.write("small.toml", kSmall);
  const CliResult r = s.moelab({"run", "small.toml"});
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  BOOST_TEST(s.files_other_than({"small.toml"}) == (std::vector<std::string>{"out/small.h5"}));
  H5File f(s.dir() / "out/small.h5");
  BOOST_TEST(f.string_attr("/", "config_path") == "small.toml");
  BOOST_TEST(contains(f.string_attr("/", "command_line"), "run small.toml"));
  BOOST_TEST(contains(f.string_attr("/", "config_toml"), "cluster.replicas"));
  BOOST_TEST(f.string_attr("/runs/0001", "label") == "cluster.replicas=2");
  BOOST_TEST(contains(f.string_attr("/runs/0001", "config_toml"), "replicas = 2"));
}

BOOST_AUTO_TEST_CASE(same_seed_same_datasets_byte_for_byte) {
  Scratch s("determinism");
  s.write("small.toml", kSmall);
  for (const std::string out : {"a.h5", "b.h5"}) {
    BOOST_TEST_REQUIRE(s.moelab({"run", "small.toml", "-o", out}).status == 0);
  }
  BOOST_TEST_REQUIRE(s.moelab({"run", "small.toml", "-o", "c.h5", "--set", "experiment.seed=12"}).status == 0);
  H5File a(s.dir() / "a.h5"), b(s.dir() / "b.h5"), c(s.dir() / "c.h5");
  const auto paths = dataset_paths(a);
  BOOST_TEST(paths.size() == 6u);  // summary, effective + 2 runs x (requests, timeseries)
  BOOST_TEST(paths == dataset_paths(b));
  for (const auto& p : paths) {
    BOOST_TEST_CONTEXT(p) {
      const auto bytes = a.raw_bytes(p);
      BOOST_TEST(!bytes.empty());
      BOOST_TEST((bytes == b.raw_bytes(p)));
    }
  }
  // The test can fail: another seed gives other requests.
  BOOST_TEST((a.raw_bytes("runs/0000/requests") != c.raw_bytes("runs/0000/requests")));
}

BOOST_AUTO_TEST_CASE(seed_per_run_derives_distinct_deterministic_seeds) {
  Scratch s("seeds");
  s.write("small.toml", kSmall);
  BOOST_TEST_REQUIRE(s.moelab({"run", "small.toml", "-o", "same.h5"}).status == 0);
  BOOST_TEST_REQUIRE(s.moelab({"run", "small.toml", "-o", "per1.h5", "--set", "experiment.seed_per_run=true"}).status ==
                     0);
  BOOST_TEST_REQUIRE(s.moelab({"run", "small.toml", "-o", "per2.h5", "--set", "experiment.seed_per_run=true"}).status ==
                     0);
  H5File same(s.dir() / "same.h5"), per1(s.dir() / "per1.h5"), per2(s.dir() / "per2.h5");
  auto seed = [](const H5File& f, const char* run) {
    return f.numeric_attr<std::int64_t>(run, "seed", H5T_NATIVE_INT64);
  };
  BOOST_TEST(seed(same, "/runs/0000") == 11);
  BOOST_TEST(seed(same, "/runs/0001") == 11);
  BOOST_TEST(seed(per1, "/runs/0000") != seed(per1, "/runs/0001"));
  BOOST_TEST(seed(per1, "/runs/0001") == seed(per2, "/runs/0001"));
}

BOOST_AUTO_TEST_CASE(sweep_from_the_command_line) {
  Scratch s("set_sweep");
  s.write("small.toml", kSmall);
  const CliResult r = s.moelab({"validate", "small.toml", "--set", "sweep.engine.max_num_seqs=[32, 64, 128]"});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(runs_in(r.out) == 6u);
  BOOST_TEST(contains(r.out, "cluster.replicas=2,engine.max_num_seqs=128"));
}

// A disaggregated run's KV transfers reach the file, under the same process-count rule as every
// other dataset (one process and -j 2 write the same bytes).
BOOST_AUTO_TEST_CASE(disaggregated_runs_write_their_kv_transfers) {
  Scratch s("disagg");
  const std::string config = (moelab::test::source_dir() / "experiments/disagg/pd_starvation_llama8b.toml").string();
  const std::vector<std::string> small = {"--set", "workload.num_requests=100", "--quiet"};
  auto args = std::vector<std::string>{"run", config, "-o", "one.h5"};
  args.insert(args.end(), small.begin(), small.end());
  const CliResult one = s.moelab(args);
  BOOST_TEST_REQUIRE(one.status == 0, one.err);
  args = {"run", config, "-o", "two.h5", "-j", "2"};
  args.insert(args.end(), small.begin(), small.end());
  BOOST_TEST_REQUIRE(s.moelab(args).status == 0);
  H5File a(s.dir() / "one.h5"), b(s.dir() / "two.h5");
  const auto paths = dataset_paths(a);
  BOOST_TEST(std::count(paths.begin(), paths.end(), "runs/0000/kv_transfers") == 1);
  BOOST_TEST(paths == dataset_paths(b));
  for (const auto& p : paths) BOOST_TEST((a.raw_bytes(p) == b.raw_bytes(p)), p);
}

BOOST_AUTO_TEST_SUITE_END()
