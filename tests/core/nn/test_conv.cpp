// Tests for core/conv.hpp: a 3×3 kernel on a 4×4 image computed by hand (stride 1 and 2, padding
// valid and same), its backward by hand (dW = X ⋆ G, dX = full convolution with rot180(K)), a
// multi-channel case (C_in = 2, C_out = 3, two images), the naive formulas and central
// differences on random shapes, buffer reuse, and the shape errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "nn/conv.hpp"
#include "nn/gradcheck.hpp"
#include "base/rng.hpp"

using bp::Conv2d;
using bp::Conv2dCache;
using bp::Conv2dSpec;
using bp::ImageShape;
using bp::Init;
using bp::Mat;
using bp::Padding;

namespace {

Mat mat(std::size_t r, std::size_t c, std::initializer_list<double> values) {
    Mat m = bp::zeros(r, c);
    if (values.size() != r * c) throw std::logic_error("mat: wrong number of values");
    std::size_t i = 0;
    for (double v : values) m.data()[i++] = v;
    return m;
}

Conv2d make_layer(ImageShape in, std::size_t c_out, std::size_t k, std::size_t stride, Padding padding) {
    bp::Rng rng(1);
    Conv2d layer;
    bp::conv2d_init(layer, Conv2dSpec{in, c_out, k, stride, padding}, Init::Zeros, rng);
    return layer;
}

// K[o,c,i,j] as PyTorch indexes its weight
double& kernel(Conv2d& l, std::size_t o, std::size_t c, std::size_t i, std::size_t j) {
    return l.W(bp::conv2d_weight_row(l, c, i, j), o);
}

// The 3×3 kernel and 4×4 image of the hand-computed cases.
//        K = [ 1  0 -1 ]        X = [ 1  2  0  1 ]        b = 0.5
//            [ 2  1  0 ]            [ 0  1  3  2 ]
//            [ 0 -1  1 ]            [ 2  0  1  0 ]
//                                   [ 1  3  2  1 ]
// With (a, b) the top-left pixel of a patch, the six non-zero weights give
//   Y = X[a,b] − X[a,b+2] + 2·X[a+1,b] + X[a+1,b+1] − X[a+2,b+1] + X[a+2,b+2] + 0.5
// and the terms below are written in that order.
const double kK[3][3] = {{1, 0, -1}, {2, 1, 0}, {0, -1, 1}};
const Mat kX = mat(1, 16, {1, 2, 0, 1, 0, 1, 3, 2, 2, 0, 1, 0, 1, 3, 2, 1});

Conv2d hand_layer(std::size_t stride, Padding padding) {
    Conv2d layer = make_layer({1, 4, 4}, 1, 3, stride, padding);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) kernel(layer, 0, 0, i, j) = kK[i][j];
    layer.b(0, 0) = 0.5;
    return layer;
}

std::vector<double> forward(const Conv2d& layer, const Mat& x) {
    Conv2dCache cache;
    Mat y;
    bp::conv2d_forward(layer, x, cache, y);
    return std::vector<double>(y.begin(), y.end());
}

// The formula of conv.hpp, summed in the plainest loops: an independent reference for im2col.
Mat naive_forward(const Conv2d& l, const Mat& x) {
    const ImageShape in = l.spec.in, out = l.out;
    const long k = static_cast<long>(l.spec.kernel), s = static_cast<long>(l.spec.stride),
               p = static_cast<long>(l.pad);
    Mat y = bp::zeros(bp::rows(x), out.size());
    for (std::size_t n = 0; n < bp::rows(x); ++n)
        for (std::size_t o = 0; o < out.channels; ++o)
            for (long oy = 0; oy < static_cast<long>(out.height); ++oy)
                for (long ox = 0; ox < static_cast<long>(out.width); ++ox) {
                    double sum = l.b(0, o);
                    for (std::size_t c = 0; c < in.channels; ++c)
                        for (long i = 0; i < k; ++i)
                            for (long j = 0; j < k; ++j) {
                                const long u = s * oy + i - p, v = s * ox + j - p;
                                if (u < 0 || v < 0 || u >= static_cast<long>(in.height) ||
                                    v >= static_cast<long>(in.width))
                                    continue;  // zero padding
                                sum += l.W(bp::conv2d_weight_row(l, c, i, j), o) *
                                       x(n, (c * in.height + u) * in.width + v);
                            }
                    y(n, (o * out.height + oy) * out.width + ox) = sum;
                }
    return y;
}

