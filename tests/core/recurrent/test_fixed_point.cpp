// Tests of Almeida-Pineda recurrent backpropagation (core/fixed_point.hpp): a one-unit network
// by hand, gradients against central differences (each perturbed network re-relaxed to a tight
// tolerance) and against BPTT through a growing number of relaxation steps, the reporting and
// skipping of patterns that do not settle, input validation, and training on XOR and on pattern
// completion of 5×5 letters.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include "recurrent/fixed_point.hpp"
#include "nn/gradcheck.hpp"
#include "nn/optimizers.hpp"
#include "test_util.hpp"

using namespace bp;
using bp::testing::mat;

namespace {

Vec vec(std::initializer_list<double> v) {
    Vec x = Vec::from_shape({v.size()});
    std::copy(v.begin(), v.end(), x.data());
    return x;
}

// A 5-unit network with 2 inputs and outputs {3, 4}, scaled so that ‖W‖₂ ≈ 0.7: a contraction.
FixedPointNet small_net(Activation f, std::uint64_t seed) {
    FixedPointConfig fc;
    fc.units = 5;
    fc.inputs = 2;
    fc.outputs = {3, 4};
    fc.activation = f;
    fc.init_scale = f == Activation::Tanh ? 0.6 : 2.4;  // σ′ ≤ ¼: larger weights, same contraction
    FixedPointNet net;
    Rng rng(seed);
    fixed_point_init(net, fc, rng);
    for (double& v : net.b) v = rng.uniform(-0.5, 0.5);
    return net;
}

// A tanh network of `units` with these weights (W (units,units), U (units,inputs), b (1,units)).
FixedPointNet hand_net(std::size_t units, std::size_t inputs, std::vector<std::size_t> outputs, Mat W, Mat U, Mat b) {
    FixedPointConfig fc;
    fc.units = units;
    fc.inputs = inputs;
    fc.outputs = std::move(outputs);
    FixedPointNet net;
    Rng rng(1);
    fixed_point_init(net, fc, rng);
    net.W = std::move(W);
    net.U = std::move(U);
    net.b = std::move(b);
    return net;
}

// Relaxations to tolerance `tol` in at most `max_iters` iterations (α = β = 1/2, the defaults).
RelaxOptions relaxing(double tol, std::size_t max_iters) {
    RelaxOptions ro;
    ro.tol = tol;
    ro.max_iters = max_iters;
    return ro;
}

OptimizerConfig adam(double learning_rate) {
    OptimizerConfig oc;
    oc.kind = OptimizerKind::Adam;
    oc.learning_rate = learning_rate;
    return oc;
}

FixedPointData small_data(Activation f) {
    FixedPointData d;
    d.inputs = mat(3, 2, {1.0, -0.5, 0.2, 0.8, -1.0, -1.0});
    d.targets = f == Activation::Tanh ? mat(3, 2, {0.5, -0.3, -0.6, 0.1, 0.2, 0.7})
                                      : mat(3, 2, {0.9, 0.1, 0.2, 0.6, 0.4, 0.8});
    return d;
}

double rel_diff(const Mat& a, const Mat& b) {
    double num = 0.0, den = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        num += (a.data()[i] - b.data()[i]) * (a.data()[i] - b.data()[i]);
        den += b.data()[i] * b.data()[i];
    }
    return std::sqrt(num / den);
}

}  // namespace

