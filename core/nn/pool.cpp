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

// dX = 0 on the pixels of one plane that no window covers: the last column when Wi is odd, the
// last row when Hi is odd (backward writes every covered pixel itself).
void zero_uncovered(const ImageShape& in, const ImageShape& out, double* plane) {
    if (in.width > 2 * out.width)
        for (std::size_t u = 0; u < 2 * out.height; ++u) plane[u * in.width + in.width - 1] = 0.0;
    for (std::size_t u = 2 * out.height; u < in.height; ++u)
        for (std::size_t v = 0; v < in.width; ++v) plane[u * in.width + v] = 0.0;
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
    // The window's four pixels in row-major order, as offsets from its top-left pixel.
    const std::size_t offset[4] = {0, 1, Wi, Wi + 1};
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t c = 0; c < out.channels; ++c)
            for (std::size_t oy = 0; oy < out.height; ++oy) {
                const std::size_t row_start = c * in.plane() + 2 * oy * Wi;  // pixel (2y, 0) of plane c
                const double* __restrict top = x.data() + n * Din + row_start;
                const std::size_t o0 = (c * out.height + oy) * out.width;
                double* __restrict yo = y.data() + n * Dout + o0;
                std::size_t* __restrict arg = cache.argmax.data() + n * Dout + o0;
                for (std::size_t ox = 0; ox < out.width; ++ox) {
                    const double* window = top + 2 * ox;
                    // The first maximum wins: a later value takes over only when it is strictly
                    // greater, or NaN; once a NaN has won, nothing takes over. !(v <= best) is
                    // "v > best or v is NaN". Selects rather than branches: which pixel of a
                    // window wins is a coin toss the branch predictor would lose.
                    double best = window[0];
                    std::size_t win = 0;
                    for (std::size_t w = 1; w < 4; ++w) {
                        const double v = window[offset[w]];
                        const bool takes = best == best && !(v <= best);
                        best = takes ? v : best;
                        win = takes ? w : win;
                    }
                    yo[ox] = best;
                    arg[ox] = row_start + 2 * ox + offset[win];
                }
            }
}

void max_pool_backward(const ImageShape& in, const MaxPoolCache& cache, const Mat& dy, Mat& dx) {
    const ImageShape out = pool_output_shape(PoolKind::Max, in);
    const std::size_t Dout = out.size(), Din = in.size(), Wi = in.width;
    const std::size_t N = Dout ? cache.argmax.size() / Dout : 0;
    check_gradient(PoolKind::Max, out, dy, N);
    ensure_shape(dx, N, Din);
    for (std::size_t n = 0; n < N; ++n) {
        const double* grow = dy.data() + n * Dout;
        double* dxrow = dx.data() + n * Din;
        const std::size_t* arg = cache.argmax.data() + n * Dout;
        for (std::size_t c = 0; c < out.channels; ++c) {
            for (std::size_t oy = 0; oy < out.height; ++oy) {
                const std::size_t row_start = c * in.plane() + 2 * oy * Wi;
                double* __restrict top = dxrow + row_start;
                double* __restrict bottom = top + Wi;
                const std::size_t o0 = (c * out.height + oy) * out.width;
                for (std::size_t ox = 0; ox < out.width; ++ox) {
                    // δ goes to the winner, 0 to the other three (each pixel is in at most one
                    // window, so every covered pixel is written exactly once here)
                    const double g = grow[o0 + ox];
                    const std::size_t tl = row_start + 2 * ox, win = arg[o0 + ox];
                    top[2 * ox] = win == tl ? g : 0.0;
                    top[2 * ox + 1] = win == tl + 1 ? g : 0.0;
                    bottom[2 * ox] = win == tl + Wi ? g : 0.0;
                    bottom[2 * ox + 1] = win == tl + Wi + 1 ? g : 0.0;
                }
            }
            zero_uncovered(in, out, dxrow + c * in.plane());
        }
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
    for (std::size_t n = 0; n < N; ++n) {
        const double* grow = dy.data() + n * Dout;
        double* dxrow = dx.data() + n * Din;
        for (std::size_t c = 0; c < out.channels; ++c) {
            zero_uncovered(in, out, dxrow + c * in.plane());
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
}

}  // namespace bp