// dX as the full convolution of conv.hpp, written out: spread G by the stride (G_s[s·y, s·x] =
// G[y,x], zeros between), pad it with k−1−p zeros on the top and left, and correlate it with
// the kernel rotated by 180°:  dX[c,u,v] = Σ_o Σ_a Σ_b G_s[o, u + a − (k−1−p), v + b − (k−1−p)] ·
// K[o, c, k−1−a, k−1−b]. Nothing here knows about im2col or patches.
Mat full_convolution_dx(const Conv2d& l, const Mat& g) {
    const ImageShape in = l.spec.in, out = l.out;
    const long k = static_cast<long>(l.spec.kernel), s = static_cast<long>(l.spec.stride),
               p = static_cast<long>(l.pad);
    const long Hs = (static_cast<long>(out.height) - 1) * s + 1, Ws = (static_cast<long>(out.width) - 1) * s + 1;
    auto spread = [&](std::size_t n, std::size_t o, long r, long c) -> double {
        if (r < 0 || c < 0 || r >= Hs || c >= Ws || r % s || c % s) return 0.0;
        return g(n, (o * out.height + static_cast<std::size_t>(r / s)) * out.width + static_cast<std::size_t>(c / s));
    };
    Mat dx = bp::zeros(bp::rows(g), in.size());
    for (std::size_t n = 0; n < bp::rows(g); ++n)
        for (std::size_t c = 0; c < in.channels; ++c)
            for (long u = 0; u < static_cast<long>(in.height); ++u)
                for (long v = 0; v < static_cast<long>(in.width); ++v) {
                    double sum = 0.0;
                    for (std::size_t o = 0; o < out.channels; ++o)
                        for (long a = 0; a < k; ++a)
                            for (long b = 0; b < k; ++b) {
                                const double rot180 = l.W(bp::conv2d_weight_row(l, c, k - 1 - a, k - 1 - b), o);
                                sum += spread(n, o, u + a - (k - 1 - p), v + b - (k - 1 - p)) * rot180;
                            }
                    dx(n, (c * in.height + u) * in.width + v) = sum;
                }
    return dx;
}

// Same shape and the same numbers, bit for bit (xtensor's == is an expression Catch cannot take).
bool same(const Mat& a, const Mat& b) {
    return a.shape() == b.shape() && std::equal(a.begin(), a.end(), b.begin());
}

void fill_uniform(Mat& m, bp::Rng& rng) {
    for (double& v : m) v = rng.uniform(-1.0, 1.0);
}

// A (r, c) matrix of entries uniform in [−1, 1].
Mat random_mat(std::size_t r, std::size_t c, bp::Rng& rng) {
    Mat m = bp::zeros(r, c);
    fill_uniform(m, rng);
    return m;
}

// One case of the random-shape tests, and its layer: weights by `init`, biases uniform in [−1, 1].
struct ShapeCase {
    ImageShape in;
    std::size_t c_out, k, s;
    Padding padding;
};

Conv2d random_layer(const ShapeCase& t, Init init, bp::Rng& rng) {
    Conv2d layer;
    bp::conv2d_init(layer, {t.in, t.c_out, t.k, t.s, t.padding}, init, rng);
    fill_uniform(layer.b, rng);
    return layer;
}

}  // namespace

