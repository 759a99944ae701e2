// dense.hpp: the fully connected (dense) layer, its backward pass and its weight initializations.
//
// Dense:  Y = X W + b        X:(N,D)  W:(D,H)  b:(1,H)  Y:(N,H)
// Given G = dL/dY:           dW += Xᵀ G     db += Σ_n G[n,:]     dX = G Wᵀ
//
// Why: Y[n,h] = Σ_d X[n,d] W[d,h] + b[h], so ∂Y[n,h]/∂W[d,h] = X[n,d], ∂Y[n,h]/∂b[h] = 1 and
// ∂Y[n,h]/∂X[n,d] = W[d,h]; the chain rule sums G[n,h] times these over everything that used them.
//
// Gradient convention (all of core/): backward ADDS into dW and db (zero them before a batch)
// and WRITES a fresh dX. The activation is not part of the layer (activations.hpp).
// What backward needs (the input X) lives outside the layer, so the same layer can be applied
// several times (an RNN over time) and a gradient check can re-run forward freely: either in a
// DenseCache, or, where the caller keeps the input anyway (an MLP keeps every layer's output,
// which is the next layer's input), passed straight to dense_backward.
#pragma once

#include <cstddef>
#include <string>

#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

struct Dense {
    Mat W;   // (D,H) weights: W[d,h] connects input d to neuron h
    Mat b;   // (1,H) biases
    Mat dW;  // (D,H) dL/dW, accumulated by dense_backward
    Mat db;  // (1,H) dL/db, accumulated by dense_backward
};

struct DenseCache {
    Mat x;  // (N,D) the input of the last forward, kept for dW = xᵀ dy
};

// Weight initialization schemes. D = fan-in, H = fan-out.
enum class Init {
    Uniform,  // W ~ U(−0.5, 0.5), b = 0.1: what TensorFlow Playground does (its nn.ts)
    Glorot,   // W ~ U(−r, r), r = sqrt(6 / (D + H)), b = 0: keeps activation and gradient
              // variances equal across layers for tanh (X. Glorot & Y. Bengio, AISTATS 2010)
    He,       // W ~ N(0, 2/D), b = 0: the same for ReLU, which halves the variance
              // (K. He, X. Zhang, S. Ren & J. Sun, "Delving Deep into Rectifiers", ICCV 2015)
    Zeros,    // W = 0, b = 0: every neuron of a layer computes the same thing and receives the
              // same gradient, so they stay identical forever (the symmetry problem)
};

// Sizes W, b, dW, db for D inputs and H neurons and fills W, b by the scheme; dW, db = 0.
// The weights are drawn from `rng` in row-major order of W (W[0,0], W[0,1], ...), so a seed
// gives the same weights in every build.
void dense_init(Dense& layer, std::size_t D, std::size_t H, Init init, Rng& rng);
// The scheme itself, for any layer with weights: fills W (already sized) and b by the scheme,
// fan_in and fan_out as the scheme counts them (conv2d: C·k·k in, C_out·k·k out).
void init_weights(Mat& W, Mat& b, std::size_t fan_in, std::size_t fan_out, Init init, Rng& rng);

// y = x W + b.   x:(N,D) -> y:(N,H), resized if needed.
// Throws std::invalid_argument when x has not D columns.
void dense_forward(const Dense& layer, const Mat& x, Mat& y);
// The same, keeping a copy of x in cache for dense_backward.
void dense_forward(const Dense& layer, const Mat& x, DenseCache& cache, Mat& y);

// Given x, the input of the forward pass (N,D), and dy = dL/dy (N,H): dW += xᵀ dy,
// db += Σ_n dy[n,:], and, when dx is not null, *dx = dy Wᵀ (N,D), resized if needed.
// (The first layer of a network passes null: nobody needs dL/dX.)
void dense_backward(Dense& layer, const Mat& x, const Mat& dy, Mat* dx);
// The same with the input taken from the cache of dense_forward.
void dense_backward(Dense& layer, const DenseCache& cache, const Mat& dy, Mat* dx);

// "uniform" "glorot" "he" "zeros"
const char* init_name(Init init);
// The inverse; an unknown name throws std::invalid_argument listing the allowed names.
Init init_from_name(const std::string& name);

}  // namespace bp
