// An interrupted run (SIGINT, SIGTERM, SIGHUP) leaves neither a result file nor its temporary behind.
#include <boost/test/unit_test.hpp>

#include "tests/lab/cli/cli_fixture.hpp"

using moelab::test::Scratch;
using moelab::test::shell_quote;

// SIGTERM, as a scheduler or `timeout` sends it (SIGINT, also in a background job: test_faults.cpp).
BOOST_AUTO_TEST_CASE(sigterm_during_a_run_removes_the_temporary) {
  Scratch s("interrupt");
  const std::string config = (moelab::test::source_dir() / "experiments/quickstart.toml").string();
  // Far more requests than can finish in the half second before the signal.
  const std::string run = shell_quote(MOELAB_EXE) + " run " + shell_quote(config) +
                          " -o partial.h5 --set workload.num_requests=3000000 --set 'sweep={}'";
  const auto r = s.shell("cd " + shell_quote(s.dir().string()) + " && (" + run +
                         " & pid=$!; sleep 0.5; ls; kill -TERM $pid; wait $pid; echo status=$?)");
  BOOST_TEST(r.out.find("partial.h5.tmp-") != std::string::npos, "the temporary existed while running: " << r.out);
  BOOST_TEST(r.out.find("status=143") != std::string::npos, r.out);  // killed by SIGTERM (128 + 15)
  BOOST_TEST(s.files_other_than({}).empty());
}

BOOST_AUTO_TEST_CASE(unwritable_output_is_bad_input) {
  Scratch s("unwritable");
  s.write("blocker", "a file where a directory would have to be");
  const auto r =
      s.moelab({"run", (moelab::test::source_dir() / "experiments/quickstart.toml").string(), "-o", "blocker/out.h5"});
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err.find("blocker/out.h5") != std::string::npos, r.err);
  BOOST_TEST(s.files_other_than({"blocker"}).empty());
}
