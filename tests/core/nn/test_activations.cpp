// Tests for core/activations.hpp: a hand value per activation, a central-difference check of
// every backward, softmax properties, names.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "nn/activations.hpp"
#include "base/rng.hpp"
#include "test_util.hpp"

using bp::Activation;
using bp::Mat;
using bp::testing::mat;

namespace {

const Activation kAll[] = {Activation::Linear, Activation::Sigmoid, Activation::Tanh,
                           Activation::Relu, Activation::LeakyRelu, Activation::Softmax};

// Max relative error between activation_backward and central differences of the scalar
// S(z) = Σ da ⊙ f(z), whose gradient is exactly dz = dL/dz with L = S.
double backward_fd_error(Activation f, const Mat& z0, const Mat& da) {
    Mat a, dz;
    bp::activation_forward(f, z0, a);
    bp::activation_backward(f, z0, a, da, dz);
    auto S = [&](const Mat& z) {
        Mat out;
        bp::activation_forward(f, z, out);
        double s = 0.0;
        for (std::size_t i = 0; i < out.size(); ++i) s += da.data()[i] * out.data()[i];
        return s;
    };
    double worst = 0.0;
    const double eps = 1e-6;
    for (std::size_t i = 0; i < z0.size(); ++i) {
        Mat zp = z0, zm = z0;
        zp.data()[i] += eps;
        zm.data()[i] -= eps;
        const double num = (S(zp) - S(zm)) / (2 * eps);
        const double ana = dz.data()[i];
        const double rel = std::fabs(ana - num) / std::max(std::fabs(ana) + std::fabs(num), 1e-8);
        worst = std::max(worst, rel);
    }
    return worst;
}

}  // namespace

TEST_CASE("hand values of each activation", "[activations]") {
    const Mat z = mat(1, 3, {-2.0, 0.0, 3.0});
    Mat a;
    bp::activation_forward(Activation::Linear, z, a);
    CHECK(a(0, 0) == -2.0);
    CHECK(a(0, 2) == 3.0);
    bp::activation_forward(Activation::Relu, z, a);
    CHECK(a(0, 0) == 0.0);  // max(0, −2)
    CHECK(a(0, 1) == 0.0);
    CHECK(a(0, 2) == 3.0);
    bp::activation_forward(Activation::LeakyRelu, z, a);
    CHECK(a(0, 0) == Approx(-0.02).epsilon(1e-15));  // 0.01 · (−2)
    CHECK(a(0, 2) == 3.0);

    // σ(0) = ½,  σ(ln 3) = 1 / (1 + ⅓) = ¾
    bp::activation_forward(Activation::Sigmoid, mat(1, 2, {0.0, std::log(3.0)}), a);
    CHECK(a(0, 0) == 0.5);
    CHECK(a(0, 1) == Approx(0.75).epsilon(1e-15));
    // tanh(ln 2) = (2 − ½) / (2 + ½) = 0.6
    bp::activation_forward(Activation::Tanh, mat(1, 2, {0.0, std::log(2.0)}), a);
    CHECK(a(0, 0) == 0.0);
    CHECK(a(0, 1) == Approx(0.6).epsilon(1e-15));
    // softmax(0, ln 2, ln 5): e^z = (1, 2, 5), sum 8 -> (1/8, 2/8, 5/8)
    bp::activation_forward(Activation::Softmax, mat(1, 3, {0.0, std::log(2.0), std::log(5.0)}), a);
    CHECK(a(0, 0) == Approx(0.125).epsilon(1e-15));
    CHECK(a(0, 1) == Approx(0.25).epsilon(1e-15));
    CHECK(a(0, 2) == Approx(0.625).epsilon(1e-15));
}

