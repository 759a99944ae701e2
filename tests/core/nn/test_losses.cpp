// Tests for core/losses.hpp: hand-computed values and gradients, and finite differences of the
// fused gradients through the activation they are fused with.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "nn/activations.hpp"
#include "nn/losses.hpp"
#include "base/rng.hpp"
#include "test_util.hpp"

using bp::Loss;
using bp::Mat;
using bp::testing::mat;
using bp::testing::rel_error;

namespace {

// Worst relative error between `grad` and central differences of L(u) over every entry of u.
template <class LossOf>
double fd_error(Mat u, const Mat& grad, LossOf L) {
    double worst = 0.0;
    const double eps = 1e-6;
    for (std::size_t i = 0; i < u.size(); ++i) {
        const double u0 = u.data()[i];
        u.data()[i] = u0 + eps;
        const double plus = L(u);
        u.data()[i] = u0 - eps;
        const double minus = L(u);
        u.data()[i] = u0;
        worst = std::max(worst, rel_error(grad.data()[i], (plus - minus) / (2 * eps)));
    }
    return worst;
}

}  // namespace

TEST_CASE("squared error: hand value and gradient", "[losses]") {
    // a = (0.5, 2), y = (1, 0), N = 2:
    // L = (1/2) (½ · 0.5² + ½ · 2²) = (1/2) (0.125 + 2) = 1.0625
    // dL/da = (a − y) / N = (−0.5/2, 2/2) = (−0.25, 1)
    Mat dout;
    const double L = bp::loss_forward_backward(Loss::SquaredError, mat(2, 1, {0.5, 2.0}),
                                               mat(2, 1, {1.0, 0.0}), dout);
    CHECK(L == 1.0625);
    CHECK(dout(0, 0) == -0.25);
    CHECK(dout(1, 0) == 1.0);
}

TEST_CASE("sigmoid cross-entropy: hand value and fused gradient", "[losses]") {
    // a = (0.8, 0.25), y = (1, 0), N = 2:
    // L = −(1/2) (ln 0.8 + ln 0.75) = −(1/2)(−0.2231435513 − 0.2876820725) = 0.2554128119
    // dL/dz = (a − y) / N = (−0.2/2, 0.25/2) = (−0.1, 0.125)
    Mat dout;
    const double L = bp::loss_forward_backward(Loss::SigmoidCrossEntropy, mat(2, 1, {0.8, 0.25}),
                                               mat(2, 1, {1.0, 0.0}), dout);
    CHECK(L == Approx(0.2554128118829953).epsilon(1e-14));
    CHECK(dout(0, 0) == Approx(-0.1).epsilon(1e-15));
    CHECK(dout(1, 0) == 0.125);
}

TEST_CASE("softmax cross-entropy: hand value and fused gradient", "[losses]") {
    // P = (1/8, 1/4, 5/8), Y = (0, 0, 1), N = 1:
    // L = −ln 0.625 = 0.4700036292;   dL/dz = P − Y = (0.125, 0.25, −0.375)
    Mat dout;
    const double L = bp::loss_forward_backward(Loss::SoftmaxCrossEntropy,
                                               mat(1, 3, {0.125, 0.25, 0.625}),
                                               mat(1, 3, {0.0, 0.0, 1.0}), dout);
    CHECK(L == Approx(0.4700036292457356).epsilon(1e-14));
    CHECK(dout(0, 0) == 0.125);
    CHECK(dout(0, 1) == 0.25);
    CHECK(dout(0, 2) == -0.375);
}