TEST_CASE("conv2d: 3×3 kernel on a 4×4 image, valid, stride 1", "[conv]") {
    // Ho = ⌊(4 − 3)/1⌋ + 1 = 2
    Conv2d layer = hand_layer(1, Padding::Valid);
    CHECK(layer.out == ImageShape{1, 2, 2});
    CHECK(forward(layer, kX) == std::vector<double>{
                                    3.5,   // Y[0,0]: 1 − 0 + 2·0 + 1 − 0 + 1 + 0.5
                                    5.5,   // Y[0,1]: 2 − 1 + 2·1 + 3 − 1 + 0 + 0.5
                                    0.5,   // Y[1,0]: 0 − 3 + 2·2 + 0 − 3 + 2 + 0.5
                                    -0.5,  // Y[1,1]: 1 − 2 + 2·0 + 1 − 2 + 1 + 0.5
                                });
}

TEST_CASE("conv2d: 3×3 kernel on a 4×4 image, valid, stride 2", "[conv]") {
    // Ho = ⌊(4 − 3)/2⌋ + 1 = 1: the one patch at (0,0); a second would start at column 2 and
    // stick out of the image, so the last row and column are never read (as in PyTorch).
    Conv2d layer = hand_layer(2, Padding::Valid);
    CHECK(layer.out == ImageShape{1, 1, 1});
    CHECK(forward(layer, kX) == std::vector<double>{3.5});  // 1 − 0 + 2·0 + 1 − 0 + 1 + 0.5
}

TEST_CASE("conv2d: 3×3 kernel on a 4×4 image, same, stride 1", "[conv]") {
    // p = (3 − 1)/2 = 1, Ho = ⌊(4 + 2 − 3)/1⌋ + 1 = 4. The padded image, (a, b) in its coordinates:
    //   0 0 0 0 0 0
    //   0 1 2 0 1 0
    //   0 0 1 3 2 0
    //   0 2 0 1 0 0
    //   0 1 3 2 1 0
    //   0 0 0 0 0 0
    Conv2d layer = hand_layer(1, Padding::Same);
    CHECK(layer.pad == 1);
    CHECK(layer.out == ImageShape{1, 4, 4});
    CHECK(forward(layer, kX) == std::vector<double>{
                                    2.5,   // Y[0,0]: 0 − 0 + 2·0 + 1 − 0 + 1 + 0.5
                                    6.5,   // Y[0,1]: 0 − 0 + 2·1 + 2 − 1 + 3 + 0.5
                                    3.5,   // Y[0,2]: 0 − 0 + 2·2 + 0 − 3 + 2 + 0.5
                                    -0.5,  // Y[0,3]: 0 − 0 + 2·0 + 1 − 2 + 0 + 0.5
                                    -3.5,  // Y[1,0]: 0 − 2 + 2·0 + 0 − 2 + 0 + 0.5
                                    3.5,   // Y[1,1]: 1 − 0 + 2·0 + 1 − 0 + 1 + 0.5  (= valid Y[0,0])
                                    5.5,   // Y[1,2]: 2 − 1 + 2·1 + 3 − 1 + 0 + 0.5  (= valid Y[0,1])
                                    8.5,   // Y[1,3]: 0 − 0 + 2·3 + 2 − 0 + 0 + 0.5
                                    3.5,   // Y[2,0]: 0 − 1 + 2·0 + 2 − 1 + 3 + 0.5
                                    0.5,   // Y[2,1]: 0 − 3 + 2·2 + 0 − 3 + 2 + 0.5  (= valid Y[1,0])
                                    -0.5,  // Y[2,2]: 1 − 2 + 2·0 + 1 − 2 + 1 + 0.5  (= valid Y[1,1])
                                    4.5,   // Y[2,3]: 3 − 0 + 2·1 + 0 − 1 + 0 + 0.5
                                    1.5,   // Y[3,0]: 0 − 0 + 2·0 + 1 − 0 + 0 + 0.5
                                    6.5,   // Y[3,1]: 2 − 1 + 2·1 + 3 − 0 + 0 + 0.5
                                    8.5,   // Y[3,2]: 0 − 0 + 2·3 + 2 − 0 + 0 + 0.5
                                    6.5,   // Y[3,3]: 1 − 0 + 2·2 + 1 − 0 + 0 + 0.5
                                });
}

