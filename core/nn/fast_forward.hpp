// fast_forward.hpp: the network's forward pass in float32, for drawing only.
//
// The page redraws the decision boundary and every neuron's thumbnail many times a second:
// tens of thousands of points per frame through the whole network. That picture needs about
// three significant digits (8-bit colour), not sixteen, so this path runs in float32 (four
// lanes per wasm SIMD register instead of two) with a float tanh/sigmoid of about 1e-7
// relative accuracy. Training, losses, gradients and everything the tests compare with
// finite differences stay in float64 (mlp.hpp); this path never feeds back into training.
//
// Same math as mlp_forward:  a_l = f_l(a_{l-1} W_l + b_l),  a_{-1} = x,  per layer, batched.
// Agreement with the float64 pass is tested (tests/core/test_fast_forward.cpp): outputs within
// 1e-5 absolute for the networks the page builds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nn/activations.hpp"
#include "nn/mlp.hpp"

namespace bp {

// A float32 copy of an Mlp's weights (refreshed before each use: a copy costs microseconds).
struct FastMlp {
    std::vector<std::vector<float>> W, b;  // W[l] (in_l x out_l) row-major, b[l] (out_l)
    std::vector<std::size_t> in, out;      // layer widths
    std::vector<Activation> act;
};

void fast_mlp_from(const Mlp& net, FastMlp& fast);

// Node-major (one row per feature / neuron, N points along the row):
// x is (in[0] x N); out[l] must point to room for (out[l] x N) floats, where layer l's outputs
// are written. The caller owns the memory (the session points out[l] straight into the
// buffer the page reads, so nothing is copied afterwards).
void fast_mlp_forward(const FastMlp& fast, const float* x, std::size_t N, float* const* out);

// float32 exp / tanh / sigmoid (range reduction + degree-6 polynomial; about 1e-7 relative),
// inline so that loops over them vectorize.
// exp(x) = 2^n · e^r,  n = round(x / ln 2),  |r| ≤ ln2/2; e^r by Taylor to degree 6
// (remainder r^7/7! < 1.3e-7 relative). Branch-free so loops over it vectorize.
inline float fast_expf(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    constexpr float kLog2e = 1.44269504f;
    constexpr float kRound = 12582912.0f;      // 1.5 · 2^23: adding it rounds to an integer
    constexpr float kLn2Hi = 0.693359375f;     // ln 2 = hi + lo, hi with few mantissa bits
    constexpr float kLn2Lo = -2.12194440e-4f;
    const float t = x * kLog2e + kRound;
    const float n = t - kRound;
    const float r = (x - n * kLn2Hi) - n * kLn2Lo;
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    std::uint32_t tb;
    std::memcpy(&tb, &t, 4);
    std::uint32_t kb;
    const float round = kRound;
    std::memcpy(&kb, &round, 4);
    const std::uint32_t scale_bits = ((tb - kb) + 127u) << 23;  // 2^n, n in [-126, 127]
    float scale;
    std::memcpy(&scale, &scale_bits, 4);
    return p * scale;
}

inline float fast_tanhf(float x) {
    const float ax = x < 0 ? -x : x;
    const float t = 1.0f - 2.0f / (fast_expf(2.0f * ax) + 1.0f);
    return x < 0 ? -t : t;
}

inline float fast_sigmoidf(float x) { return 1.0f / (1.0f + fast_expf(-x)); }


}  // namespace bp
