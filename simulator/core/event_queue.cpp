#include "simulator/core/event_queue.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace moelab::sim {
namespace {
// std heap algorithms build a max-heap; "greater" puts the earliest event on top.
bool later(const Event& a, const Event& b) { return event_before(b, a); }
}  // namespace

HandlerId EventQueue::add_handler(EventHandler& handler) {
  if (handlers_.size() >= std::numeric_limits<HandlerId>::max())
    throw std::logic_error("event queue: too many handlers");
  handlers_.push_back(&handler);
  return static_cast<HandlerId>(handlers_.size() - 1);
}

void EventQueue::push(double time_s, HandlerId handler, std::int64_t payload) {
  heap_.push_back(Event{time_s, next_sequence_++, handler, payload});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

Event EventQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Event e = heap_.back();
  heap_.pop_back();
  return e;
}

Event EventQueue::dispatch_next() {
  const Event e = pop();
  if (e.handler >= handlers_.size()) throw std::logic_error("event queue: event for an unregistered handler");
  handlers_[e.handler]->on_event(e);
  return e;
}

double EventQueue::next_time_s() const {
  return heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.front().time_s;
}

void EventQueue::clear() {
  heap_.clear();
  next_sequence_ = 0;
}

}  // namespace moelab::sim