TEST_CASE("conv2d: 3×3 kernel on a 4×4 image, same, stride 2", "[conv]") {
    // p = 1, Ho = ⌊(4 + 2 − 3)/2⌋ + 1 = 2 = ⌈4/2⌉: the patches at padded (0,0), (0,2), (2,0), (2,2),
    // i.e. every other output of the stride-1 case.
    Conv2d layer = hand_layer(2, Padding::Same);
    CHECK(layer.out == ImageShape{1, 2, 2});
    CHECK(forward(layer, kX) == std::vector<double>{
                                    2.5,   // Y[0,0]: 0 − 0 + 2·0 + 1 − 0 + 1 + 0.5
                                    3.5,   // Y[0,1]: 0 − 0 + 2·2 + 0 − 3 + 2 + 0.5
                                    3.5,   // Y[1,0]: 0 − 1 + 2·0 + 2 − 1 + 3 + 0.5
                                    -0.5,  // Y[1,1]: 1 − 2 + 2·0 + 1 − 2 + 1 + 0.5
                                });
    // (No PyTorch here to compare with; torch.nn.functional.conv2d(X, K, b, stride=2, padding=1)
    // computes this same sum, and the naive-formula test below checks every shape against it.)
}

TEST_CASE("conv2d backward by hand: dW = X ⋆ G, dX = full convolution with rot180(K)", "[conv]") {
    // The valid, stride-1 layer above with G = dL/dY = [ 1 -1 ]
    //                                                   [ 0  2 ]
    Conv2d layer = hand_layer(1, Padding::Valid);
    Conv2dCache cache;
    Mat y, dx;
    bp::conv2d_forward(layer, kX, cache, y);
    bp::conv2d_backward(layer, cache, mat(1, 4, {1, -1, 0, 2}), &dx);
    // dW[i,j] = Σ_{y,x} G[y,x]·X[y+i, x+j] = X[i,j] − X[i,j+1] + 2·X[i+1,j+1]
    const double dW[3][3] = {
        {1, 8, 3},   // 1 − 2 + 2·1     2 − 0 + 2·3     0 − 1 + 2·2
        {-1, 0, 1},  // 0 − 1 + 2·0     1 − 3 + 2·1     3 − 2 + 2·0
        {8, 3, 3},   // 2 − 0 + 2·3     0 − 1 + 2·2     1 − 0 + 2·1
    };
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) CHECK(layer.dW(bp::conv2d_weight_row(layer, 0, i, j), 0) == dW[i][j]);
    CHECK(layer.db(0, 0) == 2.0);  // 1 − 1 + 0 + 2
    // dX: every output pixel sends G[y,x]·K back onto the patch it read, so
    //   dX = 1·K at (0,0)  −  1·K at (0,1)  +  2·K at (1,1):
    //   [ 1  0 -1  0 ]   [ 0 -1  0  1 ]   [ 0  0  0  0 ]   [ 1 -1 -1  1 ]
    //   [ 2  1  0  0 ] + [ 0 -2 -1  0 ] + [ 0  2  0 -2 ] = [ 2  1 -1 -2 ]
    //   [ 0 -1  1  0 ]   [ 0  0  1 -1 ]   [ 0  4  2  0 ]   [ 0  3  4 -1 ]
    //   [ 0  0  0  0 ]   [ 0  0  0  0 ]   [ 0  0 -2  2 ]   [ 0  0 -2  2 ]
    // which is the full convolution: G padded with k − 1 = 2 zeros on every side, correlated with
    // the kernel turned by 180°. For example dX[2,1] is the 3×3 window of padded G at (2,1)
    // against rot180(K):
    //   [ 0  1 -1 ]     [  1 -1  0 ]
    //   [ 0  0  2 ]  ⋆  [  0  1  2 ]   =  1·(−1) + (−1)·0 + 2·2  =  3
    //   [ 0  0  0 ]     [ -1  0  1 ]
    CHECK(std::vector<double>(dx.begin(), dx.end()) ==
          std::vector<double>{1, -1, -1, 1, 2, 1, -1, -2, 0, 3, 4, -1, 0, 0, -2, 2});
    CHECK(same(full_convolution_dx(layer, mat(1, 4, {1, -1, 0, 2})), dx));

    // A second backward adds into dW and db (the gradient convention) but overwrites dx.
    bp::conv2d_backward(layer, cache, mat(1, 4, {1, -1, 0, 2}), &dx);
    CHECK(layer.dW(bp::conv2d_weight_row(layer, 0, 0, 1), 0) == 16.0);
    CHECK(layer.db(0, 0) == 4.0);
    CHECK(dx(0, 9) == 3.0);
}

