// Tests for core/pool.hpp: 2×2 max-pool and average-pool by hand (the routing of δ written out,
// ties, two channels, an odd size), central differences, buffer reuse and the shape errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "nn/gradcheck.hpp"
#include "nn/pool.hpp"
#include "base/rng.hpp"

using bp::ImageShape;
using bp::Mat;
using bp::MaxPoolCache;
using bp::PoolKind;

namespace {

Mat row(std::initializer_list<double> values) {
    Mat m = bp::zeros(1, values.size());
    std::copy(values.begin(), values.end(), m.data());
    return m;
}

std::vector<double> numbers(const Mat& m) { return std::vector<double>(m.begin(), m.end()); }

}  // namespace

// Two channels of 4×4; channel 1 is −(channel 0), so its winners are elsewhere.
//   channel 0               channel 1
//   [ 1  3 | 2  2 ]         [ -1 -3 | -2 -2 ]
//   [ 4  2 | 0  1 ]         [ -4 -2 |  0 -1 ]
//   [ ----+---- ]           [ ------+------ ]
//   [ 5  0 | 1  7 ]         [ -5  0 | -1 -7 ]
//   [ 0  5 | 6  2 ]         [  0 -5 | -6 -2 ]
const std::initializer_list<double> kImage = {1, 3, 2, 2, 4, 2, 0, 1, 5, 0, 1, 7, 0, 5, 6, 2,
                                              -1, -3, -2, -2, -4, -2, 0, -1, -5, 0, -1, -7, 0, -5, -6, -2};

TEST_CASE("max-pool 2×2 by hand: the maxima, and δ routed to them", "[pool]") {
    const ImageShape in{2, 4, 4};
    CHECK(bp::pool_output_shape(PoolKind::Max, in) == ImageShape{2, 2, 2});
    MaxPoolCache cache;
    Mat y, dx;
    bp::max_pool_forward(in, row(kImage), cache, y);
    CHECK(numbers(y) == std::vector<double>{
                            4, 2,    // max(1,3,4,2) = 4 at (1,0);  max(2,2,0,1) = 2: a tie, (0,2) wins
                            5, 7,    // max(5,0,0,5) = 5: a tie, (2,0) wins;  max(1,7,6,2) = 7 at (2,3)
                            -1, 0,   // max(−1,−3,−4,−2) = −1 at (0,0);  max(−2,−2,0,−1) = 0 at (1,2)
                            0, -1,   // max(−5,0,0,−5) = 0: a tie, (2,1) wins;  max(−1,−7,−6,−2) = −1 at (2,2)
                        });
    // Ties go to the first maximum in row-major order of the window: (0,2) before (0,3),
    // (2,0) before (3,1), (2,1) before (3,0). The recorded winners, as columns of the row:
    CHECK(cache.argmax == std::vector<std::size_t>{4, 2, 8, 11, 16 + 0, 16 + 6, 16 + 9, 16 + 10});

    // δ = [ 10 20 ]  [ 50 60 ]   goes only to the winner of each window, the rest get 0:
    //     [ 30 40 ]  [ 70 80 ]
    //   channel 0              channel 1
    //   [  0  0 20  0 ]        [ 50  0  0  0 ]
    //   [ 10  0  0  0 ]        [  0  0 60  0 ]
    //   [ 30  0  0 40 ]        [  0 70 80  0 ]
    //   [  0  0  0  0 ]        [  0  0  0  0 ]
    bp::max_pool_backward(in, cache, row({10, 20, 30, 40, 50, 60, 70, 80}), dx);
    CHECK(numbers(dx) == std::vector<double>{0, 0, 20, 0, 10, 0, 0, 0, 30, 0, 0, 40, 0, 0, 0, 0,
                                             50, 0, 0, 0, 0, 0, 60, 0, 0, 70, 80, 0, 0, 0, 0, 0});
}

