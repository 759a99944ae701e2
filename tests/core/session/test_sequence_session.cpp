// Tests of the recurrent training session: training, inspection, clipping counts, divergence,
// model files and strict configs.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "io/model_io.hpp"
#include "session/sequence_session.hpp"
#include "test_util.hpp"

using namespace bp;
using bp::testing::gradients_of;
using bp::testing::state_finite;
using bp::testing::worst_central_difference_error;

namespace {

SequenceSessionConfig echo_config(CellKind cell) {
    SequenceSessionConfig c;
    c.task.task = SequenceTask::Echo;
    c.task.length = 12;
    c.task.sequences = 128;
    c.task.delay = 3;
    c.test_sequences = 32;
    c.cell = cell;
    c.hidden = 12;
    c.optimizer.kind = OptimizerKind::Adam;
    c.optimizer.learning_rate = 0.01;
    c.batch_size = 16;
    return c;
}

}  // namespace

TEST_CASE("sequence session: an Elman RNN learns echo with delay 3", "[sequence_session][smoke]") {
    SequenceSession s(echo_config(CellKind::Elman));
    const SequenceStats before = s.stats();
    const SequenceStats st = s.step(600);
    REQUIRE_FALSE(st.diverged);
    CHECK(st.step == 600);
    CHECK(st.test_loss < 0.05 * before.test_loss);
    CHECK(st.test_accuracy > 0.95);  // outputs within 0.25 of the ±1 targets
    CHECK(st.recurrent_sigma > 0);
}

TEST_CASE("sequence session: inspect() reports one sequence's trace and gradient norms", "[sequence_session]") {
    for (CellKind cell : {CellKind::Elman, CellKind::Lstm}) {
        SequenceSession s(echo_config(cell));
        s.step(5);
        const SequenceTrace& tr = s.inspect(3);
        CHECK(tr.T == 12);
        CHECK(tr.H == 12);
        CHECK(tr.input.size() == 12);
        CHECK(tr.hidden.size() == 12 * 12);
        CHECK(tr.dh_norm.size() == 12);
        CHECK(tr.cell.size() == (cell == CellKind::Lstm ? 144u : 0u));
        // echo: target at t is the clean input bit 3 steps back (0 before that)
        CHECK(tr.target[0] == 0.0);
        CHECK(std::abs(tr.target[5]) == 1.0);
        // the loss of this one sequence is its mean squared error: recompute it from the trace
        double l = 0;
        for (std::size_t t = 0; t < tr.T; ++t) l += 0.5 * (tr.prediction[t] - tr.target[t]) * (tr.prediction[t] - tr.target[t]);
        CHECK(tr.loss == Approx(l / tr.T).epsilon(1e-12));
        for (double g : tr.dh_norm) CHECK(std::isfinite(g));
        // the per-step vectors dL/dh_t have the norms reported, and dL/dy_t = (y_t − target_t)/T
        for (std::size_t t = 0; t < tr.T; ++t) {
            double s2 = 0;
            for (std::size_t j = 0; j < tr.H; ++j) s2 += tr.dh[t * tr.H + j] * tr.dh[t * tr.H + j];
            CHECK(std::sqrt(s2) == Approx(tr.dh_norm[t]).epsilon(1e-12));
            CHECK(tr.dy[t] == Approx((tr.prediction[t] - tr.target[t]) / tr.T).epsilon(1e-12));
        }
        CHECK_THROWS_AS(s.inspect(32), std::out_of_range);
    }
}

TEST_CASE("sequence session: clipping counts the steps it clipped", "[sequence_session]") {
    SequenceSessionConfig c = echo_config(CellKind::Elman);
    c.optimizer.clip_norm = 1e-6;  // every gradient is larger than this
    SequenceSession s(c);
    const SequenceStats st = s.step(7);
    CHECK(st.clip_count == 7);
    CHECK(st.grad_norm > 1e-6);
}

TEST_CASE("sequence session: divergence is caught and the weights restored", "[sequence_session]") {
    SequenceSessionConfig c = echo_config(CellKind::Elman);
    c.optimizer.kind = OptimizerKind::Sgd;
    c.optimizer.learning_rate = 10.0;
    c.hidden = 64;
    SequenceSession s(c);
    const Mat w0 = s.recurrent_weights();
    const SequenceStats st = s.step(300);
    if (st.diverged) {
        CHECK(st.step == 0);
        CHECK((s.recurrent_weights() == w0));
        CHECK(st.message.find("clipping") != std::string::npos);
    } else {
        for (double v : s.recurrent_weights()) CHECK(std::isfinite(v));  // bounded by tanh: may survive
    }
}