TEST_CASE("conv2d: two channels in, three out, two images", "[conv]") {
    // X channel 0 = [ 1 2 0 ]   channel 1 = [ 2 0 1 ]    2×2 kernels, valid, stride 1 -> 3×2×2
    //               [ 3 1 2 ]               [ 1 1 0 ]
    //               [ 0 1 1 ]               [ 0 2 3 ]
    // Filter 0: K[0,0] = [1 0; 0 0], K[0,1] = [0 0; 0 1]  ->  X0[y,x] + X1[y+1,x+1] + 0
    // Filter 1: K[1,0] = [1 1; 1 1], K[1,1] = 0           ->  the 2×2 sum of X0 + 1
    // Filter 2: K[2,0] = [1 -1; 0 0], K[2,1] = [0 0; 2 0] ->  X0[y,x] − X0[y,x+1] + 2·X1[y+1,x] − 1
    // Image 1 is −(image 0), so its outputs are b − (Y − b) = 2b − Y.
    Conv2d layer = make_layer({2, 3, 3}, 3, 2, 1, Padding::Valid);
    kernel(layer, 0, 0, 0, 0) = 1;
    kernel(layer, 0, 1, 1, 1) = 1;
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 2; ++j) kernel(layer, 1, 0, i, j) = 1;
    kernel(layer, 2, 0, 0, 0) = 1;
    kernel(layer, 2, 0, 0, 1) = -1;
    kernel(layer, 2, 1, 1, 0) = 2;
    layer.b = mat(1, 3, {0, 1, -1});
    const std::vector<double> image = {1, 2, 0, 3, 1, 2, 0, 1, 1, /**/ 2, 0, 1, 1, 1, 0, 0, 2, 3};
    Mat x = bp::zeros(2, 18);
    for (std::size_t i = 0; i < 18; ++i) {
        x(0, i) = image[i];
        x(1, i) = -image[i];
    }
    CHECK(layer.out == ImageShape{3, 2, 2});
    const std::vector<double> y = forward(layer, x);
    CHECK(std::vector<double>(y.begin(), y.begin() + 12) == std::vector<double>{
                                                                2, 2, 5, 4,  // 1+1  2+0  3+2  1+3
                                                                8, 6, 6, 6,  // 1+2+3+1 +1, 2+0+1+2 +1, 3+1+0+1 +1, 1+2+1+1 +1
                                                                0, 3, 1, 2,  // 1−2+2·1−1, 2−0+2·1−1, 3−1+2·0−1, 1−2+2·2−1
                                                            });
    CHECK(std::vector<double>(y.begin() + 12, y.end()) ==
          std::vector<double>{-2, -2, -5, -4, -6, -4, -4, -4, -2, -5, -3, -4});
}

