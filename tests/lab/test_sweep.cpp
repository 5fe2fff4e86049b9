#include <boost/test/unit_test.hpp>

#include "lab/config/strict_toml.hpp"
#include "lab/experiment/sweep.hpp"

using namespace moelab;
using namespace moelab::lab;

namespace {
toml::table parse(const std::string& text) { return config::parse_text(text, "exp.toml"); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(sweep)

BOOST_AUTO_TEST_CASE(no_sweep_gives_one_unlabelled_point) {
  const auto axes = read_sweep(parse("a = 1\n"), "exp.toml");
  BOOST_TEST(axes.empty());
  const auto points = expand_sweep(axes);
  BOOST_REQUIRE(points.size() == 1u);
  BOOST_TEST(points[0].label == "");
}

BOOST_AUTO_TEST_CASE(cartesian_product_in_written_order_last_axis_fastest) {
  const std::string text =
      "[sweep]\n"
      "\"workload.arrivals.rate_per_s\" = [1, 2.5, 4]\n"
      "engine.id = [\"vllm\", \"sglang\"]\n";
  const auto axes = read_sweep(parse(text), "exp.toml");
  BOOST_REQUIRE(axes.size() == 2u);
  BOOST_TEST(axes[0].key == "workload.arrivals.rate_per_s");  // written first, although 'e' < 'w'
  BOOST_TEST(axes[1].key == "engine.id");
  BOOST_TEST(axes[0].where.line == 2);
  BOOST_TEST(std::holds_alternative<double>(axes[0].values[0]));  // ints mixed with a double
  const auto points = expand_sweep(axes);
  BOOST_REQUIRE(points.size() == 6u);
  BOOST_TEST(points[0].label == "workload.arrivals.rate_per_s=1,engine.id=vllm");
  BOOST_TEST(points[1].label == "workload.arrivals.rate_per_s=1,engine.id=sglang");
  BOOST_TEST(points[2].label == "workload.arrivals.rate_per_s=2.5,engine.id=vllm");
  BOOST_TEST(points[5].label == "workload.arrivals.rate_per_s=4,engine.id=sglang");
  BOOST_TEST(swept_column_name(axes[0].key) == "workload__arrivals__rate_per_s");
}

BOOST_AUTO_TEST_CASE(point_values_replace_config_values_and_keep_their_position) {
  const std::string text =
      "[cluster]\n"
      "replicas = 1\n"
      "[sweep]\n"
      "cluster.replicas = [2, 3]\n"
      "\"engine.max_num_seqs\" = [64]\n";
  toml::table probe = parse(text);
  const auto axes = read_sweep(probe, "exp.toml");
  const auto points = expand_sweep(axes);
  toml::table root = parse(text);
  apply_sweep_point(root, axes, points[1]);
  BOOST_TEST(!root.contains("sweep"));
  BOOST_TEST(root["cluster"]["replicas"].value_or(std::int64_t{0}) == 3);
  BOOST_TEST(root["engine"]["max_num_seqs"].value_or(std::int64_t{0}) == 64);  // table created
  BOOST_TEST(root["cluster"]["replicas"].node()->source().begin.line == 4u);
}

BOOST_AUTO_TEST_CASE(bad_sweeps_name_file_line_and_key) {
  BOOST_TEST(error_of([] { read_sweep(parse("[sweep]\n\"a.b\" = 3\n"), "exp.toml"); }).find("exp.toml:2:") == 0u);
  BOOST_TEST(error_of([] { read_sweep(parse("[sweep]\n\"a.b\" = 3\n"), "exp.toml"); }).find("sweep.a.b") !=
             std::string::npos);
  BOOST_TEST(error_of([] { read_sweep(parse("[sweep]\nx = []\n"), "exp.toml"); }).find("at least one") !=
             std::string::npos);
  BOOST_TEST(error_of([] { read_sweep(parse("[sweep]\nx = [1, \"a\"]\n"), "exp.toml"); }).find("different type") !=
             std::string::npos);
  BOOST_TEST(error_of([] { read_sweep(parse("[sweep]\nx = [[1]]\n"), "exp.toml"); }).find("element 0") !=
             std::string::npos);
  BOOST_TEST(error_of([] { read_sweep(parse("[sweep]\n\"experiment.kind\" = [\"a\"]\n"), "exp.toml"); })
                 .find("cannot be swept") != std::string::npos);
  BOOST_TEST(error_of([] { read_sweep(parse("sweep = 3\n"), "exp.toml"); }).find("exp.toml:1:") == 0u);
}

BOOST_AUTO_TEST_CASE(sweep_into_a_non_table_is_an_input_error) {
  const std::string text = "model = \"x\"\n[sweep]\n\"model.id\" = [\"a\"]\n";
  toml::table probe = parse(text);
  const auto axes = read_sweep(probe, "exp.toml");
  toml::table root = parse(text);
  const auto msg = error_of([&] { apply_sweep_point(root, axes, expand_sweep(axes)[0]); });
  BOOST_TEST(msg.find("exp.toml:3:") == 0u);
  BOOST_TEST(msg.find("sweep.model.id") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(formatted_values) {
  BOOST_TEST(format_swept_value(SweptValue(std::int64_t{8})) == "8");
  BOOST_TEST(format_swept_value(SweptValue(0.25)) == "0.25");
  BOOST_TEST(format_swept_value(SweptValue(std::string("radix"))) == "radix");
  BOOST_TEST(format_swept_value(SweptValue(true)) == "true");
}

BOOST_AUTO_TEST_SUITE_END()
