// kernels.hpp: the hot loops of the core. Every layer's forward and backward is built from these.
//
// A dense layer needs three matrix products (forward, and the two halves of backward):
//   Y  = X W        X:(N,D)  W:(D,H)  Y:(N,H)     forward
//   dW += Xᵀ G      X:(N,D)  G:(N,H)  dW:(D,H)    gradient of the weights, G = dL/dY
//   dX = G Wᵀ       G:(N,H)  W:(D,H)  dX:(N,D)    gradient passed to the layer below
// plus the bias broadcast (Y += b) and its adjoint (db += Σ_n G[n,:]), and the element-wise
// tanh and sigmoid that dominate the time of small networks.
//
// How they are written:
//  * Raw-pointer loops over xtensor's contiguous row-major storage, in i-k-j order: the innermost
//    loop walks a row of W (or G) and a row of the output with stride 1, so the compiler can
//    vectorize it. The output row is cut into blocks of 8, 4, 2, 1 columns whose partial sums
//    stay in registers for the whole k loop (a loop over a row in memory would store and reload
//    it at every k). No xtensor expressions, no temporaries, no allocation: outputs are resized
//    with ensure_shape, which keeps the buffer when the shape is unchanged.
//  * Plain IEEE-754 double arithmetic in a fixed order (the core is built with -ffp-contract=off):
//    every output entry is summed from 0.0 (or from its old value, for the *_add kernels) over
//    the shared index in increasing order, exactly like a naive triple loop. Vectorizing and
//    blocking change which entries are computed together, never the order within one, so native
//    and WebAssembly builds produce the same bits (tests/core/test_kernels.cpp checks them).
//  * tanh and sigmoid come from mathfn.hpp (bp::fn), never from <cmath>: libm differs between
//    glibc (native) and musl (wasm) in the last bit.
//
// Outputs must not alias inputs (an output is overwritten while the inputs are read), except in
// the *_inplace functions. Shape mismatches throw std::invalid_argument: the checks cost O(1).
#pragma once

#include <cstddef>

#include "base/tensor.hpp"

namespace bp {

// Y = X W.            X:(N,D)  W:(D,H)  ->  Y:(N,H), resized if needed.
//   Y[n,h] = Σ_d X[n,d] W[d,h]
void matmul(const Mat& x, const Mat& w, Mat& y);

// Y = X W + b, fused: one pass instead of two, bits identical to matmul then add_bias.
//                     X:(N,D)  W:(D,H)  b:(1,H)  ->  Y:(N,H), resized if needed.
void matmul_add_bias(const Mat& x, const Mat& w, const Mat& b, Mat& y);

// dW += Xᵀ G.         X:(N,D)  G:(N,H)  dW:(D,H), which must already have that shape.
//   dW[d,h] += Σ_n X[n,d] G[n,h]     (adds: backward accumulates into parameter gradients)
void matmul_at_b_add(const Mat& x, const Mat& g, Mat& dw);

// dX = G Wᵀ.          G:(N,H)  W:(D,H)  ->  dX:(N,D), resized if needed.
//   dX[n,d] = Σ_h G[n,h] W[d,h]      (overwrites: an input gradient is fresh, not accumulated)
void matmul_a_bt(const Mat& g, const Mat& w, Mat& dx);

// Y[n,:] += b for every row n.     Y:(N,H)  b:(1,H)
void add_bias(Mat& y, const Mat& b);

// db += Σ_n G[n,:]    G:(N,H)  db:(1,H), which must already have that shape.
void sum_rows_add(const Mat& g, Mat& db);

// m = 0, every entry. Use this, not xtensor's m.fill(0.0), in code that runs every step: fill is
// an inline template, and the copy the wasm linker keeps may be one compiled for size in a cold
// file (-Oz), a byte-wise loop that took a sixth of a CNN training step (measured).
void fill_zero(Mat& m);
void fill_zero(double* p, std::size_t n);

// out[i] = tanh(in[i]) / σ(in[i]) for i < n, with bp::fn::tanh / bp::fn::sigmoid.
// `in` and `out` are either the same pointer (in place) or arrays that do not overlap.
void tanh_array(const double* in, double* out, std::size_t n);
void sigmoid_array(const double* in, double* out, std::size_t n);

// a = tanh(a), a = σ(a), element-wise in place.
void tanh_inplace(Mat& a);
void sigmoid_inplace(Mat& a);

}  // namespace bp
