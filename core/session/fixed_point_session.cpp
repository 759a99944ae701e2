// fixed_point_session.cpp: see fixed_point_session.hpp.
#include "session/fixed_point_session.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "base/limits.hpp"
#include "base/validate.hpp"

namespace bp {

const char* fixed_point_task_name(FixedPointTask task) { return task == FixedPointTask::Letters ? "letters" : "xor"; }

FixedPointTask fixed_point_task_from_name(const std::string& name) {
    if (name == "xor") return FixedPointTask::Xor;
    if (name == "letters") return FixedPointTask::Letters;
    throw std::invalid_argument("unknown fixed-point task '" + name + "' (allowed: xor, letters)");
}

namespace {

bool is_letters(const FixedPointSessionConfig& c) { return c.task == FixedPointTask::Letters; }

std::size_t units_of(const FixedPointSessionConfig& c) {
    return is_letters(c) ? kLetterPixels + c.hidden : c.hidden + 1;
}

FixedPointConfig network_config(const FixedPointSessionConfig& c) {
    FixedPointConfig f;
    f.units = units_of(c);
    f.activation = c.activation;
    f.init_scale = c.init_scale;
    if (is_letters(c)) {
        f.inputs = kLetterPixels;
        for (std::size_t i = 0; i < kLetterPixels; ++i) f.outputs.push_back(i);
    } else {
        f.inputs = 2;
        f.outputs = {c.hidden};  // the last unit
    }
    return f;
}

// The generators of the cues: one for the held-out set, one per training step (so that step s
// always trains on the same cues, and a model file continues a run exactly).
std::uint64_t eval_seed(std::uint64_t seed) { return seed * 0xd1b54a32d192ed03ULL + 0x5851f42d4c957f2dULL; }
std::uint64_t step_seed(std::uint64_t seed, long step) {
    return seed ^ (0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(step) + 1));
}

bool sign_matches(double x, double t) { return (x > 0.0) == (t > 0.0) && x != 0.0; }

void copy_row(const Mat& m, std::size_t r, Vec& out) {
    const std::size_t c = cols(m);
    if (out.size() != c) out.resize({c});
    for (std::size_t j = 0; j < c; ++j) out(j) = m(r, j);
}

}  // namespace

FixedPointSessionConfig fixed_point_session_defaults(FixedPointTask task) {
    FixedPointSessionConfig c;
    c.task = task;
    if (task == FixedPointTask::Letters) {
        c.hidden = 10;
        c.init_scale = 0.5;
        c.relax.tol = 1e-6;
        c.relax.max_iters = 1000;
        c.optimizer.learning_rate = 0.01;
    }
    return c;
}

void validate_fixed_point_session_config(const FixedPointSessionConfig& c) {
    if (c.task != FixedPointTask::Xor && c.task != FixedPointTask::Letters)
        throw std::invalid_argument("task.name: invalid FixedPointTask value");
    if (is_letters(c)) {
        const std::string font = letter_font();
        check_count("task.letters (count)", c.letters.size(), 1, font.size());
        for (std::size_t i = 0; i < c.letters.size(); ++i) {
            if (font.find(c.letters[i]) == std::string::npos)
                throw std::invalid_argument(std::string("task.letters: '") + c.letters[i] +
                                            "' is not in the font; allowed: " + font);
            if (c.letters.find(c.letters[i]) != i)
                throw std::invalid_argument(std::string("task.letters: '") + c.letters[i] + "' is listed twice");
        }
        check_count("hidden", c.hidden, 0, limits::kMaxRecurrentHidden - kLetterPixels,
                    " (letters: 25 visible units + hidden ≤ 128)");
    } else {
        check_count("hidden", c.hidden, 1, limits::kMaxRecurrentHidden - 1, " (XOR: hidden + 1 output unit ≤ 128)");
    }
    check_count("task.damage", c.damage, 0, kLetterPixels);
    check_count("task.cues", c.cues, 1, kMaxFixedPointCues);
    check_count("task.testCues", c.test_cues, 1, kMaxFixedPointTestCues);
    if (c.activation != Activation::Tanh && c.activation != Activation::Sigmoid)
        throw std::invalid_argument(std::string("activation: '") + activation_name(c.activation) +
                                    "' is not available; allowed: tanh, sigmoid");
    if (!std::isfinite(c.init_scale)) throw std::invalid_argument("initScale: must be a finite number");
    if (c.init_scale < 0.0 || c.init_scale > 100.0)
        throw std::out_of_range("initScale: " + format_number(c.init_scale) + " is outside 0..100");
    validate_relax_options(c.relax);  // names relax.alpha, relax.beta, relax.tol, relax.maxIters
    try {
        optimizer_validate(c.optimizer);
    } catch (const std::out_of_range& e) {
        throw std::out_of_range(std::string("training.") + e.what());
    } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("training.") + e.what());
    }
}

