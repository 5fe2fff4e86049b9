#pragma once
// The simulator's clock: a min-heap of events ordered by (time, sequence number). Every push gets
// the next sequence number, so events at equal times pop in the order they were scheduled and a
// run never depends on heap internals.
#include <cstdint>
#include <vector>

namespace moelab::sim {

enum class EventKind : std::uint8_t {
  arrival,   // the workload's earliest pending request is due
  step_end,  // a replica's iteration finishes
};

struct Event {
  double time_s = 0;
  std::uint64_t sequence = 0;
  EventKind kind = EventKind::arrival;
  std::int32_t replica = -1;  // step_end: which replica
};

class EventQueue {
 public:
  void push(double time_s, EventKind kind, std::int32_t replica = -1);
  const Event& top() const { return heap_.front(); }
  Event pop();
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Earliest pending time, +infinity when empty.
  double next_time_s() const;
  std::uint64_t pushed() const { return next_sequence_; }

 private:
  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

// True when a must pop before b.
inline bool event_before(const Event& a, const Event& b) {
  if (a.time_s != b.time_s) return a.time_s < b.time_s;
  return a.sequence < b.sequence;
}

}  // namespace moelab::sim
