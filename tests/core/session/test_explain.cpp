// Explain mode: the numbers one backprop cycle shows, against a hand computation, against the
// session's own training step, and against finite differences.
#include <catch2/catch.hpp>

#include <cmath>

#include "session/session.hpp"

using namespace bp;

namespace {

SessionConfig small(std::vector<std::size_t> hidden, Activation act, unsigned features = X1 | X2) {
    SessionConfig c;
    c.dataset.kind = DatasetKind::Circle;
    c.dataset.points = 100;
    c.features = features;
    c.network.hidden = hidden;
    c.network.activations.assign(hidden.size(), act);
    c.training.optimizer.kind = OptimizerKind::Sgd;
    c.training.optimizer.learning_rate = 0.1;
    return c;
}

Mat points(std::initializer_list<std::array<double, 2>> ps) {
    Mat m = zeros(ps.size(), 2);
    std::size_t r = 0;
    for (const auto& p : ps) { m(r, 0) = p[0]; m(r, 1) = p[1]; ++r; }
    return m;
}

}  // namespace

TEST_CASE("explain: one example through logistic regression, by hand", "[explain]") {
    TrainingSession s(small({}, Activation::Tanh));  // no hidden layer: a = σ(x W + b)
    s.set_weight(0, 0, 0, 0.5);
    s.set_weight(0, 1, 0, -0.25);
    Mat label = zeros(1, 1);
    label(0, 0) = 1;
    const ExplainTrace& e = s.explain(points({{2.0, 4.0}}), label);
    // forward: z = 2·0.5 + 4·(−0.25) + 0 = 0,  a = σ(0) = 0.5
    CHECK(e.z[0](0, 0) == 0.0);
    CHECK(e.a[0](0, 0) == 0.5);
    // loss: −log 0.5 = 0.6931471805599453
    CHECK(e.loss == Approx(0.6931471805599453).epsilon(1e-15));
    // backward: δ = a − t = −0.5;  ∂L/∂W = x δ = (2·−0.5, 4·−0.5) = (−1, −2);  ∂L/∂b = −0.5
    CHECK(e.delta[0](0, 0) == -0.5);
    CHECK(e.dW[0](0, 0) == -1.0);
    CHECK(e.dW[0](1, 0) == -2.0);
    CHECK(e.db[0](0, 0) == -0.5);
    // update (SGD, η = 0.1): Δw = −η ∂L/∂w = (0.1, 0.2):  W = (0.6, −0.05), b = 0.05
    CHECK(e.W_after[0](0, 0) == Approx(0.6).epsilon(1e-15));
    CHECK(e.W_after[0](1, 0) == Approx(-0.05).epsilon(1e-15));
    CHECK(e.b_after[0](0, 0) == Approx(0.05).epsilon(1e-15));
    // explaining changed nothing
    CHECK(s.network().layers[0].W(0, 0) == 0.5);
    // the chain rule for w_00: δ · a_i = −0.5 · 2 = −1, and its numeric twin
    const ChainRule c = s.chain_rule(0, 0, 0);
    CHECK(c.delta_j == std::vector<double>{-0.5});
    CHECK(c.a_i == std::vector<double>{2.0});
    CHECK(c.analytic == -1.0);
    CHECK(c.numeric == Approx(-1.0).epsilon(1e-8));
    CHECK(c.rel_error < 1e-8);
}

TEST_CASE("explain: δ = f'(z) ⊙ ∂L/∂a, and ∂L/∂a of a hidden layer is δ_next W_nextᵀ", "[explain]") {
    SessionConfig c = small({4, 3}, Activation::Sigmoid);
    TrainingSession s(c);
    s.step(20);
    const ExplainTrace& e = s.explain_next_batch();
    for (std::size_t l = 0; l < 2; ++l) {  // hidden layers
        const Mat& Wn = e.W_before[l + 1];
        for (std::size_t n = 0; n < e.N; ++n)
            for (std::size_t j = 0; j < cols(e.z[l]); ++j) {
                double sum = 0;  // Σ_k w_jk δ_k, by hand
                for (std::size_t k = 0; k < cols(Wn); ++k) sum += Wn(j, k) * e.delta[l + 1](n, k);
                CHECK(e.da[l](n, j) == Approx(sum).epsilon(1e-14));
                const double a = e.a[l](n, j);
                CHECK(e.slope[l](n, j) == Approx(a * (1 - a)).epsilon(1e-14));  // σ' = a (1 − a)
                CHECK(e.delta[l](n, j) == Approx(e.slope[l](n, j) * e.da[l](n, j)).epsilon(1e-14));
            }
    }
    CHECK(e.da[2].size() == 0);  // sigmoid + cross-entropy output: fused, no separate ∂L/∂a
}

