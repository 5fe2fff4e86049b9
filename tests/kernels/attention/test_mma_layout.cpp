// The flash_mma kernel's lane -> element maps (kernels/attention/cuda/mma_layout.hpp) checked on
// the host: ldmatrix(.trans) and mma.sync.m16n8k16 are emulated from the PTX ISA's fragment
// tables, fed through the kernel's address maps, and compared with plain matrix products.
// (No GPU here; this is what can be verified of the tensor-core kernel without one.)
#include <array>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "kernels/attention/cuda/mma_layout.hpp"

namespace ml = moelab::kernels::attention::mma_layout;

namespace {

using Reg = std::array<float, 2>;                 // two 16-bit elements: [0] = low half
using Frag = std::array<std::array<Reg, 4>, 32>;  // ldmatrix.x4 result per lane

// ldmatrix.x4 from a row-major tile (stride in elements): lane l names row (l % 8) of matrix l / 8
// via (row_of(l), col_of(l)); every lane t then receives, from matrix j, row t/4 elements
// 2(t%4)..+1 (plain) or rows 2(t%4)..+1 of column t/4 (.trans).
template <class RowOf, class ColOf>
Frag ldmatrix_x4(const std::vector<float>& tile, int stride, int row0, int col0, RowOf row_of, ColOf col_of,
                 bool trans) {
  std::array<std::array<int, 8>, 4> row_start{};  // element offset of row r of matrix j
  for (int l = 0; l < 32; ++l) row_start[l / 8][l % 8] = (row0 + row_of(l)) * stride + col0 + col_of(l);
  Frag f{};
  for (int t = 0; t < 32; ++t) {
    for (int j = 0; j < 4; ++j) {
      for (int e = 0; e < 2; ++e) {
        f[t][j][e] = trans ? tile[row_start[j][2 * (t % 4) + e] + t / 4] : tile[row_start[j][t / 4] + 2 * (t % 4) + e];
      }
    }
  }
  return f;
}

// mma.m16n8k16: d[lane][i] += (A x B) at the C fragment position of (lane, i) (PTX tables).
void mma(std::array<std::array<float, 4>, 32>& d, const std::array<std::array<Reg, 4>, 32>& a,
         const std::array<std::array<Reg, 2>, 32>& b) {
  float A[16][16] = {}, B[16][8] = {};
  for (int l = 0; l < 32; ++l) {
    const int g = l / 4, t = l % 4;
    for (int e = 0; e < 2; ++e) {
      A[g][2 * t + e] = a[l][0][e];
      A[g + 8][2 * t + e] = a[l][1][e];
      A[g][2 * t + 8 + e] = a[l][2][e];
      A[g + 8][2 * t + 8 + e] = a[l][3][e];
      B[2 * t + e][g] = b[l][0][e];
      B[2 * t + 8 + e][g] = b[l][1][e];
    }
  }
  for (int l = 0; l < 32; ++l) {
    for (int i = 0; i < 4; ++i) {
      const int row = l / 4 + 8 * (i / 2), col = 2 * (l % 4) + i % 2;
      for (int k = 0; k < 16; ++k) d[l][i] += A[row][k] * B[k][col];
    }
  }
}

// Small integers: every product and sum is exact in float, so comparisons are exact.
std::vector<float> tile(int rows, int cols, int seed) {
  std::vector<float> v(rows * cols);
  for (int i = 0; i < rows * cols; ++i) v[i] = float((i * 7 + seed * 13) % 9 - 4);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mma_layout)

// S = Q K^T for 16 query rows x 16 keys (two n-tiles) over 32 dims (two k-steps), exactly as the
// kernel issues it.
BOOST_AUTO_TEST_CASE(qk_fragments_give_q_times_k_transposed) {
  constexpr int kDims = 32, kKeys = 16, kRows = 16;
  const auto q = tile(kRows, kDims, 1), k = tile(kKeys, kDims, 2);
  std::array<std::array<std::array<float, 4>, 32>, 2> s{};  // [n-tile][lane][i]
  for (int kk = 0; kk < kDims / 16; ++kk) {
    const Frag qa = ldmatrix_x4(q, kDims, 0, kk * 16, ml::a_tile_row, ml::a_tile_col, false);
    const Frag kb = ldmatrix_x4(k, kDims, 0, kk * 16, ml::k_tile_row, ml::k_tile_col, false);
    std::array<std::array<Reg, 2>, 32> b0{}, b1{};
    for (int l = 0; l < 32; ++l) {
      b0[l] = {kb[l][0], kb[l][1]};
      b1[l] = {kb[l][2], kb[l][3]};
    }
    mma(s[0], qa, b0);
    mma(s[1], qa, b1);
  }
  int mismatches = 0;
  for (int n = 0; n < 2; ++n) {
    for (int l = 0; l < 32; ++l) {
      for (int i = 0; i < 4; ++i) {
        const int row = ml::c_row(l, i), key = n * 8 + ml::c_col(l, i);
        float want = 0;
        for (int c = 0; c < kDims; ++c) want += q[row * kDims + c] * k[key * kDims + c];
        mismatches += s[n][l][i] != want;
      }
    }
  }
  BOOST_TEST(mismatches == 0);
}

// O = P V: P lives in the C fragments of two key n-tiles and is re-packed as the kernel does
// ((c0,c1), (c2,c3) of tile 2j, then of tile 2j+1) into the A fragment; V comes via ldmatrix.trans.
BOOST_AUTO_TEST_CASE(p_repacked_from_accumulators_times_v) {
  constexpr int kKeys = 16, kDims = 16;
  const auto p = tile(16, kKeys, 3), v = tile(kKeys, kDims, 4);
  std::array<std::array<std::array<float, 4>, 32>, 2> s{};  // P in C layout, [key tile][lane][i]
  for (int n = 0; n < 2; ++n) {
    for (int l = 0; l < 32; ++l) {
      for (int i = 0; i < 4; ++i) s[n][l][i] = p[ml::c_row(l, i) * kKeys + n * 8 + ml::c_col(l, i)];
    }
  }
  std::array<std::array<Reg, 4>, 32> pa{};
  for (int l = 0; l < 32; ++l) {
    pa[l][0] = {s[0][l][0], s[0][l][1]};
    pa[l][1] = {s[0][l][2], s[0][l][3]};
    pa[l][2] = {s[1][l][0], s[1][l][1]};
    pa[l][3] = {s[1][l][2], s[1][l][3]};
  }
  const Frag vb = ldmatrix_x4(v, kDims, 0, 0, ml::v_tile_row, ml::v_tile_col, true);
  std::array<std::array<Reg, 2>, 32> b0{}, b1{};
  for (int l = 0; l < 32; ++l) {
    b0[l] = {vb[l][0], vb[l][1]};
    b1[l] = {vb[l][2], vb[l][3]};
  }
  std::array<std::array<std::array<float, 4>, 32>, 2> o{};
  mma(o[0], pa, b0);
  mma(o[1], pa, b1);
  int mismatches = 0;
  for (int dn = 0; dn < 2; ++dn) {
    for (int l = 0; l < 32; ++l) {
      for (int i = 0; i < 4; ++i) {
        const int row = ml::c_row(l, i), dim = dn * 8 + ml::c_col(l, i);
        float want = 0;
        for (int j = 0; j < kKeys; ++j) want += p[row * kKeys + j] * v[j * kDims + dim];
        mismatches += o[dn][l][i] != want;
      }
    }
  }
  BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_SUITE_END()
