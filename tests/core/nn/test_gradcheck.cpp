// Tests for core/gradcheck.hpp: the formula, a correct gradient passes, a wrong one is caught,
// sampling, and values are restored exactly.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nn/gradcheck.hpp"
#include "base/mathfn.hpp"
#include "base/rng.hpp"
#include "test_util.hpp"

using bp::Mat;
using bp::testing::mat;

namespace {

// f(A, B) = Σ A³ + Σ sin(B) · 2,   ∂f/∂A = 3A²,   ∂f/∂B = 2 cos(B)
struct Problem {
    Mat A = mat(2, 2, {0.5, -1.0, 1.5, 2.0});
    Mat B = mat(1, 3, {0.3, -0.7, 1.1});
    Mat dA = bp::zeros(2, 2), dB = bp::zeros(1, 3);
    double loss() const {
        double s = 0.0;
        for (double a : A) s += a * a * a;
        for (double b : B) s += 2.0 * bp::fn::sin(b);
        return s;
    }
    double loss_and_grad(bool wrong) {
        dA.fill(0.0);
        dB.fill(0.0);
        for (std::size_t i = 0; i < A.size(); ++i) dA.data()[i] = 3.0 * A.data()[i] * A.data()[i];
        for (std::size_t i = 0; i < B.size(); ++i) dB.data()[i] = 2.0 * bp::fn::cos(B.data()[i]);
        if (wrong) dB.data()[1] *= 1.01;  // a 1% error in one entry
        return loss();
    }
    bp::ParamList params() { return {{"A", &A, &dA}, {"B", &B, &dB}}; }
};

}  // namespace

TEST_CASE("relative error formula", "[gradcheck]") {
    // |1 − 1.1| / (1 + 1.1) = 0.1 / 2.1
    CHECK(bp::grad_rel_error(1.0, 1.1) == Approx(0.1 / 2.1).epsilon(1e-14));
    CHECK(bp::grad_rel_error(-2.0, 2.0) == 1.0);  // opposite signs: the maximum
    CHECK(bp::grad_rel_error(0.0, 0.0) == 0.0);
    CHECK(bp::grad_rel_error(1e-12, 0.0) == Approx(1e-4));  // floor 1e-8: 1e-12 / 1e-8
}

TEST_CASE("numeric_gradient of a cubic", "[gradcheck]") {
    // f(w) = w³ at w = 2: f' = 12; the central difference errs by ε² f'''/6 = 1e-10.
    Mat w = mat(1, 1, {2.0});
    auto f = [&]() { return w(0, 0) * w(0, 0) * w(0, 0); };
    CHECK(bp::numeric_gradient(w, 0, f, 1e-5) == Approx(12.0).epsilon(1e-9));
    CHECK(w(0, 0) == 2.0);
    CHECK_THROWS_AS(bp::numeric_gradient(w, 1, f), std::out_of_range);
}

TEST_CASE("a correct gradient passes, and values are restored bit for bit", "[gradcheck]") {
    Problem p;
    const Mat A0 = p.A, B0 = p.B;
    const auto r = bp::gradcheck(p.params(), [&] { return p.loss_and_grad(false); },
                                 [&] { return p.loss(); });
    CHECK(r.max_rel_error < 1e-8);
    REQUIRE(r.per_param.size() == 2);
    CHECK(r.per_param[0].name == "A");
    CHECK(r.per_param[0].checked == 4);
    CHECK(r.per_param[1].checked == 3);
    for (std::size_t i = 0; i < A0.size(); ++i)
        CHECK(bp::fn::bits_of(p.A.data()[i]) == bp::fn::bits_of(A0.data()[i]));
    for (std::size_t i = 0; i < B0.size(); ++i)
        CHECK(bp::fn::bits_of(p.B.data()[i]) == bp::fn::bits_of(B0.data()[i]));
}

