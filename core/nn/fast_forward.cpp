// fast_forward.cpp: see fast_forward.hpp.

// As in kernels.cpp: let GCC at -O2 vectorize loops of unknown length and if-convert the
// selects of fast_tanhf (clang, hence the wasm build, does both by default).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "nn/fast_forward.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace bp {

void fast_mlp_from(const Mlp& net, FastMlp& f) {
    const std::size_t L = net.layers.size();
    f.W.resize(L); f.b.resize(L); f.in.resize(L); f.out.resize(L); f.act.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        const Dense& d = net.layers[l];
        f.in[l] = rows(d.W);
        f.out[l] = cols(d.W);
        f.W[l].assign(d.W.begin(), d.W.end());
        f.b[l].assign(d.b.begin(), d.b.end());
        f.act[l] = mlp_activation(net.config, l);
    }
}

namespace {

// Node-major: every array is (width x N), one row per neuron, so a neuron's outputs over all N
// points are contiguous. That is the layout the page's thumbnails need, and it puts the long
// dimension N in the inner loop, where it vectorizes fully (4 floats per SIMD instruction):
//   out[j, :] = b[j] + Σ_k W[k, j] · in[k, :]
void affine(const float* __restrict in, const float* __restrict W, const float* __restrict b,
            float* __restrict out, std::size_t N, std::size_t D, std::size_t H) {
    for (std::size_t j = 0; j < H; ++j) {
        float* __restrict o = out + j * N;
        const float bj = b[j];
        for (std::size_t n = 0; n < N; ++n) o[n] = bj;
        for (std::size_t k = 0; k < D; ++k) {
            const float w = W[k * H + j];
            const float* __restrict x = in + k * N;
            for (std::size_t n = 0; n < N; ++n) o[n] += w * x[n];
        }
    }
}

void activate(Activation f, float* a, std::size_t N, std::size_t H) {
    const std::size_t n = N * H;
    switch (f) {
        case Activation::Linear: return;
        case Activation::Tanh: for (std::size_t i = 0; i < n; ++i) a[i] = fast_tanhf(a[i]); return;
        case Activation::Sigmoid: for (std::size_t i = 0; i < n; ++i) a[i] = fast_sigmoidf(a[i]); return;
        case Activation::Relu: for (std::size_t i = 0; i < n; ++i) a[i] = a[i] > 0 ? a[i] : 0.0f; return;
        case Activation::LeakyRelu: for (std::size_t i = 0; i < n; ++i) a[i] = a[i] > 0 ? a[i] : 0.01f * a[i]; return;
        case Activation::Softmax: {
            // over the H rows of each column: max, exponentials, normalize
            std::vector<float> m(a, a + N), sum(N, 0.0f);
            for (std::size_t j = 1; j < H; ++j)
                for (std::size_t i = 0; i < N; ++i) m[i] = a[j * N + i] > m[i] ? a[j * N + i] : m[i];
            for (std::size_t j = 0; j < H; ++j)
                for (std::size_t i = 0; i < N; ++i) { a[j * N + i] = fast_expf(a[j * N + i] - m[i]); sum[i] += a[j * N + i]; }
            for (std::size_t j = 0; j < H; ++j)
                for (std::size_t i = 0; i < N; ++i) a[j * N + i] /= sum[i];
            return;
        }
    }
}

}  // namespace

void fast_mlp_forward(const FastMlp& f, const float* x, std::size_t N, float* const* out) {
    const float* in = x;
    for (std::size_t l = 0; l < f.W.size(); ++l) {
        affine(in, f.W[l].data(), f.b[l].data(), out[l], N, f.in[l], f.out[l]);
        activate(f.act[l], out[l], N, f.out[l]);
        in = out[l];
    }
}

}  // namespace bp