namespace {
// Validates before any member is built from the config (the optimizers would otherwise throw
// first, with their own field names).
const FixedPointSessionConfig& checked(const FixedPointSessionConfig& c) {
    validate_fixed_point_session_config(c);
    return c;
}
}  // namespace

FixedPointSession::FixedPointSession(const FixedPointSessionConfig& config)
    : config_(checked(config)), optimizer_(config.optimizer), snapshot_optimizer_(config.optimizer) {
    config_.relax.record_states = false;  // training never records states (inspect does)
    if (is_letters(config_)) {
        letters_ = letter_patterns(config_.letters);
        Rng rng(eval_seed(config_.seed));
        eval_ = pattern_completion_data(letters_, config_.test_cues, config_.damage, config_.erase,
                                        units_of(config_), rng);
    } else {
        eval_ = fixed_point_xor();
    }
    reset();
}

void FixedPointSession::reset() {
    Rng rng(config_.seed);
    fixed_point_init(net_, network_config(config_), rng);
    optimizer_ = Optimizer(config_.optimizer);
    step_ = 0;
    skipped_total_ = 0;
    last_grad_norm_ = 0;
    // The step-0 batch relaxed through the fresh network, so that the stats show from the start
    // whether it settles (nothing is trained: the gradients are cleared again).
    training_batch(0, batch_);
    fixed_point_zero_grad(net_);
    last_ = fixed_point_forward_backward(net_, batch_, config_.relax, ws_);
    fixed_point_zero_grad(net_);
}

void FixedPointSession::training_batch(long step, FixedPointData& out) const {
    if (!is_letters(config_)) {
        if (rows(out.inputs) != rows(eval_.inputs)) out = eval_;  // XOR: the 4 patterns, every step
        return;
    }
    Rng rng(step_seed(config_.seed, step));
    out = pattern_completion_data(letters_, config_.cues, config_.damage, config_.erase, units_of(config_), rng);
}

void FixedPointSession::update_training(const OptimizerConfig& optimizer, const RelaxOptions& relax) {
    FixedPointSessionConfig next = config_;
    next.optimizer = optimizer;
    next.relax = relax;
    next.relax.record_states = false;
    validate_fixed_point_session_config(next);
    optimizer_.set_config(optimizer);
    config_ = next;
}

FixedPointSessionStats FixedPointSession::step(std::size_t n) {
    if (n < 1 || n > limits::kMaxSteps)
        throw std::out_of_range("steps: " + std::to_string(n) + " is outside 1.." + std::to_string(limits::kMaxSteps));
    ParamList ps = params();
    snapshot_.resize(ps.size());
    for (std::size_t p = 0; p < ps.size(); ++p) snapshot_[p] = *ps[p].value;
    snapshot_optimizer_ = optimizer_;
    const long step_before = step_, skipped_before = skipped_total_;
    const FixedPointStats last_before = last_;
    const double grad_before = last_grad_norm_;

    bool diverged = false, stalled = false;
    for (std::size_t s = 0; s < n; ++s) {
        training_batch(step_, batch_);
        fixed_point_zero_grad(net_);
        last_ = fixed_point_forward_backward(net_, batch_, config_.relax, ws_);
        skipped_total_ += static_cast<long>(last_.skipped.size());
        if (last_.used == 0) {  // no gradient at all: an optimizer step would move on momentum alone
            stalled = true;
            break;
        }
        last_grad_norm_ = global_grad_norm(ps);
        if (!std::isfinite(last_.loss) || !std::isfinite(last_grad_norm_)) {
            diverged = true;
            break;
        }
        optimizer_.step(ps);
        ++step_;
        // checked after every update: the next relaxation refuses non-finite weights, and a
        // model file cannot hold a non-finite slot (Adam's v or RMSprop's s at +inf make the
        // update g/√inf = 0, so the weights alone would look fine)
        if (!params_finite(ps) || !optimizer_state_finite(optimizer_.state())) {
            diverged = true;
            break;
        }
    }
    if (diverged) {
        for (std::size_t p = 0; p < ps.size(); ++p) *ps[p].value = snapshot_[p];
        optimizer_ = snapshot_optimizer_;
        step_ = step_before;
        skipped_total_ = skipped_before;
        last_ = last_before;
        last_grad_norm_ = grad_before;
        FixedPointSessionStats st = make_stats();
        st.diverged = true;
        st.message = "Training diverged: the loss, a weight or the optimizer's state became infinite or NaN at "
                     "learning rate " + format_number(optimizer_.config().learning_rate) +
                     ". The weights from before this step were restored and training paused. Try a smaller "
                     "learning rate, or turn on gradient clipping.";
        return st;
    }
    FixedPointSessionStats st = make_stats();
    const std::string iters = std::to_string(config_.relax.max_iters);
    if (stalled) {
        st.stalled = true;
        st.message = "No pattern settled: all " + std::to_string(last_.patterns) +
                     " relaxations were still moving after " + iters +
                     " iterations, so there is no gradient and nothing was trained. Training paused. Try a smaller "
                     "step α (and β), more iterations, a looser tolerance, or reset the weights.";
    } else if (skipped_total_ > skipped_before) {
        const long k = skipped_total_ - skipped_before;
        st.message = std::to_string(k) + (k == 1 ? " relaxation" : " relaxations") + " in these " +
                     std::to_string(step_ - step_before) + " steps did not settle within " + iters +
                     " iterations and " + (k == 1 ? "was" : "were") +
                     " skipped: not in the loss, not trained on. Last step: " + std::to_string(last_.used) + " of " +
                     std::to_string(last_.patterns) + " patterns used.";
    }
    return st;
}