TEST_CASE("sequence session: sine free run continues from a primed sequence", "[sequence_session]") {
    SequenceSessionConfig c;
    c.task.task = SequenceTask::Sine;
    c.task.length = 30;
    c.task.sequences = 64;
    SequenceSession s(c);
    s.step(50);
    const auto& out = s.free_run(0, 10, 40);
    CHECK(out.size() == 50);
    for (double v : out) CHECK(std::isfinite(v));
    SequenceSession e(echo_config(CellKind::Elman));
    CHECK_THROWS_AS(e.free_run(0, 5, 5), std::invalid_argument);
}

TEST_CASE("sequence model files round-trip and continue the same run", "[sequence_session][model_io]") {
    for (CellKind cell : {CellKind::Elman, CellKind::Lstm}) {
        SequenceSession a(echo_config(cell));
        a.step(40);
        const std::string file = save_sequence_model(a);
        auto b = load_sequence_model(file);
        CHECK(save_sequence_model(*b) == file);
        a.step(10);
        b->step(10);
        CHECK((a.recurrent_weights() == b->recurrent_weights()));
    }
    CHECK_THROWS_WITH(load_sequence_model("{\"format\": \"backprop-playground-model\"}"), Catch::Contains("/format"));
    SequenceSession a(echo_config(CellKind::Elman));
    std::string file = save_sequence_model(a);
    file.replace(file.find("\"Wh\""), 4, "\"Wz\"");
    CHECK_THROWS_WITH(load_sequence_model(file), Catch::Contains("/weights/Wz: unknown field"));
}

TEST_CASE("sequence configs: defaults, round trip and field-named errors", "[sequence_session][model_io]") {
    const SequenceSessionConfig d = parse_sequence_config("{}");
    CHECK(d.cell == CellKind::Elman);
    const SequenceSessionConfig c = parse_sequence_config(
        R"({"task": {"name": "adding", "length": 30}, "cell": "lstm", "hidden": 24, "truncation": 5,
            "training": {"optimizer": "rmsprop", "clipNorm": 1}})");
    CHECK(c.task.task == SequenceTask::Adding);
    CHECK(c.cell == CellKind::Lstm);
    CHECK(c.truncation == 5);
    CHECK(c.optimizer.clip_norm == 1.0);
    CHECK(sequence_config_to_json(parse_sequence_config(sequence_config_to_json(c))) == sequence_config_to_json(c));
    CHECK_THROWS_WITH(parse_sequence_config(R"({"cell": "gru"})"), Catch::Contains("/cell") && Catch::Contains("lstm"));
    CHECK_THROWS_WITH(parse_sequence_config(R"({"hidden": 1000})"), Catch::Contains("/hidden") && Catch::Contains("1..128"));
    CHECK_THROWS_WITH(parse_sequence_config(R"({"task": {"length": 401}})"), Catch::Contains("/task/length"));
    CHECK_THROWS_WITH(parse_sequence_config(R"({"task": {"name": "echo", "length": 5, "delay": 9}})"), Catch::Contains("delay"));
    CHECK_THROWS_WITH(parse_sequence_config(R"({"training": {"regularization": "l2"}})"), Catch::Contains("regularization"));
}

namespace {

SequenceSessionConfig parity_config(CellKind cell, std::size_t hidden) {
    SequenceSessionConfig c;
    c.task.task = SequenceTask::Parity;
    c.task.length = 6;
    c.task.sequences = 16;
    c.test_sequences = 4;
    c.cell = cell;
    c.hidden = hidden;
    return c;
}

Mat* param(SequenceSession& s, const std::string& name) {
    for (const ParamRef& p : s.params())
        if (p.name == name) return p.value;
    return nullptr;
}

// An Elman network on 16 sine sequences (16 held out), trained by SGD at learning rate 10: with
// constant_output, a loss near overflow that the next steps blow up.
SequenceSessionConfig loud_sine_config() {
    SequenceSessionConfig c = echo_config(CellKind::Elman);
    c.task.task = SequenceTask::Sine;
    c.task.sequences = 16;
    c.test_sequences = 16;
    c.optimizer.kind = OptimizerKind::Sgd;
    c.optimizer.learning_rate = 10;
    return c;
}

// Wy = 0 and by = `by`: every output is `by`, and no gradient reaches the recurrent layer.
void constant_output(SequenceSession& s, double by) {
    for (double& v : *param(s, "Wy")) v = 0;
    (*param(s, "by"))(0, 0) = by;
}

}  // namespace

