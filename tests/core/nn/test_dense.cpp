// Tests for core/dense.hpp: a hand-computed forward and backward, central differences of dW, db
// and dx, and the statistics of each initialization.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "nn/dense.hpp"
#include "base/rng.hpp"
#include "test_util.hpp"

using bp::Dense;
using bp::DenseCache;
using bp::Init;
using bp::Mat;
using bp::testing::mat;
using bp::testing::rel_error;

TEST_CASE("dense forward and backward by hand", "[dense]") {
    // x = [ 1  3 ]   W = [ 2  0  1 ]   b = [ 0.5 -1  2 ]   dy = [  1  0  2 ]
    //     [ 2 -1 ]       [ 4  1 -1 ]                             [ -1  3  1 ]
    Dense layer;
    layer.W = mat(2, 3, {2, 0, 1, 4, 1, -1});
    layer.b = mat(1, 3, {0.5, -1, 2});
    layer.dW = bp::zeros(2, 3);
    layer.db = bp::zeros(1, 3);
    const Mat x = mat(2, 2, {1, 3, 2, -1});
    DenseCache cache;
    Mat y;
    bp::dense_forward(layer, x, cache, y);
    CHECK(y(0, 0) == 14.5);  // 1·2 + 3·4 + 0.5 = 14.5
    CHECK(y(0, 1) == 2.0);   // 1·0 + 3·1 − 1 = 2
    CHECK(y(0, 2) == 0.0);   // 1·1 + 3·(−1) + 2 = 0
    CHECK(y(1, 0) == 0.5);   // 2·2 + (−1)·4 + 0.5 = 0.5
    CHECK(y(1, 1) == -2.0);  // 2·0 + (−1)·1 − 1 = −2
    CHECK(y(1, 2) == 5.0);   // 2·1 + (−1)·(−1) + 2 = 5

    Mat dx;
    bp::dense_backward(layer, cache, mat(2, 3, {1, 0, 2, -1, 3, 1}), &dx);
    // dW = xᵀ dy
    CHECK(layer.dW(0, 0) == -1.0);  // 1·1 + 2·(−1)
    CHECK(layer.dW(0, 1) == 6.0);   // 1·0 + 2·3
    CHECK(layer.dW(0, 2) == 4.0);   // 1·2 + 2·1
    CHECK(layer.dW(1, 0) == 4.0);   // 3·1 + (−1)·(−1)
    CHECK(layer.dW(1, 1) == -3.0);  // 3·0 + (−1)·3
    CHECK(layer.dW(1, 2) == 5.0);   // 3·2 + (−1)·1
    // db = Σ_n dy
    CHECK(layer.db(0, 0) == 0.0);   // 1 − 1
    CHECK(layer.db(0, 1) == 3.0);   // 0 + 3
    CHECK(layer.db(0, 2) == 3.0);   // 2 + 1
    // dx = dy Wᵀ
    CHECK(dx(0, 0) == 4.0);   // 1·2 + 0·0 + 2·1
    CHECK(dx(0, 1) == 2.0);   // 1·4 + 0·1 + 2·(−1)
    CHECK(dx(1, 0) == -1.0);  // (−1)·2 + 3·0 + 1·1
    CHECK(dx(1, 1) == -2.0);  // (−1)·4 + 3·1 + 1·(−1)

    // A second backward adds into dW and db (the gradient convention) but overwrites dx.
    bp::dense_backward(layer, cache, mat(2, 3, {1, 0, 2, -1, 3, 1}), &dx);
    CHECK(layer.dW(0, 1) == 12.0);
    CHECK(layer.db(0, 2) == 6.0);
    CHECK(dx(0, 0) == 4.0);
}

TEST_CASE("dense gradients match central differences", "[dense]") {
    bp::Rng rng(21);
    const std::size_t N = 4, D = 3, H = 5;
    Dense layer;
    bp::dense_init(layer, D, H, Init::Glorot, rng);
    for (std::size_t h = 0; h < H; ++h) layer.b(0, h) = rng.uniform(-1.0, 1.0);
    Mat x = bp::zeros(N, D), G = bp::zeros(N, H);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform(-1.0, 1.0);
    for (std::size_t i = 0; i < G.size(); ++i) G.data()[i] = rng.uniform(-1.0, 1.0);

    // Scalar objective S = Σ G ⊙ y, so dS/dy = G exactly.
    auto S = [&]() {
        DenseCache c;
        Mat y;
        bp::dense_forward(layer, x, c, y);
        double s = 0.0;
        for (std::size_t i = 0; i < y.size(); ++i) s += G.data()[i] * y.data()[i];
        return s;
    };
    DenseCache cache;
    Mat y, dx;
    bp::dense_forward(layer, x, cache, y);
    bp::dense_backward(layer, cache, G, &dx);

    auto check_all = [&](Mat& value, const Mat& grad, const char* what) {
        const double eps = 1e-6;
        double worst = 0.0;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const double v0 = value.data()[i];
            value.data()[i] = v0 + eps;
            const double plus = S();
            value.data()[i] = v0 - eps;
            const double minus = S();
            value.data()[i] = v0;
            worst = std::max(worst, rel_error(grad.data()[i], (plus - minus) / (2 * eps)));
        }
        INFO(what);
        CHECK(worst < 1e-7);
    };
    check_all(layer.W, layer.dW, "dW");
    check_all(layer.b, layer.db, "db");
    check_all(x, dx, "dx");
}

