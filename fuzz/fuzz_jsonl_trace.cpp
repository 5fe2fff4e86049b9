// Fuzz target: the Mooncake JSONL trace reader (simulator/workload/mooncake_trace.cpp).
#include "base/input_error.hpp"
#include "fuzz/fuzz_support.hpp"
#include "simulator/workload/trace_data.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path =
      moelab::fuzz::write_input(moelab::fuzz::scratch_dir() / "trace.jsonl", moelab::fuzz::as_text(data, size));
  try {
    const auto trace = moelab::sim::load_mooncake_trace(path);
    if (trace.size() == 0 || trace.id_begin.size() != trace.size() + 1) __builtin_trap();  // the reader's own contract
  } catch (const moelab::InputError&) {}
  return 0;
}