TEST_CASE("average-pool 2×2 by hand: the means, and δ/4 to all four", "[pool]") {
    const ImageShape in{2, 4, 4};
    Mat y, dx;
    bp::avg_pool_forward(in, row(kImage), y);
    CHECK(numbers(y) == std::vector<double>{
                            2.5, 1.25,    // (1+3+4+2)/4,  (2+2+0+1)/4
                            2.5, 4,       // (5+0+0+5)/4,  (1+7+6+2)/4
                            -2.5, -1.25,  // channel 1 is the negative
                            -2.5, -4,
                        });
    // δ = [ 10 20 ]  [ 50 60 ]   each window's four inputs get a quarter of its δ:
    //     [ 30 40 ]  [ 70 80 ]
    //   [ 2.5 2.5  5  5 ]   [ 12.5 12.5 15 15 ]
    //   [ 2.5 2.5  5  5 ]   [ 12.5 12.5 15 15 ]
    //   [ 7.5 7.5 10 10 ]   [ 17.5 17.5 20 20 ]
    //   [ 7.5 7.5 10 10 ]   [ 17.5 17.5 20 20 ]
    bp::avg_pool_backward(in, row({10, 20, 30, 40, 50, 60, 70, 80}), dx);
    CHECK(numbers(dx) == std::vector<double>{2.5,  2.5,  5,  5,  2.5,  2.5,  5,  5,  7.5,  7.5,  10, 10, 7.5,  7.5,  10, 10,
                                             12.5, 12.5, 15, 15, 12.5, 12.5, 15, 15, 17.5, 17.5, 20, 20, 17.5, 17.5, 20, 20});
}

TEST_CASE("pooling an odd size drops the last row and column (floor, as PyTorch)", "[pool]") {
    // 5×5 -> 2×2. The 9s in row 4 and column 4 belong to no window: they never win, and get no δ.
    //   [ 1 2 | 0 0 | 9 ]
    //   [ 0 0 | 3 1 | 9 ]
    //   [ 1 1 | 0 2 | 9 ]
    //   [ 1 1 | 0 0 | 9 ]
    //   [ 9 9 | 9 9 | 9 ]
    const ImageShape in{1, 5, 5};
    const Mat x = row({1, 2, 0, 0, 9, 0, 0, 3, 1, 9, 1, 1, 0, 2, 9, 1, 1, 0, 0, 9, 9, 9, 9, 9, 9});
    CHECK(bp::pool_output_shape(PoolKind::Average, in) == ImageShape{1, 2, 2});
    MaxPoolCache cache;
    Mat y, dx;
    bp::max_pool_forward(in, x, cache, y);
    CHECK(numbers(y) == std::vector<double>{2, 3, 1, 2});  // max(1,2,0,0), max(0,0,3,1), max(1,1,1,1), max(0,2,0,0)
    bp::max_pool_backward(in, cache, row({1, 2, 3, 4}), dx);
    CHECK(numbers(dx) == std::vector<double>{0, 1, 0, 0, 0,   //
                                             0, 0, 2, 0, 0,   //
                                             3, 0, 0, 4, 0,   // the all-1 window's tie: (2,0) wins
                                             0, 0, 0, 0, 0,   //
                                             0, 0, 0, 0, 0});
    bp::avg_pool_forward(in, x, y);
    CHECK(numbers(y) == std::vector<double>{0.75, 1, 1, 0.5});  // 3/4, 4/4, 4/4, 2/4
    bp::avg_pool_backward(in, row({4, 8, 12, 16}), dx);
    CHECK(numbers(dx) == std::vector<double>{1, 1, 2, 2, 0,  //
                                             1, 1, 2, 2, 0,  //
                                             3, 3, 4, 4, 0,  //
                                             3, 3, 4, 4, 0,  //
                                             0, 0, 0, 0, 0});
}

TEST_CASE("max-pool lets a NaN through", "[pool]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    MaxPoolCache cache;
    Mat y;
    bp::max_pool_forward({1, 2, 2}, row({1, nan, 5, 2}), cache, y);
    CHECK(std::isnan(y(0, 0)));
    CHECK(cache.argmax[0] == 1);
}

