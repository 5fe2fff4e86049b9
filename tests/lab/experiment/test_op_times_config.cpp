// [op_times]: a kernel-lab A/B /summary read into the engine's measured op tables, and every bad
// file, op, variant or value reported at its key with file:line:col.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <fstream>

#include "lab/experiment/simulation_plan.hpp"
#include "lab/h5/table.hpp"
#include "lab/h5/writer.hpp"

namespace fs = std::filesystem;
using namespace moelab;

namespace {

struct Dir {
  fs::path path;
  Dir() : path(fs::temp_directory_path() / ("moelab_op_times_" + std::to_string(::getpid()))) {
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

const std::string kMoe =
    "[model]\nid = \"deepseek-v3\"\n"
    "[hardware]\nid = \"h800\"\n"
    "[engine]\nid = \"sglang\"\n"
    "[workload]\nkind = \"synthetic\"\nnum_requests = 10\nprompt_tokens = 100\noutput_tokens = 10\n"
    "arrivals = { kind = \"burst\" }\n"
    "[cluster.parallel]\nattention_dp = 32\nexpert_parallel = 32\n";

// The /summary columns the reader needs, as lab/ab/report_h5.cpp writes them (rows out of shape
// order, a row of another variant, one not "ok", one of another op).
void write_ab_file(const fs::path& file) {
  h5::Writer w(file);
  h5::Table t;
  t.add("op", "",
        std::vector<std::string>{"grouped_gemm", "grouped_gemm", "grouped_gemm", "grouped_gemm", "router.topk"})
      .add("variant", "", std::vector<std::string>{"ref.naive", "ref.naive", "kokkos.tiled", "ref.naive", "ref.naive"})
      .add("status", "", std::vector<std::string>{"ok", "ok", "ok", "wrong", "ok"})
      .add("median_s", "s", std::vector<double>{9e-3, 3e-3, 1e-3, 5e-3, 1e-4})
      .add("dim_tokens", "", std::vector<double>{2048, 512, 512, 1024, 16});
  w.write_table("/summary", t);
  w.commit();
}

std::string error_of(const fs::path& file) {
  try {
    lab::plan_simulation({file, {}}, "x");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(op_times_config)

BOOST_AUTO_TEST_CASE(a_kernel_lab_file_becomes_a_measured_table) {
  Dir d;
  write_ab_file(d.path / "ab.h5");
  const auto f = d.write(
      "m.toml", kMoe +
                    "[op_times]\nexpert_gemm = { file = \"ab.h5\", variant = \"ref.naive\", calls_per_layer = 2 }\n"
                    "decode_attention = \"analytic\"\n");
  const auto plan = lab::plan_simulation({f, {}}, "x");
  const auto& op_times = plan.runs.at(0).config.engine.op_times;
  const auto* t = op_times.measured(sim::OpClass::expert_gemm);
  BOOST_REQUIRE(t != nullptr);
  BOOST_TEST(t->shape == (std::vector<double>{512, 2048}));  // sorted; the wrong row left out
  BOOST_TEST(t->seconds == (std::vector<double>{3e-3, 9e-3}));
  BOOST_TEST(t->calls_per_layer == 2.0);
  BOOST_TEST(t->source.find((d.path / "ab.h5").string() + ":/summary op=grouped_gemm variant=ref.naive") == 0,
             t->source);
  BOOST_TEST(op_times.measured(sim::OpClass::decode_attention) == nullptr);
  BOOST_TEST(op_times.measured(sim::OpClass::prefill_attention) == nullptr);
  // The effective config names the file by its absolute path.
  BOOST_TEST(plan.runs.at(0).effective_config_toml.find((d.path / "ab.h5").string()) != std::string::npos);
  // Without [op_times] nothing is measured.
  const auto g = d.write("a.toml", kMoe);
  BOOST_TEST(!lab::plan_simulation({g, {}}, "x").runs.at(0).config.engine.op_times.any());
}

BOOST_AUTO_TEST_CASE(bad_sources_fail_at_their_key) {
  Dir d;
  write_ab_file(d.path / "ab.h5");
  auto f = d.write("file.toml", kMoe + "[op_times]\nexpert_gemm = { file = \"nope.h5\", variant = \"ref.naive\" }\n");
  BOOST_TEST(error_of(f).find("file.toml:17:24: op_times.expert_gemm.file: no such file") != std::string::npos,
             error_of(f));
  f = d.write("op.toml",
              kMoe + "[op_times]\nexpert_gemm = { file = \"ab.h5\", variant = \"ref.naive\", op = \"gemm\" }\n");
  BOOST_TEST(error_of(f).find("op.toml:17:61: op_times.expert_gemm.op: no rows of op 'gemm'") != std::string::npos,
             error_of(f));
  BOOST_TEST(error_of(f).find("(ops: grouped_gemm, router.topk)") != std::string::npos, error_of(f));
  f = d.write("variant.toml", kMoe + "[op_times]\nexpert_gemm = { file = \"ab.h5\", variant = \"cuda.x\" }\n");
  BOOST_TEST(error_of(f).find("variant.toml:17:43: op_times.expert_gemm.variant: no rows of variant 'cuda.x'") !=
                 std::string::npos,
             error_of(f));
  f = d.write(
      "shape.toml",
      kMoe + "[op_times]\ndecode_attention = { file = \"ab.h5\", variant = \"ref.naive\", op = \"grouped_gemm\" }\n");
  BOOST_TEST(
      error_of(f).find("op_times.decode_attention.file: /summary has no column 'dim_batch'") != std::string::npos,
      error_of(f));
  f = d.write("word.toml", kMoe + "[op_times]\nexpert_gemm = \"roofline\"\n");
  BOOST_TEST(error_of(f).find("word.toml:17:15: op_times.expert_gemm:") != std::string::npos, error_of(f));
  f = d.write("key.toml", kMoe + "[op_times]\ndense = \"analytic\"\n");
  BOOST_TEST(error_of(f).find("op_times.dense") != std::string::npos, error_of(f));
  f = d.write("h5.toml", kMoe + "[op_times]\nexpert_gemm = { file = \"h5.toml\", variant = \"ref.naive\" }\n");
  BOOST_TEST(error_of(f).find("op_times.expert_gemm.file: not an HDF5 file") != std::string::npos, error_of(f));
}

BOOST_AUTO_TEST_SUITE_END()
