// Interrupted sweeps: SIGKILL at random points (one process and a whole mpirun job), a rank killed
// mid-sweep, a disk that fills while the file is written, a read-only directory. In every case
// the output path holds either the previous file, untouched, or a complete new one; resuming
// recovers every finished point and gives the datasets of an uninterrupted run.
#include <boost/test/unit_test.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "tests/lab/cli/sweep_support.hpp"

using namespace moelab::test;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& h, const std::string& n) { return h.find(n) != std::string::npos; }

constexpr int kRequests = 6000;  // per point: a 12-point sweep takes about half a second
const std::string kPrevious = "the previous result file\n";

// Starts `command` in the background in `dir`, waits until its stderr reports `points` finished
// points (or it ends), then SIGKILLs `victims`: a shell expression of pids ($pid is the command),
// evaluated once the first point is reported (every process exists then), so the kill is prompt.
CliResult kill_after(const Scratch& s, const std::string& command, int points, const std::string& victims) {
  // run.err may not exist yet when the loop starts (the background job opens it): count 0 then.
  auto wait_for = [](int n) {
    return "while kill -0 $pid 2>/dev/null && { n=$(grep -c '^\\[' run.err 2>/dev/null); [ \"${n:-0}\" -lt " +
           std::to_string(n) + " ]; }; do sleep 0.005; done; ";
  };
  // The victims are looked up until found (an MPI rank's process appears some time after mpirun).
  const std::string script = "cd " + shell_quote(s.dir().string()) + " && (" + command +
                             " 2>run.err >run.out & pid=$!; " + wait_for(1) + "victims=; " +
                             "while [ -z \"$victims\" ] && kill -0 $pid 2>/dev/null; do victims=\"" + victims +
                             "\"; [ -n \"$victims\" ] || sleep 0.005; done; " + wait_for(points) +
                             "kill -9 $victims 2>/dev/null; wait $pid; echo status=$?; "
                             "cat run.err >&2; rm -f run.err run.out)";
  return s.shell(script);
}

// The uninterrupted run of the 12-point sweep with `requests` per point, made once per test
// process (several tests compare with it).
fs::path reference(int requests) {
  static Scratch dir("reference");
  const fs::path p = dir.dir() / ("reference-" + std::to_string(requests) + ".h5");
  if (!file_exists(p)) {
    const CliResult r = dir.moelab(quickstart12(p.string(), requests));
    if (r.status != 0) throw std::runtime_error("the reference run failed: " + r.err);
  }
  return p;
}

std::string previous_or_complete(const Scratch& s, const std::string& name, int requests = kRequests) {
  const fs::path p = s.dir() / name;
  if (!file_exists(p)) return "missing";
  if (read_text(p) == kPrevious) return "previous";
  return dataset_difference(reference(requests), p).empty() ? "complete" : "DIFFERENT";
}

std::size_t saved_points(const fs::path& partial) {
  std::size_t n = 0;
  if (!file_exists(partial)) return 0;
  for (const auto& e : fs::directory_iterator(partial)) n += e.path().extension() == ".point" ? 1 : 0;
  return n;
}

// Mounts a small tmpfs at `dir` (root only); false when this machine does not allow it.
bool mount_tmpfs(const fs::path& dir, const std::string& options) {
  if (::geteuid() != 0) return false;
  fs::create_directories(dir);
  return ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sweep_faults)