TEST_CASE("fixed point: one unit by hand", "[fixed_point]") {
    // x ← tanh(0.5 x + 1·u), u = 1, α = 1 (plain iteration), from x = 0:
    //   x¹ = tanh 1 = 0.7615941559557649,  x² = tanh(0.5·0.7615942 + 1) = 0.8811296283442258,
    //   x³ = 0.8938113693906989 ... → x* = 0.8952191961798104 (x* = tanh(0.5 x* + 1))
    FixedPointNet net = hand_net(1, 1, {0}, mat(1, 1, {0.5}), mat(1, 1, {1.0}), mat(1, 1, {0.0}));
    RelaxOptions ro;
    ro.alpha = 1.0;
    ro.beta = 1.0;
    ro.tol = 1e-14;
    ro.record_states = true;
    FixedPointCache c;
    REQUIRE(relax_forward(net, vec({1.0}), nullptr, ro, c));
    CHECK(c.forward.states[0] == 0.0);
    CHECK(c.forward.states[1] == Approx(0.7615941559557649).epsilon(1e-14));
    CHECK(c.forward.states[2] == Approx(0.8811296283442258).epsilon(1e-14));
    CHECK(c.forward.states[3] == Approx(0.8938113693906989).epsilon(1e-14));
    CHECK(c.x(0) == Approx(0.8952191961798104).epsilon(1e-13));
    CHECK(c.forward.residual.size() == c.forward.iterations);
    CHECK(c.forward.states.size() == c.forward.iterations + 1);
    // target 0.5: e = x* − 0.5 = 0.3952191961798104,  D = 1 − tanh²(a*) = 1 − x*² = 0.19858259079117413
    // λ = e / (1 − D·W) = 0.43878691763436306   (the 1×1 case of (I − (D W)ᵀ) λ = e)
    // δ = D λ = 0.08713544290910535;  ∂E/∂W = δ x* = 0.07800532115986106,  ∂E/∂U = δ u = ∂E/∂b = δ
    REQUIRE(relax_backward(net, vec({0.5}), ro, c));
    CHECK(c.error == Approx(0.07809910651450773).epsilon(1e-12));
    CHECK(c.fprime(0) == Approx(0.19858259079117413).epsilon(1e-12));
    CHECK(c.lambda(0) == Approx(0.43878691763436306).epsilon(1e-12));
    CHECK(c.delta(0) == Approx(0.08713544290910535).epsilon(1e-12));
    fixed_point_zero_grad(net);
    fixed_point_accumulate(net, c, 1.0);
    CHECK(net.dW(0, 0) == Approx(0.07800532115986106).epsilon(1e-12));
    CHECK(net.dU(0, 0) == Approx(0.08713544290910535).epsilon(1e-12));
    CHECK(net.db(0, 0) == Approx(0.08713544290910535).epsilon(1e-12));
}

TEST_CASE("fixed point: gradients match central differences of the re-relaxed loss", "[fixed_point]") {
    for (Activation f : {Activation::Tanh, Activation::Sigmoid}) {
        INFO(activation_name(f));
        FixedPointNet net = small_net(f, 3);
        REQUIRE(fixed_point_contraction_bound(net) < 1.0);
        const FixedPointData d = small_data(f);
        // every relaxation, including each perturbed one, to rounding level
        const RelaxOptions ro = relaxing(1e-15, 20000);
        FixedPointWorkspace ws;
        auto loss_and_grad = [&] {
            fixed_point_zero_grad(net);
            const FixedPointStats s = fixed_point_forward_backward(net, d, ro, ws);
            REQUIRE(s.used == 3);
            return s.loss;
        };
        auto loss_only = [&] {
            const FixedPointStats s = fixed_point_evaluate(net, d, ro, ws);
            REQUIRE(s.used == 3);
            return s.loss;
        };
        const GradCheckResult r = gradcheck(fixed_point_params(net), loss_and_grad, loss_only, 1e-5);
        REQUIRE(r.per_param.size() == 3);
        for (const auto& e : r.per_param) {
            INFO(e.name << ": analytic " << e.analytic << " numeric " << e.numeric);
            CHECK(e.max_rel_error < 1e-6);
        }
    }
}

