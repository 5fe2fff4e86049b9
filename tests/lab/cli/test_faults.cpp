// Faults outside the input: a full disk, SIGKILL, SIGINT in the background, concurrent writers,
// a full standard output, an A/B run stopped half-way. Each ends with a clean exit status, the
// previous result file untouched, and no temporary left (or, after SIGKILL, one that the next
// run removes).
#include <boost/test/unit_test.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include "tests/lab/cli/cli_fixture.hpp"
#include "tests/lab/h5_read.hpp"

using moelab::test::CliResult;
using moelab::test::Scratch;
using moelab::test::shell_quote;
namespace fs = std::filesystem;

namespace {

std::string config(long requests) {
  return R"([experiment]
name = "small"
[model]
id = "llama-3.1-8b"
[hardware]
id = "h100-sxm"
[engine]
id = "baseline"
[workload]
kind = "synthetic"
num_requests = )" +
         std::to_string(requests) + R"(
prompt_tokens = { kind = "uniform", min = 50, max = 500 }
output_tokens = { kind = "uniform", min = 5, max = 200 }
[workload.arrivals]
kind = "poisson"
rate_per_s = 50.0
)";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) out.push_back(name);
  }
  return out;
}

std::string in_dir(const Scratch& s, const std::string& command) {
  return "cd " + shell_quote(s.dir().string()) + " && " + command;
}

const std::string kExe = shell_quote(MOELAB_EXE);

// The host tag moelab puts in temporary names.
std::string host_tag() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  std::string h = std::string(buf).substr(0, 64);
  for (char& c : h) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) c = '_';
  }
  return h.empty() ? "host" : h;
}