TEST_CASE("hand values of each backward", "[activations]") {
    Mat dz;
    // tanh: a = 0.6, da = 2 -> dz = 2 · (1 − 0.36) = 1.28
    bp::activation_backward(Activation::Tanh, mat(1, 1, {std::log(2.0)}), mat(1, 1, {0.6}),
                            mat(1, 1, {2.0}), dz);
    CHECK(dz(0, 0) == Approx(1.28).epsilon(1e-15));
    // sigmoid: a = 0.75, da = 1 -> dz = 0.75 · 0.25 = 0.1875
    bp::activation_backward(Activation::Sigmoid, mat(1, 1, {std::log(3.0)}), mat(1, 1, {0.75}),
                            mat(1, 1, {1.0}), dz);
    CHECK(dz(0, 0) == 0.1875);
    // relu / leaky relu at z = −2 and z = 3 with da = (5, 5): (0, 5) and (0.05, 5)
    const Mat z = mat(1, 2, {-2.0, 3.0}), da = mat(1, 2, {5.0, 5.0});
    Mat a;
    bp::activation_forward(Activation::Relu, z, a);
    bp::activation_backward(Activation::Relu, z, a, da, dz);
    CHECK(dz(0, 0) == 0.0);
    CHECK(dz(0, 1) == 5.0);
    bp::activation_forward(Activation::LeakyRelu, z, a);
    bp::activation_backward(Activation::LeakyRelu, z, a, da, dz);
    CHECK(dz(0, 0) == Approx(0.05).epsilon(1e-15));
    CHECK(dz(0, 1) == 5.0);
    // softmax: a = (1/8, 1/4, 5/8), da = (1, 0, 0): Σ da⊙a = 1/8,
    // dz = a ⊙ (da − 1/8) = (1/8 · 7/8, 1/4 · (−1/8), 5/8 · (−1/8))
    //    = (0.109375, −0.03125, −0.078125)
    bp::activation_backward(Activation::Softmax, mat(1, 3, {0, 0, 0}),
                            mat(1, 3, {0.125, 0.25, 0.625}), mat(1, 3, {1, 0, 0}), dz);
    CHECK(dz(0, 0) == 0.109375);
    CHECK(dz(0, 1) == -0.03125);
    CHECK(dz(0, 2) == -0.078125);
}

TEST_CASE("every backward matches central differences", "[activations]") {
    bp::Rng rng(3);
    Mat z = bp::zeros(6, 4), da = bp::zeros(6, 4);
    for (std::size_t i = 0; i < z.size(); ++i) {
        // Keep |z| ≥ 0.1 so that ±ε never crosses the kink of ReLU at 0.
        double v = rng.uniform(-3.0, 3.0);
        if (std::fabs(v) < 0.1) v = v < 0 ? -0.5 : 0.5;
        z.data()[i] = v;
        da.data()[i] = rng.uniform(-1.0, 1.0);
    }
    for (Activation f : kAll) {
        INFO(bp::activation_name(f));
        CHECK(backward_fd_error(f, z, da) < 1e-6);
    }
}

TEST_CASE("softmax rows sum to 1 and survive huge inputs", "[activations]") {
    bp::Rng rng(5);
    Mat z = bp::zeros(20, 5), a;
    for (std::size_t i = 0; i < z.size(); ++i) z.data()[i] = rng.uniform(-10.0, 10.0);
    bp::activation_forward(Activation::Softmax, z, a);
    for (std::size_t n = 0; n < 20; ++n) {
        double s = 0.0;
        for (std::size_t k = 0; k < 5; ++k) {
            CHECK(a(n, k) > 0.0);
            s += a(n, k);
        }
        CHECK(s == Approx(1.0).epsilon(1e-15));
    }
    // Shifting a row by a constant changes nothing (the max is subtracted): z + 1000 must
    // neither overflow nor change the probabilities.
    Mat big = mat(1, 3, {1000.0, 1000.0 + std::log(2.0), 1000.0 + std::log(5.0)}), p;
    bp::activation_forward(Activation::Softmax, big, p);
    CHECK(p(0, 0) == Approx(0.125).epsilon(1e-12));
    CHECK(p(0, 2) == Approx(0.625).epsilon(1e-12));
}

TEST_CASE("forward and backward may work in place", "[activations]") {
    bp::Rng rng(9);
    Mat z = bp::zeros(3, 4), da = bp::zeros(3, 4);
    for (std::size_t i = 0; i < z.size(); ++i) {
        z.data()[i] = rng.uniform(-2.0, 2.0);
        da.data()[i] = rng.uniform(-2.0, 2.0);
    }
    for (Activation f : kAll) {
        Mat a, dz;
        bp::activation_forward(f, z, a);
        bp::activation_backward(f, z, a, da, dz);
        Mat a_in = z, dz_in = da;
        bp::activation_forward(f, a_in, a_in);
        bp::activation_backward(f, z, a, dz_in, dz_in);
        INFO(bp::activation_name(f));
        for (std::size_t i = 0; i < a.size(); ++i) {
            CHECK(a_in.data()[i] == a.data()[i]);
            CHECK(dz_in.data()[i] == dz.data()[i]);
        }
    }
}

TEST_CASE("activation names round-trip, and unknown names list the allowed ones", "[activations]") {
    for (Activation f : kAll) CHECK(bp::activation_from_name(bp::activation_name(f)) == f);
    CHECK(std::string(bp::activation_name(Activation::LeakyRelu)) == "leaky_relu");
    CHECK_THROWS_AS(bp::activation_from_name("swish"), std::invalid_argument);
    CHECK_THROWS_WITH(bp::activation_from_name("swish"),
                      "unknown activation 'swish'; allowed: linear, sigmoid, tanh, relu, "
                      "leaky_relu, softmax");
}
