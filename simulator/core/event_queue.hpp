#pragma once
// The simulator's clock: a min-heap of events ordered by (time, sequence number). Every push gets
// the next sequence number, so events at equal times pop in the order they were scheduled and a
// run never depends on heap internals.
//
// The event set is open: an event is a small POD (time, sequence, handler, payload) and a
// component that wants events registers an EventHandler once and gets a HandlerId for it
// (arrivals, instance step ends; later KV-transfer done, tier load done, ...). No enum of kinds
// to extend: a new event is a new handler.
#include <cstdint>
#include <vector>

namespace moelab::sim {

struct Event;

// Something that reacts to its own events; `payload` means whatever its pusher decided.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(const Event& event) = 0;
};

using HandlerId = std::uint16_t;

struct Event {
  double time_s = 0;
  std::uint64_t sequence = 0;
  HandlerId handler = 0;
  std::int64_t payload = 0;  // e.g. which instance; meaning is the handler's
};

class EventQueue {
 public:
  // Registers `handler` (which must outlive the queue's use) and returns its id.
  HandlerId add_handler(EventHandler& handler);
  void push(double time_s, HandlerId handler, std::int64_t payload = 0);
  const Event& top() const { return heap_.front(); }
  Event pop();
  // Pops the earliest event and hands it to its handler; returns it.
  Event dispatch_next();
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Earliest pending time, +infinity when empty.
  double next_time_s() const;
  std::uint64_t pushed() const { return next_sequence_; }
  // Drops pending events (handlers stay registered).
  void clear();

 private:
  std::vector<Event> heap_;
  std::vector<EventHandler*> handlers_;
  std::uint64_t next_sequence_ = 0;
};

// True when a must pop before b.
inline bool event_before(const Event& a, const Event& b) {
  if (a.time_s != b.time_s) return a.time_s < b.time_s;
  return a.sequence < b.sequence;
}

}  // namespace moelab::sim