TEST_CASE("fixed point: BPTT through the relaxation converges to the adjoint gradient", "[fixed_point]") {
    FixedPointNet net = small_net(Activation::Tanh, 5);
    const FixedPointData d = small_data(Activation::Tanh);
    RelaxOptions ro = relaxing(1e-15, 20000);
    ro.alpha = ro.beta = 0.5;
    FixedPointCache c;
    const Vec u = vec({d.inputs(0, 0), d.inputs(0, 1)});
    const Vec t = vec({d.targets(0, 0), d.targets(0, 1)});
    REQUIRE(relax_forward(net, u, nullptr, ro, c));
    REQUIRE(relax_backward(net, t, ro, c));
    fixed_point_zero_grad(net);
    fixed_point_accumulate(net, c, 1.0);
    const Mat ap_dW = net.dW, ap_dU = net.dU, ap_db = net.db;

    // Unroll K iterations of x ← (1−α) x + α tanh(W x + U u + b) from x = 0 and backpropagate
    // through all of them. Measured: relative differences (worst of dW, dU, db) of 3.4e-2,
    // 2.5e-8 and 2.3e-15 for K = 10, 40, 160: geometric in K (a factor ~0.63 per step), as the
    // contraction rate ρ ≤ (1 − α) + α‖DW‖₂ of the linearized iteration predicts.
    std::vector<double> errors;
    for (std::size_t K : {std::size_t{10}, std::size_t{40}, std::size_t{160}}) {
        fixed_point_zero_grad(net);
        fixed_point_unrolled_backward(net, u, nullptr, t, ro.alpha, K);
        const double e = std::max({rel_diff(net.dW, ap_dW), rel_diff(net.dU, ap_dU), rel_diff(net.db, ap_db)});
        INFO("K = " << K << ": relative difference " << e);
        CHECK(std::isfinite(e));
        errors.push_back(e);
    }
    CHECK(errors[1] < errors[0]);
    CHECK(errors[2] < errors[1]);
    CHECK(errors[0] > 1e-3);  // 10 steps are visibly not enough
    CHECK(errors[2] < 1e-9);
}

TEST_CASE("fixed point: a network that does not settle is reported and not trained on", "[fixed_point]") {
    // Two units coupled by a large rotation W = 4·[[0, 1], [−1, 0]], ‖W‖₂ = 4: the linearization
    // at the origin, (1−α) I + α W, has eigenvalues 0.5 ± 2i (modulus 2.06): the state circles.
    // A strong input saturates the units (tanh′ ≈ 0) and restores a stable fixed point, so the
    // second pattern settles while the first keeps oscillating.
    FixedPointNet net = hand_net(2, 1, {1}, mat(2, 2, {0.0, 4.0, -4.0, 0.0}), mat(2, 1, {1.0, 1.0}), mat(1, 2, {0.0, 0.0}));
    CHECK(fixed_point_contraction_bound(net) == Approx(4.0));
    FixedPointData d;
    d.inputs = mat(2, 1, {0.1, 8.0});
    d.targets = mat(2, 1, {0.5, 0.5});
    const RelaxOptions ro = relaxing(1e-10, 3000);

    FixedPointWorkspace ws;
    fixed_point_zero_grad(net);
    const FixedPointStats s = fixed_point_forward_backward(net, d, ro, ws);
    CHECK(s.patterns == 2);
    CHECK(s.used == 1);
    CHECK(s.skipped_forward == 1);
    CHECK(s.skipped == std::vector<std::size_t>{0});
    CHECK_FALSE(ws.patterns[0].forward.converged);
    CHECK(ws.patterns[0].forward.iterations == 3000);
    CHECK(ws.patterns[0].forward.residual.back() > 1e-2);  // still moving
    CHECK(ws.patterns[1].forward.converged);
    // the gradient is that of the settled pattern alone (the mean over 1 used pattern)
    const Mat dW_both = net.dW;
    FixedPointData only;
    only.inputs = mat(1, 1, {8.0});
    only.targets = mat(1, 1, {0.5});
    fixed_point_zero_grad(net);
    fixed_point_forward_backward(net, only, ro, ws);
    CHECK(rel_diff(dW_both, net.dW) == 0.0);
    CHECK(s.loss == Approx(ws.patterns[0].error));

    // a smaller step settles it: J's eigenvalues 1 + α(±4i − 1) are inside the unit circle for
    // α < 2/17 (|1 + α(μ − 1)|² = 1 − 2α + 17α²), at the price of more iterations
    RelaxOptions slow = ro;
    slow.alpha = slow.beta = 0.1;
    const FixedPointStats s_slow = fixed_point_forward_backward(net, d, slow, ws);
    INFO("alpha 0.1: forward iterations max " << s_slow.forward_iters_max);
    CHECK(s_slow.used == 2);

    // nothing settles: no gradient at all, and the loss says so (NaN)
    d.inputs = mat(2, 1, {0.1, -0.2});
    fixed_point_zero_grad(net);
    const FixedPointStats none = fixed_point_forward_backward(net, d, ro, ws);
    CHECK(none.used == 0);
    CHECK(none.skipped_forward == 2);
    CHECK(std::isnan(none.loss));
    for (double g : net.dW) CHECK(g == 0.0);
    for (double g : net.db) CHECK(g == 0.0);
}

