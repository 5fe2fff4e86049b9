// What a user of sweeps meets at the command line: every bad key of a file in one go, with
// suggestions; requests dropped as unservable; `moelab ab --dim key=v1,v2,...`.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tests/lab/cli/sweep_support.hpp"
#include "tests/lab/h5_read.hpp"

using namespace moelab::test;

namespace {

bool contains(const std::string& h, const std::string& n) { return h.find(n) != std::string::npos; }

const char* kConfig =
    "[experiment]\nname = \"e\"\nseed = 1\n"                                            // 1-3
    "[model]\nid = \"llama-3.1-8b\"\n"                                                  // 4-5
    "[hardware]\nid = \"h100-sxm\"\n"                                                   // 6-7
    "[engine]\nid = \"baseline\"\n"                                                     // 8-9
    "[workload]\nkind = \"synthetic\"\nnum_requests = 200\n"                            // 10-12
    "prompt_tokens = { kind = \"lognormal\", mean = 94.5, sigma = 1.0, max = 4096 }\n"  // 13
    "output_tokens = 50\n"                                                              // 14
    "arrivals = { kind = \"poisson\", rate_per_s = 20 }\n";                             // 15

}  // namespace

BOOST_AUTO_TEST_SUITE(sweep_ergonomics)

BOOST_AUTO_TEST_CASE(every_unknown_key_of_a_file_at_once_in_file_order) {
  Scratch s("keys");
  std::string text = kConfig;
  text.insert(text.find("[model]"), "descripton = \"typo\"\n");  // line 4, in [experiment]
  text += "[cluster]\nreplica = 2\n[stop]\nmax_request = 10\n";  // lines 18, 20
  const auto cfg = s.write("bad.toml", text);
  const CliResult r = s.moelab({"run", "bad.toml", "-o", "x.h5", "--set", "engine.max_num_seq=8"});
  BOOST_TEST(r.status == 2);
  const auto experiment =
      r.err.find("moelab: error: bad.toml:4:14: experiment.descripton: unknown key; did you mean 'description'?");
  const auto cluster =
      r.err.find("moelab: error: bad.toml:18:11: cluster.replica: unknown key; did you mean 'replicas'?");
  const auto stop =
      r.err.find("moelab: error: bad.toml:20:15: stop.max_request: unknown key; did you mean 'max_requests'?");
  const auto set = r.err.find("moelab: error: --set: engine.max_num_seq: unknown key; did you mean 'max_num_seqs'?");
  BOOST_TEST(experiment == 0u, r.err);
  BOOST_TEST((experiment < cluster && cluster < stop && stop < set && set != std::string::npos), r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 4, r.err);  // each key once
  BOOST_TEST(s.files_other_than({"bad.toml"}).empty());
}

BOOST_AUTO_TEST_CASE(unservable_requests_are_warned_about_and_have_a_reason_each) {
  Scratch s("unservable");
  const auto cfg = s.write("e.toml", kConfig);
  // Without chunked prefill, prompts over 64 tokens can never be scheduled.
  const CliResult r = s.moelab({"run", cfg.string(), "-o", "u.h5", "--quiet", "--set", "engine.chunked_prefill=false",
                                "--set", "engine.max_batched_tokens=64", "--set", "engine.max_num_seqs=16"});
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  BOOST_TEST(contains(r.err, "moelab: warning: run 0000 (-): "), r.err);
  BOOST_TEST(contains(r.err, " requests dropped as unservable (first: request "), r.err);
  BOOST_TEST(contains(r.err, ", exceeds_batch_budget); /runs/0000/requests column unservable_reason"), r.err);
  H5File f(s.dir() / "u.h5");
  hid_t ds = H5Dopen2(f.id(), "/runs/0000/requests", H5P_DEFAULT);
  hid_t type = H5Dget_type(ds);
  const int field = H5Tget_member_index(type, "unservable_reason");
  BOOST_TEST(field >= 0);
  H5Tclose(type);
  H5Dclose(ds);
}

BOOST_AUTO_TEST_CASE(ab_dim_with_several_values_sweeps_that_dimension) {
  Scratch s("ab_dim");
  const CliResult r =
      s.moelab({"ab", "router.topk", "--variants", "ref.naive", "--shape", "deepseek-v3", "--dim", "tokens=8,16,32",
                "--hot", "--max-time-s", "0.1", "--min-samples", "3", "--warmup", "1", "-o", "ab.h5"});
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  H5File f(s.dir() / "ab.h5");
  BOOST_TEST(f.exists("/ab/router.topk/00_deepseek-v3"));
  BOOST_TEST(f.exists("/ab/router.topk/02_deepseek-v3"));
  BOOST_TEST(!f.exists("/ab/router.topk/03_deepseek-v3"));
  BOOST_TEST(f.numeric_attr<std::int64_t>("/", "cases_planned", H5T_NATIVE_INT64) == 3);
  const CliResult bad = s.moelab({"ab", "router.topk", "--variants", "ref.naive", "--dim", "tokens=8,x"});
  BOOST_TEST(bad.status == 2);
  BOOST_TEST(contains(bad.err, "'x' is not an integer"), bad.err);
}

BOOST_AUTO_TEST_SUITE_END()