BOOST_AUTO_TEST_CASE(sigkill_after_k_points_then_resume_equals_the_uninterrupted_run) {
  Scratch s("resume");
  s.write("out.h5", kPrevious);
  const CliResult killed = kill_after(s, moelab_command(quickstart12("out.h5", kRequests)), 3, "$pid");
  BOOST_TEST(contains(killed.out, "status=137"), killed.out << killed.err);
  BOOST_TEST(previous_or_complete(s, "out.h5") == "previous");
  const std::size_t saved = saved_points(s.dir() / "out.h5.partial");
  BOOST_TEST(saved >= 3u);

  // Without --resume the finished points are not thrown away.
  const CliResult again = s.moelab(quickstart12("out.h5", kRequests));
  BOOST_TEST(again.status == 2);
  BOOST_TEST(contains(again.err, "add --resume"), again.err);
  // A changed experiment does not resume from them.
  auto changed = quickstart12("out.h5", kRequests);
  changed.insert(changed.end(), {"--set", "engine.max_num_seqs=64", "--resume"});
  const CliResult refused = s.moelab(changed);
  BOOST_TEST(refused.status == 2);
  BOOST_TEST(contains(refused.err, "--resume: cannot resume from out.h5.partial: the experiment changed"), refused.err);
  BOOST_TEST(contains(refused.err, "max_num_seqs = 64"), refused.err);
  BOOST_TEST(read_text(s.dir() / "out.h5") == kPrevious);

  auto resume = quickstart12("out.h5", kRequests);
  resume.push_back("--resume");
  const CliResult resumed = s.moelab(resume);
  BOOST_TEST_REQUIRE(resumed.status == 0, resumed.err);
  BOOST_TEST(contains(resumed.err, "resuming: " + std::to_string(saved) + " of 12 points"), resumed.err);
  // Finished points are never computed again: one progress line per point left.
  BOOST_TEST(std::count(resumed.err.begin(), resumed.err.end(), '[') == static_cast<long>(12 - saved), resumed.err);
  BOOST_TEST(dataset_difference(reference(kRequests), s.dir() / "out.h5") == "");
  BOOST_TEST(!file_exists(s.dir() / "out.h5.partial"));
}

BOOST_AUTO_TEST_CASE(sigkill_at_random_points_loses_nothing_finished) {
  Scratch s("random_kill");
  s.write("out.h5", kPrevious);
  std::random_device seed_source;
  const unsigned seed = seed_source();
  BOOST_TEST_MESSAGE("kill points drawn with seed " << seed);
  std::mt19937 rng(seed);
  auto resume = quickstart12("out.h5", kRequests);
  resume.push_back("--resume");
  std::size_t saved = 0;
  for (int round = 0; round < 3; ++round) {
    const int after = std::uniform_int_distribution<int>(1, 4)(rng);
    const CliResult k = kill_after(s, moelab_command(resume), after, "$pid");
    const std::string state = previous_or_complete(s, "out.h5");
    BOOST_TEST((state == "previous" || state == "complete"), "round " << round << ": " << state);
    if (state == "complete") break;  // it finished before the kill: nothing left to resume
    const std::size_t now = saved_points(s.dir() / "out.h5.partial");
    BOOST_TEST(now >= saved, "round " << round);  // points saved before are never lost
    saved = now;
  }
  const CliResult last = s.moelab(resume);
  BOOST_TEST_REQUIRE(last.status == 0, last.err);
  BOOST_TEST(dataset_difference(reference(kRequests), s.dir() / "out.h5") == "");
}

#ifdef MOELAB_MPIEXEC
BOOST_AUTO_TEST_CASE(a_rank_killed_mid_sweep_and_a_killed_job_resume_to_the_same_file) {
  Scratch s("mpi_kill");
  s.write("out.h5", kPrevious);
  // Rank 1 dies (a node lost): mpirun ends the job.
  const std::string rank1 =
      "$(for p in $(pgrep -P $pid); do tr '\\0' '\\n' </proc/$p/environ | grep -qx OMPI_COMM_WORLD_RANK=1 && echo $p; "
      "done)";
  // Longer points than elsewhere: three ranks share two cores here.
  const CliResult lost = kill_after(s, mpirun_command(3, quickstart12("out.h5", 3 * kRequests)), 3, rank1);
  BOOST_TEST(!contains(lost.out, "status=0"), lost.out << lost.err);
  BOOST_TEST(previous_or_complete(s, "out.h5", 3 * kRequests) == "previous");
  const std::size_t after_rank_loss = saved_points(s.dir() / "out.h5.partial");
  BOOST_TEST(after_rank_loss >= 3u);

  // The whole job (mpirun and every rank) SIGKILLed while resuming on 2 ranks, then resumed again.
  auto resume = quickstart12("out.h5", 3 * kRequests);
  resume.push_back("--resume");
  const CliResult killed = kill_after(s, mpirun_command(2, resume), 1, "$pid $(pgrep -P $pid)");
  const std::string state = previous_or_complete(s, "out.h5", 3 * kRequests);
  BOOST_TEST((state == "previous" || state == "complete"), state);
  BOOST_TEST(saved_points(s.dir() / "out.h5.partial") >= (state == "complete" ? 0u : after_rank_loss));

  const CliResult done = s.shell("cd " + shell_quote(s.dir().string()) + " && " + mpirun_command(2, resume));
  BOOST_TEST_REQUIRE(done.status == 0, done.err);
  BOOST_TEST(dataset_difference(reference(3 * kRequests), s.dir() / "out.h5") == "");
  BOOST_TEST(!file_exists(s.dir() / "out.h5.partial"));
}
#endif