TEST_CASE("the cache-free overloads compute the same", "[dense]") {
    bp::Rng rng(8);
    Dense a;
    bp::dense_init(a, 3, 4, Init::Glorot, rng);
    Dense b = a;
    Mat x = bp::zeros(5, 3), dy = bp::zeros(5, 4);
    for (double& v : x) v = rng.uniform(-1.0, 1.0);
    for (double& v : dy) v = rng.uniform(-1.0, 1.0);
    DenseCache cache;
    Mat ya, yb, dxa, dxb;
    bp::dense_forward(a, x, cache, ya);
    bp::dense_forward(b, x, yb);
    bp::dense_backward(a, cache, dy, &dxa);
    bp::dense_backward(b, x, dy, &dxb);
    for (std::size_t i = 0; i < ya.size(); ++i) CHECK(ya.data()[i] == yb.data()[i]);
    for (std::size_t i = 0; i < dxa.size(); ++i) CHECK(dxa.data()[i] == dxb.data()[i]);
    for (std::size_t i = 0; i < a.dW.size(); ++i) CHECK(a.dW.data()[i] == b.dW.data()[i]);
    CHECK(cache.x(4, 2) == x(4, 2));
}

TEST_CASE("dense_backward with a null dx updates only dW and db", "[dense]") {
    bp::Rng rng(2);
    Dense layer;
    bp::dense_init(layer, 2, 2, Init::Uniform, rng);
    DenseCache cache;
    Mat y;
    bp::dense_forward(layer, mat(1, 2, {1.0, 2.0}), cache, y);
    bp::dense_backward(layer, cache, mat(1, 2, {1.0, -1.0}), nullptr);
    CHECK(layer.dW(1, 0) == 2.0);   // x[1] · dy[0] = 2 · 1
    CHECK(layer.dW(1, 1) == -2.0);  // 2 · (−1)
    CHECK(layer.db(0, 1) == -1.0);
}

TEST_CASE("initialization statistics", "[dense]") {
    bp::Rng rng(1234);
    Dense layer;
    SECTION("zeros: all weights and biases are exactly 0") {
        bp::dense_init(layer, 7, 5, Init::Zeros, rng);
        for (double w : layer.W) CHECK(w == 0.0);
        for (double b : layer.b) CHECK(b == 0.0);
    }
    SECTION("uniform: U(-0.5, 0.5), biases 0.1") {
        bp::dense_init(layer, 40, 50, Init::Uniform, rng);
        double sum = 0.0, sq = 0.0;
        for (double w : layer.W) {
            CHECK(w >= -0.5);
            CHECK(w < 0.5);
            sum += w;
            sq += w * w;
        }
        const double n = static_cast<double>(layer.W.size());
        // Variance of U(−½, ½) is 1/12; 2000 samples estimate it to within a few percent.
        CHECK(std::fabs(sum / n) < 0.03);
        CHECK(sq / n == Approx(1.0 / 12.0).epsilon(0.08));
        for (double b : layer.b) CHECK(b == 0.1);
    }
    SECTION("glorot: within ±sqrt(6/(D+H)), variance r²/3, biases 0") {
        const std::size_t D = 30, H = 70;
        bp::dense_init(layer, D, H, Init::Glorot, rng);
        const double r = std::sqrt(6.0 / (D + H));  // 0.2449...
        double sq = 0.0, max_abs = 0.0;
        for (double w : layer.W) {
            CHECK(std::fabs(w) <= r);
            max_abs = std::max(max_abs, std::fabs(w));
            sq += w * w;
        }
        CHECK(max_abs > 0.95 * r);  // the bound is actually reached, not a narrower range
        // Var U(−r, r) = r²/3 = 2/(D+H) = 0.02
        CHECK(sq / static_cast<double>(layer.W.size()) == Approx(2.0 / (D + H)).epsilon(0.08));
        for (double b : layer.b) CHECK(b == 0.0);
    }
    SECTION("he: N(0, 2/D), biases 0") {
        const std::size_t D = 50, H = 200;
        bp::dense_init(layer, D, H, Init::He, rng);
        double sum = 0.0, sq = 0.0;
        for (double w : layer.W) {
            sum += w;
            sq += w * w;
        }
        const double n = static_cast<double>(layer.W.size());  // 10,000 samples
        const double mean = sum / n, var = sq / n - mean * mean;
        CHECK(std::fabs(mean) < 0.01);              // standard error 0.002
        CHECK(var == Approx(2.0 / D).epsilon(0.05));  // 0.04; standard error ~1.4%
        for (double b : layer.b) CHECK(b == 0.0);
    }
    // Gradients start at zero and have the parameters' shapes.
    CHECK(layer.dW.shape(0) == layer.W.shape(0));
    CHECK(layer.dW.shape(1) == layer.W.shape(1));
    for (double g : layer.dW) CHECK(g == 0.0);
    for (double g : layer.db) CHECK(g == 0.0);
}

TEST_CASE("the same seed gives the same weights", "[dense]") {
    for (Init init : {Init::Uniform, Init::Glorot, Init::He}) {
        bp::Rng r1(99), r2(99);
        Dense a, b;
        bp::dense_init(a, 4, 6, init, r1);
        bp::dense_init(b, 4, 6, init, r2);
        for (std::size_t i = 0; i < a.W.size(); ++i) CHECK(a.W.data()[i] == b.W.data()[i]);
    }
}

TEST_CASE("dense errors and names", "[dense]") {
    bp::Rng rng(1);
    Dense layer;
    bp::dense_init(layer, 3, 2, Init::Glorot, rng);
    DenseCache cache;
    Mat y;
    CHECK_THROWS_AS(bp::dense_forward(layer, bp::zeros(4, 2), cache, y), std::invalid_argument);
    for (Init i : {Init::Uniform, Init::Glorot, Init::He, Init::Zeros})
        CHECK(bp::init_from_name(bp::init_name(i)) == i);
    CHECK_THROWS_WITH(bp::init_from_name("xavier"),
                      "unknown init 'xavier'; allowed: uniform, glorot, he, zeros");
}
