// [op_times] end to end: `moelab run` of a kernel A/B experiment (CPU variant) writes the table,
// a simulation reads it, records the source, and prices prefill attention with the measured time.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "tests/lab/cli/cli_fixture.hpp"
#include "tests/lab/h5_read.hpp"

using moelab::test::H5File;
using moelab::test::Scratch;

namespace {

// Two prefill shapes (16 and 64 tokens), Llama-3.1-8B heads, the fp64 reference kernel.
const char* kAb =
    "[experiment]\nname = \"ops\"\nkind = \"kernel-ab\"\nseed = 1\n"
    "[ab]\nop = \"attention.prefill\"\nvariants = [\"ref.naive\"]\nmax_time_s = 0.5\nmin_samples = 5\nwarmup_runs = 1\n"
    "[[ab.cases]]\npreset = \"llama-3.1-8b\"\ndims = { batch = 1, seq = 16 }\n"
    "[[ab.cases]]\npreset = \"llama-3.1-8b\"\ndims = { batch = 1, seq = 64 }\n";

// One 16-token prompt: its first token comes at the end of one prefill step.
std::string simulation(double calls_per_layer) {
  return "[experiment]\nname = \"sim\"\n"
         "[model]\nid = \"llama-3.1-8b\"\n[hardware]\nid = \"h100-sxm\"\n[engine]\nid = \"baseline\"\n"
         "[workload]\nkind = \"synthetic\"\nnum_requests = 1\nprompt_tokens = 16\noutput_tokens = 2\n"
         "arrivals = { kind = \"burst\" }\n"
         "[op_times]\nprefill_attention = { file = \"ab.h5\", variant = \"ref.naive\", calls_per_layer = " +
         std::to_string(calls_per_layer) + " }\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(op_times_end_to_end)

BOOST_AUTO_TEST_CASE(kernel_lab_times_price_a_simulation_and_are_recorded) {
  Scratch s("op_times");
  s.write("ab.toml", kAb);
  const auto ab = s.moelab({"run", "ab.toml", "-o", "ab.h5"});
  BOOST_REQUIRE_MESSAGE(ab.status == 0, ab.err);
  double median_16 = 0;
  {
    H5File f(s.dir() / "ab.h5");
    const auto tokens = f.field<double>("/summary", "dim_tokens", H5T_NATIVE_DOUBLE);
    const auto median = f.field<double>("/summary", "median_s", H5T_NATIVE_DOUBLE);
    BOOST_REQUIRE(tokens.size() == 2u);
    BOOST_REQUIRE(tokens[0] == 16.0);
    median_16 = median[0];
  }
  BOOST_REQUIRE(median_16 > 0);

  s.write("one.toml", simulation(1));
  s.write("two.toml", simulation(2));
  const auto one = s.moelab({"run", "one.toml", "-o", "one.h5"});
  BOOST_REQUIRE_MESSAGE(one.status == 0, one.err);
  const auto two = s.moelab({"run", "two.toml", "-o", "two.h5"});
  BOOST_REQUIRE_MESSAGE(two.status == 0, two.err);
  H5File f1(s.dir() / "one.h5"), f2(s.dir() / "two.h5");
  const std::string source = f1.string_attr("/runs/0000", "op_times");
  BOOST_TEST(source.find("prefill_attention=" + (s.dir() / "ab.h5").string() +
                         ":/summary op=attention.prefill variant=ref.naive") == 0,
             source);
  BOOST_TEST(f1.string_field("/effective", "op_times").at(0) == source);
  // One more measured call per layer adds exactly the measured time at 16 tokens, per layer.
  const double ttft_1 = f1.field<double>("/runs/0000/requests", "ttft_s", H5T_NATIVE_DOUBLE).at(0);
  const double ttft_2 = f2.field<double>("/runs/0000/requests", "ttft_s", H5T_NATIVE_DOUBLE).at(0);
  const double layers = 32;  // Llama-3.1-8B
  BOOST_TEST(std::abs((ttft_2 - ttft_1) - median_16 * layers) <= 1e-9 * median_16 * layers,
             "ttft difference " << ttft_2 - ttft_1 << " vs " << median_16 * layers);

  // A variant the file does not hold: exit 2 at its key, no output.
  std::string sim = simulation(1);
  sim.replace(sim.find("ref.naive"), 9, "cuda.x");
  s.write("bad.toml", sim);
  const auto r = s.moelab({"run", "bad.toml", "-o", "bad.h5"});
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err.find("bad.toml:16:") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("op_times.prefill_attention.variant: no rows of variant 'cuda.x'") != std::string::npos, r.err);
  BOOST_TEST(!std::filesystem::exists(s.dir() / "bad.h5"));
}

BOOST_AUTO_TEST_SUITE_END()
