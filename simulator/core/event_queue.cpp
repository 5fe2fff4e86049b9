#include "simulator/core/event_queue.hpp"

#include <algorithm>
#include <limits>

namespace moelab::sim {
namespace {
// std heap algorithms build a max-heap; "greater" puts the earliest event on top.
bool later(const Event& a, const Event& b) { return event_before(b, a); }
}  // namespace

void EventQueue::push(double time_s, EventKind kind, std::int32_t replica) {
  heap_.push_back(Event{time_s, next_sequence_++, kind, replica});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

Event EventQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Event e = heap_.back();
  heap_.pop_back();
  return e;
}

double EventQueue::next_time_s() const {
  return heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.front().time_s;
}

}  // namespace moelab::sim