TEST_CASE("sequence session: parity predictions are σ(z), applied once", "[sequence_session][issue12]") {
    // Wy = [[0]], by = [[-5]]: z_t = h_t·0 − 5 at every step, so the prediction is
    // σ(−5) = 1 / (1 + e⁵) = 0.0066928509 (σ(σ(−5)) would be 0.50167).
    for (CellKind cell : {CellKind::Elman, CellKind::Lstm}) {
        SequenceSession s(parity_config(cell, 1));
        *param(s, "Wy") = zeros(1, 1);
        Mat* by = param(s, "by");
        (*by)(0, 0) = -5.0;
        const SequenceTrace& tr = s.inspect(0);
        REQUIRE(tr.prediction.size() == 6);
        std::size_t S = 0;
        for (unsigned char l : tr.loss_step) S += l;
        for (std::size_t t = 0; t < tr.T; ++t) {
            CHECK(tr.prediction[t] == Approx(0.0066928509242848554).epsilon(1e-12));
            // the fused gradient: dL/dz_t = (σ(z_t) − target_t) / S at the loss steps
            if (tr.loss_step[t]) CHECK(tr.dy[t] == Approx((tr.prediction[t] - tr.target[t]) / S).epsilon(1e-12));
        }
        // and the loss is the cross-entropy of those probabilities
        double l = 0;
        for (std::size_t t = 0; t < tr.T; ++t)
            if (tr.loss_step[t])
                l -= tr.target[t] > 0.5 ? std::log(tr.prediction[t]) : std::log(1 - tr.prediction[t]);
        CHECK(tr.loss == Approx(l / S).epsilon(1e-9));
    }
}

// gradients(): the exact gradient of stats().train_loss, checked entry by entry against central
// differences (L(θ + h) − L(θ − h)) / 2h of that loss, h = 1e-5 (error O(h²) ≈ 1e-10 relative,
// far under the 1e-6 allowed). Truncation is set to 2 to show it is ignored: full BPTT.
TEST_CASE("sequence session: gradients() is the central-difference gradient of the training loss",
          "[sequence_session][gradients]") {
    for (CellKind cell : {CellKind::Elman, CellKind::Lstm}) {
        for (bool parity : {false, true}) {
            SequenceSessionConfig c = parity ? parity_config(cell, 3) : echo_config(cell);
            if (!parity) { c.task.length = 6; c.task.sequences = 8; c.task.delay = 2; c.hidden = 3; c.test_sequences = 2; }
            c.truncation = 2;
            SequenceSession s(c);
            s.step(3);  // away from the initial point, optimizer state non-empty
            const std::string before = save_sequence_model(s);
            const SequenceStats st0 = s.stats();
            const double loss = s.gradients();
            INFO((cell == CellKind::Lstm ? "lstm" : "elman") << (parity ? " parity" : " echo"));
            CHECK(loss == Approx(st0.train_loss).epsilon(1e-14));
            ParamList ps = s.params();
            const std::vector<Mat> grads = gradients_of(ps);
            CHECK(save_sequence_model(s) == before);  // weights, optimizer, progress unchanged
            const double worst = worst_central_difference_error(ps, grads, [&] { return s.stats().train_loss; });
            CHECK(worst < 1e-6);
            // nothing changed: the next step is the one the session would have taken anyway
            SequenceSession twin(c);
            twin.step(3);
            CHECK((s.step(2).train_loss == twin.step(2).train_loss));
        }
    }
}

// issue 12, item 6: output weights of 1e150 give dL/dh ≈ 1e150·1e150 and hidden-weight gradients
// of about 1e299, finite, whose squares overflow: Adam's v and RMSprop's s become +∞ while the
// update g/√∞ = 0 leaves every weight finite. That is a divergence: restored, reported, and the
// session can still load its own export.
TEST_CASE("sequence session: an optimizer slot that overflows is a divergence", "[sequence_session][issue12]") {
    for (OptimizerKind kind : {OptimizerKind::Adam, OptimizerKind::RmsProp}) {
        SequenceSessionConfig c = echo_config(CellKind::Elman);
        c.optimizer.kind = kind;
        SequenceSession s(c);
        s.step(2);
        Mat* wy = param(s, "Wy");
        for (double& v : *wy) v = 1e150;
        const std::string before = save_sequence_model(s);
        const SequenceStats st = s.step(1);
        INFO(optimizer_name(kind));
        CHECK(st.diverged);
        CHECK(st.step == 2);
        CHECK(state_finite(s));
        CHECK(save_sequence_model(s) == before);  // weights, slots and progress as before the call
        CHECK_NOTHROW(load_sequence_model(save_sequence_model(s)));
    }
}