FixedPointSessionStats FixedPointSession::make_stats() {
    FixedPointSessionStats s;
    s.step = step_;
    s.loss = last_.loss;
    s.patterns = static_cast<long>(last_.patterns);
    s.used = static_cast<long>(last_.used);
    s.skipped_forward = static_cast<long>(last_.skipped_forward);
    s.skipped_backward = static_cast<long>(last_.skipped_backward);
    s.forward_iters_mean = last_.forward_iters_mean;
    s.backward_iters_mean = last_.backward_iters_mean;
    s.forward_iters_max = static_cast<long>(last_.forward_iters_max);
    s.backward_iters_max = static_cast<long>(last_.backward_iters_max);
    s.skipped_total = skipped_total_;

    // Evaluation: forward relaxations of the evaluation patterns, in their own workspace
    FixedPointWorkspace& ws = eval_ws_;
    const FixedPointStats e = fixed_point_evaluate(net_, eval_, config_.relax, ws);
    s.test_loss = e.loss;
    s.test_unsettled = static_cast<long>(e.skipped_forward);
    std::size_t right = 0;
    const auto& outs = net_.config.outputs;
    for (std::size_t p = 0; p < e.patterns; ++p) {
        const FixedPointCache& c = ws.patterns[p];
        if (!c.forward.converged) continue;
        bool all = true;
        for (std::size_t k = 0; k < outs.size() && all; ++k) all = sign_matches(c.x(outs[k]), eval_.targets(p, k));
        right += all ? 1 : 0;
    }
    s.accuracy = static_cast<double>(right) / static_cast<double>(e.patterns);
    s.contraction_bound = fixed_point_contraction_bound(net_);
    s.grad_norm = last_grad_norm_;
    s.clip_count = optimizer_.clip_count();
    return s;
}

FixedPointSessionStats FixedPointSession::stats() { return make_stats(); }

// batch_ and ws_ are the training step's scratch (step() rebuilds both), last_ is untouched.
FixedPointStats FixedPointSession::gradients() {
    training_batch(step_, batch_);
    fixed_point_zero_grad(net_);
    return fixed_point_forward_backward(net_, batch_, config_.relax, ws_);
}

std::size_t FixedPointSession::evaluation_patterns() const { return rows(eval_.inputs); }