namespace {

// The straightforward max-pool the selects of pool.cpp replace: per window, the first maximum
// in row-major order wins, a later value only when strictly greater or NaN, nothing after a NaN.
// dX: zeros everywhere, then δ at each winner.
void naive_max_pool(const ImageShape& in, const Mat& x, const Mat& g, Mat& y, std::vector<std::size_t>& arg, Mat& dx) {
    const std::size_t Ho = in.height / 2, Wo = in.width / 2, Dout = in.channels * Ho * Wo;
    y = bp::zeros(x.shape(0), Dout);
    dx = bp::zeros(x.shape(0), in.size());
    arg.assign(x.shape(0) * Dout, 0);
    for (std::size_t n = 0; n < x.shape(0); ++n)
        for (std::size_t c = 0; c < in.channels; ++c)
            for (std::size_t oy = 0; oy < Ho; ++oy)
                for (std::size_t ox = 0; ox < Wo; ++ox) {
                    std::size_t best = c * in.height * in.width + 2 * oy * in.width + 2 * ox;
                    const std::size_t window[4] = {best, best + 1, best + in.width, best + in.width + 1};
                    for (std::size_t w = 1; w < 4; ++w) {
                        if (std::isnan(x(n, best))) break;
                        const double v = x(n, window[w]);
                        if (v > x(n, best) || std::isnan(v)) best = window[w];
                    }
                    const std::size_t o = (c * Ho + oy) * Wo + ox;
                    y(n, o) = x(n, best);
                    arg[n * Dout + o] = best;
                    dx(n, best) = g(n, o);
                }
}

}  // namespace

TEST_CASE("max-pool equals the straightforward loop: ties, NaNs, odd sizes, a reused dx", "[pool]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    bp::Rng rng(23);
    for (const ImageShape in : {ImageShape{1, 4, 4}, ImageShape{3, 7, 5}, ImageShape{2, 6, 9}, ImageShape{2, 3, 2}}) {
        const std::size_t Dout = in.channels * (in.height / 2) * (in.width / 2);
        Mat x = bp::zeros(4, in.size()), g = bp::zeros(4, Dout);
        // Values from {−1, 0, 1, 2} make ties in most windows; one pixel in 10 is a NaN.
        for (double& v : x) v = rng.uniform(0.0, 1.0) < 0.1 ? nan : static_cast<double>(rng.below(4)) - 1.0;
        for (double& v : g) v = rng.uniform(-1.0, 1.0);
        Mat y_ref, dx_ref;
        std::vector<std::size_t> arg_ref;
        naive_max_pool(in, x, g, y_ref, arg_ref, dx_ref);
        MaxPoolCache cache;
        Mat y, dx = bp::zeros(4, in.size());
        dx.fill(99.0);  // stale numbers from an earlier step must all be overwritten
        bp::max_pool_forward(in, x, cache, y);
        bp::max_pool_backward(in, cache, g, dx);
        INFO(bp::shape_text(in));
        CHECK(cache.argmax == arg_ref);
        bool same_y = true;
        for (std::size_t i = 0; i < y.size(); ++i)
            same_y = same_y && (y.data()[i] == y_ref.data()[i] || (std::isnan(y.data()[i]) && std::isnan(y_ref.data()[i])));
        CHECK(same_y);
        CHECK(numbers(dx) == numbers(dx_ref));
        // average-pool's dX also leaves no stale number on the pixels no window covers
        dx.fill(99.0);
        bp::avg_pool_backward(in, g, dx);
        bool uncovered_zero = true;
        for (std::size_t c = 0; c < in.channels; ++c)
            for (std::size_t u = 0; u < in.height; ++u)
                for (std::size_t v = 0; v < in.width; ++v)
                    if (u >= 2 * (in.height / 2) || v >= 2 * (in.width / 2))
                        uncovered_zero = uncovered_zero && dx(0, (c * in.height + u) * in.width + v) == 0.0;
        CHECK(uncovered_zero);
    }
}

