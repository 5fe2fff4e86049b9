#include "lab/h5/interrupt_cleanup.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>

namespace moelab::h5 {
namespace {

constexpr int kSlots = 8;
constexpr std::size_t kMaxPath = 4096;

// Plain arrays and atomics only: the handler may touch nothing that could be mid-update.
struct Slot {
  std::atomic<bool> active{false};
  char path[kMaxPath] = {};
};
std::array<Slot, kSlots> g_slots;
std::mutex g_register_mutex;

extern "C" void remove_temporaries_and_reraise(int sig) {
  for (auto& s : g_slots) {
    if (s.active.load()) ::unlink(s.path);  // async-signal-safe
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// SIGINT is handled even when inherited as ignored: a shell starts background jobs with SIGINT
// ignored, and `kill -INT` must still stop such a run cleanly. SIGTERM and SIGHUP keep an
// inherited "ignore" (nohup ignores SIGHUP on purpose).
bool take_over(int sig, const struct sigaction& current) {
  if (current.sa_handler == SIG_DFL) return true;
  return sig == SIGINT && current.sa_handler == SIG_IGN;
}

void install_handlers_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction current {};
      if (sigaction(sig, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) == 0 && take_over(sig, current)) {
        struct sigaction act {};
        act.sa_handler = remove_temporaries_and_reraise;
        sigemptyset(&act.sa_mask);
        sigaction(sig, &act, nullptr);
      }
    }
  });
}

}  // namespace

void install_interrupt_handlers() { install_handlers_once(); }

int register_interrupt_cleanup(const std::filesystem::path& path) {
  const std::string p = path.string();
  if (p.size() >= kMaxPath) return -1;
  install_handlers_once();
  std::lock_guard lock(g_register_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (!g_slots[i].active.load()) {
      std::memcpy(g_slots[i].path, p.c_str(), p.size() + 1);
      g_slots[i].active.store(true);
      return i;
    }
  }
  return -1;
}

void unregister_interrupt_cleanup(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  std::lock_guard lock(g_register_mutex);
  g_slots[slot].active.store(false);
}

}  // namespace moelab::h5