TEST_CASE("a deliberately wrong gradient is detected and located", "[gradcheck]") {
    Problem p;
    const auto r = bp::gradcheck(p.params(), [&] { return p.loss_and_grad(true); },
                                 [&] { return p.loss(); });
    // a = 1.01 n: rel = 0.01 n / 2.01 n ≈ 0.004975
    CHECK(r.max_rel_error == Approx(0.01 / 2.01).epsilon(1e-6));
    CHECK(r.per_param[0].max_rel_error < 1e-8);  // A is right
    CHECK(r.per_param[1].max_rel_error > 1e-3);  // B is wrong...
    CHECK(r.per_param[1].worst_index == 1);      // ...at entry 1
    CHECK(r.per_param[1].analytic == Approx(1.01 * 2.0 * std::cos(-0.7)).epsilon(1e-12));
    CHECK(r.per_param[1].numeric == Approx(2.0 * std::cos(-0.7)).epsilon(1e-8));
}

TEST_CASE("sampling checks at most max_per_param entries", "[gradcheck]") {
    Problem p;
    bp::Rng rng(5);
    const auto r = bp::gradcheck(p.params(), [&] { return p.loss_and_grad(false); },
                                 [&] { return p.loss(); }, 1e-5, 2, &rng);
    CHECK(r.per_param[0].checked == 2);
    CHECK(r.per_param[1].checked == 2);
    CHECK(r.max_rel_error < 1e-8);
    // Without an rng the sample is evenly spaced; a wrong entry at index 1 of B (3 entries,
    // sample of 3 = all) is still found.
    const auto all = bp::gradcheck(p.params(), [&] { return p.loss_and_grad(true); },
                                   [&] { return p.loss(); }, 1e-5, 3);
    CHECK(all.per_param[1].max_rel_error > 1e-3);
}

// issue 12, item 9: NaN anywhere is a failure. Before, the maximum dropped NaN (NaN > x is
// false), so weights of 1e200 reported "max relative error 0" and passed.
TEST_CASE("a NaN or infinite gradient fails the check and is located", "[gradcheck]") {
    Problem p;
    // A[1,0] = 1e200: A³ overflows, so the loss is +inf at every perturbation and each numeric
    // gradient is inf − inf = NaN (the analytic 3A² at A[1,0] is +inf).
    p.A(1, 0) = 1e200;
    const auto r = bp::gradcheck(p.params(), [&] { return p.loss_and_grad(false); },
                                 [&] { return p.loss(); });
    CHECK(std::isnan(r.max_rel_error));
    CHECK_FALSE(r.passed());
    CHECK(r.nonfinite == 7);                 // all 4 + 3 entries
    CHECK(std::isnan(r.per_param[0].max_rel_error));
    CHECK(r.per_param[0].worst_index == 0);  // the first non-finite entry
    CHECK(std::isinf(r.loss));
    // One NaN entry after finite ones, in the last parameter: a plain maximum would drop it
    // and report the others' ~1e-10. Here only the analytic dB[2] is NaN.
    Problem q;
    const auto r2 = bp::gradcheck(
        q.params(),
        [&] {
            const double l = q.loss_and_grad(false);
            q.dB(0, 2) = std::numeric_limits<double>::quiet_NaN();
            return l;
        },
        [&] { return q.loss(); });
    CHECK(std::isnan(r2.max_rel_error));
    CHECK_FALSE(r2.passed());
    CHECK(r2.nonfinite == 1);
    CHECK(r2.per_param[0].nonfinite == 0);
    CHECK(r2.per_param[0].max_rel_error < 1e-8);
    CHECK(r2.per_param[1].nonfinite == 1);
    CHECK(r2.per_param[1].worst_index == 2);
    CHECK(std::isnan(r2.per_param[1].analytic));
    CHECK(r2.per_param[1].numeric == Approx(2.0 * std::cos(1.1)).epsilon(1e-8));
    // a correct, finite gradient passes
    Problem ok;
    const auto r3 = bp::gradcheck(ok.params(), [&] { return ok.loss_and_grad(false); },
                                  [&] { return ok.loss(); });
    CHECK(r3.passed());
    CHECK(r3.nonfinite == 0);
    CHECK(r3.loss == Approx(ok.loss()));
}
