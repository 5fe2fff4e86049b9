// Spec loaders: experiment overrides over data files, error locations, ids, source checks.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "lab/config/spec_loaders.hpp"
#include "lab/config/spec_prices.hpp"
#include "tests/support/paths.hpp"

namespace {
namespace fs = std::filesystem;
using namespace moelab::config;

// An experiment text parsed as if read from "exp.toml"; section() views its [<name>] table the way
// the lab's config reader does.
struct Experiment {
  toml::table root;
  explicit Experiment(const std::string& text) : root(parse_text(text, "exp.toml")) {}
  StrictTable section(const std::string& name) {
    return StrictTable(*root.get_as<toml::table>(name), "exp.toml", name);
  }
};

// A private data directory (MOELAB_DATA_DIR) for files with deliberate mistakes.
struct ScratchDataDir {
  fs::path dir;
  ScratchDataDir() {
    dir = fs::temp_directory_path() / ("moelab_spec_test_" + std::to_string(::getpid()));
    fs::create_directories(dir / "models");
    fs::create_directories(dir / "hardware");
    fs::create_directories(dir / "engines");
    setenv("MOELAB_DATA_DIR", dir.c_str(), 1);
  }
  ~ScratchDataDir() {
    unsetenv("MOELAB_DATA_DIR");
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string& rel, const std::string& text) { std::ofstream(dir / rel) << text; }
};

const char* kTinyModel = R"(display_name = "Tiny"
d_model = 64
n_layers = 2
vocab_size = 100
attention = "gqa"
n_heads = 4
n_kv_heads = 2
head_dim = 16
dense_ffn_dim = 128
published_total_params_billion = 0.0001
weight_bytes_per_param = 2.0
kv_bytes_per_element = 2.0
)";

template <class F>
moelab::InputError error_of(F&& f) {
  try {
    f();
  } catch (const moelab::InputError& e) {
    return e;
  }
  BOOST_FAIL("expected an InputError");
  throw;  // unreachable
}
}  // namespace

BOOST_AUTO_TEST_SUITE(spec_loaders)

BOOST_AUTO_TEST_CASE(data_dir_defaults_to_the_repository_data) {
  BOOST_TEST(fs::equivalent(data_dir(), moelab::test::data_dir()));
  const auto models = list_ids("models");
  BOOST_TEST((std::find(models.begin(), models.end(), "llama-3.1-8b") != models.end()));
  BOOST_TEST(std::is_sorted(models.begin(), models.end()));
  BOOST_TEST(list_ids("hardware").size() == 7u);
  const auto engines = list_ids("engines");
  BOOST_TEST((std::find(engines.begin(), engines.end(), "baseline") != engines.end()));
}

BOOST_AUTO_TEST_CASE(every_data_file_loads) {
  for (const auto& id : list_ids("models")) BOOST_CHECK_NO_THROW(load_model_by_id(id));
  for (const auto& id : list_ids("hardware")) BOOST_CHECK_NO_THROW(load_hardware_by_id(id));
  for (const auto& id : list_ids("engines")) BOOST_CHECK_NO_THROW(load_engine_by_id(id));
  BOOST_TEST(!list_ids("kernels").empty());
  for (const auto& id : list_ids("kernels")) BOOST_CHECK_NO_THROW(load_kernel_profile_by_id(id));
}

BOOST_AUTO_TEST_CASE(mtp_needs_an_acceptance_rate) {
  Experiment exp("[engine]\nid = \"sglang\"\nmtp_draft_tokens = 1\n");
  auto section = exp.section("engine");
  const auto e = error_of([&] { load_engine(section); });
  BOOST_TEST(e.key() == "engine.mtp_draft_tokens");
  BOOST_TEST(e.where().line == 3);
  Experiment ok("[engine]\nid = \"sglang\"\nmtp_draft_tokens = 1\nmtp_acceptance_rate = 0.85\n");
  auto good = ok.section("engine");
  const auto eng = load_engine(good);
  BOOST_TEST(eng.mtp_tokens_per_step() == 1.85);
}

