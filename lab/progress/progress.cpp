#include "lab/progress/progress.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace moelab::lab {
namespace {

std::size_t terminal_columns() {
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  return 100;
}

}  // namespace

ProgressStyle progress_style(bool quiet) {
  if (quiet) return ProgressStyle::quiet;
  return ::isatty(STDERR_FILENO) == 1 ? ProgressStyle::terminal : ProgressStyle::lines;
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "--";
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  const auto s = static_cast<long>(std::lround(seconds));
  if (s < 3600) return fmt::format("{}:{:02d}", s / 60, s % 60);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
}

std::string progress_status(std::size_t done, std::size_t total, std::size_t done_before, double elapsed_s,
                            double in_progress) {
  const double percent = total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  // Rate over this run's work only: points resumed from an earlier run took no time here.
  const double worked = static_cast<double>(done - std::min(done, done_before)) + std::max(0.0, in_progress);
  const double rate = elapsed_s > 0 ? worked / elapsed_s : 0.0;
  const double remaining = static_cast<double>(total - std::min(done, total)) - std::max(0.0, in_progress);
  std::string eta = "--";
  if (done >= total) {
    eta = format_duration(0);
  } else if (rate > 0) {
    eta = format_duration(std::max(0.0, remaining) / rate);
  }
  return fmt::format("{}/{} points ({:.0f}%), elapsed {}, {:.3g} points/s, ETA {}", done, total, percent,
                     format_duration(elapsed_s), rate, eta);
}

SweepProgress::SweepProgress(ProgressStyle style, std::size_t total_points, std::size_t done_before, std::FILE* out)
    : style_(style),
      total_(total_points),
      done_before_(done_before),
      done_(done_before),
      out_(out),
      start_(std::chrono::steady_clock::now()) {}

double SweepProgress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void SweepProgress::point_done(std::size_t index, const std::string& label) {
  ++done_;
  last_ = fmt::format("run {:04d}", index) + (label.empty() ? "" : " " + label);
  if (style_ == ProgressStyle::lines) {
    std::fprintf(out_, "[%zu/%zu] %s done; %s\n", done_, total_, last_.c_str(),
                 progress_status(done_, total_, done_before_, elapsed_s()).c_str());
    std::fflush(out_);
  } else if (style_ == ProgressStyle::terminal) {
    draw(0);
  }
}

void SweepProgress::tick(double in_progress) {
  if (style_ != ProgressStyle::terminal) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
  draw(in_progress);
}

void SweepProgress::draw(double in_progress) {
  last_draw_ = std::chrono::steady_clock::now();
  std::string line = progress_status(done_, total_, done_before_, elapsed_s(), in_progress);
  if (total_ == 1 || (in_progress > 0 && done_ + 1 == total_)) {
    // One point to go: show how far it is.
    constexpr int kWidth = 20;
    const double f = std::clamp(in_progress, 0.0, 1.0);
    const int filled = static_cast<int>(f * kWidth);
    line += fmt::format(" [{}{}]", std::string(filled, '#'), std::string(kWidth - filled, '.'));
  }
  if (!last_.empty()) line += " | last: " + last_;
  const std::size_t width = terminal_columns();
  if (line.size() >= width) line.resize(width - 1);
  std::fprintf(out_, "\r\033[K%s", line.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void SweepProgress::note(const std::string& text) {
  if (style_ == ProgressStyle::quiet) return;
  if (style_ == ProgressStyle::terminal && drawn_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
  drawn_ = false;
}

void SweepProgress::finish() {
  if (style_ != ProgressStyle::terminal || !drawn_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace moelab::lab