// issue 12, item 5: whatever the calls, after a step that does not report a divergence the
// losses, weights and optimizer slots are finite; a step that does report one leaves the state
// of before the call, from whose weights a tiny learning rate trains on without diverging.
// Weights scaled up as a model file may hold them (1e100, 1e150) with momentum used to end a
// call with finite weights and an infinite training loss, unreported, after which every step
// diverged even at 1e-5.
TEST_CASE("sequence session: divergence is caught across many small step calls", "[sequence_session][issue12]") {
    int divergences = 0;
    for (OptimizerKind kind : {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Adam}) {
        for (double lr : {1.0, 10.0}) {  // model files and JS configs allow 0..10
          for (double scale : {1.0, 1e50, 1e100, 1e150}) {
            for (SequenceTask task : {SequenceTask::Sine, SequenceTask::Adding}) {
                SequenceSessionConfig c = echo_config(CellKind::Elman);
                c.task.task = task;
                c.task.length = 10;
                c.task.sequences = 32;
                c.optimizer.kind = kind;
                c.optimizer.learning_rate = lr;
                c.hidden = 16;
                SequenceSession s(c);
                for (const ParamRef& p : s.params()) *p.value *= scale;  // as a model file may hold
                INFO(optimizer_name(kind) << " " << sequence_task_name(task) << " lr " << lr << " scale " << scale);
                for (int call = 0; call < 60; ++call) {
                    const std::string before = save_sequence_model(s);
                    const SequenceStats st = s.step(1);
                    INFO("call " << call);
                    if (st.diverged) {
                        ++divergences;
                        REQUIRE(save_sequence_model(s) == before);
                    } else {
                        REQUIRE(std::isfinite(st.train_loss));
                        REQUIRE(std::isfinite(st.test_loss));
                    }
                    REQUIRE(state_finite(s));
                }
                // the restored weights have not blown up: plain SGD at 1e-5 trains on from them (not
                // the same kind: a restored momentum velocity of ~1e300 carries the weights over
                // the edge at any learning rate until it decays or is reset)
                OptimizerConfig o = s.config().optimizer;
                o.kind = OptimizerKind::Sgd;
                o.learning_rate = 1e-5;
                s.update_training(o, 0, c.batch_size);
                CHECK_FALSE(s.step(3).diverged);
            }
          }
        }
    }
    CHECK(divergences > 0);
}
// issue 12, item 5, one step: with Wy = 0 and by = 1e153 every output is y = 1e153, a training
// loss of ½·(1e153)² = 5e305 (the targets, sines of amplitude ≤ 1, are lost in it) and no
// gradient into the recurrent layer (dh = Wyᵀ dy = 0). SGD at 10 moves by to about −9e153 and
// Wy to about −3e151: every weight finite, the loss +inf. That used to come back as "no
// divergence", after which every step diverged at any learning rate.
TEST_CASE("sequence session: a step that leaves an infinite loss is a divergence", "[sequence_session][issue12]") {
    const SequenceSessionConfig c = loud_sine_config();
    SequenceSession s(c);
    constant_output(s, 1e153);
    const SequenceStats st0 = s.stats();
    CHECK(st0.train_loss == Approx(0.5e306).epsilon(1e-6));
    const std::string before = save_sequence_model(s);
    const SequenceStats st = s.step(1);
    CHECK(st.diverged);
    CHECK(st.step == 0);
    CHECK(st.train_loss == Approx(0.5e306).epsilon(1e-6));
    CHECK(save_sequence_model(s) == before);
    OptimizerConfig o = s.config().optimizer;
    o.learning_rate = 1e-5;
    s.update_training(o, 0, c.batch_size);
    const SequenceStats st2 = s.step(1);
    CHECK_FALSE(st2.diverged);
    CHECK(st2.train_loss < st0.train_loss);
}

// issue 12, item 5, over several calls (the issue's four step(1) calls): from by = 1e150 the
// loss grows 5e299 -> 4.3e301 -> 7.8e302 in two finite calls, and the third would make it +inf.
TEST_CASE("sequence session: a divergence spread over several calls is caught at the call that overflows",
          "[sequence_session][issue12]") {
    const SequenceSessionConfig c = loud_sine_config();
    SequenceSession s(c);
    constant_output(s, 1e150);
    const SequenceStats a = s.step(1), b = s.step(1);
    CHECK_FALSE(a.diverged);
    CHECK_FALSE(b.diverged);
    CHECK(a.train_loss == Approx(4.26563e301).epsilon(1e-5));
    CHECK(b.train_loss == Approx(7.84093e302).epsilon(1e-5));
    const std::string before = save_sequence_model(s);
    const SequenceStats st = s.step(1);
    CHECK(st.diverged);
    CHECK(st.step == 2);
    CHECK(st.train_loss == b.train_loss);
    CHECK(save_sequence_model(s) == before);
    CHECK_NOTHROW(load_sequence_model(save_sequence_model(s)));
}
