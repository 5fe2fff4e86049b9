#pragma once
// Progress of a sweep on stderr: points done/total, elapsed time, rate and ETA.
//  - terminal: one line redrawn in place (at most a few times a second), with a bar for the
//    fraction done of the points in progress here;
//  - lines (stderr is a file or a pipe, as under mpirun or a batch system): one plain line per
//    finished point;
//  - quiet: nothing.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace moelab::lab {

enum class ProgressStyle { terminal, lines, quiet };

// quiet when asked; otherwise terminal when stderr is one, else lines.
ProgressStyle progress_style(bool quiet);

// "7/12 points (58%), elapsed 3.2 s, 2.19 points/s, ETA 2.3 s". `done_before` points were finished
// by an earlier run (resume) and do not count towards the rate; `in_progress` is the summed
// fraction done of the points being computed.
std::string progress_status(std::size_t done, std::size_t total, std::size_t done_before, double elapsed_s,
                            double in_progress = 0);
// 4.2 s, 12:05, 3:02:07.
std::string format_duration(double seconds);

class SweepProgress {
 public:
  SweepProgress(ProgressStyle style, std::size_t total_points, std::size_t done_before, std::FILE* out = stderr);
  ~SweepProgress() { finish(); }
  SweepProgress(const SweepProgress&) = delete;
  SweepProgress& operator=(const SweepProgress&) = delete;

  void point_done(std::size_t index, const std::string& label);
  // Terminal: redraw with the fraction done of the points in progress (rate-limited).
  void tick(double in_progress);
  // A message of its own: a line in both styles.
  void note(const std::string& text);
  // Clear the terminal line.
  void finish();
  double elapsed_s() const;

 private:
  void draw(double in_progress);
  ProgressStyle style_;
  std::size_t total_;
  std::size_t done_before_;
  std::size_t done_;
  std::FILE* out_;
  std::string last_;  // "run 0007 label" of the last finished point
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace moelab::lab