TEST_CASE("gradients match finite differences (fused ones through their activation)",
          "[losses]") {
    bp::Rng rng(11);
    const std::size_t N = 5, K = 3;
    Mat z = bp::zeros(N, K), y01 = bp::zeros(N, K), yreal = bp::zeros(N, K),
        onehot = bp::zeros(N, K);
    for (std::size_t i = 0; i < z.size(); ++i) {
        z.data()[i] = rng.uniform(-2.0, 2.0);
        y01.data()[i] = rng.uniform() < 0.5 ? 0.0 : 1.0;
        yreal.data()[i] = rng.uniform(-1.0, 1.0);
    }
    for (std::size_t n = 0; n < N; ++n) onehot(n, rng.below(K)) = 1.0;

    SECTION("squared: dL/da") {
        Mat dout;
        bp::loss_forward_backward(Loss::SquaredError, z, yreal, dout);
        CHECK(fd_error(z, dout, [&](const Mat& a) {
                  return bp::loss_value(Loss::SquaredError, a, yreal);
              }) < 1e-6);
    }
    SECTION("sigmoid_ce: dL/dz with a = σ(z)") {
        Mat a, dout;
        bp::activation_forward(bp::Activation::Sigmoid, z, a);
        bp::loss_forward_backward(Loss::SigmoidCrossEntropy, a, y01, dout);
        CHECK(fd_error(z, dout, [&](const Mat& zz) {
                  Mat aa;
                  bp::activation_forward(bp::Activation::Sigmoid, zz, aa);
                  return bp::loss_value(Loss::SigmoidCrossEntropy, aa, y01);
              }) < 1e-7);
    }
    SECTION("softmax_ce: dL/dz with P = softmax(z)") {
        Mat p, dout;
        bp::activation_forward(bp::Activation::Softmax, z, p);
        bp::loss_forward_backward(Loss::SoftmaxCrossEntropy, p, onehot, dout);
        CHECK(fd_error(z, dout, [&](const Mat& zz) {
                  Mat pp;
                  bp::activation_forward(bp::Activation::Softmax, zz, pp);
                  return bp::loss_value(Loss::SoftmaxCrossEntropy, pp, onehot);
              }) < 1e-7);
    }
}

TEST_CASE("loss_value equals the value of loss_forward_backward", "[losses]") {
    const Mat a = mat(2, 2, {0.3, 0.7, 0.9, 0.1}), y = mat(2, 2, {0, 1, 1, 0});
    Mat dout;
    for (Loss l : {Loss::SquaredError, Loss::SigmoidCrossEntropy, Loss::SoftmaxCrossEntropy})
        CHECK(bp::loss_value(l, a, y) == bp::loss_forward_backward(l, a, y, dout));
}

TEST_CASE("log is clamped: a saturated wrong answer gives a large finite loss", "[losses]") {
    Mat dout;
    // a = 0 for a positive example: −ln(1e-15) = 34.538776...
    const double L = bp::loss_forward_backward(Loss::SigmoidCrossEntropy, mat(1, 1, {0.0}),
                                               mat(1, 1, {1.0}), dout);
    CHECK(std::isfinite(L));
    CHECK(L == Approx(-std::log(1e-15)).epsilon(1e-14));
    CHECK(dout(0, 0) == -1.0);  // the fused gradient needs no clamp
    const double L2 = bp::loss_forward_backward(Loss::SoftmaxCrossEntropy, mat(1, 2, {1.0, 0.0}),
                                                mat(1, 2, {0.0, 1.0}), dout);
    CHECK(L2 == Approx(-std::log(1e-15)).epsilon(1e-14));
}

TEST_CASE("losses are means over the batch", "[losses]") {
    // Repeating the batch twice leaves the loss unchanged and halves each dout entry.
    Mat d1, d2;
    const double L1 = bp::loss_forward_backward(Loss::SquaredError, mat(1, 2, {1.0, 3.0}),
                                                mat(1, 2, {0.0, 0.0}), d1);
    const double L2 = bp::loss_forward_backward(Loss::SquaredError, mat(2, 2, {1.0, 3.0, 1.0, 3.0}),
                                                mat(2, 2, {0.0, 0.0, 0.0, 0.0}), d2);
    CHECK(L1 == 5.0);  // ½·1 + ½·9 = 5
    CHECK(L2 == 5.0);
    CHECK(d1(0, 1) == 3.0);
    CHECK(d2(0, 1) == 1.5);
}

TEST_CASE("bad shapes, names, fusion", "[losses]") {
    Mat dout;
    CHECK_THROWS_AS(bp::loss_forward_backward(Loss::SquaredError, bp::zeros(2, 1), bp::zeros(2, 2),
                                              dout),
                    std::invalid_argument);
    CHECK_THROWS_AS(bp::loss_value(Loss::SquaredError, bp::zeros(0, 1), bp::zeros(0, 1)),
                    std::invalid_argument);
    for (Loss l : {Loss::SquaredError, Loss::SigmoidCrossEntropy, Loss::SoftmaxCrossEntropy})
        CHECK(bp::loss_from_name(bp::loss_name(l)) == l);
    CHECK(std::string(bp::loss_name(Loss::SigmoidCrossEntropy)) == "sigmoid_ce");
    CHECK_THROWS_WITH(bp::loss_from_name("hinge"),
                      "unknown loss 'hinge'; allowed: squared, sigmoid_ce, softmax_ce");
    CHECK_FALSE(bp::loss_is_fused(Loss::SquaredError));
    CHECK(bp::loss_is_fused(Loss::SigmoidCrossEntropy));
    CHECK(bp::loss_is_fused(Loss::SoftmaxCrossEntropy));
}
