// Tests for core/optimizers.hpp: each rule against steps computed by hand, schedules, clipping,
// state kept by position, live config changes, save/restore, validation.
// (A gradient check cannot catch an optimizer bug; these hand-computed steps can.)
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "nn/optimizers.hpp"
#include "test_util.hpp"

using bp::Mat;
using bp::Optimizer;
using bp::OptimizerConfig;
using bp::OptimizerKind;
using bp::Schedule;
using bp::testing::mat;

namespace {

// One parameter w = (1, −2) with gradient g = (0.5, −1) unless a test sets another.
struct One {
    Mat w = mat(1, 2, {1.0, -2.0});
    Mat g = mat(1, 2, {0.5, -1.0});
    bp::ParamList list() { return {{"w", &w, &g}}; }
};

OptimizerConfig config(OptimizerKind kind, double lr) {
    OptimizerConfig c;
    c.kind = kind;
    c.learning_rate = lr;
    return c;
}

}  // namespace

TEST_CASE("sgd: w ← w − η g", "[optimizers]") {
    One p;
    Optimizer opt(config(OptimizerKind::Sgd, 0.1));
    opt.step(p.list());
    CHECK(p.w(0, 0) == Approx(0.95).epsilon(1e-15));  // 1 − 0.1·0.5
    CHECK(p.w(0, 1) == Approx(-1.9).epsilon(1e-15));  // −2 − 0.1·(−1)
    opt.step(p.list());
    CHECK(p.w(0, 0) == Approx(0.9).epsilon(1e-15));
    CHECK(p.w(0, 1) == Approx(-1.8).epsilon(1e-15));
    CHECK(opt.steps() == 2);
}

TEST_CASE("momentum (Polyak): v ← μv − ηg, w ← w + v", "[optimizers]") {
    One p;
    Optimizer opt(config(OptimizerKind::Momentum, 0.1));  // μ = 0.9
    opt.step(p.list());
    // v1 = −0.1·g = (−0.05, 0.1);  w1 = (0.95, −1.9)
    CHECK(opt.slots(0)[0](0, 0) == Approx(-0.05).epsilon(1e-15));
    CHECK(p.w(0, 0) == Approx(0.95).epsilon(1e-15));
    CHECK(p.w(0, 1) == Approx(-1.9).epsilon(1e-15));
    opt.step(p.list());
    // v2 = 0.9·v1 − 0.1·g = (−0.045 − 0.05, 0.09 + 0.1) = (−0.095, 0.19);  w2 = (0.855, −1.71)
    CHECK(opt.slots(0)[0](0, 1) == Approx(0.19).epsilon(1e-15));
    CHECK(p.w(0, 0) == Approx(0.855).epsilon(1e-15));
    CHECK(p.w(0, 1) == Approx(-1.71).epsilon(1e-15));
}

TEST_CASE("nesterov: v ← μv − ηg, w ← w + μv − ηg", "[optimizers]") {
    One p;
    Optimizer opt(config(OptimizerKind::Nesterov, 0.1));  // μ = 0.9
    opt.step(p.list());
    // v1 = (−0.05, 0.1);  w1 = w0 + 0.9·v1 − 0.1·g = (1 − 0.045 − 0.05, −2 + 0.09 + 0.1)
    //                                              = (0.905, −1.81)
    CHECK(p.w(0, 0) == Approx(0.905).epsilon(1e-15));
    CHECK(p.w(0, 1) == Approx(-1.81).epsilon(1e-15));
    opt.step(p.list());
    // v2 = (−0.095, 0.19);  w2 = w1 + 0.9·v2 − 0.1·g = (0.905 − 0.0855 − 0.05, −1.81 + 0.171 + 0.1)
    //                                                = (0.7695, −1.539)
    CHECK(p.w(0, 0) == Approx(0.7695).epsilon(1e-15));
    CHECK(p.w(0, 1) == Approx(-1.539).epsilon(1e-15));
}