TEST_CASE("pooling gradients match central differences", "[pool]") {
    bp::Rng rng(17);
    for (const ImageShape in : {ImageShape{1, 4, 4}, ImageShape{3, 6, 5}, ImageShape{2, 7, 7}, ImageShape{2, 2, 9}}) {
        for (PoolKind kind : {PoolKind::Max, PoolKind::Average}) {
            const ImageShape out = bp::pool_output_shape(kind, in);
            Mat x = bp::zeros(3, in.size()), G = bp::zeros(3, out.size());
            for (double& v : x) v = rng.uniform(-1.0, 1.0);  // ties have probability 0
            for (double& v : G) v = rng.uniform(-1.0, 1.0);
            MaxPoolCache cache;
            Mat y, dx;
            auto forward = [&](Mat& out_y) {
                if (kind == PoolKind::Max) bp::max_pool_forward(in, x, cache, out_y);
                else bp::avg_pool_forward(in, x, out_y);
            };
            forward(y);
            if (kind == PoolKind::Max) bp::max_pool_backward(in, cache, G, dx);
            else bp::avg_pool_backward(in, G, dx);
            const Mat dx_analytic = dx;
            Mat ys;
            MaxPoolCache scratch;
            auto S = [&]() {  // Σ G ⊙ y, so dS/dy = G
                if (kind == PoolKind::Max) bp::max_pool_forward(in, x, scratch, ys);
                else bp::avg_pool_forward(in, x, ys);
                double s = 0.0;
                for (std::size_t i = 0; i < ys.size(); ++i) s += G.data()[i] * ys.data()[i];
                return s;
            };
            double worst = 0.0;
            for (std::size_t i = 0; i < x.size(); ++i)
                worst = std::max(worst, bp::grad_rel_error(dx_analytic.data()[i], bp::numeric_gradient(x, i, S)));
            INFO(bp::pool_name(kind) << " " << bp::shape_text(in));
            CHECK(worst < 1e-6);
        }
    }
}

TEST_CASE("pooling reuses its buffers", "[pool]") {
    const ImageShape in{3, 8, 8};
    Mat x = bp::zeros(5, in.size()), g = bp::zeros(5, 3 * 4 * 4);
    bp::Rng rng(4);
    for (double& v : x) v = rng.uniform(-1.0, 1.0);
    MaxPoolCache cache;
    Mat y, dx;
    bp::max_pool_forward(in, x, cache, y);
    bp::max_pool_backward(in, cache, g, dx);
    const double* py = y.data();
    const double* pdx = dx.data();
    const std::size_t* parg = cache.argmax.data();
    bp::max_pool_forward(in, x, cache, y);
    bp::max_pool_backward(in, cache, g, dx);
    bp::avg_pool_forward(in, x, y);
    bp::avg_pool_backward(in, g, dx);
    CHECK(y.data() == py);
    CHECK(dx.data() == pdx);
    CHECK(cache.argmax.data() == parg);
}

TEST_CASE("pooling shape errors name the layer and the shapes", "[pool]") {
    CHECK_THROWS_AS(bp::pool_output_shape(PoolKind::Max, {1, 1, 5}), std::invalid_argument);
    CHECK_THROWS_WITH(bp::pool_output_shape(PoolKind::Max, {1, 1, 5}), "max_pool: input 1×5 is smaller than its 2×2 window");
    CHECK_THROWS_WITH(bp::pool_output_shape(PoolKind::Average, {4, 6, 1}),
                      "avg_pool: input 6×1 is smaller than its 2×2 window");
    CHECK_THROWS_WITH(bp::pool_output_shape(PoolKind::Max, {0, 4, 4}), "max_pool.channels: 0 is outside 1..256");
    MaxPoolCache cache;
    Mat y, dx;
    CHECK_THROWS_WITH(bp::max_pool_forward({8, 28, 28}, bp::zeros(2, 784), cache, y),
                      "max_pool: input has 784 columns, the layer expects 8×28×28 = 6272");
    CHECK_THROWS_WITH(bp::avg_pool_forward({1, 4, 4}, bp::zeros(2, 15), y),
                      "avg_pool: input has 15 columns, the layer expects 1×4×4 = 16");
    bp::max_pool_forward({1, 4, 4}, bp::zeros(2, 16), cache, y);
    CHECK_THROWS_WITH(bp::max_pool_backward({1, 4, 4}, cache, bp::zeros(2, 5), dx),
                      "max_pool: dy is (2,5), the layer's output is (2, 1×2×2 = 4)");
    CHECK_THROWS_WITH(bp::avg_pool_backward({1, 4, 4}, bp::zeros(1, 16), dx),
                      "avg_pool: dy is (1,16), the layer's output is (1, 1×2×2 = 4)");
}