TEST_CASE("fixed point: residuals of a contraction fall monotonically", "[fixed_point]") {
    FixedPointNet net = small_net(Activation::Tanh, 9);
    REQUIRE(fixed_point_contraction_bound(net) < 1.0);
    RelaxOptions ro;
    ro.tol = 1e-12;
    FixedPointCache c;
    REQUIRE(relax_forward(net, vec({0.7, -0.3}), nullptr, ro, c));
    REQUIRE(relax_backward(net, vec({0.1, 0.2}), ro, c));
    for (const Relaxation* r : {&c.forward, &c.backward}) {
        REQUIRE(r->residual.size() == r->iterations);
        CHECK(r->residual.back() < 1e-12);
        for (std::size_t k = 1; k < r->residual.size(); ++k) CHECK(r->residual[k] <= r->residual[k - 1]);
    }
}

TEST_CASE("fixed point: the workspace is reused between batches", "[fixed_point]") {
    FixedPointNet net = small_net(Activation::Tanh, 4);
    const FixedPointData d = small_data(Activation::Tanh);
    RelaxOptions ro;
    ro.record_states = true;
    FixedPointWorkspace ws;
    fixed_point_forward_backward(net, d, ro, ws);
    auto buffers = [&] {
        std::vector<const double*> p;
        for (const auto& c : ws.patterns) {
            for (const Vec* v : {&c.u, &c.c, &c.x, &c.a, &c.fprime, &c.e, &c.lambda, &c.delta})
                p.push_back(v->data());
            for (const Relaxation* r : {&c.forward, &c.backward}) {
                p.push_back(r->residual.data());
                p.push_back(r->states.data());
            }
        }
        return p;
    };
    const auto before = buffers();
    fixed_point_forward_backward(net, d, ro, ws);  // same weights: same iteration counts
    CHECK(buffers() == before);
}