TEST_CASE("rmsprop: s ← ρs + (1−ρ)g², w ← w − ηg/(√s + ε)", "[optimizers]") {
    One p;
    Optimizer opt(config(OptimizerKind::RmsProp, 0.01));  // ρ = 0.9, ε = 1e-8
    opt.step(p.list());
    // s1 = 0.1·g² = (0.025, 0.1);  √s1 = (0.1581138830, 0.3162277660)
    // w1 = (1 − 0.01·0.5/(0.1581138830 + 1e-8), −2 + 0.01·1/(0.3162277660 + 1e-8))
    //    = (0.9683772254, −1.9683772244)    (without ε both would end in ...234: ε shows at 1e-9)
    CHECK(opt.slots(0)[0](0, 0) == Approx(0.025).epsilon(1e-15));
    CHECK(p.w(0, 0) == Approx(0.968377225398316).epsilon(1e-13));
    CHECK(p.w(0, 1) == Approx(-1.9683772243983162).epsilon(1e-13));
    opt.step(p.list());
    // s2 = 0.9·s1 + 0.1·g² = 0.19·g² = (0.0475, 0.19);  √s2 = (0.2179449472, 0.4358898944)
    // w2 = (w1 − 0.01·0.5/(0.2179449472 + 1e-8), w1 + 0.01·1/(0.4358898944 + 1e-8))
    //    = (0.9454356531, −1.9454356515)
    CHECK(p.w(0, 0) == Approx(0.9454356530638914).epsilon(1e-13));
    CHECK(p.w(0, 1) == Approx(-1.9454356515375757).epsilon(1e-13));
}

TEST_CASE("adam with bias correction (Kingma & Ba 2015, Algorithm 1)", "[optimizers]") {
    One p;
    Optimizer opt(config(OptimizerKind::Adam, 0.1));  // β1 0.9, β2 0.999, ε 1e-8
    opt.step(p.list());
    // t = 1, g = (0.5, −1): m = 0.1·g = (0.05, −0.1), v = 0.001·g² = (0.00025, 0.001)
    // m̂ = m/0.1 = g, v̂ = v/0.001 = g²: the first step is η·g/(|g| + ε) ≈ η·sign(g), whatever |g|.
    // w1 = (1 − 0.1·0.5/(0.5 + 1e-8), −2 + 0.1·1/(1 + 1e-8)) = (0.900000002, −1.900000001)
    CHECK(opt.slots(0)[0](0, 0) == Approx(0.05).epsilon(1e-15));
    CHECK(opt.slots(1)[0](0, 1) == Approx(0.001).epsilon(1e-15));
    CHECK(p.w(0, 0) == Approx(0.9000000019999999).epsilon(1e-13));
    CHECK(p.w(0, 1) == Approx(-1.900000001).epsilon(1e-13));
    p.g = mat(1, 2, {-0.5, 2.0});
    opt.step(p.list());
    // t = 2, g = (−0.5, 2):
    // m = 0.9·(0.05, −0.1) + 0.1·g = (−0.005, 0.11)
    // m̂ = m / (1 − 0.9²) = m / 0.19 = (−0.0263157895, 0.5789473684)
    // v = 0.999·(0.00025, 0.001) + 0.001·g² = (0.00049975, 0.004999)
    // v̂ = v / (1 − 0.999²) = v / 0.001999 = (0.25, 2.5007503752)
    // w2 = w1 − 0.1·m̂/(√v̂ + ε) = (0.900000002 + 0.1·0.0263157895/0.5,
    //                              −1.900000001 − 0.1·0.5789473684/1.5813761)
    //    = (0.9052631598, −1.9366103535)
    CHECK(opt.slots(0)[0](0, 0) == Approx(-0.005).epsilon(1e-12));
    CHECK(opt.slots(1)[0](0, 1) == Approx(0.004999).epsilon(1e-12));
    CHECK(p.w(0, 0) == Approx(0.9052631597894735).epsilon(1e-13));
    CHECK(p.w(0, 1) == Approx(-1.9366103534720749).epsilon(1e-13));
}

TEST_CASE("learning-rate schedules", "[optimizers]") {
    OptimizerConfig c;
    c.learning_rate = 0.1;
    c.decay_rate = 0.5;
    c.decay_steps = 10;
    c.schedule = Schedule::Constant;
    CHECK(bp::scheduled_learning_rate(c, 0) == 0.1);
    CHECK(bp::scheduled_learning_rate(c, 12345) == 0.1);
    c.schedule = Schedule::Step;  // 0.1 · 0.5^⌊s/10⌋
    CHECK(bp::scheduled_learning_rate(c, 0) == 0.1);
    CHECK(bp::scheduled_learning_rate(c, 9) == 0.1);
    CHECK(bp::scheduled_learning_rate(c, 10) == 0.05);
    CHECK(bp::scheduled_learning_rate(c, 25) == 0.025);
    c.schedule = Schedule::Exponential;  // 0.1 · 0.5^(s/10)
    CHECK(bp::scheduled_learning_rate(c, 0) == 0.1);
    // 0.1 · 0.5^½ = 0.1/√2
    CHECK(bp::scheduled_learning_rate(c, 5) == Approx(0.07071067811865477).epsilon(1e-14));
    CHECK(bp::scheduled_learning_rate(c, 10) == Approx(0.05).epsilon(1e-14));
    CHECK(bp::scheduled_learning_rate(c, 20) == Approx(0.025).epsilon(1e-14));

    // The optimizer uses the schedule with the number of steps already taken.
    One p;
    c.kind = OptimizerKind::Sgd;
    c.schedule = Schedule::Step;
    c.decay_steps = 1;  // halve every step: η = 0.1, 0.05, 0.025
    Optimizer opt(c);
    opt.step(p.list());
    CHECK(opt.last_learning_rate() == 0.1);
    opt.step(p.list());
    CHECK(opt.last_learning_rate() == 0.05);
    opt.step(p.list());
    CHECK(opt.last_learning_rate() == 0.025);
    // w = 1 − (0.1 + 0.05 + 0.025)·0.5 = 0.9125
    CHECK(p.w(0, 0) == Approx(0.9125).epsilon(1e-15));
}