TEST_CASE("conv2d agrees with the naive formula and the full convolution on random shapes", "[conv]") {
    const ShapeCase cases[] = {
        {{1, 5, 5}, 2, 3, 1, Padding::Valid}, {{2, 6, 5}, 3, 3, 2, Padding::Same},
        {{3, 7, 6}, 2, 5, 2, Padding::Valid}, {{2, 5, 7}, 4, 1, 2, Padding::Same},
        {{1, 4, 4}, 1, 3, 2, Padding::Same},  {{2, 8, 8}, 3, 5, 1, Padding::Same},
        {{3, 6, 7}, 9, 3, 2, Padding::Valid}, {{1, 9, 8}, 2, 7, 2, Padding::Same},
    };
    bp::Rng rng(13);
    for (const ShapeCase& t : cases) {
        Conv2d layer = random_layer(t, Init::Glorot, rng);
        Mat x = random_mat(3, t.in.size(), rng);
        Mat g = random_mat(3, layer.out.size(), rng);
        Conv2dCache cache;
        Mat y, dx;
        bp::conv2d_forward(layer, x, cache, y);
        bp::conv2d_backward(layer, cache, g, &dx);
        const Mat y_ref = naive_forward(layer, x), dx_ref = full_convolution_dx(layer, g);
        INFO(bp::shape_text(t.in) << " -> " << bp::shape_text(layer.out) << " k=" << t.k << " s=" << t.s << " "
                                  << bp::padding_name(t.padding));
        double worst_y = 0.0, worst_dx = 0.0;
        for (std::size_t i = 0; i < y.size(); ++i) worst_y = std::max(worst_y, std::fabs(y.data()[i] - y_ref.data()[i]));
        for (std::size_t i = 0; i < dx.size(); ++i)
            worst_dx = std::max(worst_dx, std::fabs(dx.data()[i] - dx_ref.data()[i]));
        CHECK(worst_y < 1e-13);   // the same sums in another order
        CHECK(worst_dx < 1e-13);
    }
}

TEST_CASE("conv2d gradients match central differences", "[conv]") {
    const ShapeCase cases[] = {
        {{2, 6, 6}, 3, 3, 1, Padding::Valid}, {{2, 6, 6}, 3, 3, 1, Padding::Same},
        {{2, 7, 6}, 3, 3, 2, Padding::Valid}, {{2, 7, 6}, 3, 3, 2, Padding::Same},
        {{3, 6, 5}, 2, 5, 2, Padding::Same},  {{1, 8, 7}, 4, 5, 2, Padding::Valid},
    };
    bp::Rng rng(7);
    for (const ShapeCase& t : cases) {
        Conv2d layer = random_layer(t, Init::He, rng);
        Mat x = random_mat(2, t.in.size(), rng);
        Mat G = random_mat(2, layer.out.size(), rng);
        // Scalar objective S = Σ G ⊙ y, so dS/dy = G exactly.
        Conv2dCache scratch;
        Mat ys;
        auto S = [&]() {
            bp::conv2d_forward(layer, x, scratch.work, ys);
            double s = 0.0;
            for (std::size_t i = 0; i < ys.size(); ++i) s += G.data()[i] * ys.data()[i];
            return s;
        };
        Conv2dCache cache;
        Mat y, dx;
        bp::conv2d_forward(layer, x, cache, y);
        bp::conv2d_backward(layer, cache, G, &dx);
        auto worst = [&](Mat& value, const Mat& grad) {
            double w = 0.0;
            for (std::size_t i = 0; i < value.size(); ++i)
                w = std::max(w, bp::grad_rel_error(grad.data()[i], bp::numeric_gradient(value, i, S)));
            return w;
        };
        INFO(bp::shape_text(t.in) << " -> " << bp::shape_text(layer.out) << " k=" << t.k << " s=" << t.s << " "
                                  << bp::padding_name(t.padding));
        CHECK(worst(layer.W, layer.dW) < 1e-6);
        CHECK(worst(layer.b, layer.db) < 1e-6);
        CHECK(worst(x, dx) < 1e-6);
    }
}

