// Non-finite numbers: NaN and infinity must pass through the math functions as NaN / the right
// limit (never undefined behaviour: these ran into a NaN-to-integer conversion once, found by
// fuzz_session under UBSan), and a session whose training produces them must report it.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "base/mathfn.hpp"
#include "session/session.hpp"

using namespace bp;

TEST_CASE("exp, tanh, sigmoid, sin and cos keep NaN as NaN and saturate at infinity", "[mathfn][nonfinite]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(std::isnan(fn::exp(nan)));
    CHECK(std::isnan(fn::tanh(nan)));
    CHECK(std::isnan(fn::sigmoid(nan)));
    CHECK(std::isnan(fn::sin(nan)));
    CHECK(std::isnan(fn::cos(nan)));
    CHECK(fn::tanh(inf) == 1.0);
    CHECK(fn::tanh(-inf) == -1.0);
    CHECK(fn::sigmoid(-inf) == Approx(0.0).margin(1e-300));
    CHECK(fn::sigmoid(inf) == 1.0);
    CHECK(fn::exp(-inf) > 0.0);  // clamped at exp(-708): tiny, not 0, never NaN
    CHECK(fn::exp(-inf) < 1e-300);
}

TEST_CASE("a sigmoid network that blows up reports divergence instead of training on NaN", "[session][nonfinite]") {
    SessionConfig c;
    c.dataset.kind = DatasetKind::Xor;
    c.dataset.points = 100;
    c.network.hidden = {6, 6};
    c.network.activations = {Activation::Sigmoid, Activation::Sigmoid};
    c.training.optimizer.kind = OptimizerKind::Sgd;
    c.training.optimizer.learning_rate = 10.0;
    TrainingSession s(c);
    s.set_weight(0, 0, 0, 1e6);  // a huge weight: the next steps overflow
    s.set_weight(1, 0, 0, -1e6);
    const StepStats st = s.step(50);
    if (st.diverged) {
        CHECK(st.step == 0);
        CHECK(s.network().layers[0].W(0, 0) == 1e6);  // restored, as it was before the call
    } else {
        for (const Dense& d : s.network().layers)
            for (double w : d.W) CHECK(std::isfinite(w));
    }
}
