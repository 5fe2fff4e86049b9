// Unknown keys: the nearest known keys of that table are suggested, and a reader that collects
// them reports every bad key of the file at once, in file order.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <functional>

#include "lab/config/strict_toml.hpp"

using namespace moelab;

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

// A reader of [engine] (id, max_num_seqs, max_batched_tokens) and [workload] (kind, rate_per_s).
void read_like_a_config(config::StrictTable& root) {
  {
    auto e = root.table("engine");
    e.string_or("id", "");
    e.integer_or("max_num_seqs", 0);
    e.integer_or("max_batched_tokens", 0);
    e.finish();
  }
  {
    auto w = root.table("workload");
    w.string_or("kind", "");
    w.number_or("rate_per_s", 0);
    w.finish();
  }
  root.finish();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(unknown_keys)

BOOST_AUTO_TEST_CASE(a_misspelt_key_gets_the_nearest_known_keys) {
  const toml::table t = parse("[engine]\nmax_num_seq = 4\n[workload]\n");
  config::StrictTable root(t, "exp.toml");
  const auto msg = error_of([&] { read_like_a_config(root); });
  BOOST_TEST(msg == "exp.toml:2:15: engine.max_num_seq: unknown key; did you mean 'max_num_seqs'?", msg);
}

BOOST_AUTO_TEST_CASE(a_key_far_from_every_known_key_lists_the_valid_ones) {
  const toml::table t = parse("[engine]\ncolour = 4\n[workload]\n");
  config::StrictTable root(t, "exp.toml");
  const auto msg = error_of([&] { read_like_a_config(root); });
  BOOST_TEST(msg.find("engine.colour: unknown key; valid keys here: id, max_batched_tokens, max_num_seqs") !=
                 std::string::npos,
             msg);
}

BOOST_AUTO_TEST_CASE(a_misspelt_table_is_matched_against_the_root_keys) {
  const toml::table t = parse("[engine]\n[workload]\n[engin]\nid = 1\n");
  config::StrictTable root(t, "exp.toml");
  const auto msg = error_of([&] { read_like_a_config(root); });
  BOOST_TEST(msg.find("engin: unknown key; did you mean 'engine'?") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(collected_unknown_keys_come_together_in_file_order) {
  const std::string text =
      "[workload]\n"       // 1
      "rate = 3\n"         // 2
      "[engine]\n"         // 3
      "max_num_seq = 4\n"  // 4
      "idd = \"x\"\n"      // 5
      "[extra]\n";         // 6
  const toml::table t = parse(text);
  config::StrictTable root(t, "exp.toml");
  root.collect_unknown_keys();
  const auto msg = error_of([&] { read_like_a_config(root); });
  const auto workload = msg.find("exp.toml:2:");
  const auto engine_seq = msg.find("exp.toml:4:");
  const auto engine_id = msg.find("exp.toml:5:");
  const auto extra = msg.find("exp.toml:6:");
  BOOST_TEST(workload == 0u, msg);
  BOOST_TEST((workload < engine_seq && engine_seq < engine_id && engine_id < extra), msg);
  BOOST_TEST(msg.find("workload.rate: unknown key; did you mean 'rate_per_s'?") != std::string::npos, msg);
  BOOST_TEST(msg.find("engine.idd: unknown key; did you mean 'id'?") != std::string::npos, msg);
  BOOST_TEST(std::count(msg.begin(), msg.end(), '\n') == 3, msg);  // four lines, one per key
}

BOOST_AUTO_TEST_CASE(a_bad_value_after_unknown_keys_is_reported_with_them) {
  const toml::table t = parse("[engine]\nmax_num_seq = 4\n[workload]\nrate_per_s = \"fast\"\n");
  config::StrictTable root(t, "exp.toml");
  root.collect_unknown_keys();
  const auto msg = error_of([&] {
    try {
      read_like_a_config(root);
    } catch (const InputError& e) {
      root.rethrow_with_unknown_keys(e);
    }
  });
  BOOST_TEST(msg.find("exp.toml:2:") == 0u, msg);
  BOOST_TEST(msg.find("\nexp.toml:4:") != std::string::npos, msg);
  BOOST_TEST(msg.find("workload.rate_per_s: expected a number") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(without_collecting_one_table_still_reports_all_its_keys) {
  const toml::table t = parse("[engine]\nmax_num_seq = 4\nidd = 1\n[workload]\nrat = 1\n");
  config::StrictTable root(t, "exp.toml");
  const auto msg = error_of([&] { read_like_a_config(root); });
  BOOST_TEST(msg.find("engine.max_num_seq") != std::string::npos, msg);
  BOOST_TEST(msg.find("engine.idd") != std::string::npos, msg);
  BOOST_TEST(msg.find("workload.rat") == std::string::npos, msg);  // [engine] threw first
}

BOOST_AUTO_TEST_SUITE_END()
