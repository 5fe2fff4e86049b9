#pragma once
// Progress on stderr for long runs, only when stderr is a terminal (logs and pipes stay clean).
#include <chrono>
#include <cstddef>
#include <string>

namespace moelab::lab {

class Progress {
 public:
  // enabled = false makes every call a no-op; stderr_is_terminal() is the usual choice.
  explicit Progress(bool enabled) : enabled_(enabled) {}
  ~Progress() { finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Start a new line of work: "run 2/5 workload.arrivals.rate_per_s=8".
  void begin(std::size_t index, std::size_t count, const std::string& label);
  // fraction in [0, 1]; redraws at most a few times a second.
  void update(double fraction_done);
  // Replace the bar with a short note ("writing out/x.h5") until the next begin() or finish().
  void note(const std::string& text);
  // Clear the line.
  void finish();

  static bool stderr_is_terminal();

 private:
  void draw(double fraction_done);
  bool enabled_;
  bool drawn_ = false;
  std::string prefix_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace moelab::lab
