// experiments/kernels/*.toml, the A/B suites scripts/device-check.sh runs: each one passes
// `moelab validate` (ops, variants, shapes, anchors), and together they time every registered cuda
// variant, so a new variant cannot be left out of the device check by accident.
#include <boost/test/unit_test.hpp>

#include <toml++/toml.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "kernels/common/registry.hpp"
#include "lab/cli/command.hpp"
#include "tests/support/paths.hpp"

using namespace moelab;

namespace {

std::vector<std::filesystem::path> suites() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(test::source_dir() / "experiments/kernels")) {
    if (e.path().extension() == ".toml") out.push_back(e.path());
  }
  return out;
}

void add_names(const toml::node_view<const toml::node>& op_node, const toml::node_view<const toml::node>& list,
               std::set<std::string>& out) {
  const std::string op = op_node.value_or(std::string());
  if (const auto* a = list.as_array()) {
    for (const auto& v : *a) out.insert(op + " " + v.value_or(std::string()));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kernel_ab_suites)

BOOST_AUTO_TEST_CASE(every_suite_validates) {
  const auto files = suites();
  BOOST_TEST(files.size() >= 10u);
  for (const auto& f : files) {
    std::string moelab = "moelab", validate = "validate", path = f.string();
    std::vector<char*> argv{moelab.data(), validate.data(), path.data()};
    BOOST_TEST(cli::run_cli(static_cast<int>(argv.size()), argv.data()) == 0, f.filename());
  }
}

BOOST_AUTO_TEST_CASE(every_cuda_variant_is_in_a_suite) {
  std::set<std::string> named;  // "op variant"
  for (const auto& f : suites()) {
    const toml::table t = toml::parse_file(f.string());
    const auto ab = t["ab"];
    add_names(ab["op"], ab["variants"], named);
    if (const auto* cases = ab["cases"].as_array()) {
      for (const auto& c : *cases) {
        const auto ct = toml::node_view<const toml::node>(c);
        add_names(ct["op"].node() != nullptr ? ct["op"] : ab["op"],
                  ct["variants"].node() != nullptr ? ct["variants"] : ab["variants"], named);
      }
    }
  }
  int cuda = 0;
  for (const auto* v : kernels::registry().variants()) {
    if (v->backend() != kernels::Backend::cuda) continue;
    ++cuda;
    BOOST_TEST(named.count(std::string(v->op()) + " " + v->full_name()) == 1u,
               v->op() << " " << v->full_name() << " is in no experiments/kernels suite");
  }
#if MOELAB_HAVE_CUDA
  BOOST_TEST(cuda > 0);
#endif
}

BOOST_AUTO_TEST_SUITE_END()