TEST_CASE("clipping by global norm scales the norm exactly to the threshold", "[optimizers]") {
    // Two gradients (3, 0) and (0, 4)ᵀ: global norm √(9 + 16) = 5.
    Mat w1 = bp::zeros(1, 2), g1 = mat(1, 2, {3.0, 0.0});
    Mat w2 = bp::zeros(2, 1), g2 = mat(2, 1, {0.0, 4.0});
    bp::ParamList list = {{"a", &w1, &g1}, {"b", &w2, &g2}};
    CHECK(bp::global_grad_norm(list) == 5.0);
    CHECK(bp::clip_by_global_norm(list, 10.0) == 5.0);  // under the threshold: unchanged
    CHECK(g1(0, 0) == 3.0);
    CHECK(g2(1, 0) == 4.0);
    CHECK(bp::clip_by_global_norm(list, 1.0) == 5.0);  // returns the norm before clipping
    CHECK(g1(0, 0) == Approx(0.6).epsilon(1e-15));     // 3 · 1/5
    CHECK(g2(1, 0) == Approx(0.8).epsilon(1e-15));     // 4 · 1/5
    CHECK(bp::global_grad_norm(list) == Approx(1.0).epsilon(1e-15));
    CHECK_THROWS_AS(bp::clip_by_global_norm(list, 0.0), std::invalid_argument);

    // Inside the optimizer: SGD with η = 1 and clip 1 moves w by exactly the clipped gradient.
    g1 = mat(1, 2, {3.0, 0.0});
    g2 = mat(2, 1, {0.0, 4.0});
    OptimizerConfig c = config(OptimizerKind::Sgd, 1.0);
    c.clip_norm = 1.0;
    Optimizer opt(c);
    opt.step(list);
    CHECK(opt.last_clipped());
    CHECK(opt.clip_count() == 1);
    CHECK(opt.last_grad_norm() == 5.0);
    CHECK(w1(0, 0) == Approx(-0.6).epsilon(1e-15));
    CHECK(w2(1, 0) == Approx(-0.8).epsilon(1e-15));
    g1 = mat(1, 2, {0.3, 0.0});  // norm 0.3 < 1: not clipped
    g2 = mat(2, 1, {0.0, 0.0});
    opt.step(list);
    CHECK_FALSE(opt.last_clipped());
    CHECK(opt.clip_count() == 1);
    CHECK(w1(0, 0) == Approx(-0.9).epsilon(1e-15));
}

TEST_CASE("state is kept by position, not by address", "[optimizers]") {
    // Run A: one list used twice. Run B: the second step uses other Mat objects (copies at the
    // same positions) and other names. Momentum must continue identically.
    One a, b;
    Optimizer oa(config(OptimizerKind::Momentum, 0.1)), ob(config(OptimizerKind::Momentum, 0.1));
    oa.step(a.list());
    oa.step(a.list());
    ob.step(b.list());
    One copy = b;
    bp::ParamList other = {{"renamed", &copy.w, &copy.g}};
    ob.step(other);
    CHECK(copy.w(0, 0) == a.w(0, 0));
    CHECK(copy.w(0, 1) == a.w(0, 1));
    // A list of another length or shape is refused, and nothing changes.
    Mat w3 = bp::zeros(2, 2), g3 = bp::zeros(2, 2);
    bp::ParamList wrong = {{"w3", &w3, &g3}};
    CHECK_THROWS_AS(oa.step(wrong), std::invalid_argument);
    bp::ParamList longer = {{"w", &a.w, &a.g}, {"w3", &w3, &g3}};
    CHECK_THROWS_AS(oa.step(longer), std::invalid_argument);
    CHECK(oa.steps() == 2);
    oa.reset();
    CHECK(oa.steps() == 0);
    CHECK_NOTHROW(oa.step(wrong));  // after reset, the new shapes are accepted
}

