// The scheduling-policy registry: one declaration and one table line per policy.
#include <string>

#include "base/input_error.hpp"
#include "simulator/engine/scheduler.hpp"

namespace moelab::sim {

std::unique_ptr<Scheduler> make_scheduler_fcfs();            // scheduler_fcfs.cpp
std::unique_ptr<Scheduler> make_scheduler_longest_prefix();  // scheduler_longest_prefix.cpp

namespace {
struct SchedulerPolicy {
  const char* name;
  std::unique_ptr<Scheduler> (*make)();
};
const SchedulerPolicy kPolicies[] = {
    {"fcfs", &make_scheduler_fcfs},
    {"longest_prefix", &make_scheduler_longest_prefix},
};
}  // namespace

std::unique_ptr<Scheduler> make_scheduler(std::string_view name) {
  for (const auto& p : kPolicies)
    if (name == p.name) return p.make();
  std::string known;
  for (const auto& p : kPolicies) known += (known.empty() ? "" : ", ") + std::string(p.name);
  throw InputError({}, "engine.scheduler", "unknown scheduler '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<std::string> scheduler_policies() {
  std::vector<std::string> names;
  for (const auto& p : kPolicies) names.emplace_back(p.name);
  return names;
}

}  // namespace moelab::sim
