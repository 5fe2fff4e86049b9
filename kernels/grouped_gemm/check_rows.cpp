#include "kernels/grouped_gemm/check_rows.hpp"

#include <algorithm>

#include "base/rng.hpp"
#include "kernels/grouped_gemm/cases.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

// Stream of the sampled check rows: they depend on the shape only (derive_seed(total rows, tag)),
// not on the input seed, so every seed checks the same rows.
constexpr std::uint64_t kCheckRowsStream = 1;

}  // namespace

std::vector<std::int64_t> choose_check_rows(const std::vector<std::int64_t>& m, const std::int32_t* offsets,
                                            double macs_per_row) {
  const std::int64_t total = offsets[m.size()];
  std::vector<std::int64_t> rows;
  if (static_cast<double>(total) * macs_per_row <= kFullCheckMaxMacs) {
    for (std::int64_t r = 0; r < total; ++r) rows.push_back(r);
    return rows;
  }
  std::vector<std::size_t> nonempty;
  for (std::size_t g = 0; g < m.size(); ++g) {
    if (m[g] > 0) nonempty.push_back(g);
  }
  Rng rng(derive_seed(static_cast<std::uint64_t>(total), kCheckRowsStream));
  if (nonempty.size() > static_cast<std::size_t>(kSampledCheckGroups)) {
    // Keep the first and last non-empty group and a seeded sample of the others (partial
    // Fisher-Yates over positions 2..).
    std::swap(nonempty[1], nonempty.back());
    for (std::size_t i = 2; i < static_cast<std::size_t>(kSampledCheckGroups); ++i) {
      std::swap(nonempty[i], nonempty[i + rng.below(nonempty.size() - i)]);
    }
    nonempty.resize(kSampledCheckGroups);
  }
  for (std::size_t g : nonempty) {
    rows.push_back(offsets[g]);
    rows.push_back(offsets[g + 1] - 1);
  }
  while (rows.size() < static_cast<std::size_t>(kSampledCheckRows)) {
    rows.push_back(static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(total))));
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

}  // namespace moelab::kernels::grouped_gemm