TEST_CASE("live config change keeps the state, and a new kind restarts the slots", "[optimizers]") {
    One p;
    Optimizer opt(config(OptimizerKind::Momentum, 0.1));
    opt.step(p.list());  // v1 = (−0.05, 0.1), w1 = (0.95, −1.9)
    opt.set_config(config(OptimizerKind::Momentum, 0.2));
    opt.step(p.list());
    // v2 = 0.9·v1 − 0.2·g = (−0.045 − 0.1, 0.09 + 0.2) = (−0.145, 0.29);  w2 = (0.805, −1.61)
    CHECK(p.w(0, 0) == Approx(0.805).epsilon(1e-15));
    CHECK(p.w(0, 1) == Approx(-1.61).epsilon(1e-15));
    CHECK(opt.steps() == 2);
    opt.set_config(config(OptimizerKind::Adam, 0.1));
    CHECK(opt.steps() == 2);
    CHECK(opt.state().slot_steps == 0);
    CHECK(opt.slots(0).empty());
    opt.step(p.list());  // a fresh Adam: the first step is ≈ η·sign(g) = (−0.1, +0.1)
    CHECK(p.w(0, 0) == Approx(0.705).epsilon(1e-7));
    CHECK(p.w(0, 1) == Approx(-1.51).epsilon(1e-7));
    CHECK_THROWS_AS(opt.set_config(config(OptimizerKind::Adam, -1.0)), std::out_of_range);
    CHECK(opt.config().learning_rate == 0.1);  // unchanged by the refused config
}

TEST_CASE("state() and restore() continue a run exactly", "[optimizers]") {
    for (OptimizerKind kind : {OptimizerKind::Sgd, OptimizerKind::Momentum,
                               OptimizerKind::Nesterov, OptimizerKind::RmsProp,
                               OptimizerKind::Adam}) {
        One a;
        Optimizer o1(config(kind, 0.05));
        o1.step(a.list());
        o1.step(a.list());
        One b = a;
        Optimizer o2(config(kind, 0.05));
        o2.restore(o1.state());
        o1.step(a.list());
        o2.step(b.list());
        INFO(bp::optimizer_name(kind));
        CHECK(a.w(0, 0) == b.w(0, 0));
        CHECK(a.w(0, 1) == b.w(0, 1));
        CHECK(o2.steps() == 3);
        CHECK(static_cast<int>(o1.state().slots.size()) == Optimizer::slot_count(kind));
    }
    CHECK(std::string(Optimizer::slot_name(OptimizerKind::Adam, 1)) == "v");
    CHECK(std::string(Optimizer::slot_name(OptimizerKind::Nesterov, 0)) == "velocity");
    Optimizer adam(config(OptimizerKind::Adam, 0.1));
    bp::OptimizerState bad;
    bad.slots.resize(1);  // Adam has two slots
    CHECK_THROWS_AS(adam.restore(bad), std::invalid_argument);
}

TEST_CASE("config validation names the field", "[optimizers]") {
    OptimizerConfig c;
    CHECK_NOTHROW(bp::optimizer_validate(c));
    c.momentum = 1.5;
    CHECK_THROWS_AS(bp::optimizer_validate(c), std::out_of_range);
    CHECK_THROWS_WITH(bp::optimizer_validate(c), "momentum: 1.5 is outside [0, 1)");
    c = OptimizerConfig{};
    c.learning_rate = std::nan("");
    CHECK_THROWS_AS(bp::optimizer_validate(c), std::invalid_argument);
    CHECK_THROWS_WITH(bp::optimizer_validate(c), "learning_rate: must be a finite number");
    c = OptimizerConfig{};
    c.epsilon = 0.0;
    CHECK_THROWS_WITH(bp::optimizer_validate(c), "epsilon: 0 is outside (0, inf)");
    c = OptimizerConfig{};
    c.decay_steps = 0;
    CHECK_THROWS_AS(bp::optimizer_validate(c), std::out_of_range);
    CHECK_THROWS_AS(Optimizer(c), std::out_of_range);
}

TEST_CASE("optimizer and schedule names round-trip", "[optimizers]") {
    for (OptimizerKind k : {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Nesterov,
                            OptimizerKind::RmsProp, OptimizerKind::Adam})
        CHECK(bp::optimizer_from_name(bp::optimizer_name(k)) == k);
    for (Schedule s : {Schedule::Constant, Schedule::Step, Schedule::Exponential})
        CHECK(bp::schedule_from_name(bp::schedule_name(s)) == s);
    CHECK_THROWS_WITH(bp::optimizer_from_name("lbfgs"),
                      "unknown optimizer 'lbfgs'; allowed: sgd, momentum, nesterov, rmsprop, adam");
    CHECK_THROWS_WITH(bp::schedule_from_name("cosine"),
                      "unknown schedule 'cosine'; allowed: constant, step, exponential");
}