BOOST_AUTO_TEST_CASE(unknown_kernel_profile_is_an_error_at_the_engine_key) {
  Experiment exp("[engine]\nid = \"sglang\"\nkernel_profile = \"nope\"\n");
  auto section = exp.section("engine");
  const auto e = error_of([&] { load_engine(section); });
  BOOST_TEST(e.key() == "engine.kernel_profile");
  BOOST_TEST(e.where().line == 3);
}

BOOST_AUTO_TEST_CASE(units_are_converted) {
  const auto h = load_hardware_by_id("h100-sxm");
  BOOST_TEST(h.peak_bf16_flops == 989e12);
  BOOST_TEST(h.peak_fp8_flops == 1979e12);
  BOOST_TEST(h.hbm_bytes == 80e9);
  BOOST_TEST(h.hbm_bytes_per_s == 3.35e12);
  BOOST_TEST(h.nvlink_bytes_per_s == 900e9);
  BOOST_TEST(h.usd_per_gpu_hour == 1.99);  // data/prices/gpu_rental.toml default
  const auto m = load_model_by_id("deepseek-v3");
  BOOST_TEST(m.published_total_params == 671e9);
  BOOST_TEST(m.moe.n_dense_layers == 3);
  BOOST_TEST(!m.hypothetical);
  BOOST_TEST(load_model_by_id("seed-v4-1t-a32b").hypothetical);
  BOOST_TEST(load_model_by_id("deepseek-v4-pro").architecture_approximate);
}

BOOST_AUTO_TEST_CASE(override_wins_and_is_recorded) {
  Experiment exp(R"([model]
id = "llama-3.1-8b"
weight_bytes_per_param = 1.0
n_layers = 16

[hardware]
id = "h100-sxm"
usd_per_gpu_hour = 3.5
)");
  auto section = exp.section("model");
  const auto m = load_model(section);
  BOOST_TEST(m.weight_bytes_per_param == 1.0);
  BOOST_TEST(m.n_layers == 16);
  BOOST_TEST(m.d_model == 4096);  // from the data file
  BOOST_TEST(m.source.find("overridden by the experiment") != std::string::npos);
  BOOST_TEST(m.source.find("weight_bytes_per_param") != std::string::npos);
  auto hw = exp.section("hardware");
  BOOST_TEST(load_hardware(hw).usd_per_gpu_hour == 3.5);
}

BOOST_AUTO_TEST_CASE(bad_override_points_at_the_experiment_file) {
  Experiment exp("[model]\nid = \"llama-3.1-8b\"\n\nd_model = -5\n");
  auto section = exp.section("model");
  const auto e = error_of([&] { load_model(section); });
  BOOST_TEST(e.where().file == "exp.toml");
  BOOST_TEST(e.where().line == 4);
  BOOST_TEST(e.key() == "model.d_model");
}

BOOST_AUTO_TEST_CASE(unknown_override_key_points_at_the_experiment_file) {
  Experiment exp("[engine]\nid = \"baseline\"\nmax_num_seq = 12\n");
  auto section = exp.section("engine");
  const auto e = error_of([&] { load_engine(section); });
  BOOST_TEST(e.where().file == "exp.toml");
  BOOST_TEST(e.where().line == 3);
  BOOST_TEST(e.key() == "engine.max_num_seq");
}

BOOST_AUTO_TEST_CASE(override_of_a_field_foreign_to_the_architecture_is_rejected) {
  // kv_lora_rank means nothing for a GQA model: unknown key, not silently ignored.
  Experiment exp("[model]\nid = \"llama-3.1-8b\"\nkv_lora_rank = 512\n");
  auto section = exp.section("model");
  const auto e = error_of([&] { load_model(section); });
  BOOST_TEST(e.key() == "model.kv_lora_rank");
  BOOST_TEST(e.where().line == 3);
}

BOOST_AUTO_TEST_CASE(unknown_id_names_the_key_and_lists_ids) {
  Experiment exp("[model]\nid = \"llama-9\"\n");
  auto section = exp.section("model");
  const auto e = error_of([&] { load_model(section); });
  BOOST_TEST(e.key() == "model.id");
  BOOST_TEST(e.where().file == "exp.toml");
  BOOST_TEST(e.where().line == 2);
  BOOST_TEST(e.problem().find("llama-3.1-8b") != std::string::npos);
  BOOST_TEST(e.problem().find("deepseek-v3") != std::string::npos);
  BOOST_CHECK_THROW(load_hardware_by_id("h9000"), moelab::InputError);
}

