// Tests for core/kernels.hpp: hand-computed small products, random shapes against a naive
// triple loop (bit for bit: the kernels sum in the same fixed order), no reallocation.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "base/kernels.hpp"
#include "base/mathfn.hpp"
#include "base/rng.hpp"
#include "test_util.hpp"

using bp::Mat;
using bp::testing::mat;

namespace {

Mat random_mat(bp::Rng& rng, std::size_t r, std::size_t c) {
    Mat m = bp::zeros(r, c);
    for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(-2.0, 2.0);
    return m;
}

bool bit_equal(const Mat& a, const Mat& b) {
    if (a.shape(0) != b.shape(0) || a.shape(1) != b.shape(1)) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (bp::fn::bits_of(a.data()[i]) != bp::fn::bits_of(b.data()[i])) return false;
    return true;
}

// X = [ 1  3 ]      W = [ 2  0  1 ]      b = [ 0.5 -1  2 ]      G = [  1  0  2 ]
//     [ 2 -1 ]          [ 4  1 -1 ]                                 [ -1  3  1 ]
const Mat X = mat(2, 2, {1, 3, 2, -1});
const Mat W = mat(2, 3, {2, 0, 1, 4, 1, -1});
const Mat B = mat(1, 3, {0.5, -1, 2});
const Mat G = mat(2, 3, {1, 0, 2, -1, 3, 1});

}  // namespace

TEST_CASE("matmul and add_bias: hand-computed 2x2 times 2x3", "[kernels]") {
    Mat y;
    bp::matmul(X, W, y);
    REQUIRE(y.shape(0) == 2);
    REQUIRE(y.shape(1) == 3);
    CHECK(y(0, 0) == 14.0);  // 1·2 + 3·4 = 14
    CHECK(y(0, 1) == 3.0);   // 1·0 + 3·1 = 3
    CHECK(y(0, 2) == -2.0);  // 1·1 + 3·(−1) = −2
    CHECK(y(1, 0) == 0.0);   // 2·2 + (−1)·4 = 0
    CHECK(y(1, 1) == -1.0);  // 2·0 + (−1)·1 = −1
    CHECK(y(1, 2) == 3.0);   // 2·1 + (−1)·(−1) = 3
    bp::add_bias(y, B);
    CHECK(y(0, 0) == 14.5);  // 1·2 + 3·4 + 0.5 = 14.5
    CHECK(y(0, 1) == 2.0);   // 3 − 1 = 2
    CHECK(y(0, 2) == 0.0);   // −2 + 2 = 0
    CHECK(y(1, 0) == 0.5);   // 0 + 0.5
    CHECK(y(1, 1) == -2.0);  // −1 − 1
    CHECK(y(1, 2) == 5.0);   // 3 + 2
}

TEST_CASE("matmul_add_bias: the hand case in one pass", "[kernels]") {
    Mat y;
    bp::matmul_add_bias(X, W, B, y);
    CHECK(y(0, 0) == 14.5);  // 1·2 + 3·4 + 0.5 = 14.5
    CHECK(y(0, 1) == 2.0);   // 1·0 + 3·1 − 1 = 2
    CHECK(y(0, 2) == 0.0);   // 1·1 + 3·(−1) + 2 = 0
    CHECK(y(1, 0) == 0.5);   // 2·2 + (−1)·4 + 0.5 = 0.5
    CHECK(y(1, 1) == -2.0);  // 2·0 + (−1)·1 − 1 = −2
    CHECK(y(1, 2) == 5.0);   // 2·1 + (−1)·(−1) + 2 = 5
    CHECK_THROWS_AS(bp::matmul_add_bias(X, W, bp::zeros(1, 2), y), std::invalid_argument);
}

TEST_CASE("matmul_at_b_add: dW += Xᵀ G, hand-computed, accumulates", "[kernels]") {
    Mat dw = bp::zeros(2, 3);
    dw.fill(1.0);  // start from ones to see that it adds
    bp::matmul_at_b_add(X, G, dw);
    CHECK(dw(0, 0) == 0.0);   // 1 + (1·1 + 2·(−1)) = 1 − 1 = 0
    CHECK(dw(0, 1) == 7.0);   // 1 + (1·0 + 2·3) = 7
    CHECK(dw(0, 2) == 5.0);   // 1 + (1·2 + 2·1) = 5
    CHECK(dw(1, 0) == 5.0);   // 1 + (3·1 + (−1)·(−1)) = 5
    CHECK(dw(1, 1) == -2.0);  // 1 + (3·0 + (−1)·3) = −2
    CHECK(dw(1, 2) == 6.0);   // 1 + (3·2 + (−1)·1) = 6
}

