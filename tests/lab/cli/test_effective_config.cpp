// Every run stores its effective config (all model, hardware and engine values resolved, the run's
// seed rule, absolute paths) and the values derived from it (KV capacity, memory): re-running that
// config alone, with no data/ folder to look anything up in, reproduces the run's datasets.
#include <boost/test/unit_test.hpp>

#include "tests/lab/cli/cli_fixture.hpp"
#include "tests/lab/h5_read.hpp"

using moelab::test::H5File;
using moelab::test::Scratch;
using moelab::test::shell_quote;

namespace {

// Overrides in [model] and [engine], a price from data/prices, a sweep and per-run seeds: every
// way a run's values come from somewhere other than its own config text.
const char* kSweep =
    "[experiment]\nname = \"eff\"\nseed = 5\nseed_per_run = true\n"
    "[model]\nid = \"qwen3-30b-a3b\"\nkv_bytes_per_element = 1.0\n"
    "[hardware]\nid = \"h100-sxm\"\n"
    "[engine]\nid = \"vllm\"\nmax_num_seqs = 48\n"
    "[cluster]\ntensor_parallel = 2\n"
    "[workload]\nkind = \"synthetic\"\nnum_requests = 120\n"
    "prompt_tokens = { kind = \"lognormal\", mean = 300, sigma = 0.8, min = 1, max = 4000 }\n"
    "output_tokens = { kind = \"lognormal\", mean = 80, sigma = 0.6, min = 1, max = 800 }\n"
    "[workload.arrivals]\nkind = \"poisson\"\nrate_per_s = 30\n"
    "[output]\ntimeseries_interval_s = 0.5\n"
    "[sweep]\n\"engine.gpu_memory_utilization\" = [0.9, 0.5]\n";

// `moelab run CONFIG -o OUT` in the scratch folder with data/ replaced by an empty folder.
moelab::test::CliResult run_without_data(const Scratch& s, const std::string& config, const std::string& out) {
  std::filesystem::create_directories(s.dir() / "no_data");
  return s.shell("cd " + shell_quote(s.dir().string()) +
                 " && MOELAB_DATA_DIR=" + shell_quote((s.dir() / "no_data").string()) + " " + shell_quote(MOELAB_EXE) +
                 " run " + shell_quote(config) + " -o " + shell_quote(out));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(effective_config)

BOOST_AUTO_TEST_CASE(a_run_is_reproduced_from_its_stored_effective_config_alone) {
  Scratch s("effective");
  s.write("eff.toml", kSweep);
  const auto full = s.moelab({"run", "eff.toml", "-o", "full.h5"});
  BOOST_REQUIRE_MESSAGE(full.status == 0, full.err);

  // Without data/ the original config cannot even be read: the ids need their files.
  BOOST_TEST(run_without_data(s, "eff.toml", "nope.h5").status == 2);

  std::string effective;
  {
    H5File f(s.dir() / "full.h5");
    BOOST_REQUIRE(f.exists("/effective"));
    effective = f.string_attr("/runs/0001", "effective_config_toml");
  }
  BOOST_TEST(effective.find("resolved = true") != std::string::npos);
  BOOST_TEST(effective.find("run_index = 1") != std::string::npos);
  BOOST_TEST(effective.find("[sweep]") == std::string::npos);
  BOOST_TEST(effective.find("usd_per_gpu_hour") != std::string::npos);  // from data/prices, now inline
  s.write("again.toml", effective);
  const auto again = run_without_data(s, "again.toml", "again.h5");
  BOOST_REQUIRE_MESSAGE(again.status == 0, again.err);

  H5File a(s.dir() / "full.h5"), b(s.dir() / "again.h5");
  for (const std::string table : {"requests", "timeseries"}) {
    const auto bytes = a.raw_bytes("runs/0001/" + table);
    BOOST_TEST(!bytes.empty());
    BOOST_TEST((bytes == b.raw_bytes("runs/0000/" + table)), table);
  }
  // The two sweep points differ (the check above compares the right run, not any run).
  BOOST_TEST((a.raw_bytes("runs/0000/timeseries") != a.raw_bytes("runs/0001/timeseries")));
  // The metrics, the derived values and the effective config itself are the same again.
  const auto metric = [](const H5File& f, const char* name, int row) {
    return f.field<double>("summary", name, H5T_NATIVE_DOUBLE).at(static_cast<std::size_t>(row));
  };
  BOOST_TEST(metric(a, "output_tok_per_s", 1) == metric(b, "output_tok_per_s", 0));
  BOOST_TEST(metric(a, "ttft_p99_s", 1) == metric(b, "ttft_p99_s", 0));
  for (const char* name : {"kv_capacity_blocks", "kv_capacity_tokens", "kv_block_tokens"}) {
    BOOST_TEST(a.numeric_attr<std::int64_t>("/runs/0001", name, H5T_NATIVE_INT64) ==
                   b.numeric_attr<std::int64_t>("/runs/0000", name, H5T_NATIVE_INT64),
               name);
  }
  BOOST_TEST(a.field<std::int64_t>("effective", "kv_capacity_tokens", H5T_NATIVE_INT64).at(1) ==
             b.field<std::int64_t>("effective", "kv_capacity_tokens", H5T_NATIVE_INT64).at(0));
  BOOST_TEST(b.string_attr("/runs/0000", "effective_config_toml") == effective);
}

BOOST_AUTO_TEST_CASE(kv_capacity_is_stored_consistently) {
  Scratch s("effective_kv");
  s.write("eff.toml", kSweep);
  BOOST_REQUIRE(s.moelab({"run", "eff.toml", "-o", "r.h5"}).status == 0);
  H5File f(s.dir() / "r.h5");
  const auto blocks = f.field<std::int64_t>("effective", "kv_capacity_blocks", H5T_NATIVE_INT64);
  const auto tokens = f.field<std::int64_t>("effective", "kv_capacity_tokens", H5T_NATIVE_INT64);
  const auto block_tokens = f.field<std::int64_t>("effective", "kv_block_tokens", H5T_NATIVE_INT64);
  BOOST_REQUIRE(blocks.size() == 2u);
  for (std::size_t i = 0; i < 2; ++i) BOOST_TEST(tokens[i] == blocks[i] * block_tokens[i]);
  BOOST_TEST(blocks[1] < blocks[0]);  // less HBM given to the engine, fewer blocks
  // The timeseries' total blocks are the engine's own count: the stored capacity is the one it used.
  const auto total = f.field<std::int64_t>("runs/0001/timeseries", "kv_blocks_total", H5T_NATIVE_INT64);
  BOOST_REQUIRE(!total.empty());
  BOOST_TEST(total.front() == blocks[1]);
}

BOOST_AUTO_TEST_CASE(a_resolved_section_needs_every_field) {
  Scratch s("effective_missing");
  s.write("eff.toml", kSweep);
  BOOST_REQUIRE(s.moelab({"run", "eff.toml", "-o", "r.h5"}).status == 0);
  std::string effective;
  {
    H5File f(s.dir() / "r.h5");
    effective = f.string_attr("/runs/0000", "effective_config_toml");
  }
  // Drop one required engine field: with no data file behind it, that is an error naming the key.
  const auto at = effective.find("max_batched_tokens = ");
  BOOST_REQUIRE(at != std::string::npos);
  const auto end = effective.find('\n', at);
  s.write("broken.toml", effective.substr(0, at) + effective.substr(end + 1));
  const auto r = run_without_data(s, "broken.toml", "b.h5");
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err.find("engine.max_batched_tokens") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
