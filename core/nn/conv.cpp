// conv.cpp: see conv.hpp for the math.

// im2col and col2im move rows of k (3 or 5) numbers at a time. GCC turns such loops into calls
// of memcpy / memset, which cost more than the copy itself at that length (measured: a fifth of
// a conv step went to memmove); this keeps them as plain inline loops. It changes no arithmetic.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

#include "nn/conv.hpp"

#include <algorithm>
#include <cstddef>
#include <string>

#include "base/kernels.hpp"
#include "base/validate.hpp"

namespace bp {

namespace {

using Index = std::ptrdiff_t;  // pixel coordinates go negative inside the padding

// Where the layer's input and output sizes are read from, in the letters of conv.hpp.
struct Geometry {
    std::size_t C, Hi, Wi;  // input image
    std::size_t Co, Ho, Wo;  // output image
    std::size_t k, s, pad;
    std::size_t P() const { return Ho * Wo; }     // output positions = rows of cols
    std::size_t CKK() const { return C * k * k; }  // entries of one patch = columns of cols
};

Geometry geometry(const Conv2d& l) {
    return {l.spec.in.channels, l.spec.in.height, l.spec.in.width, l.out.channels, l.out.height,
            l.out.width,        l.spec.kernel,    l.spec.stride,   l.pad};
}

// The kernel columns j whose pixel s·x + j − p lies inside a row of Wi pixels: [j_lo, j_hi).
// (The same function gives the rows i for an output row y.)
struct Span {
    Index lo, hi;
};
Span inside(Index start, std::size_t k, std::size_t size) {
    const Index lo = std::max<Index>(0, -start);
    const Index hi = std::min<Index>(static_cast<Index>(k), static_cast<Index>(size) - start);
    return {lo, std::max(lo, hi)};
}

// cols[y·Wo + x, (c·k + i)·k + j] = X[c, s·y + i − p, s·x + j − p], 0 outside the image.
//   img: (C, Hi, Wi) one input image      cols: (P, C·k·k)
// K is the kernel size when known at compile time (0: read it from g): a kernel row that lies
// inside the image is then K plain moves, with no bounds to check.
template <std::size_t K>
void im2col_k(const Geometry& g, const double* __restrict img, double* __restrict cols) {
    const std::size_t k = K ? K : g.k, CKK = g.CKK();
    for (std::size_t y = 0; y < g.Ho; ++y) {
        const Index y0 = static_cast<Index>(g.s * y) - static_cast<Index>(g.pad);  // top row of the patch
        for (std::size_t x = 0; x < g.Wo; ++x) {
            const Index x0 = static_cast<Index>(g.s * x) - static_cast<Index>(g.pad);  // left column
            const Span cols_in = inside(x0, k, g.Wi);
            double* __restrict row = cols + (y * g.Wo + x) * CKK;  // (C·k·k) the patch
            const bool full_width = cols_in.lo == 0 && cols_in.hi == static_cast<Index>(k);
            for (std::size_t c = 0; c < g.C; ++c)
                for (std::size_t i = 0; i < k; ++i) {
                    double* dst = row + (c * k + i) * k;
                    const Index u = y0 + static_cast<Index>(i);  // the image row under kernel row i
                    if (u < 0 || u >= static_cast<Index>(g.Hi)) {
#pragma GCC unroll 8
                        for (std::size_t j = 0; j < k; ++j) dst[j] = 0.0;  // a padding row
                        continue;
                    }
                    const double* src = img + (c * g.Hi + static_cast<std::size_t>(u)) * g.Wi;
                    if (full_width) {
#pragma GCC unroll 8
                        for (std::size_t j = 0; j < k; ++j) dst[j] = src[x0 + static_cast<Index>(j)];
                    } else {
                        for (Index j = 0; j < static_cast<Index>(k); ++j)
                            dst[j] = j >= cols_in.lo && j < cols_in.hi ? src[x0 + j] : 0.0;
                    }
                }
        }
    }
}

// The adjoint of im2col: img[c, s·y + i − p, s·x + j − p] += cols[y·Wo + x, (c·k + i)·k + j]
// for every patch entry that lies inside the image (padding entries are dropped). img must be
// zeroed first. A pixel covered by several patches sums all their entries: this sum is what
// makes dX the full convolution of G with rot180(K) (conv.hpp).
template <std::size_t K>
void col2im_k(const Geometry& g, const double* __restrict cols, double* __restrict img) {
    const std::size_t k = K ? K : g.k, CKK = g.CKK();
    for (std::size_t y = 0; y < g.Ho; ++y) {
        const Index y0 = static_cast<Index>(g.s * y) - static_cast<Index>(g.pad);
        const Span rows_in = inside(y0, k, g.Hi);
        for (std::size_t x = 0; x < g.Wo; ++x) {
            const Index x0 = static_cast<Index>(g.s * x) - static_cast<Index>(g.pad);
            const Span cols_in = inside(x0, k, g.Wi);
            const double* __restrict row = cols + (y * g.Wo + x) * CKK;
            const bool full_width = cols_in.lo == 0 && cols_in.hi == static_cast<Index>(k);
            for (std::size_t c = 0; c < g.C; ++c)
                for (Index i = rows_in.lo; i < rows_in.hi; ++i) {
                    double* dst = img + (c * g.Hi + static_cast<std::size_t>(y0 + i)) * g.Wi;
                    const double* src = row + (c * k + static_cast<std::size_t>(i)) * k;
                    if (full_width) {
#pragma GCC unroll 8
                        for (std::size_t j = 0; j < k; ++j) dst[x0 + static_cast<Index>(j)] += src[j];
                    } else {
                        for (Index j = cols_in.lo; j < cols_in.hi; ++j) dst[x0 + j] += src[j];
                    }
                }
        }
    }
}

// The kernel sizes a page offers get their own copies of the loops.
void im2col(const Geometry& g, const double* img, double* cols) {
    switch (g.k) {
        case 3: return im2col_k<3>(g, img, cols);
        case 5: return im2col_k<5>(g, img, cols);
        default: return im2col_k<0>(g, img, cols);
    }
}

void col2im(const Geometry& g, const double* cols, double* img) {
    switch (g.k) {
        case 3: return col2im_k<3>(g, cols, img);
        case 5: return col2im_k<5>(g, cols, img);
        default: return col2im_k<0>(g, cols, img);
    }
}

void check_input(const Conv2d& l, const Mat& x) {
    if (cols(x) != l.spec.in.size())
        fail_arg("conv2d: input has " + std::to_string(cols(x)) + " columns, the layer expects " +
                 shape_text(l.spec.in) + " = " + std::to_string(l.spec.in.size()));
}

void check_weights(const Conv2d& l, const Geometry& g) {
    if (rows(l.W) != g.CKK() || cols(l.W) != g.Co || rows(l.b) != 1 || cols(l.b) != g.Co)
        fail_arg("conv2d: weights are not initialized for " + shape_text(l.spec.in) + " -> " +
                 shape_text(l.out) + " (call conv2d_init)");
}

}  // namespace

ImageShape conv2d_output_shape(const Conv2dSpec& spec) {
    check_count("conv2d.in_channels", spec.in.channels, 1, image_limits::kMaxChannels);
    check_count("conv2d.height", spec.in.height, 1, image_limits::kMaxSide);
    check_count("conv2d.width", spec.in.width, 1, image_limits::kMaxSide);
    check_count("conv2d.out_channels", spec.out_channels, 1, image_limits::kMaxChannels);
    check_count("conv2d.kernel", spec.kernel, 1, kMaxConvKernel);
    check_count("conv2d.stride", spec.stride, 1, 2);
    const std::size_t k = spec.kernel, s = spec.stride, Hi = spec.in.height, Wi = spec.in.width;
    std::size_t pad = 0;
    switch (spec.padding) {
        case Padding::Valid:
            if (k > Hi || k > Wi)
                fail_arg("conv2d: kernel " + size_text(k, k) + " is larger than its " + size_text(Hi, Wi) +
                         " input");
            break;
        case Padding::Same:
            if (k % 2 == 0)
                fail_arg("conv2d: padding \"same\" needs an odd kernel, not " + size_text(k, k));
            pad = (k - 1) / 2;
            break;
        default:
            fail_arg("conv2d.padding: invalid Padding value");
    }
    // Ho = ⌊(Hi + 2p − k)/s⌋ + 1; never below 1 here (valid: k ≤ Hi; same: Hi + 2p − k = Hi − 1).
    return {spec.out_channels, (Hi + 2 * pad - k) / s + 1, (Wi + 2 * pad - k) / s + 1};
}

const char* padding_name(Padding padding) {
    switch (padding) {
        case Padding::Valid: return "valid";
        case Padding::Same: return "same";
    }
    fail_arg("padding_name: invalid Padding value");
}

Padding padding_from_name(const std::string& name) {
    for (Padding p : {Padding::Valid, Padding::Same})
        if (name == padding_name(p)) return p;
    fail_arg("conv2d.padding: '" + name + "' is not a padding; allowed: valid, same");
}

void conv2d_init(Conv2d& layer, const Conv2dSpec& spec, Init init, Rng& rng) {
    const ImageShape out = conv2d_output_shape(spec);  // throws before anything changes
    layer.spec = spec;
    layer.out = out;
    layer.pad = spec.padding == Padding::Same ? (spec.kernel - 1) / 2 : 0;
    const std::size_t kk = spec.kernel * spec.kernel;
    const std::size_t fan_in = spec.in.channels * kk, fan_out = spec.out_channels * kk;
    layer.W = zeros(fan_in, spec.out_channels);
    layer.b = zeros(1, spec.out_channels);
    layer.dW = zeros(fan_in, spec.out_channels);
    layer.db = zeros(1, spec.out_channels);
    init_weights(layer.W, layer.b, fan_in, fan_out, init, rng);
}

void conv2d_forward(const Conv2d& layer, const Mat& x, ConvWork& work, Mat& y) {
    check_input(layer, x);
    const Geometry g = geometry(layer);
    check_weights(layer, g);
    const std::size_t N = rows(x), P = g.P(), Co = g.Co;
    const std::size_t Din = layer.spec.in.size(), Dout = layer.out.size();
    ensure_shape(work.cols, P, g.CKK());
    ensure_shape(y, N, Dout);
    for (std::size_t n = 0; n < N; ++n) {
        im2col(g, x.data() + n * Din, work.cols.data());       // cols = im2col(X[n])     (P, C·k·k)
        matmul_add_bias(work.cols, layer.W, layer.b, work.yt);  // Yn = cols W + b         (P, C_out)
        // Into NCHW: Y[n, o·P + p] = Yn[p, o]
        const double* __restrict yt = work.yt.data();
        double* __restrict yrow = y.data() + n * Dout;
        for (std::size_t o = 0; o < Co; ++o)
            for (std::size_t p = 0; p < P; ++p) yrow[o * P + p] = yt[p * Co + o];
    }
}

void conv2d_forward(const Conv2d& layer, const Mat& x, Conv2dCache& cache, Mat& y) {
    conv2d_forward(layer, x, cache.work, y);
    // Keep the input for backward (copied into a buffer that is reused from step to step).
    ensure_shape(cache.x, rows(x), cols(x));
    if (cache.x.data() != x.data()) std::copy(x.data(), x.data() + x.size(), cache.x.data());
}

void conv2d_backward(Conv2d& layer, const Mat& x, const Mat& dy, ConvWork& work, Mat* dx) {
    check_input(layer, x);
    const Geometry g = geometry(layer);
    check_weights(layer, g);
    const std::size_t N = rows(x), P = g.P(), Co = g.Co;
    const std::size_t Din = layer.spec.in.size(), Dout = layer.out.size();
    if (rows(dy) != N || cols(dy) != Dout)
        fail_arg("conv2d: dy is (" + std::to_string(rows(dy)) + "," + std::to_string(cols(dy)) +
                 "), the layer's output is (" + std::to_string(N) + ", " + shape_text(layer.out) + " = " +
                 std::to_string(Dout) + ")");
    ensure_shape(work.cols, P, g.CKK());
    ensure_shape(work.yt, P, Co);
    if (dx) {
        ensure_shape(*dx, N, Din);
        fill_zero(*dx);  // col2im adds into it
    }
    for (std::size_t n = 0; n < N; ++n) {
        // Gn[p, o] = dY[n, o·P + p]: the output gradient with one row per position
        const double* __restrict grow = dy.data() + n * Dout;
        double* __restrict gt = work.yt.data();
        for (std::size_t o = 0; o < Co; ++o)
            for (std::size_t p = 0; p < P; ++p) gt[p * Co + o] = grow[o * P + p];
        im2col(g, x.data() + n * Din, work.cols.data());  // the patches again (cheaper than keeping them)
        matmul_at_b_add(work.cols, work.yt, layer.dW);    // dW += colsᵀ Gn     (C·k·k, C_out)  = X ⋆ G
        sum_rows_add(work.yt, layer.db);                  // db += Σ_p Gn[p,:]  (1, C_out)
        if (dx) {
            matmul_a_bt(work.yt, layer.W, work.dcols);            // dcols = Gn Wᵀ   (P, C·k·k)
            col2im(g, work.dcols.data(), dx->data() + n * Din);  // dX[n] = G ∗ rot180(K)
        }
    }
}

void conv2d_backward(Conv2d& layer, Conv2dCache& cache, const Mat& dy, Mat* dx) {
    conv2d_backward(layer, cache.x, dy, cache.work, dx);
}

}  // namespace bp
