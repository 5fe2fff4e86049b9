#include "lab/parallel/coordinator.hpp"

#include <deque>
#include <stdexcept>

#include "base/input_error.hpp"

namespace moelab::lab {
namespace {

std::exception_ptr remote_failure(const RemoteWorkers& remote, const RemoteWorkers::Message& m) {
  const std::string text = remote.name(m.worker) + ": " + m.bytes;
  if (m.input_error) return std::make_exception_ptr(InputError({remote.name(m.worker), 0, 0}, "", m.bytes));
  return std::make_exception_ptr(std::runtime_error(text));
}

}  // namespace

void run_points(const std::vector<std::size_t>& pending, LocalPool& pool, RemoteWorkers* remote,
                const CoordinatorCallbacks& cb) {
  std::deque<std::size_t> queue(pending.begin(), pending.end());
  std::size_t outstanding = pending.size();  // handed out or queued, not yet finished
  std::exception_ptr failure;
  auto fail = [&](std::exception_ptr e) {
    if (!failure) failure = e;
    outstanding -= queue.size();  // never handed out now
    queue.clear();
  };
  auto finished = [&](std::size_t index, std::string bytes) {
    --outstanding;
    try {
      cb.on_result(index, std::move(bytes));
    } catch (...) {
      fail(std::current_exception());
    }
  };
  auto next = [&]() -> std::optional<std::size_t> {
    if (queue.empty()) return std::nullopt;
    const std::size_t i = queue.front();
    queue.pop_front();
    return i;
  };

  const bool with_remote = remote != nullptr && remote->any_left();
  while (outstanding > 0 || pool.busy() || (with_remote && remote->any_left())) {
    while (pool.idle() > 0) {
      const auto i = next();
      if (!i) break;
      pool.submit(*i);
    }
    if (with_remote) {
      while (auto m = remote->poll()) {
        using Kind = RemoteWorkers::Message::Kind;
        if (m->kind == Kind::bye) continue;
        if (m->kind == Kind::result) finished(m->index, std::move(m->bytes));
        if (m->kind == Kind::error) {
          if (m->index != static_cast<std::size_t>(-1)) --outstanding;
          fail(remote_failure(*remote, *m));
        }
        const auto i = next();
        if (i) {
          remote->assign(m->worker, *i, cb.key_of(*i));
        } else {
          remote->stop(m->worker);
        }
      }
    }
    // Short waits when ranks may be calling: their messages are polled between waits.
    if (auto d = pool.wait(std::chrono::milliseconds(with_remote ? 2 : 100))) {
      if (d->error) {
        --outstanding;
        fail(d->error);
      } else {
        finished(d->index, std::move(d->bytes));
      }
    }
    if (cb.on_tick) cb.on_tick();
  }
  if (failure) std::rethrow_exception(failure);
}

void release_workers(RemoteWorkers& remote) {
  while (remote.any_left()) {
    if (auto m = remote.poll()) {
      if (m->kind != RemoteWorkers::Message::Kind::bye) remote.stop(m->worker);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
}

}  // namespace moelab::lab