TEST_CASE("conv2d reuses its buffers: a second step allocates nothing", "[conv]") {
    bp::Rng rng(3);
    Conv2d layer;
    bp::conv2d_init(layer, {{2, 9, 9}, 4, 3, 2, Padding::Same}, Init::Glorot, rng);
    Mat x = bp::zeros(4, layer.spec.in.size()), g = bp::zeros(4, layer.out.size());
    fill_uniform(x, rng);
    fill_uniform(g, rng);
    Conv2dCache cache;
    Mat y, dx;
    bp::conv2d_forward(layer, x, cache, y);
    bp::conv2d_backward(layer, cache, g, &dx);
    const double* before[] = {y.data(), dx.data(), cache.x.data(), cache.work.cols.data(), cache.work.yt.data(),
                              cache.work.dcols.data()};
    const Mat y1 = y, dx1 = dx;
    bp::conv2d_forward(layer, x, cache, y);
    bp::conv2d_backward(layer, cache, g, &dx);
    const double* after[] = {y.data(), dx.data(), cache.x.data(), cache.work.cols.data(), cache.work.yt.data(),
                             cache.work.dcols.data()};
    for (std::size_t i = 0; i < 6; ++i) CHECK(before[i] == after[i]);
    CHECK(same(y, y1));
    CHECK(same(dx, dx1));
}

TEST_CASE("conv2d_backward with a null dx updates only dW and db", "[conv]") {
    Conv2d a = hand_layer(1, Padding::Same), b = hand_layer(1, Padding::Same);
    Conv2dCache ca, cb;
    Mat y, dx;
    const Mat g = mat(1, 16, {1, 0, 2, -1, 0, 3, 1, 1, -2, 0, 0, 1, 2, 1, -1, 0});
    bp::conv2d_forward(a, kX, ca, y);
    bp::conv2d_forward(b, kX, cb, y);
    bp::conv2d_backward(a, ca, g, nullptr);
    bp::conv2d_backward(b, cb, g, &dx);
    CHECK(same(a.dW, b.dW));
    CHECK(same(a.db, b.db));
    CHECK(a.db(0, 0) == 8.0);  // Σ G
}

TEST_CASE("conv2d initialization uses the conv fans", "[conv]") {
    bp::Rng rng(5);
    Conv2d layer;
    // fan-in 4·3·3 = 36, fan-out 8·3·3 = 72: Glorot r = sqrt(6/108)
    bp::conv2d_init(layer, {{4, 10, 10}, 8, 3, 1, Padding::Same}, Init::Glorot, rng);
    CHECK(bp::rows(layer.W) == 36);
    CHECK(bp::cols(layer.W) == 8);
    const double r = std::sqrt(6.0 / 108.0);
    double max_abs = 0.0;
    for (double w : layer.W) max_abs = std::max(max_abs, std::fabs(w));
    CHECK(max_abs <= r);
    CHECK(max_abs > 0.9 * r);
    for (double v : layer.b) CHECK(v == 0.0);
    for (double v : layer.dW) CHECK(v == 0.0);
    bp::Rng r1(9), r2(9);
    Conv2d a, b;
    bp::conv2d_init(a, {{1, 6, 6}, 3, 5, 2, Padding::Valid}, Init::He, r1);
    bp::conv2d_init(b, {{1, 6, 6}, 3, 5, 2, Padding::Valid}, Init::He, r2);
    CHECK(same(a.W, b.W));
}

