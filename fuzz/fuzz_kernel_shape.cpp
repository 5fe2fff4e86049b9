// Fuzz target: kernel A/B shapes as `moelab ab OP --shape PRESET --dim k=v ...` gives them.
// Input: first line an op name (other text picks an op by its hash), second line a preset
// (may be empty), then "key=value" dims. The case is made and sized as validation does; small
// ones are also filled and checked by the fp64 reference, so the reference kernels see the
// same odd shapes.
#include <charconv>
#include <sstream>

#include "base/input_error.hpp"
#include "fuzz/fuzz_support.hpp"
#include "kernels/common/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& reg = moelab::kernels::registry();
  const auto ops = reg.ops();
  std::istringstream in{std::string(moelab::fuzz::as_text(data, size))};
  std::string op_line, preset;
  std::getline(in, op_line);
  std::getline(in, preset);
  const moelab::kernels::OpInfo* op = reg.find_op(op_line);
  if (op == nullptr) op = ops[std::hash<std::string>{}(op_line) % ops.size()];
  moelab::kernels::ShapeArgs args{preset, {}, "fuzz"};
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::int64_t v = 0;
    const char* first = line.data() + eq + 1;
    const char* last = line.data() + line.size();
    if (std::from_chars(first, last, v).ec != std::errc()) continue;
    args.dims[line.substr(0, eq)] = v;
  }
  try {
    auto c = op->make_case(args);
    const double bytes = c->host_bytes();
    if (!(bytes >= 0)) __builtin_trap();
    (void)c->shape_text();
    (void)c->flops();
    (void)c->bytes();
    // Small cases run through the reference: 1 MiB and 5e6 FLOPs at most, a few ms to 0.1 s of
    // CPU under ASan. FLOPs alone undercount some references (router.topk sorts every token's
    // experts: its default shape, 4e6 FLOPs, took 1.6 s), and libFuzzer's -timeout is wall time.
    if (bytes < 1.0 * (1 << 20) && c->flops() < 5e6) {
      c->fill_inputs(1);
      c->compute_reference();
      c->poison_output();
    }
  } catch (const moelab::InputError&) {}
  return 0;
}
