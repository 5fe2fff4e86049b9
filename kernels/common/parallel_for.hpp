#pragma once
// parallel_for(n, fn): fn(begin, end) over [0, n) split into contiguous chunks, one per hardware
// thread (at least `min_chunk` elements each). For host work whose elements are independent
// (counter-based input fills, reference rows): results do not depend on the thread count.
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace moelab::kernels {

template <class Fn>
void parallel_for(std::size_t n, Fn&& fn, std::size_t min_chunk = 1 << 16) {
  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = std::min(hw, std::max<std::size_t>(1, n / std::max<std::size_t>(1, min_chunk)));
  if (threads <= 1) {
    fn(std::size_t{0}, n);
    return;
  }
  const std::size_t chunk = (n + threads - 1) / threads;
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) {
    const std::size_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
    pool.emplace_back([&fn, begin, end] { fn(begin, end); });
  }
  fn(std::size_t{0}, std::min(n, chunk));
  for (auto& th : pool) th.join();
}

}  // namespace moelab::kernels
