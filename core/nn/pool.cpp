// pool.cpp: see pool.hpp for the math.
#include "nn/pool.hpp"

#include <string>

#include "base/validate.hpp"

namespace bp {

namespace {

void check_columns(PoolKind kind, const ImageShape& in, const Mat& x) {
    if (cols(x) != in.size())
        fail_arg(std::string(pool_name(kind)) + ": input has " + std::to_string(cols(x)) +
                 " columns, the layer expects " + shape_text(in) + " = " + std::to_string(in.size()));
}

void check_gradient(PoolKind kind, const ImageShape& out, const Mat& dy, std::size_t N) {
    if (cols(dy) != out.size() || rows(dy) != N)
        fail_arg(std::string(pool_name(kind)) + ": dy is (" + std::to_string(rows(dy)) + "," +
                 std::to_string(cols(dy)) + "), the layer's output is (" + std::to_string(N) + ", " +
                 shape_text(out) + " = " + std::to_string(out.size()) + ")");
}

}  // namespace

const char* pool_name(PoolKind kind) { return kind == PoolKind::Max ? "max_pool" : "avg_pool"; }

ImageShape pool_output_shape(PoolKind kind, const ImageShape& in) {
    const std::string name = pool_name(kind);
    check_count(name + ".channels", in.channels, 1, image_limits::kMaxChannels);
    check_count(name + ".height", in.height, 1, image_limits::kMaxSide);
    check_count(name + ".width", in.width, 1, image_limits::kMaxSide);
    if (in.height < 2 || in.width < 2)
        fail_arg(name + ": input " + size_text(in.height, in.width) + " is smaller than its 2×2 window");
    return {in.channels, in.height / 2, in.width / 2};
}

void max_pool_forward(const ImageShape& in, const Mat& x, MaxPoolCache& cache, Mat& y) {
    const ImageShape out = pool_output_shape(PoolKind::Max, in);
    check_columns(PoolKind::Max, in, x);
    const std::size_t N = rows(x), Din = in.size(), Dout = out.size(), Wi = in.width;
    ensure_shape(y, N, Dout);
    cache.argmax.resize(N * Dout);  // keeps its buffer when the size is unchanged
    for (std::size_t n = 0; n < N; ++n) {
        const double* xrow = x.data() + n * Din;
        double* yrow = y.data() + n * Dout;
        std::size_t* arg = cache.argmax.data() + n * Dout;
        for (std::size_t c = 0; c < out.channels; ++c)
            for (std::size_t oy = 0; oy < out.height; ++oy)
                for (std::size_t ox = 0; ox < out.width; ++ox) {
                    const std::size_t top_left = c * in.plane() + 2 * oy * Wi + 2 * ox;
                    // the window in row-major order; the first maximum wins (strict >)
                    const std::size_t window[4] = {top_left, top_left + 1, top_left + Wi, top_left + Wi + 1};
                    std::size_t best = window[0];
                    for (std::size_t w = 1; w < 4; ++w) {
                        const double v = xrow[window[w]];
                        if (xrow[best] != xrow[best]) break;        // a NaN has won
                        if (v > xrow[best] || v != v) best = window[w];  // larger, or NaN
                    }
                    const std::size_t o = (c * out.height + oy) * out.width + ox;
                    yrow[o] = xrow[best];
                    arg[o] = best;
                }
    }
}

void max_pool_backward(const ImageShape& in, const MaxPoolCache& cache, const Mat& dy, Mat& dx) {
    const ImageShape out = pool_output_shape(PoolKind::Max, in);
    const std::size_t Dout = out.size(), Din = in.size();
    const std::size_t N = Dout ? cache.argmax.size() / Dout : 0;
    check_gradient(PoolKind::Max, out, dy, N);
    ensure_shape(dx, N, Din);
    dx.fill(0.0);  // the losers of every window, and a row or column no window covers
    for (std::size_t n = 0; n < N; ++n) {
        const double* grow = dy.data() + n * Dout;
        double* dxrow = dx.data() + n * Din;
        const std::size_t* arg = cache.argmax.data() + n * Dout;
        for (std::size_t o = 0; o < Dout; ++o) dxrow[arg[o]] = grow[o];  // δ goes to the winner
        // (= rather than +=: the windows do not overlap, each input has at most one window)
    }
}

void avg_pool_forward(const ImageShape& in, const Mat& x, Mat& y) {
    const ImageShape out = pool_output_shape(PoolKind::Average, in);
    check_columns(PoolKind::Average, in, x);
    const std::size_t N = rows(x), Din = in.size(), Dout = out.size(), Wi = in.width;
    ensure_shape(y, N, Dout);
    for (std::size_t n = 0; n < N; ++n) {
        const double* xrow = x.data() + n * Din;
        double* yrow = y.data() + n * Dout;
        for (std::size_t c = 0; c < out.channels; ++c)
            for (std::size_t oy = 0; oy < out.height; ++oy) {
                const double* top = xrow + c * in.plane() + 2 * oy * Wi;  // rows 2y and 2y + 1
                const double* bottom = top + Wi;
                double* yo = yrow + (c * out.height + oy) * out.width;
                for (std::size_t ox = 0; ox < out.width; ++ox)
                    yo[ox] = 0.25 * (top[2 * ox] + top[2 * ox + 1] + bottom[2 * ox] + bottom[2 * ox + 1]);
            }
    }
}

void avg_pool_backward(const ImageShape& in, const Mat& dy, Mat& dx) {
    const ImageShape out = pool_output_shape(PoolKind::Average, in);
    const std::size_t N = rows(dy), Din = in.size(), Dout = out.size(), Wi = in.width;
    check_gradient(PoolKind::Average, out, dy, N);
    ensure_shape(dx, N, Din);
    dx.fill(0.0);  // a row or column no window covers
    for (std::size_t n = 0; n < N; ++n) {
        const double* grow = dy.data() + n * Dout;
        double* dxrow = dx.data() + n * Din;
        for (std::size_t c = 0; c < out.channels; ++c)
            for (std::size_t oy = 0; oy < out.height; ++oy) {
                double* top = dxrow + c * in.plane() + 2 * oy * Wi;
                double* bottom = top + Wi;
                const double* go = grow + (c * out.height + oy) * out.width;
                for (std::size_t ox = 0; ox < out.width; ++ox) {
                    const double q = 0.25 * go[ox];  // ∂Y/∂X = ¼ for each of the four
                    top[2 * ox] = q;
                    top[2 * ox + 1] = q;
                    bottom[2 * ox] = q;
                    bottom[2 * ox + 1] = q;
                }
            }
    }
}

}  // namespace bp