TEST_CASE("fixed point: validation", "[fixed_point]") {
    FixedPointNet net;
    Rng rng(1);
    FixedPointConfig fc;
    fc.outputs = {3};
    fc.units = 200;
    CHECK_THROWS_AS(fixed_point_init(net, fc, rng), std::out_of_range);
    CHECK_THROWS_WITH(fixed_point_init(net, fc, rng), Catch::Contains("fixed_point.units") && Catch::Contains("1..128"));
    fc.units = 4;
    fc.outputs = {4};
    CHECK_THROWS_WITH(fixed_point_init(net, fc, rng), Catch::Contains("fixed_point.outputs[0]"));
    fc.outputs = {1, 1};
    CHECK_THROWS_AS(fixed_point_init(net, fc, rng), std::invalid_argument);
    fc.outputs = {3};
    fc.activation = Activation::Relu;
    CHECK_THROWS_WITH(fixed_point_init(net, fc, rng), Catch::Contains("tanh, sigmoid"));
    fc.activation = Activation::Tanh;
    fixed_point_init(net, fc, rng);
    FixedPointCache c;
    RelaxOptions ro;
    ro.alpha = 0.0;
    CHECK_THROWS_WITH(relax_forward(net, vec({0, 0}), nullptr, ro, c), Catch::Contains("relax.alpha"));
    ro.alpha = 0.5;
    ro.max_iters = 0;
    CHECK_THROWS_AS(relax_forward(net, vec({0, 0}), nullptr, ro, c), std::out_of_range);
    ro.max_iters = 100;
    CHECK_THROWS_AS(relax_forward(net, vec({0, 0, 0}), nullptr, ro, c), std::invalid_argument);
    CHECK_THROWS_AS(relax_forward(net, vec({0, std::nan("")}), nullptr, ro, c), std::invalid_argument);
    FixedPointData d = fixed_point_xor();
    d.targets = zeros(4, 2);
    FixedPointWorkspace ws;
    CHECK_THROWS_WITH(fixed_point_forward_backward(net, d, ro, ws), Catch::Contains("targets"));
    CHECK_THROWS_AS(letter_patterns("AZ"), std::invalid_argument);
}

TEST_CASE("letters and corrupted cues", "[fixed_point]") {
    const Mat t = letter_patterns("T");
    // T: the top row and the middle column are ink
    for (std::size_t c = 0; c < 5; ++c) CHECK(t(0, c) == 1.0);
    for (std::size_t r = 1; r < 5; ++r) CHECK(t(0, 5 * r + 2) == 1.0);
    CHECK(t(0, 5 * 4 + 0) == -1.0);
    Rng rng(3);
    const FixedPointData d = pattern_completion_data(t, 10, 4, false, 30, rng);
    REQUIRE(rows(d.inputs) == 10);
    REQUIRE(cols(d.initial) == 30);
    for (std::size_t p = 0; p < 10; ++p) {
        std::size_t flipped = 0;
        for (std::size_t i = 0; i < 25; ++i) {
            flipped += d.inputs(p, i) != t(0, i);
            CHECK(d.targets(p, i) == 0.9 * t(0, i));
            CHECK(d.initial(p, i) == d.inputs(p, i));
        }
        CHECK(flipped == 4);
        for (std::size_t i = 25; i < 30; ++i) CHECK(d.initial(p, i) == 0.0);
    }
}

// XOR with 4 fully recurrent tanh units (3 hidden, unit 3 the output), inputs ±1 through U,
// targets ±0.9; full batch of the 4 patterns, Adam lr 0.05, α = β = 0.5, tol 1e-10.
// Measured: loss (mean of ½(x*_out − t)²) under 1e-3 after 29 steps and 1.6e-11 after 300;
// forward relaxations take 43 iterations on average (max 46), backward ones 21; ‖W‖₂ grows to
// about 2 (not a global contraction, yet every pattern has a stable fixed point that the
// relaxation finds).
TEST_CASE("fixed-point backprop learns XOR", "[fixed_point][train]") {
    FixedPointConfig fc;
    fc.units = 4;
    fc.inputs = 2;
    fc.outputs = {3};
    fc.init_scale = 1.0;
    FixedPointNet net;
    Rng rng(1);
    fixed_point_init(net, fc, rng);
    const FixedPointData d = fixed_point_xor();
    const RelaxOptions ro = relaxing(1e-10, 2000);
    Optimizer opt(adam(0.05));
    FixedPointWorkspace ws;
    const ParamList p = fixed_point_params(net);
    FixedPointStats s;
    for (int step = 0; step < 300; ++step) {
        fixed_point_zero_grad(net);
        s = fixed_point_forward_backward(net, d, ro, ws);
        REQUIRE(s.used == 4);  // with these seeds every pattern settles at every step
        opt.step(p);
    }
    const FixedPointStats e = fixed_point_evaluate(net, d, ro, ws);
    INFO("loss " << e.loss << ", forward iterations mean " << e.forward_iters_mean << " max "
                 << e.forward_iters_max << ", backward mean " << s.backward_iters_mean);
    REQUIRE(e.used == 4);
    CHECK(e.loss < 1e-3);
    for (std::size_t q = 0; q < 4; ++q) CHECK(std::fabs(ws.patterns[q].x(3) - d.targets(q, 0)) < 0.1);
    CHECK(e.forward_iters_max < 200);
}