TEST_CASE("matmul_a_bt: dX = G Wᵀ, hand-computed", "[kernels]") {
    Mat dx;
    bp::matmul_a_bt(G, W, dx);
    REQUIRE(dx.shape(0) == 2);
    REQUIRE(dx.shape(1) == 2);
    CHECK(dx(0, 0) == 4.0);   // 1·2 + 0·0 + 2·1 = 4
    CHECK(dx(0, 1) == 2.0);   // 1·4 + 0·1 + 2·(−1) = 2
    CHECK(dx(1, 0) == -1.0);  // (−1)·2 + 3·0 + 1·1 = −1
    CHECK(dx(1, 1) == -2.0);  // (−1)·4 + 3·1 + 1·(−1) = −2
}

TEST_CASE("sum_rows_add: db += Σ_n G(n,:), hand-computed", "[kernels]") {
    Mat db = mat(1, 3, {10, 20, 30});
    bp::sum_rows_add(G, db);
    CHECK(db(0, 0) == 10.0);  // 10 + 1 − 1
    CHECK(db(0, 1) == 23.0);  // 20 + 0 + 3
    CHECK(db(0, 2) == 33.0);  // 30 + 2 + 1
}

TEST_CASE("kernels match a naive triple loop bit for bit on random shapes", "[kernels]") {
    bp::Rng rng(42);
    for (int trial = 0; trial < 60; ++trial) {
        // H up to 23 exercises every column block of matmul (8, 4, 2, 1) and their mixes; the
        // last trials use a W over 4096 entries, where matmul_a_bt takes its dot-product path.
        const bool big = trial >= 55;
        const std::size_t N = 1 + rng.below(17), D = (big ? 60 : 1) + rng.below(13), H = (big ? 70 : 1) + rng.below(23);
        const Mat x = random_mat(rng, N, D);
        const Mat w = random_mat(rng, D, H);
        const Mat g = random_mat(rng, N, H);
        const Mat b = random_mat(rng, 1, H);
        const Mat dw0 = random_mat(rng, D, H);

        // The naive references sum each entry's terms in increasing index order starting from
        // 0.0 (or from the old value), the order the kernels promise.
        Mat y_ref = bp::zeros(N, H), dw_ref = dw0, dx_ref = bp::zeros(N, D), db_ref = b;
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t h = 0; h < H; ++h) {
                double s = 0.0;
                for (std::size_t d = 0; d < D; ++d) s += x(n, d) * w(d, h);
                y_ref(n, h) = s;
            }
        for (std::size_t d = 0; d < D; ++d)
            for (std::size_t h = 0; h < H; ++h) {
                double s = dw0(d, h);
                for (std::size_t n = 0; n < N; ++n) s += x(n, d) * g(n, h);
                dw_ref(d, h) = s;
            }
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t d = 0; d < D; ++d) {
                double s = 0.0;
                for (std::size_t h = 0; h < H; ++h) s += g(n, h) * w(d, h);
                dx_ref(n, d) = s;
            }
        for (std::size_t h = 0; h < H; ++h) {
            double s = b(0, h);
            for (std::size_t n = 0; n < N; ++n) s += g(n, h);
            db_ref(0, h) = s;
        }

        Mat y, yb, dx, dw = dw0, db = b;
        bp::matmul(x, w, y);
        bp::matmul_add_bias(x, w, b, yb);
        bp::matmul_at_b_add(x, g, dw);
        bp::matmul_a_bt(g, w, dx);
        bp::sum_rows_add(g, db);
        INFO("N=" << N << " D=" << D << " H=" << H);
        CHECK(bit_equal(y, y_ref));
        bp::add_bias(y_ref, b);  // the fused kernel equals matmul then add_bias, bit for bit
        CHECK(bit_equal(yb, y_ref));
        CHECK(bit_equal(dw, dw_ref));
        CHECK(bit_equal(dx, dx_ref));
        CHECK(bit_equal(db, db_ref));
    }
}

