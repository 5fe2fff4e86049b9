// "fcfs": first come, first served — arrival order, preempted sequences first (vLLM's default).
#include "simulator/engine/scheduler.hpp"

namespace moelab::sim {
namespace {
class SchedulerFcfs final : public Scheduler {
 public:
  std::string_view name() const override { return "fcfs"; }
  void order(std::deque<Sequence*>&, const KvCache&) override {}  // the queue is already in order
};
}  // namespace

std::unique_ptr<Scheduler> make_scheduler_fcfs() { return std::make_unique<SchedulerFcfs>(); }

}  // namespace moelab::sim