TEST_CASE("conv2d shape errors name the layer and the shapes", "[conv]") {
    auto spec = [](ImageShape in, std::size_t k, std::size_t s, Padding p) { return Conv2dSpec{in, 2, k, s, p}; };
    CHECK_THROWS_AS(bp::conv2d_output_shape(spec({1, 5, 5}, 7, 1, Padding::Valid)), std::invalid_argument);
    CHECK_THROWS_WITH(bp::conv2d_output_shape(spec({1, 5, 5}, 7, 1, Padding::Valid)),
                      "conv2d: kernel 7×7 is larger than its 5×5 input");
    CHECK_THROWS_WITH(bp::conv2d_output_shape(spec({3, 5, 3}, 5, 2, Padding::Valid)),
                      "conv2d: kernel 5×5 is larger than its 5×3 input");
    CHECK_THROWS_WITH(bp::conv2d_output_shape(spec({1, 8, 8}, 4, 1, Padding::Same)),
                      "conv2d: padding \"same\" needs an odd kernel, not 4×4");
    // "same" pads the input up to the kernel, as PyTorch's padding=(k−1)//2 does: a 5×5 kernel
    // on a 3×3 image is allowed and keeps the size.
    CHECK(bp::conv2d_output_shape(spec({1, 3, 3}, 5, 1, Padding::Same)) == ImageShape{2, 3, 3});
    CHECK(bp::conv2d_output_shape(spec({1, 28, 28}, 5, 2, Padding::Same)) == ImageShape{2, 14, 14});
    CHECK(bp::conv2d_output_shape(spec({1, 7, 7}, 3, 2, Padding::Same)) == ImageShape{2, 4, 4});   // ⌈7/2⌉
    CHECK(bp::conv2d_output_shape(spec({1, 7, 8}, 3, 2, Padding::Valid)) == ImageShape{2, 3, 3});  // ⌊5/2⌋+1, ⌊5/2⌋+1
    CHECK_THROWS_AS(bp::conv2d_output_shape(spec({1, 8, 8}, 3, 3, Padding::Valid)), std::out_of_range);
    CHECK_THROWS_WITH(bp::conv2d_output_shape(spec({1, 8, 8}, 3, 3, Padding::Valid)), "conv2d.stride: 3 is outside 1..2");
    CHECK_THROWS_WITH(bp::conv2d_output_shape(spec({0, 8, 8}, 3, 1, Padding::Valid)),
                      "conv2d.in_channels: 0 is outside 1..256");
    CHECK_THROWS_WITH(bp::conv2d_output_shape(spec({1, 8, 8}, 0, 1, Padding::Valid)), "conv2d.kernel: 0 is outside 1..15");

    // A failed init leaves the layer as it was.
    Conv2d layer = hand_layer(1, Padding::Valid);
    bp::Rng rng(1);
    CHECK_THROWS(bp::conv2d_init(layer, spec({1, 5, 5}, 7, 1, Padding::Valid), Init::Glorot, rng));
    CHECK(layer.spec.kernel == 3);
    CHECK(layer.W(0, 0) == 1.0);

    // Inputs and gradients of the wrong width.
    Conv2d mnist;
    bp::conv2d_init(mnist, {{1, 28, 28}, 8, 5, 1, Padding::Same}, Init::Glorot, rng);
    Conv2dCache cache;
    Mat y;
    CHECK_THROWS_AS(bp::conv2d_forward(mnist, bp::zeros(2, 700), cache, y), std::invalid_argument);
    CHECK_THROWS_WITH(bp::conv2d_forward(mnist, bp::zeros(2, 700), cache, y),
                      "conv2d: input has 700 columns, the layer expects 1×28×28 = 784");
    bp::conv2d_forward(mnist, bp::zeros(2, 784), cache, y);
    CHECK_THROWS_WITH(bp::conv2d_backward(mnist, cache, bp::zeros(2, 784), nullptr),
                      "conv2d: dy is (2,784), the layer's output is (2, 8×28×28 = 6272)");

    CHECK(bp::padding_from_name("same") == Padding::Same);
    CHECK(bp::padding_from_name(bp::padding_name(Padding::Valid)) == Padding::Valid);
    CHECK_THROWS_WITH(bp::padding_from_name("full"), "conv2d.padding: 'full' is not a padding; allowed: valid, same");
}
