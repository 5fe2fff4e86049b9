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
  BOOST_TEST(error_of([] {
               read_sweep(parse("[sweep]\n\"experiment.kind\" = [\"a\"]\n"), "exp.toml");
             }).find("cannot be swept") != std::string::npos);
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

BOOST_AUTO_TEST_CASE(zipped_axes_vary_together_as_one_dimension) {
  const std::string text =
      "[sweep]\n"
      "\"workload.arrivals.rate_per_s\" = [5, 20]\n"
      "[[sweep.zip]]\n"
      "\"model.id\" = [\"a\", \"b\", \"c\"]\n"
      "\"cluster.tensor_parallel\" = [1, 2, 4]\n";
  const auto axes = read_sweep(parse(text), "exp.toml");
  BOOST_REQUIRE(axes.size() == 3u);
  BOOST_TEST(axes[1].key == "model.id");  // written order inside the zip table too
  BOOST_TEST(axes[1].dimension == axes[2].dimension);
  BOOST_TEST(axes[0].dimension != axes[1].dimension);
  BOOST_TEST(sweep_size(axes) == 6u);  // 2 x 3, not 2 x 3 x 3
  const auto points = expand_sweep(axes);
  BOOST_REQUIRE(points.size() == 6u);
  BOOST_TEST(points[1].label == "workload.arrivals.rate_per_s=5,model.id=b,cluster.tensor_parallel=2");
  BOOST_TEST(points[5].label == "workload.arrivals.rate_per_s=20,model.id=c,cluster.tensor_parallel=4");
  for (std::size_t i = 0; i < points.size(); ++i) {
    BOOST_TEST(sweep_point(axes, i).label == points[i].label);
    BOOST_TEST(sweep_point(axes, i).value_index == points[i].value_index);
  }
  toml::table root = parse(text);
  apply_sweep_point(root, axes, points[4]);
  BOOST_TEST(root["model"]["id"].value_or(std::string()) == "b");
  BOOST_TEST(root["cluster"]["tensor_parallel"].value_or(std::int64_t{0}) == 2);
  BOOST_TEST(root["workload"]["arrivals"]["rate_per_s"].value_or(0.0) == 20.0);
}

BOOST_AUTO_TEST_CASE(zipped_axes_of_different_lengths_are_an_input_error) {
  const std::string text =
      "[[sweep.zip]]\n"
      "\"model.id\" = [\"a\", \"b\"]\n"
      "\"cluster.tensor_parallel\" = [1, 2, 4]\n";
  const auto msg = error_of([&] { read_sweep(parse(text), "exp.toml"); });
  BOOST_TEST(msg.find("exp.toml:") == 0u, msg);
  BOOST_TEST(msg.find("equal lengths") != std::string::npos, msg);
  BOOST_TEST(error_of([] { read_sweep(parse("[sweep]\nzip = 3\n"), "exp.toml"); }).find("[[sweep.zip]]") !=
             std::string::npos);
  BOOST_TEST(error_of([] { read_sweep(parse("[sweep]\nzip = [{}]\n"), "exp.toml"); }).find("at least one axis") !=
             std::string::npos);
  // A key swept both on its own and in a zip table is swept twice.
  BOOST_TEST(error_of([] {
               read_sweep(parse("[sweep]\na = [1]\n[[sweep.zip]]\na = [2]\n"), "exp.toml");
             }).find("swept twice") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(set_replaces_a_swept_axis_where_the_file_sweeps_it) {
  const std::string text =
      "[sweep]\n"
      "\"engine.id\" = [\"vllm\"]\n"
      "\"workload.arrivals.rate_per_s\" = [1, 2]\n";
  const auto written = axis_keys_as_written(parse(text), "exp.toml");
  BOOST_TEST(written == (std::vector<std::string>{"engine.id", "workload.arrivals.rate_per_s"}));

  toml::table root = parse(text);
  apply_override_replacing_axes(root, "sweep.engine.id=[vllm,sglang]");  // bare words, as typed in a shell
  apply_override_replacing_axes(root, "sweep.cluster.replicas=[1,2]");   // a new axis
  const auto axes = read_sweep(root, "exp.toml", written);               // no "swept twice"
  BOOST_REQUIRE(axes.size() == 3u);
  BOOST_TEST(axes[0].key == "engine.id");  // kept its place although --set gave its values
  BOOST_TEST(axes[0].where.file == "--set");
  BOOST_REQUIRE(axes[0].values.size() == 2u);
  BOOST_TEST(std::get<std::string>(axes[0].values[1]) == "sglang");
  BOOST_TEST(axes[2].key == "cluster.replicas");  // added axes go last
  BOOST_TEST(sweep_size(axes) == 8u);

  // Without the written order, a replaced axis is ordered like any --set axis (last).
  toml::table again = parse(text);
  apply_override_replacing_axes(again, "sweep.engine.id=[a]");
  BOOST_TEST(read_sweep(again, "exp.toml").back().key == "engine.id");
}

BOOST_AUTO_TEST_CASE(set_replaces_nested_and_zipped_axes) {
  const std::string text =
      "[sweep.engine]\n"
      "id = [\"vllm\"]\n"
      "[[sweep.zip]]\n"
      "\"model.id\" = [\"a\", \"b\"]\n"
      "\"cluster.tensor_parallel\" = [1, 2]\n";
  toml::table root = parse(text);
  apply_override_replacing_axes(root, "sweep.engine.id=[x,y]");
  apply_override_replacing_axes(root, "sweep.model.id=[c,d]");
  const auto axes = read_sweep(root, "exp.toml", axis_keys_as_written(parse(text), "exp.toml"));
  BOOST_REQUIRE(axes.size() == 3u);
  BOOST_TEST(axes[1].key == "model.id");
  BOOST_TEST(axes[1].dimension == axes[2].dimension);  // still zipped with tensor_parallel
  BOOST_TEST(std::get<std::string>(axes[1].values[0]) == "c");
  BOOST_TEST(sweep_size(axes) == 4u);

  toml::table longer = parse(text);
  apply_override_replacing_axes(longer, "sweep.model.id=[c,d,e]");
  const auto msg = error_of([&] { read_sweep(longer, "exp.toml"); });
  BOOST_TEST(msg.find("equal lengths") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(set_parses_bracketed_bare_words_and_keeps_other_values_typed) {
  toml::table root;
  config::apply_override(root, "a=[x, 2, true, 1.5]");
  const auto* arr = root["a"].as_array();
  BOOST_REQUIRE(arr != nullptr);
  BOOST_REQUIRE(arr->size() == 4u);
  BOOST_TEST(arr->get(0)->value_or(std::string()) == "x");
  BOOST_TEST(arr->get(1)->is_integer());
  BOOST_TEST(arr->get(2)->is_boolean());
  BOOST_TEST(arr->get(3)->is_floating_point());
  config::apply_override(root, "b=[x y]");  // not a list of words: one string, as before
  BOOST_TEST(root["b"].value_or(std::string()) == "[x y]");
}

BOOST_AUTO_TEST_SUITE_END()
