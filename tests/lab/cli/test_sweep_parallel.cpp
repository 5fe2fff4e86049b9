// One result file whatever the number of processes: 1 process, -j 2, and (with MPI) mpirun -np 2
// and -np 4 (oversubscribed) write the same datasets, byte for byte, for a 12-point quickstart
// sweep; the partial results beside the output are gone afterwards.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tests/lab/cli/sweep_support.hpp"

using namespace moelab::test;

namespace {
bool contains(const std::string& h, const std::string& n) { return h.find(n) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_SUITE(sweep_parallel)

BOOST_AUTO_TEST_CASE(any_number_of_processes_writes_the_same_datasets) {
  Scratch s("parallel");
  const CliResult one = s.moelab(quickstart12("one.h5"));
  BOOST_TEST_REQUIRE(one.status == 0, one.err);
  const CliResult two = s.moelab([&] {
    auto a = quickstart12("j2.h5");
    a.insert(a.end(), {"-j", "2"});
    return a;
  }());
  BOOST_TEST_REQUIRE(two.status == 0, two.err);
  BOOST_TEST(dataset_difference(s.dir() / "one.h5", s.dir() / "j2.h5") == "");
  // The printed table does not depend on who computed what either (only the "wrote" line differs).
  BOOST_TEST(one.out.substr(0, one.out.rfind("wrote")) == two.out.substr(0, two.out.rfind("wrote")));
#ifdef MOELAB_MPIEXEC
  for (int ranks : {2, 4}) {
    const std::string name = "np" + std::to_string(ranks) + ".h5";
    const CliResult r =
        s.shell("cd " + shell_quote(s.dir().string()) + " && " + mpirun_command(ranks, quickstart12(name)));
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(dataset_difference(s.dir() / "one.h5", s.dir() / name) == "", "mpirun -np " << ranks);
    BOOST_TEST(one.out.substr(0, one.out.rfind("wrote")) == r.out.substr(0, r.out.rfind("wrote")));
    // Every point is reported once, by rank 0 only.
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 13, r.err);
  }
#endif
  // Only the result files: no partial results, no temporaries.
  for (const auto& f : s.files_other_than({})) BOOST_TEST(f.find(".h5") + 3 == f.size(), f);
}

BOOST_AUTO_TEST_CASE(progress_is_a_line_per_point_off_a_terminal_and_nothing_with_quiet) {
  Scratch s("progress");
  const CliResult r = s.moelab(quickstart12("p.h5", 200));
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 13, r.err);  // 12 points + "wrote ..."
  BOOST_TEST(contains(r.err, "[12/12] run 00"), r.err);
  BOOST_TEST(contains(r.err, "12/12 points (100%), elapsed "), r.err);
  BOOST_TEST(contains(r.err, " points/s, ETA "), r.err);
  BOOST_TEST(!contains(r.err, "\r"));
  auto quiet = quickstart12("q.h5", 200);
  quiet.push_back("--quiet");
  const CliResult q = s.moelab(quiet);
  BOOST_TEST(q.status == 0);
  BOOST_TEST(q.err.empty(), q.err);
}

BOOST_AUTO_TEST_CASE(zipped_axes_and_set_replacing_an_axis) {
  Scratch s("zip");
  const auto cfg =
      s.write("zip.toml",
              "[experiment]\nname = \"zip\"\nseed = 3\n"
              "[model]\nid = \"llama-3.1-8b\"\n[hardware]\nid = \"h100-sxm\"\n[engine]\nid = \"baseline\"\n"
              "[workload]\nkind = \"synthetic\"\nnum_requests = 100\nprompt_tokens = 100\noutput_tokens = 20\n"
              "arrivals = { kind = \"poisson\", rate_per_s = 5 }\n"
              "[sweep]\n\"engine.id\" = [\"vllm\", \"sglang\"]\n"
              "[[sweep.zip]]\n\"cluster.replicas\" = [1, 2]\n\"workload.arrivals.rate_per_s\" = [5, 10]\n");
  const CliResult v = s.moelab({"validate", cfg.string()});
  BOOST_TEST_REQUIRE(v.status == 0, v.err);
  BOOST_TEST(contains(v.out, "4 runs"), v.out);  // 2 engines x 2 zipped pairs
  BOOST_TEST(contains(v.out, "0001  engine.id=vllm,cluster.replicas=2,workload.arrivals.rate_per_s=10"), v.out);
  // --set replaces the engine axis where the file sweeps it (first), instead of adding a second one.
  const CliResult r = s.moelab({"validate", cfg.string(), "--set", "sweep.engine.id=[baseline,vllm,sglang]"});
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  BOOST_TEST(contains(r.out, "6 runs"), r.out);
  BOOST_TEST(contains(r.out, "0000  engine.id=baseline,cluster.replicas=1,"), r.out);
}

BOOST_AUTO_TEST_CASE(version_says_whether_mpi_was_built) {
  Scratch s("version");
  const CliResult r = s.moelab({"--version"});
#ifdef MOELAB_HAVE_MPI
  BOOST_TEST(contains(r.out, "MPI sweeps: built"), r.out);
#else
  BOOST_TEST(contains(r.out, "MPI sweeps: not built"), r.out);
  // Started by mpirun, a build without MPI refuses rather than run the sweep once per process.
  const CliResult m = s.shell("cd " + shell_quote(s.dir().string()) + " && OMPI_COMM_WORLD_SIZE=2 " +
                              moelab_command(quickstart12("m.h5", 100)));
  BOOST_TEST(m.status == 2);
  BOOST_TEST(contains(m.err, "built without MPI"), m.err);
  BOOST_TEST(s.files_other_than({}).empty());
#endif
}

#ifdef MOELAB_MPIEXEC
BOOST_AUTO_TEST_CASE(bad_input_under_mpirun_is_reported_once_by_rank_0) {
  Scratch s("mpi_bad");
  const auto args = std::vector<std::string>{
      "run", (source_dir() / "tests/lab/cli/bad_configs/misspelt_key.toml").string(), "-o", "bad.h5"};
  const CliResult r = s.shell("cd " + shell_quote(s.dir().string()) + " && " + mpirun_command(2, args));
  BOOST_TEST(r.status == 2);
  const std::string message = "moelab: error: ";
  std::size_t count = 0;
  for (auto pos = r.err.find(message); pos != std::string::npos; pos = r.err.find(message, pos + 1)) ++count;
  BOOST_TEST(count == 1u, r.err);
  BOOST_TEST(contains(r.err, "did you mean 'max_num_seqs'?"), r.err);
  BOOST_TEST(s.files_other_than({}).empty());
}
#endif

BOOST_AUTO_TEST_CASE(jobs_must_be_positive) {
  Scratch s("jobs");
  auto args = quickstart12("j.h5", 100);
  args.insert(args.end(), {"-j", "0"});
  const CliResult r = s.moelab(args);
  BOOST_TEST(r.status == 2);
  BOOST_TEST(contains(r.err, ">= 1"), r.err);
}

BOOST_AUTO_TEST_SUITE_END()