BOOST_AUTO_TEST_CASE(missing_source_is_an_error_at_the_data_file) {
  ScratchDataDir scratch;
  scratch.write("models/tiny.toml", std::string(kTinyModel) + "\n[sources]\nd_model = \"made up for a test\"\n");
  const auto e = error_of([] { load_model_by_id("tiny"); });
  BOOST_TEST(e.where().file.find("tiny.toml") != std::string::npos);
  // Unsourced fields are reported in key order: "attention" (line 5) comes first.
  BOOST_TEST(e.where().line == 5);
  BOOST_TEST(e.key() == "attention");
  BOOST_TEST(e.problem().find("no source") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(default_source_covers_every_field) {
  ScratchDataDir scratch;
  scratch.write("models/tiny.toml", std::string(kTinyModel) + "\n[sources]\ndefault = \"a test\"\n");
  const auto m = load_model_by_id("tiny");
  BOOST_TEST(m.source == "a test");
  BOOST_TEST(m.n_kv_heads == 2);
}

BOOST_AUTO_TEST_CASE(source_naming_an_unknown_field_is_an_error) {
  ScratchDataDir scratch;
  scratch.write("models/tiny.toml",
                std::string(kTinyModel) + "\n[sources]\ndefault = \"a test\"\nd_modle = \"typo\"\n");
  const auto e = error_of([] { load_model_by_id("tiny"); });
  BOOST_TEST(e.key() == "sources.d_modle");
  BOOST_TEST(e.where().line == 16);
}

BOOST_AUTO_TEST_CASE(bad_value_in_data_file_points_at_the_data_file) {
  ScratchDataDir scratch;
  std::string text = kTinyModel;
  text.replace(text.find("n_kv_heads = 2"), 14, "n_kv_heads = 3");
  scratch.write("models/tiny.toml", text + "\n[sources]\ndefault = \"a test\"\n");
  const auto e = error_of([] { load_model_by_id("tiny"); });
  BOOST_TEST(e.where().file.find("tiny.toml") != std::string::npos);
  BOOST_TEST(e.where().line == 7);
  BOOST_TEST(e.key() == "n_kv_heads");
}

BOOST_AUTO_TEST_CASE(hardware_without_a_price_entry_defaults_to_zero) {
  BOOST_TEST(load_hardware_by_id("h100-pcie").usd_per_gpu_hour == 0.0);
  BOOST_TEST(load_hardware_by_id("h800").usd_per_gpu_hour == 2.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(prices)

BOOST_AUTO_TEST_CASE(price_files_are_strict_and_dated) {
  const auto gpus = moelab::config::load_gpu_rental_prices();
  BOOST_TEST(gpus.size() == 5u);
  const auto hardware = moelab::config::list_ids("hardware");
  for (const auto& p : gpus) {
    BOOST_TEST_CONTEXT(p.hardware_id) {
      // Every entry prices a hardware file, and the loader hands its default to that file's spec.
      BOOST_TEST((std::find(hardware.begin(), hardware.end(), p.hardware_id) != hardware.end()));
      BOOST_TEST(moelab::config::load_hardware_by_id(p.hardware_id).usd_per_gpu_hour == p.default_usd_per_gpu_hour);
      BOOST_TEST(!p.date.empty());
      if (p.on_demand_low_usd_per_gpu_hour > 0) {
        BOOST_TEST(p.on_demand_low_usd_per_gpu_hour <= p.on_demand_high_usd_per_gpu_hour);
      }
    }
  }
  const auto api = moelab::config::load_api_prices();
  BOOST_TEST(api.size() >= 10u);
  for (const auto& p : api) {
    BOOST_TEST_CONTEXT(p.model) {
      BOOST_TEST(!p.date.empty());
      BOOST_TEST(!p.source.empty());
      if (p.cache_hit_input_usd_per_mtok > 0) BOOST_TEST(p.cache_hit_input_usd_per_mtok < p.input_usd_per_mtok);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
