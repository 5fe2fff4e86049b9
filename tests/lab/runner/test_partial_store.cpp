// The partial-result store: atomic point files, resume of the same sweep only, locking.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>

#include "lab/runner/partial_store.hpp"

namespace fs = std::filesystem;
using namespace moelab;
using namespace moelab::lab;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("moelab_store_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

const std::vector<std::string> kKeys = {"00000000000000a1", "00000000000000b2", "00000000000000c3"};
const std::string kConfig = "[engine]\nmax_num_seqs = 64\n";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(partial_store)

BOOST_AUTO_TEST_CASE(saved_points_are_found_again_on_resume) {
  TempDir t;
  const fs::path dir = t.path / "out.h5.partial";
  {
    PartialStore s(dir, kKeys, kConfig, false, "exp.toml");
    BOOST_TEST(s.finished_count() == 0u);
    s.save(0, "zero");
    s.save(2, std::string("two\0bytes", 9));
    BOOST_TEST(s.load(2) == std::string("two\0bytes", 9));
  }
  std::ofstream(dir / ("000001-" + kKeys[1] + ".point.tmp-999")) << "half written";
  PartialStore s(dir, kKeys, kConfig, true, "exp.toml");
  BOOST_TEST(s.finished(0));
  BOOST_TEST(!s.finished(1));
  BOOST_TEST(s.finished(2));
  BOOST_TEST(s.load(0) == "zero");
  for (const auto& name : files_in(dir)) BOOST_TEST(name.find(".tmp-") == std::string::npos, name);  // swept away
  s.remove();
  BOOST_TEST(!fs::exists(dir));
}

BOOST_AUTO_TEST_CASE(a_corrupt_point_is_computed_again) {
  TempDir t;
  const fs::path dir = t.path / "p";
  {
    PartialStore s(dir, kKeys, kConfig, false, "exp.toml");
    s.save(1, "one-one-one");
  }
  const fs::path file = dir / ("000001-" + kKeys[1] + ".point");
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-2, std::ios::end);
    f.put('X');  // a flipped byte: the checksum no longer matches
  }
  PartialStore s(dir, kKeys, kConfig, true, "exp.toml");
  BOOST_TEST(!s.finished(1));
  BOOST_TEST(!fs::exists(file));
}

BOOST_AUTO_TEST_CASE(a_changed_sweep_is_refused_with_the_first_difference) {
  TempDir t;
  const fs::path dir = t.path / "p";
  {
    PartialStore s(dir, kKeys, kConfig, false, "exp.toml");
    s.save(0, "zero");
  }
  auto changed = kKeys;
  changed[0] = "00000000000000ff";
  const auto msg = error_of([&] { PartialStore s(dir, changed, "[engine]\nmax_num_seqs = 128\n", true, "exp.toml"); });
  BOOST_TEST(msg.find("exp.toml: --resume: cannot resume from") == 0u, msg);
  BOOST_TEST(msg.find("line 2 of the effective config was 'max_num_seqs = 64', is now 'max_num_seqs = 128'") !=
                 std::string::npos,
             msg);
  // Fewer points (a shorter sweep) is a change too.
  const std::vector<std::string> fewer(kKeys.begin(), kKeys.begin() + 2);
  BOOST_TEST(error_of([&] { PartialStore s(dir, fewer, kConfig, true, "exp.toml"); }).find("cannot resume") !=
             std::string::npos);
  // The refused store is left as it was.
  PartialStore s(dir, kKeys, kConfig, true, "exp.toml");
  BOOST_TEST(s.finished(0));
}

BOOST_AUTO_TEST_CASE(finished_points_are_not_thrown_away_without_resume) {
  TempDir t;
  const fs::path dir = t.path / "p";
  {
    PartialStore s(dir, kKeys, kConfig, false, "exp.toml");
    s.save(1, "one");
  }
  const auto msg = error_of([&] { PartialStore s(dir, kKeys, kConfig, false, "exp.toml"); });
  BOOST_TEST(msg.find("add --resume") != std::string::npos, msg);
  BOOST_TEST(fs::exists(dir / ("000001-" + kKeys[1] + ".point")));
}

BOOST_AUTO_TEST_CASE(nothing_is_on_disk_before_the_first_point) {
  TempDir t;
  const fs::path dir = t.path / "p";
  {
    PartialStore s(dir, kKeys, kConfig, true, "exp.toml");
    BOOST_TEST(!fs::exists(dir));
    s.remove();
  }
  BOOST_TEST(!fs::exists(dir));
}

BOOST_AUTO_TEST_CASE(a_store_without_finished_points_is_started_afresh) {
  TempDir t;
  const fs::path dir = t.path / "p";
  {
    PartialStore s(dir, kKeys, kConfig, false, "exp.toml");
    s.save(0, "x");
  }
  fs::remove(dir / ("000000-" + kKeys[0] + ".point"));          // a store whose points are gone
  PartialStore s(dir, {"1", "2"}, "other", false, "exp.toml");  // another sweep: nothing lost
  BOOST_TEST(s.finished_count() == 0u);
}

BOOST_AUTO_TEST_CASE(two_writers_of_one_output_exclude_each_other) {
  TempDir t;
  const fs::path dir = t.path / "p";
  PartialStore first(dir, kKeys, kConfig, false, "exp.toml");
  first.save(0, "x");
  const auto msg = error_of([&] { PartialStore second(dir, kKeys, kConfig, true, "exp.toml"); });
  BOOST_TEST(msg.find("another moelab process") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(something_else_in_the_way_is_an_input_error) {
  TempDir t;
  std::ofstream(t.path / "file") << "x";
  BOOST_TEST(error_of([&] { PartialStore s(t.path / "file", kKeys, kConfig, false, "exp.toml"); }).find("in the way") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
