#include <boost/test/unit_test.hpp>

#include "lab/cli/command.hpp"

BOOST_AUTO_TEST_CASE(command_line_is_joined_with_shell_quoting) {
  const char* argv[] = {"moelab", "run", "my exp.toml", "--set", "model.id=it's", "-o", "out/x.h5", ""};
  BOOST_TEST(moelab::cli::shell_join(8, argv) == "moelab run 'my exp.toml' --set 'model.id=it'\\''s' -o out/x.h5 ''");
  const char* plain[] = {"moelab", "--set", "sweep.x=[1,2]"};
  BOOST_TEST(moelab::cli::shell_join(3, plain) == "moelab --set 'sweep.x=[1,2]'");
}
