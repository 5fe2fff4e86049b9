// Presets and --dim handling: real-model shapes build, bad shapes throw InputError naming the dim.
#include <boost/test/unit_test.hpp>

#include "base/input_error.hpp"
#include "kernels/attention/cases.hpp"
#include "kernels/attention/presets.hpp"
#include "kernels/common/registry.hpp"

namespace ka = moelab::kernels::attention;
namespace mk = moelab::kernels;

namespace {

std::unique_ptr<mk::OpCase> make(const char* op, std::string preset, std::map<std::string, std::int64_t> dims) {
  mk::ShapeArgs args;
  args.preset = std::move(preset);
  args.dims = std::move(dims);
  args.origin = "shape.toml";
  return mk::registry().find_op(op)->make_case(args);
}

void expect_input_error(const char* op, std::string preset, std::map<std::string, std::int64_t> dims,
                        const std::string& key) {
  try {
    make(op, std::move(preset), std::move(dims));
    BOOST_ERROR("no InputError for key " << key);
  } catch (const moelab::InputError& e) {
    BOOST_TEST(e.key() == key);
    BOOST_TEST(e.where().file == "shape.toml");
    BOOST_TEST(!e.problem().empty());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(attention_shapes)

BOOST_AUTO_TEST_CASE(presets_give_real_model_heads) {
  auto c = make(ka::kPrefillOp, "llama-3.1-8b", {{"seq", 8}});
  BOOST_TEST(c->shape_text() == "b=1 s=8 h=32 hkv=8 d=128 causal");
  c = make(ka::kPrefillOp, "gpt-oss-120b", {{"seq", 4}, {"batch", 2}});
  BOOST_TEST(c->shape_text() == "b=2 s=4 h=64 hkv=8 d=64 causal");
  c = make(ka::kPagedDecodeOp, "qwen3-8b", {{"batch", 2}, {"ctx", 40}});
  BOOST_TEST(c->shape_text() == "b=2 ctx=40 h=32 hkv=8 d=128 page=16");
  c = make(ka::kCascadeDecodeOp, "", {{"batch", 3}, {"prefix", 64}, {"suffix", 5}});
  BOOST_TEST(c->shape_text() == "b=3 prefix=64 suffix=5 h=32 hkv=8 d=128");
  // Defaults are the target points (built, not filled: cheap).
  BOOST_TEST(make(ka::kPrefillOp, "qwen3-8b", {})->flops() == 4.0 * 32 * 128 * 4096.0 * 4097 / 2);
  BOOST_TEST(make(ka::kPagedDecodeOp, "llama-3.1-8b", {})->flops() == 4.0 * 32 * 128 * 4096 * 64);
}

BOOST_AUTO_TEST_CASE(vary_spreads_lengths_down_to_one) {
  BOOST_TEST(ka::spread_lengths(4, 100, 1) == std::vector<int>({100, 67, 34, 1}));
  BOOST_TEST(ka::spread_lengths(1, 7, 1) == std::vector<int>({7}));
  auto c = make(ka::kPrefillOp, "", {{"batch", 3}, {"seq", 9}, {"vary", 1}, {"heads", 4}, {"kv_heads", 2}});
  BOOST_TEST(c->shape_text() == "b=3 s=[9,5,1] h=4 hkv=2 d=128 causal");
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_input_error) {
  expect_input_error(ka::kPrefillOp, "", {{"heads", 30}}, "kv_heads");  // 30 % 8 != 0
  expect_input_error(ka::kPrefillOp, "", {{"head_dim", 96}}, "head_dim");
  expect_input_error(ka::kPrefillOp, "", {{"seq", 0}}, "seq");
  expect_input_error(ka::kPrefillOp, "", {{"batch", -1}}, "batch");
  expect_input_error(ka::kPrefillOp, "", {{"heads", 0}}, "heads");
  expect_input_error(ka::kPrefillOp, "", {{"kv_heads", 0}}, "kv_heads");
  expect_input_error(ka::kPrefillOp, "", {{"ctx", 5}}, "ctx");  // not a prefill dim
  expect_input_error(ka::kPrefillOp, "", {{"vary", 2}}, "vary");
  expect_input_error(ka::kPrefillOp, "llama-9000", {}, "shape");
  expect_input_error(ka::kPagedDecodeOp, "", {{"page", 0}}, "page");
  expect_input_error(ka::kPagedDecodeOp, "", {{"ctx", -3}}, "ctx");
  expect_input_error(ka::kPagedDecodeOp, "", {{"seq", 5}}, "seq");
  expect_input_error(ka::kCascadeDecodeOp, "", {{"suffix", -1}}, "suffix");
  expect_input_error(ka::kCascadeDecodeOp, "", {{"prefix", -1}}, "prefix");
  expect_input_error(ka::kCascadeDecodeOp, "", {{"prefix", 0}, {"suffix", 0}}, "prefix");
  expect_input_error(ka::kCascadeDecodeOp, "", {{"heads", 8}, {"kv_heads", 3}}, "kv_heads");
  // Sizes bounded before the per-sequence vectors exist, and token offsets that fit int32.
  expect_input_error(ka::kPrefillOp, "", {{"batch", (1 << 20) + 1}}, "batch");
  expect_input_error(ka::kPagedDecodeOp, "", {{"batch", 2000000000}}, "batch");
  expect_input_error(ka::kPrefillOp, "", {{"batch", 1 << 16}, {"seq", 1 << 16}}, "seq");
  expect_input_error(ka::kPagedDecodeOp, "", {{"batch", 1 << 16}, {"ctx", 1 << 16}}, "ctx");
  expect_input_error(ka::kCascadeDecodeOp, "", {{"batch", 4}, {"prefix", 1 << 30}, {"suffix", 0}}, "suffix");
}

BOOST_AUTO_TEST_SUITE_END()