const FixedPointTrace& FixedPointSession::run_trace(const Vec& u, const Vec* x0, const Vec& target, bool backward) {
    RelaxOptions o = config_.relax;
    o.record_states = true;
    FixedPointCache& c = trace_cache_;
    FixedPointTrace& tr = trace_;
    const auto& outs = net_.config.outputs;
    tr.n = net_.config.units;
    tr.m = net_.config.inputs;
    tr.K = outs.size();
    tr.input.assign(u.begin(), u.end());
    tr.target.assign(target.begin(), target.end());
    tr.outputs = outs;
    tr.forward_converged = relax_forward(net_, u, x0, o, c);
    tr.backward_run = tr.forward_converged && backward;
    if (tr.backward_run) {
        tr.backward_converged = relax_backward(net_, target, o, c);  // also sets c.error, c.delta
    } else {
        // no adjoint from a state that did not settle (D = f′(a*) would mean nothing)
        tr.backward_converged = false;
        c.backward.converged = false;
        c.backward.iterations = 0;
        c.backward.residual.clear();
        c.backward.states.clear();
        double E = 0.0;
        for (std::size_t k = 0; k < outs.size(); ++k) E += 0.5 * (c.x(outs[k]) - target(k)) * (c.x(outs[k]) - target(k));
        c.error = E;
    }
    tr.forward_iterations = c.forward.iterations;
    tr.backward_iterations = c.backward.iterations;
    tr.forward = &c.forward;
    tr.backward = &c.backward;
    tr.fixed_point.assign(c.x.begin(), c.x.end());
    if (tr.backward_run) tr.delta.assign(c.delta.begin(), c.delta.end());
    else tr.delta.assign(tr.n, 0.0);
    tr.error = c.error;
    tr.correct = 0;
    for (std::size_t k = 0; k < outs.size(); ++k) tr.correct += sign_matches(c.x(outs[k]), target(k)) ? 1 : 0;
    tr.recalled = -1;
    if (is_letters(config_)) {
        for (std::size_t l = 0; l < rows(letters_) && tr.recalled < 0; ++l) {
            bool all = true;
            for (std::size_t i = 0; i < kLetterPixels && all; ++i) all = sign_matches(c.x(i), letters_(l, i));
            if (all) tr.recalled = static_cast<long>(l);
        }
    }
    return tr;
}

const FixedPointTrace& FixedPointSession::inspect(std::size_t index) {
    const std::size_t P = evaluation_patterns();
    if (index >= P)
        throw std::out_of_range("inspect: pattern " + std::to_string(index) + " is outside 0.." + std::to_string(P - 1));
    Vec u, x0, t;
    copy_row(eval_.inputs, index, u);
    copy_row(eval_.targets, index, t);
    const bool has_x0 = rows(eval_.initial) != 0;
    if (has_x0) copy_row(eval_.initial, index, x0);
    return run_trace(u, has_x0 ? &x0 : nullptr, t, true);
}

Vec FixedPointSession::make_cue(std::size_t letter, std::size_t damage, bool erase, std::uint64_t seed) const {
    if (!is_letters(config_)) throw std::invalid_argument("complete: only the letters task completes patterns");
    check_count("complete: letter", letter, 0, rows(letters_) - 1);
    check_count("complete: damage", damage, 0, kLetterPixels);
    Mat one = zeros(1, kLetterPixels);
    for (std::size_t i = 0; i < kLetterPixels; ++i) one(0, i) = letters_(letter, i);
    Rng rng(seed);
    const FixedPointData d = pattern_completion_data(one, 1, damage, erase, units_of(config_), rng);
    Vec cue;
    copy_row(d.inputs, 0, cue);
    return cue;
}

const FixedPointTrace& FixedPointSession::complete(const Vec& cue, std::size_t letter) {
    if (!is_letters(config_)) throw std::invalid_argument("complete: only the letters task completes patterns");
    if (cue.size() != kLetterPixels)
        throw std::invalid_argument("complete: cue has " + std::to_string(cue.size()) + " values, expected 25 (5×5 pixels)");
    for (std::size_t i = 0; i < kLetterPixels; ++i)
        if (!(cue(i) >= -1.0 && cue(i) <= 1.0))  // also rejects NaN
            throw std::invalid_argument("complete: cue[" + std::to_string(i) + "] must be a number in −1..1");
    const std::size_t L = rows(letters_);
    if (letter == SIZE_MAX) {  // the stored letter the cue agrees with most
        double best = -std::numeric_limits<double>::infinity();
        for (std::size_t l = 0; l < L; ++l) {
            double agree = 0.0;
            for (std::size_t i = 0; i < kLetterPixels; ++i) agree += cue(i) * letters_(l, i);
            if (agree > best) { best = agree; letter = l; }
        }
    } else {
        check_count("complete: letter", letter, 0, L - 1);
    }
    const std::size_t n = units_of(config_);
    Vec x0 = vec_zeros(n), t = Vec::from_shape({kLetterPixels});
    for (std::size_t i = 0; i < kLetterPixels; ++i) {
        x0(i) = cue(i);  // the cue is the start of the visible units; the hidden ones start at 0
        t(i) = 0.9 * letters_(letter, i);
    }
    return run_trace(cue, &x0, t, false);
}

void FixedPointSession::set_progress(long step, long skipped_total) {
    if (step < 0) throw std::out_of_range("progress.step: must be 0 or more");
    if (skipped_total < 0) throw std::out_of_range("progress.skipped: must be 0 or more");
    step_ = step;
    skipped_total_ = skipped_total;
    training_batch(step_, batch_);
    fixed_point_zero_grad(net_);
    last_ = fixed_point_forward_backward(net_, batch_, config_.relax, ws_);
    fixed_point_zero_grad(net_);
}

}  // namespace bp
