// tests/lab/cli/bad_configs/*.toml: each broken config must be rejected (exit 2) with a message
// containing every fragment its "# expect:" lines name.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "tests/lab/cli/cli_fixture.hpp"

using moelab::test::Scratch;

BOOST_AUTO_TEST_CASE(bad_config_examples_are_rejected_as_documented) {
  const auto dir = moelab::test::source_dir() / "tests/lab/cli/bad_configs";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    std::vector<std::string> expected;
    std::istringstream text(moelab::test::read_text(entry.path()));
    for (std::string line; std::getline(text, line);) {
      if (line.rfind("# expect: ", 0) == 0) expected.push_back(line.substr(10));
    }
    BOOST_TEST_CONTEXT(entry.path().filename().string()) {
      BOOST_TEST(!expected.empty());
      // Run from the folder so the messages name the file as written ("x.toml:12:...").
      Scratch scratch("bad_configs");
      const auto r = scratch.shell("cd " + moelab::test::shell_quote(dir.string()) + " && " +
                                   moelab::test::shell_quote(MOELAB_EXE) + " validate " +
                                   moelab::test::shell_quote(entry.path().filename().string()));
      BOOST_TEST(r.status == 2);
      for (const auto& e : expected) BOOST_TEST(r.err.find(e) != std::string::npos, "'" << e << "' not in: " << r.err);
    }
  }
  BOOST_TEST(files >= 5u);
}