TEST_CASE("fill_zero zeroes every entry, in place", "[kernels]") {
    Mat m = mat(2, 3, {1, -2, 3, 4, -0.5, 6});
    const double* p = m.data();
    bp::fill_zero(m);
    CHECK(m.data() == p);
    for (double v : m) CHECK(bp::fn::bits_of(v) == bp::fn::bits_of(0.0));  // +0.0, as fill(0.0)
    std::vector<double> v{1, 2, 3, 4, 5};
    bp::fill_zero(v.data() + 1, 3);
    CHECK(v == std::vector<double>{1, 0, 0, 0, 5});
}

TEST_CASE("outputs keep their buffers when the shape is unchanged", "[kernels]") {
    Mat y, dx;
    bp::matmul(X, W, y);
    bp::matmul_a_bt(G, W, dx);
    const double* py = y.data();
    const double* pdx = dx.data();
    for (int i = 0; i < 3; ++i) {
        bp::matmul(X, W, y);
        bp::matmul_a_bt(G, W, dx);
    }
    CHECK(y.data() == py);
    CHECK(dx.data() == pdx);
}

TEST_CASE("shape mismatches throw std::invalid_argument", "[kernels]") {
    Mat y, dx;
    CHECK_THROWS_AS(bp::matmul(W, W, y), std::invalid_argument);  // (2,3)·(2,3)
    Mat dw_bad = bp::zeros(3, 3);
    CHECK_THROWS_AS(bp::matmul_at_b_add(X, G, dw_bad), std::invalid_argument);
    CHECK_THROWS_AS(bp::matmul_a_bt(G, X, dx), std::invalid_argument);  // G (2,3), X (2,2)
    Mat yy = bp::zeros(2, 3);
    CHECK_THROWS_AS(bp::add_bias(yy, bp::zeros(1, 2)), std::invalid_argument);
    Mat db_bad = bp::zeros(1, 2);
    CHECK_THROWS_AS(bp::sum_rows_add(G, db_bad), std::invalid_argument);
}

TEST_CASE("tanh and sigmoid arrays equal bp::fn bit for bit, vectorized or not", "[kernels]") {
    // The array kernels are compiled to vector code (and, on x86-64, also for AVX2, chosen at
    // load time); they must still give exactly the bits of the scalar bp::fn functions, for
    // every length (vector bodies and scalar tails) and for extreme inputs.
    bp::Rng rng(7);
    std::vector<double> in;
    for (int i = 0; i < 4000; ++i) in.push_back(rng.uniform(-40.0, 40.0));
    for (int i = 0; i < 1000; ++i) in.push_back(rng.uniform(-1e-3, 1e-3));
    for (double v : {0.0, -0.0, 1e-300, -1e-300, 19.0625, -19.0625, 354.0, 355.0, 709.0, 710.0,
                     -745.0, 1000.0, -1000.0, 1e300, -1e300})
        in.push_back(v);
    for (std::size_t len : {std::size_t(1), std::size_t(3), std::size_t(5), std::size_t(8),
                            std::size_t(13), in.size()}) {
        std::vector<double> t(len), s(len);
        bp::tanh_array(in.data(), t.data(), len);
        bp::sigmoid_array(in.data(), s.data(), len);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < len; ++i) {
            bad += bp::fn::bits_of(t[i]) != bp::fn::bits_of(bp::fn::tanh(in[i]));
            bad += bp::fn::bits_of(s[i]) != bp::fn::bits_of(bp::fn::sigmoid(in[i]));
        }
        INFO("length " << len);
        CHECK(bad == 0);
    }
    // In place (in == out) gives the same bits.
    Mat a = random_mat(rng, 9, 5), t = a, s = a;
    bp::tanh_inplace(t);
    bp::sigmoid_inplace(s);
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(bp::fn::bits_of(t.data()[i]) == bp::fn::bits_of(bp::fn::tanh(a.data()[i])));
        CHECK(bp::fn::bits_of(s.data()[i]) == bp::fn::bits_of(bp::fn::sigmoid(a.data()[i])));
    }
    // tanh(ln 2) = (2 − ½) / (2 + ½) = 0.6;  σ(ln 3) = 1 / (1 + ⅓) = 0.75
    Mat h = mat(1, 2, {std::log(2.0), std::log(3.0)});
    Mat h2 = h;
    bp::tanh_inplace(h);
    bp::sigmoid_inplace(h2);
    CHECK(h(0, 0) == Approx(0.6).epsilon(1e-15));
    CHECK(h2(0, 1) == Approx(0.75).epsilon(1e-15));
}