BOOST_AUTO_TEST_CASE(a_full_disk_while_writing_keeps_the_previous_file_and_every_point) {
  Scratch s("full_disk");
  const fs::path small = s.dir() / "small";
  if (!mount_tmpfs(small, "size=200k")) {
    BOOST_TEST_MESSAGE("skipped: mounting a tmpfs needs root");
    return;
  }
  std::ofstream(small / "out.h5") << kPrevious;
  // The points wait on the big disk; the result file (several MB) does not fit in 200 KiB.
  auto args = quickstart12((small / "out.h5").string(), kRequests);
  args.insert(args.end(), {"--partial-dir", (s.dir() / "points").string()});
  const CliResult full = s.moelab(args);
  const std::string left = read_text(small / "out.h5");
  std::vector<std::string> in_small;
  for (const auto& e : fs::directory_iterator(small)) in_small.push_back(e.path().filename().string());
  ::umount(small.c_str());
  BOOST_TEST(full.status == 3, full.err);  // a storage failure (README: exit status)
  BOOST_TEST(contains(full.err, "moelab: error: cannot write the results: cannot write " + (small / "out.h5").string()),
             full.err);
  BOOST_TEST(contains(full.err, "12 of 12 points are saved in"), full.err);
  BOOST_TEST(left == kPrevious);
  BOOST_TEST(in_small == std::vector<std::string>{"out.h5"});  // no temporary left behind
  BOOST_TEST(saved_points(s.dir() / "points") == 12u);

  // With room again, resuming computes nothing and writes the same datasets.
  auto resume = quickstart12("out.h5", kRequests);
  resume.insert(resume.end(), {"--partial-dir", (s.dir() / "points").string(), "--resume"});
  const CliResult resumed = s.moelab(resume);
  BOOST_TEST_REQUIRE(resumed.status == 0, resumed.err);
  BOOST_TEST(contains(resumed.err, "resuming: 12 of 12 points"), resumed.err);
  BOOST_TEST(dataset_difference(reference(kRequests), s.dir() / "out.h5") == "");
}

BOOST_AUTO_TEST_CASE(a_read_only_directory_is_refused_before_any_work) {
  Scratch s("read_only");
  const fs::path dir = s.dir() / "ro";
  bool mounted = mount_tmpfs(dir, "size=200k");
  if (mounted) {
    std::ofstream(dir / "out.h5") << kPrevious;
    mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=200k") == 0;
    if (!mounted) ::umount(dir.c_str());
  }
  if (!mounted) {
    if (::geteuid() == 0) {
      BOOST_TEST_MESSAGE("skipped: root cannot be kept out of a directory without a read-only mount");
      return;
    }
    fs::create_directories(dir);
    std::ofstream(dir / "out.h5") << kPrevious;
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  }
  const CliResult r = s.moelab(quickstart12((dir / "out.h5").string(), 100));
  const std::string left = read_text(dir / "out.h5");
  std::vector<std::string> in_dir;
  for (const auto& e : fs::directory_iterator(dir)) in_dir.push_back(e.path().filename().string());
  if (mounted) {
    ::umount(dir.c_str());
  } else {
    fs::permissions(dir, fs::perms::owner_all);
  }
  BOOST_TEST(r.status == 2, r.err);
  BOOST_TEST(contains(r.err, (dir / "out.h5").string()), r.err);
  BOOST_TEST(!contains(r.err, "[1/12]"), r.err);  // refused before the first point
  BOOST_TEST(left == kPrevious);
  BOOST_TEST(in_dir == std::vector<std::string>{"out.h5"});
}

BOOST_AUTO_TEST_SUITE_END()
