// fast_forward.cpp: see fast_forward.hpp.

// As in kernels.cpp: let GCC at -O2 vectorize loops of unknown length and if-convert the
// selects of fast_tanhf (clang, hence the wasm build, does both by default).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "fast_forward.hpp"

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

// y (N x H) = x (N x D) W (D x H) + b: for each row, start from b and add x[n,k] · W[k,:].
// The inner loop runs over H contiguous floats: 4 lanes per SIMD instruction.
void affine(const float* __restrict x, const float* __restrict W, const float* __restrict b,
            float* __restrict y, std::size_t N, std::size_t D, std::size_t H) {
    for (std::size_t n = 0; n < N; ++n) {
        float* __restrict yr = y + n * H;
        for (std::size_t j = 0; j < H; ++j) yr[j] = b[j];
        const float* xr = x + n * D;
        for (std::size_t k = 0; k < D; ++k) {
            const float xv = xr[k];
            const float* __restrict wr = W + k * H;
            for (std::size_t j = 0; j < H; ++j) yr[j] += xv * wr[j];
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
        case Activation::Softmax:
            for (std::size_t r = 0; r < N; ++r) {
                float* row = a + r * H;
                const float m = *std::max_element(row, row + H);
                float sum = 0;
                for (std::size_t j = 0; j < H; ++j) { row[j] = fast_expf(row[j] - m); sum += row[j]; }
                const float inv = 1.0f / sum;
                for (std::size_t j = 0; j < H; ++j) row[j] *= inv;
            }
            return;
    }
}

}  // namespace

void fast_mlp_forward(const FastMlp& f, const float* x, std::size_t N, std::vector<std::vector<float>>& a) {
    const std::size_t L = f.W.size();
    a.resize(L);
    const float* in = x;
    for (std::size_t l = 0; l < L; ++l) {
        a[l].resize(N * f.out[l]);
        affine(in, f.W[l].data(), f.b[l].data(), a[l].data(), N, f.in[l], f.out[l]);
        activate(f.act[l], a[l].data(), N, f.out[l]);
        in = a[l].data();
    }
}

}  // namespace bp
