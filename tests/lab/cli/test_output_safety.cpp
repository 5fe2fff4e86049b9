// `-o` never destroys what it points at: a FIFO, a device, a symbolic link, a directory or any
// input of the run (the config, a trace, a data file) is refused with exit 2 before anything
// runs, and is left exactly as it was.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>

#include "tests/lab/cli/cli_fixture.hpp"

using moelab::test::CliResult;
using moelab::test::Scratch;
using moelab::test::shell_quote;
namespace fs = std::filesystem;

namespace {

// A run of 3 million requests: seconds of work, so a test that sees it return at once knows the
// check came before the simulation.
const char* kLongConfig = R"([experiment]
name = "long"
[model]
id = "llama-3.1-8b"
[hardware]
id = "h100-sxm"
[engine]
id = "baseline"
[workload]
kind = "synthetic"
num_requests = 3000000
prompt_tokens = 100
output_tokens = 20
[workload.arrivals]
kind = "poisson"
rate_per_s = 50.0
)";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// `moelab run long.toml -o TARGET`: exit 2 naming the target and `what`, in well under the time
// the run would take, nothing printed on stdout, no other file created.
CliResult expect_output_refused(Scratch& s, const std::string& target, const std::string& what,
                                const std::vector<std::string>& keep) {
  const auto start = std::chrono::steady_clock::now();
  const CliResult r = s.moelab({"run", "long.toml", "-o", target});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_CONTEXT("-o " << target << "; stderr: " << r.err) {
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.rfind("moelab: error: " + target + ": ", 0) == 0u);
    BOOST_TEST(contains(r.err, what));
    BOOST_TEST(r.out.empty());
    BOOST_TEST(seconds < 5.0);
    auto others = s.files_other_than(keep);
    BOOST_TEST(others.empty(), "left behind: " << (others.empty() ? "" : others.front()));
  }
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(output_safety)

BOOST_AUTO_TEST_CASE(fifo_is_refused_and_kept) {
  Scratch s("out_fifo");
  s.write("long.toml", kLongConfig);
  BOOST_REQUIRE(::mkfifo((s.dir() / "pipe.h5").c_str(), 0600) == 0);
  expect_output_refused(s, "pipe.h5", "a FIFO", {"long.toml"});
  BOOST_TEST(fs::is_fifo(s.dir() / "pipe.h5"));
}

BOOST_AUTO_TEST_CASE(device_node_is_refused_and_kept) {
  Scratch s("out_device");
  s.write("long.toml", kLongConfig);
  // A device node of our own (the null device's numbers), never /dev itself.
  if (::mknod((s.dir() / "null.h5").c_str(), S_IFCHR | 0600, makedev(1, 3)) != 0) {
    BOOST_TEST_MESSAGE("mknod needs root: device case not exercised here");
    return;
  }
  expect_output_refused(s, "null.h5", "a character device", {"long.toml"});
  struct stat st {};
  BOOST_TEST(::lstat((s.dir() / "null.h5").c_str(), &st) == 0);
  BOOST_TEST(S_ISCHR(st.st_mode));
}

BOOST_AUTO_TEST_CASE(symlink_is_refused_and_neither_link_nor_target_changes) {
  Scratch s("out_symlink");
  s.write("long.toml", kLongConfig);
  s.write("precious.txt", "keep me");
  fs::create_symlink("precious.txt", s.dir() / "link.h5");
  expect_output_refused(s, "link.h5", "symbolic link (to precious.txt)", {"long.toml", "precious.txt"});
  BOOST_TEST(fs::is_symlink(s.dir() / "link.h5"));
  BOOST_TEST(moelab::test::read_text(s.dir() / "precious.txt") == "keep me");
}

BOOST_AUTO_TEST_CASE(directory_is_found_before_simulating) {
  Scratch s("out_dir");
  s.write("long.toml", kLongConfig);
  fs::create_directory(s.dir() / "results.h5");
  expect_output_refused(s, "results.h5", "a directory", {"long.toml"});
  BOOST_TEST(fs::is_directory(s.dir() / "results.h5"));
}

BOOST_AUTO_TEST_CASE(the_config_itself_is_refused) {
  Scratch s("out_config");
  s.write("long.toml", kLongConfig);
  expect_output_refused(s, "long.toml", "an input of this run", {"long.toml"});
  BOOST_TEST(moelab::test::read_text(s.dir() / "long.toml") == kLongConfig);
  // Another spelling of the same file, and a hard link to it, are the same file.
  expect_output_refused(s, "./long.toml", "an input of this run", {"long.toml"});
  fs::create_hard_link(s.dir() / "long.toml", s.dir() / "alias.h5");
  expect_output_refused(s, "alias.h5", "an input of this run", {"long.toml", "alias.h5"});
  BOOST_TEST(moelab::test::read_text(s.dir() / "long.toml") == kLongConfig);
}

BOOST_AUTO_TEST_CASE(a_trace_is_refused) {
  Scratch s("out_trace");
  const std::string trace = "arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,10,5\n0.5,20,5\n";
  s.write("trace.csv", trace);
  s.write("replay.toml", R"([model]
id = "llama-3.1-8b"
[hardware]
id = "h100-sxm"
[engine]
id = "baseline"
[workload]
kind = "csv"
trace = "trace.csv"
)");
  const CliResult r = s.moelab({"run", "replay.toml", "-o", "trace.csv"});
  BOOST_TEST(r.status == 2, r.err);
  BOOST_TEST(contains(r.err, "an input of this run"), r.err);
  BOOST_TEST(moelab::test::read_text(s.dir() / "trace.csv") == trace);
  BOOST_TEST(s.files_other_than({"trace.csv", "replay.toml"}).empty());
}

BOOST_AUTO_TEST_CASE(a_data_file_is_refused) {
  Scratch s("out_data");
  s.write("long.toml", kLongConfig);
  // A private copy of data/, so that nothing in the repository is ever at risk.
  fs::copy(moelab::test::data_dir(), s.dir() / "data", fs::copy_options::recursive);
  const std::string model = moelab::test::read_text(s.dir() / "data/models/llama-3.1-8b.toml");
  const CliResult r = s.shell("cd " + shell_quote(s.dir().string()) + " && MOELAB_DATA_DIR=data " +
                              shell_quote(MOELAB_EXE) + " run long.toml -o data/models/llama-3.1-8b.toml");
  BOOST_TEST(r.status == 2, r.err);
  BOOST_TEST(contains(r.err, "data/models/llama-3.1-8b.toml: the output path is"), r.err);
  BOOST_TEST(contains(r.err, "an input of this run"), r.err);
  BOOST_TEST(moelab::test::read_text(s.dir() / "data/models/llama-3.1-8b.toml") == model);
}

BOOST_AUTO_TEST_CASE(ab_refuses_a_bad_output_before_running) {
  Scratch s("out_ab");
  BOOST_REQUIRE(::mkfifo((s.dir() / "pipe.h5").c_str(), 0600) == 0);
  const CliResult r = s.moelab({"ab", "router.topk", "--variants", "ref.naive", "--dim", "tokens=16", "-o", "pipe.h5"});
  BOOST_TEST(r.status == 2, r.err);
  BOOST_TEST(contains(r.err, "pipe.h5: the output path is a FIFO"), r.err);
  BOOST_TEST(!contains(r.out, "router.topk"), r.out);  // no case ran
  BOOST_TEST(fs::is_fifo(s.dir() / "pipe.h5"));
}

BOOST_AUTO_TEST_SUITE_END()
