// dense.cpp: see dense.hpp for the math.
#include "nn/dense.hpp"

#include <algorithm>
#include <stdexcept>

#include "base/kernels.hpp"

namespace bp {

void dense_init(Dense& layer, std::size_t D, std::size_t H, Init init, Rng& rng) {
    layer.W = zeros(D, H);
    layer.b = zeros(1, H);
    layer.dW = zeros(D, H);
    layer.db = zeros(1, H);
    init_weights(layer.W, layer.b, D, H, init, rng);
}

void init_weights(Mat& Wm, Mat& b, std::size_t fan_in, std::size_t fan_out, Init init, Rng& rng) {
    double* W = Wm.data();
    const std::size_t size = Wm.size();
    switch (init) {
        case Init::Uniform:
            for (std::size_t i = 0; i < size; ++i) W[i] = rng.uniform(-0.5, 0.5);
            b.fill(0.1);
            return;
        case Init::Glorot: {
            // sqrt is correctly rounded (IEEE 754), hence deterministic like + and *.
            const double r = __builtin_sqrt(6.0 / static_cast<double>(fan_in + fan_out));
            for (std::size_t i = 0; i < size; ++i) W[i] = rng.uniform(-r, r);
            return;
        }
        case Init::He: {
            const double sd = __builtin_sqrt(2.0 / static_cast<double>(fan_in));
            for (std::size_t i = 0; i < size; ++i) W[i] = rng.normal(0.0, sd);
            return;
        }
        case Init::Zeros:
            return;
    }
    throw std::invalid_argument("init_weights: invalid Init value");
}

void dense_forward(const Dense& layer, const Mat& x, Mat& y) {
    if (cols(x) != rows(layer.W))
        throw std::invalid_argument("dense_forward: input has " + std::to_string(cols(x)) +
                                    " columns, the layer expects " +
                                    std::to_string(rows(layer.W)));
    matmul_add_bias(x, layer.W, layer.b, y);  // y = x W + b    (N,H), b broadcast over rows
}

void dense_forward(const Dense& layer, const Mat& x, DenseCache& cache, Mat& y) {
    dense_forward(layer, x, y);
    // Keep the input for backward (copied into a buffer that is reused from step to step).
    ensure_shape(cache.x, rows(x), cols(x));
    if (cache.x.data() != x.data()) std::copy(x.data(), x.data() + x.size(), cache.x.data());
}

void dense_backward(Dense& layer, const Mat& x, const Mat& dy, Mat* dx) {
    matmul_at_b_add(x, dy, layer.dW);       // dW += xᵀ dy    (D,H)
    sum_rows_add(dy, layer.db);             // db += Σ_n dy   (1,H)
    if (dx) matmul_a_bt(dy, layer.W, *dx);  // dx = dy Wᵀ     (N,D)
}

void dense_backward(Dense& layer, const DenseCache& cache, const Mat& dy, Mat* dx) {
    dense_backward(layer, cache.x, dy, dx);
}

const char* init_name(Init init) {
    switch (init) {
        case Init::Uniform: return "uniform";
        case Init::Glorot: return "glorot";
        case Init::He: return "he";
        case Init::Zeros: return "zeros";
    }
    throw std::invalid_argument("init_name: invalid Init value");
}

Init init_from_name(const std::string& name) {
    for (Init i : {Init::Uniform, Init::Glorot, Init::He, Init::Zeros})
        if (name == init_name(i)) return i;
    throw std::invalid_argument("unknown init '" + name + "'; allowed: uniform, glorot, he, zeros");
}

}  // namespace bp
