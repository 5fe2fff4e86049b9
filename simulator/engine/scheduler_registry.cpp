// The scheduling policies. Adding one: a file scheduler_<name>.cpp defining
// `std::unique_ptr<Scheduler> make_scheduler_<name>()`, plus its declaration and its table line below.
#include "simulator/engine/scheduler.hpp"

namespace moelab::sim {

SchedulerFactory make_scheduler_fcfs;            // scheduler_fcfs.cpp
SchedulerFactory make_scheduler_longest_prefix;  // scheduler_longest_prefix.cpp

const NamedRegistry<SchedulerFactory>& scheduler_registry() {
  static const NamedRegistry<SchedulerFactory> registry(
      "engine.scheduler", "scheduler",
      {
          {"fcfs", "first come, first served; preempted sequences first (vLLM's default)", make_scheduler_fcfs},
          {"longest_prefix", "most cached prompt tokens first, FCFS beyond 128 waiting (SGLang's lpm)",
           make_scheduler_longest_prefix},
      });
  return registry;
}

std::unique_ptr<Scheduler> make_scheduler(std::string_view name) { return scheduler_registry().lookup(name).make(); }

}  // namespace moelab::sim
