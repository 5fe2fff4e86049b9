#include "lab/ab/ab_experiment.hpp"

#include <cstdio>
#include <iostream>

#include "lab/ab/ab_config.hpp"
#include "lab/ab/ab_plan.hpp"
#include "lab/config/strict_toml.hpp"

namespace moelab::ab {

int run_kernel_ab_experiment(const lab::ExperimentContext& ctx) {
  config::StrictTable root(ctx.root, ctx.source.file());
  const AbPlan plan = read_ab_plan(root, ctx.header.seed);
  const auto& reg = kernels::registry();
  if (ctx.validate_only) {
    validate_plan(reg, plan);
    std::printf("ok: %s: kernel-ab experiment, %zu case%s\n", ctx.source.file().c_str(), plan.cases.size(),
                plan.cases.size() == 1 ? "" : "s");
    return 0;
  }
  AbOutput out;
  out.path = ctx.output_path;
  out.command_line = ctx.command_line;
  out.config_toml = config::to_toml_text(ctx.root);
  out.config_path = ctx.source.file();
  return execute_plan(reg, plan, out, std::cout);
}

}  // namespace moelab::ab