TEST_CASE("explain: committing the shown update is exactly the next training step", "[explain]") {
    for (OptimizerKind k : {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Adam}) {
        SessionConfig c = small({5, 3}, Activation::Tanh);
        c.training.optimizer.kind = k;
        c.training.optimizer.learning_rate = 0.01;
        TrainingSession explained(c), trained(c);
        explained.step(7);
        trained.step(7);
        const ExplainTrace& e = explained.explain_next_batch();
        CHECK(e.N == c.training.batch_size);
        explained.commit_explained();
        trained.step(1);
        for (std::size_t l = 0; l < 3; ++l) {
            CHECK((explained.network().layers[l].W == trained.network().layers[l].W));
            CHECK((explained.network().layers[l].W == e.W_after[l]));
        }
        CHECK(explained.stats().step == 8);
        // and the runs stay identical afterwards (the optimizer state moved on too)
        explained.step(5);
        trained.step(5);
        CHECK((explained.network().layers[0].W == trained.network().layers[0].W));
        CHECK_THROWS(explained.commit_explained());  // nothing explained any more
    }
}

TEST_CASE("explain: every weight's chain-rule gradient matches finite differences", "[explain]") {
    SessionConfig c = small({4, 3}, Activation::Tanh, X1 | X2 | X1Sq | SinX2);
    c.training.regularization = Regularization::L2;
    c.training.regularization_rate = 0.003;
    TrainingSession s(c);
    s.step(30);
    s.explain_next_batch();
    const auto layout = s.layout();
    for (std::size_t l = 0; l < layout.size(); ++l) {
        const Mat& W = s.network().layers[l].W;
        for (std::size_t i = 0; i < rows(W); ++i)
            for (std::size_t j = 0; j < cols(W); ++j) {
                const ChainRule r = s.chain_rule(l, i, j);
                CHECK(r.rel_error < 1e-6);
                CHECK(r.analytic == Approx(s.explained().dW[l](i, j)).epsilon(1e-12));
            }
    }
    CHECK_THROWS_AS(s.chain_rule(9, 0, 0), std::out_of_range);
}

TEST_CASE("explain: the input Jacobian matches finite differences of predict()", "[explain]") {
    for (unsigned features : {X1 | X2, X1 | X2 | X1Sq | X2Sq | X1X2 | SinX1 | SinX2}) {
        SessionConfig c = small({6, 4}, Activation::Tanh, features);
        c.dataset.kind = DatasetKind::Spiral3;  // three outputs (softmax)
        TrainingSession s(c);
        s.step(50);
        const Mat xy = points({{0.3, -1.2}, {2.5, 4.1}, {-3.3, 0.7}});
        const Mat J = s.input_jacobian(xy);
        REQUIRE(cols(J) == 6);
        const double h = 1e-5;
        for (std::size_t n = 0; n < 3; ++n)
            for (std::size_t d = 0; d < 2; ++d) {
                Mat plus = xy, minus = xy;
                plus(n, d) += h;
                minus(n, d) -= h;
                const Mat yp = s.predict(plus), ym = s.predict(minus);
                for (std::size_t k = 0; k < 3; ++k) {
                    const double numeric = (yp(n, k) - ym(n, k)) / (2 * h);
                    CHECK(J(n, 2 * k + d) == Approx(numeric).epsilon(1e-6).margin(1e-9));
                }
            }
    }
}