// Starts `run` in the background, waits until its temporary exists, sends `signal`, and prints
// "status=N" (the shell's view of how it ended) and the directory listing.
std::string interrupted(const std::string& run, const std::string& signal) {
  return "(" + run +
         " & pid=$!; for i in $(seq 200); do ls | grep -q 'out.h5.tmp-' && break; sleep 0.05; done; kill -" + signal +
         " $pid; wait $pid; echo status=$?; ls)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(faults)

// A file-size limit makes write(2) fail with EFBIG, as a full disk fails with ENOSPC; no root needed.
BOOST_AUTO_TEST_CASE(write_failure_keeps_the_previous_file_and_removes_the_temporary) {
  Scratch s("fsize");
  s.write("small.toml", config(50));
  s.write("big.toml", config(20000));
  BOOST_REQUIRE(s.moelab({"run", "small.toml", "-o", "out.h5"}).status == 0);
  const std::string before = moelab::test::read_text(s.dir() / "out.h5");
  const CliResult r = s.shell(in_dir(s, "trap '' XFSZ; ulimit -f 200; exec " + kExe + " run big.toml -o out.h5"));
  BOOST_TEST(r.status == 3, r.err);
  BOOST_TEST(contains(r.err, "moelab: error: cannot write the results: "), r.err);
  BOOST_TEST(contains(r.err, "File too large"), r.err);
  BOOST_TEST(contains(r.err, "out.h5 is unchanged"), r.err);
  BOOST_TEST(moelab::test::read_text(s.dir() / "out.h5") == before);
  BOOST_TEST(temporaries(s.dir()).empty());
}

// The real thing, where the machine allows a tmpfs mount (root with CAP_SYS_ADMIN).
BOOST_AUTO_TEST_CASE(full_disk_exits_3_cleanly) {
  Scratch s("fulldisk");
  s.write("small.toml", config(50));
  s.write("big.toml", config(20000));
  const fs::path mnt = s.dir() / "mnt";
  fs::create_directory(mnt);
  if (::geteuid() != 0 || ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=400k") != 0) {
    BOOST_TEST_MESSAGE("cannot mount a tmpfs here: the full-disk case runs only as root");
    return;
  }
  struct Unmount {
    fs::path p;
    ~Unmount() { ::umount(p.c_str()); }
  } unmount{mnt};
  BOOST_REQUIRE(s.moelab({"run", "small.toml", "-o", "mnt/out.h5"}).status == 0);
  const std::string before = moelab::test::read_text(mnt / "out.h5");
  const CliResult r = s.moelab({"run", "big.toml", "-o", "mnt/out.h5"});
  BOOST_TEST(r.status == 3, r.err);  // not 139: no crash in HDF5's teardown
  BOOST_TEST(contains(r.err, "No space left on device"), r.err);
  BOOST_TEST(moelab::test::read_text(mnt / "out.h5") == before);
  BOOST_TEST(temporaries(mnt).empty());
}

BOOST_AUTO_TEST_CASE(temporaries_left_by_sigkill_are_removed_by_the_next_run) {
  Scratch s("sigkill");
  s.write("long.toml", config(3000000));
  s.write("small.toml", config(50));
  const CliResult killed = s.shell(in_dir(s, interrupted(kExe + " run long.toml -o out.h5", "KILL")));
  BOOST_TEST(contains(killed.out, "status=137"), killed.out);
  const auto left = temporaries(s.dir());
  BOOST_REQUIRE(left.size() == 1u);  // SIGKILL cannot be caught: the temporary stays ...

  // ... next to ones that are not a dead moelab's: a live process's, another host's, another user's.
  const std::string tag = host_tag();
  s.write("out.h5.tmp-" + tag + "-" + std::to_string(::getpid()), "live");
  s.write("out.h5.tmp-some-other-host-1", "other host");
  const bool root = ::geteuid() == 0;
  const fs::path foreign =
      s.dir() / ("out.h5.tmp-" + tag + "-" + left.front().substr(left.front().rfind('-') + 1) + "0");
  if (root) {
    std::ofstream(foreign) << "another user's";
    BOOST_REQUIRE(::chown(foreign.c_str(), 65534, 65534) == 0);
  }
  const CliResult next = s.moelab({"run", "small.toml", "-o", "out.h5"});
  BOOST_TEST(next.status == 0, next.err);
  BOOST_TEST(contains(next.err, "moelab: note: removed out.h5.tmp-" + tag + "-"), next.err);
  BOOST_TEST(!fs::exists(s.dir() / left.front()));
  BOOST_TEST(fs::exists(s.dir() / ("out.h5.tmp-" + tag + "-" + std::to_string(::getpid()))));
  BOOST_TEST(fs::exists(s.dir() / "out.h5.tmp-some-other-host-1"));
  if (root) BOOST_TEST(fs::exists(foreign));
  moelab::test::H5File f(s.dir() / "out.h5");
  BOOST_TEST(f.exists("/summary"));
}

// A shell starts background jobs with SIGINT ignored; `kill -INT` must still stop the run cleanly.
BOOST_AUTO_TEST_CASE(background_run_stops_on_sigint) {
  Scratch s("bg_sigint");
  s.write("long.toml", config(3000000));
  const CliResult r = s.shell(in_dir(s, interrupted(kExe + " run long.toml -o out.h5", "INT")));
  BOOST_TEST(contains(r.out, "status=130"), r.out);  // 128 + SIGINT
  BOOST_TEST(s.files_other_than({"long.toml"}).empty());
}

BOOST_AUTO_TEST_CASE(concurrent_writers_leave_one_whole_file) {
  Scratch s("concurrent");
  s.write("a.toml", config(20000));
  const CliResult r =
      s.shell(in_dir(s, "(" + kExe + " run a.toml -o out.h5 >/dev/null & pa=$!; " + kExe +
                            " run a.toml -o out.h5 >/dev/null & pb=$!; wait $pa; echo a=$?; wait $pb; echo b=$?)"));
  // The first to start runs; the other runs too, or (while the first holds the partial results'
  // lock) is refused as bad input before it computes anything.
  const bool a_ok = contains(r.out, "a=0"), b_ok = contains(r.out, "b=0");
  BOOST_TEST((a_ok || b_ok), r.out + r.err);
  if (!(a_ok && b_ok)) {
    BOOST_TEST((contains(r.out, "a=2") || contains(r.out, "b=2")), r.out + r.err);
    BOOST_TEST(contains(r.err, "another moelab process is writing these results now"), r.err);
  }
  BOOST_TEST(temporaries(s.dir()).empty());
  moelab::test::H5File f(s.dir() / "out.h5");
  BOOST_TEST(f.field<std::int64_t>("/runs/0000/requests", "id", H5T_NATIVE_INT64).size() == 20000u);
}

BOOST_AUTO_TEST_CASE(a_full_standard_output_is_an_error) {
  Scratch s("stdout_full");
  s.write("small.toml", config(50));
  for (const std::string args : {"list models", "validate small.toml", "--version"}) {
    const CliResult r = s.shell(in_dir(s, kExe + " " + args + " >/dev/full"));
    BOOST_TEST(r.status == 3, args << ": " << r.err);
    BOOST_TEST(r.err.rfind("moelab: error: cannot write to standard output", 0) == 0u, r.err);
  }
  // The results themselves were written: only the summary on stdout was lost.
  const CliResult r = s.shell(in_dir(s, kExe + " run small.toml -o out.h5 >/dev/full"));
  BOOST_TEST(r.status == 3, r.err);
  BOOST_TEST(fs::exists(s.dir() / "out.h5"));
}

// `ab -o FILE` rewrites FILE after every case so a stopped run keeps its finished cases; a
// complete FILE from an earlier run is kept until the new run is complete.
BOOST_AUTO_TEST_CASE(stopped_ab_run_does_not_replace_a_complete_file) {
  Scratch s("ab_partial");
  const std::string two_cases = R"([experiment]
name = "two"
kind = "kernel-ab"
[ab]
op = "router.topk"
variants = ["ref.naive"]
cold_l2 = false
min_samples = 3
max_time_s = 0.2
[[ab.cases]]
dims = { tokens = 16 }
[[ab.cases]]
dims = { tokens = 32 }
)";
  s.write("two.toml", two_cases);
  BOOST_REQUIRE(s.moelab({"run", "two.toml", "-o", "out.h5"}).status == 0);
  const std::string complete = moelab::test::read_text(s.dir() / "out.h5");
  // The second case now takes seconds (a thousand samples of a bigger shape); stop it then.
  std::string slow = two_cases;
  slow.replace(slow.find("dims = { tokens = 32 }"), 22, "dims = { tokens = 16384 }");
  slow.replace(slow.find("min_samples = 3"), 15, "min_samples = 1000");
  slow.replace(slow.find("max_time_s = 0.2"), 16, "max_time_s = 30");
  s.write("two.toml", slow);
  const CliResult r =
      s.shell(in_dir(s, "(" + kExe +
                            " run two.toml -o out.h5 >log & pid=$!; for i in $(seq 400); do "
                            "[ -e out.partial.h5 ] && break; sleep 0.05; done; kill -TERM $pid; wait $pid; "
                            "echo status=$?)"));
  BOOST_TEST(contains(r.out, "status=143"), r.out);
  BOOST_TEST(moelab::test::read_text(s.dir() / "out.h5") == complete);
  BOOST_TEST(contains(moelab::test::read_text(s.dir() / "log"), "out.h5 exists and is kept until every case has run"));
  moelab::test::H5File partial(s.dir() / "out.partial.h5");
  BOOST_TEST(partial.numeric_attr<std::int64_t>("/", "cases_complete", H5T_NATIVE_INT64) == 1);
  BOOST_TEST(partial.numeric_attr<std::int64_t>("/", "cases_planned", H5T_NATIVE_INT64) == 2);
  BOOST_TEST(temporaries(s.dir()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
