#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <filesystem>
#include <string>
#include <vector>

#include "lab/cli/command.hpp"

using namespace moelab;

namespace {

int run(std::vector<std::string> args) {
  args.insert(args.begin(), "moelab");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return cli::run_cli(static_cast<int>(argv.size()), argv.data());
}

// A real op with CPU variants, tiny so the test takes well under a second.
std::vector<std::string> topk_args() {
  return {"ab",    "router.topk", "--variants", "ref.naive,kokkos.fused", "--shape", "deepseek-v3",
          "--dim", "tokens=16",   "--hot",      "--max-time-s",           "0.3",     "--min-samples",
          "3",     "--warmup",    "1"};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_ab)

BOOST_AUTO_TEST_CASE(ab_runs_and_writes_a_file) {
  const auto path = std::filesystem::temp_directory_path() / ("moelab_cli_ab_" + std::to_string(::getpid()) + ".h5");
  auto args = topk_args();
  args.insert(args.end(), {"-o", path.string()});
  BOOST_TEST(run(args) == 0);
  BOOST_TEST(std::filesystem::exists(path));
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2) {
  auto bad_dim = topk_args();
  bad_dim[7] = "tokens=0";
  BOOST_TEST(run(bad_dim) == 2);
  auto not_int = topk_args();
  not_int[7] = "tokens=many";
  BOOST_TEST(run(not_int) == 2);
  auto unknown_variant = topk_args();
  unknown_variant[3] = "ref.naive,kokkos.nope";
  BOOST_TEST(run(unknown_variant) == 2);
  auto unknown_op = topk_args();
  unknown_op[1] = "router.nope";
  BOOST_TEST(run(unknown_op) == 2);
  auto both = topk_args();
  both.push_back("--cold-l2");
  BOOST_TEST(run(both) == 2);
  auto noise = topk_args();
  noise.insert(noise.end(), {"--noise", "0"});
  BOOST_TEST(run(noise) == 2);
}

BOOST_AUTO_TEST_CASE(list_variants_runs) { BOOST_TEST(run({"list", "variants"}) == 0); }

BOOST_AUTO_TEST_SUITE_END()