// Pattern completion: 5 letters (C H L T X), 25 visible units (the outputs) + 10 hidden, the cue
// (the letter with 3 of its 25 pixels flipped) both drives the units through U and is the start
// state. Each step trains on 20 fresh cues (4 per letter), Adam lr 0.01, 400 steps, tol 1e-6.
// Held out: 100 other cues (20 per letter). Measured: 99 of the 100 settle to the stored letter
// with every pixel's sign right (before training: none; the cue itself has 3 wrong), and 100 of
// 100 cues with 5 pixels erased (set to 0); forward relaxations take 26-28 iterations on average
// (max 29-40); no training pattern was skipped. About 0.4 s.
TEST_CASE("fixed-point backprop learns pattern completion of 5x5 letters", "[fixed_point][train]") {
    const Mat letters = letter_patterns("CHLTX");
    const std::size_t n = 35;
    FixedPointConfig fc;
    fc.units = n;
    fc.inputs = 25;
    for (std::size_t i = 0; i < 25; ++i) fc.outputs.push_back(i);
    FixedPointNet net;
    Rng rng(1);
    fixed_point_init(net, fc, rng);
    Rng test_rng(7);
    const FixedPointData test = pattern_completion_data(letters, 20, 3, false, n, test_rng);
    const FixedPointData erased = pattern_completion_data(letters, 20, 5, true, n, test_rng);
    RelaxOptions ro = relaxing(1e-6, 1000);
    Optimizer opt(adam(0.01));
    FixedPointWorkspace ws;
    const ParamList p = fixed_point_params(net);
    auto perfect = [&](const FixedPointData& d) {
        const FixedPointStats s = fixed_point_evaluate(net, d, ro, ws);
        std::size_t ok = 0;
        for (std::size_t q = 0; q < rows(d.inputs); ++q) {
            bool all = ws.patterns[q].forward.converged;
            for (std::size_t i = 0; i < 25; ++i)
                if ((ws.patterns[q].x(i) > 0.0) != (d.targets(q, i) > 0.0)) all = false;
            ok += all ? 1 : 0;
        }
        INFO("loss " << s.loss << ", forward iterations mean " << s.forward_iters_mean << " max "
                     << s.forward_iters_max);
        CHECK(s.used == s.patterns);
        return ok;
    };
    const std::size_t before = perfect(test);
    std::size_t skipped = 0;
    for (int step = 0; step < 400; ++step) {
        const FixedPointData train = pattern_completion_data(letters, 4, 3, false, n, rng);
        fixed_point_zero_grad(net);
        skipped += fixed_point_forward_backward(net, train, ro, ws).skipped.size();
        opt.step(p);
    }
    const std::size_t after = perfect(test), after_erased = perfect(erased);
    INFO("perfect completions: before " << before << ", after " << after << "/100 flipped, "
                                        << after_erased << "/100 erased; skipped " << skipped);
    CHECK(before == 0);
    CHECK(after >= 95);
    CHECK(after_erased >= 95);
    // the settling view: a cue's state moves from the corrupted letter to the stored one
    ro.record_states = true;
    FixedPointCache c;
    Vec u = Vec::from_shape({25}), x0 = Vec::from_shape({n});
    for (std::size_t i = 0; i < 25; ++i) u(i) = test.inputs(0, i);
    for (std::size_t i = 0; i < n; ++i) x0(i) = test.initial(0, i);
    REQUIRE(relax_forward(net, u, &x0, ro, c));
    CHECK(c.forward.states.size() == (c.forward.iterations + 1) * n);
}
