#pragma once
// Lane -> element maps of the warp-level tensor-core instructions the flash_mma kernel uses, as
// plain functions so the kernel and a host test (tests/kernels/attention/test_mma_layout.cpp,
// which emulates ldmatrix and mma.sync from the PTX ISA's fragment tables) share them.
//
// ldmatrix.x4: lane l supplies the address of row (l % 8) of 8x8 matrix (l / 8); the four
// matrices come back in registers r0..r3. mma.m16n8k16 fragments (PTX ISA, bf16):
//   A (16x16, row): reg0 = (row g, k 2t..2t+1), reg1 = (row g+8, same k), reg2 = (row g, k+8),
//                   reg3 = (row g+8, k+8)          with g = lane / 4, t = lane % 4
//   B (16x8, col):  reg0 = (k 2t..2t+1, col g), reg1 = (k 2t+8.., col g)
//   C (16x8, f32):  c[i] = (row g + 8*(i/2), col 2t + i%2)
#ifdef __CUDACC__
#define MOELAB_HD __host__ __device__ __forceinline__
#else
#define MOELAB_HD inline
#endif

namespace moelab::kernels::attention::mma_layout {

// Q as the A operand: one 16x16 tile (m-tile rows, one k-step of dims); r0..r3 = reg0..reg3.
MOELAB_HD int a_tile_row(int lane) { return (lane % 8) + ((lane / 8) % 2) * 8; }
MOELAB_HD int a_tile_col(int lane) { return (lane / 16) * 8; }

// K (stored [key][dim]) as the B operand of S = Q K^T: two 8-key n-tiles x one 16-dim k-step;
// r0, r1 = reg0, reg1 of key tile n; r2, r3 = those of key tile n + 1.
MOELAB_HD int k_tile_row(int lane) { return (lane % 8) + (lane / 16) * 8; }
MOELAB_HD int k_tile_col(int lane) { return ((lane / 8) % 2) * 8; }

// V (stored [key][dim]) as the B operand of O = P V, loaded with ldmatrix.trans: one 16-key
// k-step x two 8-dim n-tiles; r0, r1 = reg0, reg1 of dim tile dn; r2, r3 = those of dn + 1.
MOELAB_HD int v_tile_row(int lane) { return (lane % 8) + ((lane / 8) % 2) * 8; }
MOELAB_HD int v_tile_col(int lane) { return (lane / 16) * 8; }

// Accumulator element i (0..3) of a 16x8 C tile.
MOELAB_HD int c_row(int lane, int i) { return lane / 4 + (i / 2) * 8; }
MOELAB_HD int c_col(int lane, int i) { return (lane % 4) * 2 + i % 2; }

}  // namespace moelab::kernels::attention::mma_layout
