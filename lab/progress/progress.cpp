#include "lab/progress/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace moelab::lab {

bool Progress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::begin(std::size_t index, std::size_t count, const std::string& label) {
  if (!enabled_) return;
  prefix_ = fmt::format("run {}/{}", index + 1, count);
  if (!label.empty()) prefix_ += " " + label;
  last_draw_ = {};
  draw(0);
}

void Progress::update(double fraction_done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  draw(fraction_done);
}

void Progress::draw(double fraction_done) {
  last_draw_ = std::chrono::steady_clock::now();
  const double f = std::clamp(fraction_done, 0.0, 1.0);
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(f * kWidth);
  std::fprintf(stderr, "\r\033[K%s [%s%s] %3.0f%%", prefix_.c_str(), std::string(filled, '#').c_str(),
               std::string(kWidth - filled, '.').c_str(), f * 100);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::note(const std::string& text) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K%s: %s", prefix_.c_str(), text.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace moelab::lab
