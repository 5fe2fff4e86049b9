#include "lab/experiment/op_times_config.hpp"

#include <stdexcept>

#include "lab/config/key_ranges.hpp"
#include "lab/h5/op_time_reader.hpp"

namespace moelab::lab {
namespace {

struct ClassDefaults {
  sim::OpClass op_class;
  const char* op;            // the kernel-lab op measured for it by default
  const char* shape_column;  // the /summary column(s) that hold the class's shape key
};

constexpr ClassDefaults kClasses[] = {
    {sim::OpClass::expert_gemm, "grouped_gemm", "dim_tokens"},
    {sim::OpClass::prefill_attention, "attention.prefill", "dim_tokens"},
    {sim::OpClass::decode_attention, "attention.decode_paged", "dim_batch*dim_context_mean"},
};

constexpr NumberRange kCallsPerLayer{0, 1e6, true};

std::filesystem::path resolve(const std::string& file, const std::filesystem::path& config_dir) {
  const std::filesystem::path p(file);
  return p.is_absolute() ? p : config_dir / p;
}

}  // namespace

void read_op_times(config::StrictTable& section, const std::filesystem::path& config_dir, sim::EngineSpec& engine) {
  for (const ClassDefaults& cls : kClasses) {
    const std::string key(sim::to_string(cls.op_class));
    if (!section.has(key)) continue;
    const toml::node* value = section.raw().get(key);
    if (value->is_string()) {
      section.choice(key, {"analytic"});
      continue;
    }
    if (!value->is_table()) section.fail(key, "must be \"analytic\" or { file = \"ab.h5\", variant = \"...\" }");
    config::StrictTable t = section.table(key);
    const std::string file = t.string("file");
    const std::string variant = t.string("variant");
    const std::string op = t.string_or("op", cls.op);
    sim::MeasuredOpTable table;
    table.calls_per_layer = t.number_in_or("calls_per_layer", kCallsPerLayer, 1.0);
    const std::filesystem::path path = resolve(file, config_dir);
    try {
      h5::OpTimeRows rows = h5::read_op_times(path, op, variant, cls.shape_column);
      table.shape = std::move(rows.shape);
      table.seconds = std::move(rows.seconds);
      table.validate();
    } catch (const h5::OpTimeReadError& e) {
      using Part = h5::OpTimeReadError::Part;
      t.fail(e.part == Part::file ? "file" : e.part == Part::op ? "op" : "variant", e.what());
    } catch (const std::invalid_argument& e) {
      t.fail("variant", e.what());
    }
    table.source = std::filesystem::absolute(path).lexically_normal().string() + ":/summary op=" + op +
                   " variant=" + variant + " shape=" + cls.shape_column;
    engine.op_times.tables[static_cast<std::size_t>(cls.op_class)] = std::move(table);
    t.finish();
  }
  section.finish();
}

void make_op_time_paths_absolute(toml::table& root, const std::filesystem::path& config_dir) {
  auto* section = root.get_as<toml::table>("op_times");
  if (section == nullptr) return;
  for (auto&& [key, value] : *section) {
    auto* table = value.as_table();
    if (table == nullptr) continue;
    const auto* file = table->get_as<std::string>("file");
    if (file == nullptr) continue;
    const std::filesystem::path given = file->get();
    if (!given.is_absolute())
      table->insert_or_assign("file", std::filesystem::absolute(config_dir / given).lexically_normal().string());
  }
}

}  // namespace moelab::lab
