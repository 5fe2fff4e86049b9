#pragma once
// Helpers shared by the workload tests: draining a workload, temp files, simple statistics.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "simulator/workload/workload_spec.hpp"

namespace moelab::test {

// Pop up to n requests from an open-loop workload (stops early when it runs dry).
inline std::vector<sim::Request> drain(sim::Workload& w, std::size_t n) {
  std::vector<sim::Request> out;
  while (out.size() < n && w.peek_arrival_s()) out.push_back(w.pop());
  return out;
}

// A fresh file under the temp directory holding `text`; the name carries `tag` so failures are legible.
inline std::filesystem::path write_temp(const std::string& tag, const std::string& text) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() / "moelab_test_sim_workload";
  std::filesystem::create_directories(dir);
  const auto path = dir / (tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::ofstream(path) << text;
  return path;
}

struct Moments {
  double mean = 0, sd = 0;
  double cv() const { return sd / mean; }
};

inline Moments moments(const std::vector<double>& x) {
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - m.mean) * (v - m.mean);
  m.sd = std::sqrt(ss / static_cast<double>(x.size() - 1));
  return m;
}

inline sim::LengthDistribution fixed_length(double v) {
  sim::LengthDistribution d;
  d.kind = "fixed";
  d.value = v;
  return d;
}

}  // namespace moelab::test
