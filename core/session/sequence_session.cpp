// sequence_session.cpp: see sequence_session.hpp.
#include "session/sequence_session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "base/limits.hpp"
#include "base/validate.hpp"

namespace bp {

const char* cell_name(CellKind cell) { return cell == CellKind::Lstm ? "lstm" : "elman"; }

CellKind cell_from_name(const std::string& name) {
    if (name == "elman") return CellKind::Elman;
    if (name == "lstm") return CellKind::Lstm;
    throw std::invalid_argument("unknown cell '" + name + "' (allowed: elman, lstm)");
}

namespace {

// The held-out sequences come from the same generator with a different seed.
SequenceConfig test_task(const SequenceSessionConfig& c) {
    SequenceConfig t = c.task;
    t.sequences = c.test_sequences;
    t.seed = c.task.seed * 0x9e3779b97f4a7c15ULL + 1;
    return t;
}

RnnConfig rnn_config(const SequenceSessionConfig& c, const SequenceData& data) {
    RnnConfig r;
    r.inputs = cols(data.x[0]);
    r.hidden = c.hidden;
    r.outputs = cols(data.y[0]);
    r.loss = data.classes == 2 ? Loss::SigmoidCrossEntropy : Loss::SquaredError;
    return r;
}

}  // namespace

void validate_sequence_session_config(const SequenceSessionConfig& c) {
    validate_sequence_config(c.task);
    check_count("test sequences", c.test_sequences, 1, limits::kMaxSequences);
    check_count("hidden", c.hidden, 1, limits::kMaxRecurrentHidden);
    check_count("truncation", c.truncation, 0, limits::kMaxSequenceLength);
    check_count("training.batchSize", c.batch_size, 1, limits::kMaxBatch);
    optimizer_validate(c.optimizer);
}

SequenceSession::SequenceSession(const SequenceSessionConfig& config)
    : config_(config), optimizer_(config.optimizer), snapshot_optimizer_(config.optimizer) {
    validate_sequence_session_config(config);
    train_ = make_sequences(config.task);
    test_ = make_sequences(test_task(config));
    reset();
}

void SequenceSession::reset() {
    Rng rng(config_.init_seed);
    const RnnConfig r = rnn_config(config_, train_);
    if (config_.cell == CellKind::Elman) elman_init(elman_, r, rng);
    else lstm_init(lstm_, r, rng);
    optimizer_ = Optimizer(config_.optimizer);
    step_ = 0;
    last_grad_norm_ = 0;
}

ParamList SequenceSession::params() {
    return config_.cell == CellKind::Elman ? elman_params(elman_) : lstm_params(lstm_);
}

const Mat& SequenceSession::recurrent_weights() const {
    return config_.cell == CellKind::Elman ? elman_.Wh : lstm_.Wh;
}

std::size_t SequenceSession::steps_per_epoch() const {
    const std::size_t n = rows(train_.x[0]), b = config_.batch_size;
    return (n + b - 1) / b;
}

void SequenceSession::update_training(const OptimizerConfig& optimizer, std::size_t truncation,
                                      std::size_t batch_size) {
    SequenceSessionConfig next = config_;
    next.optimizer = optimizer;
    next.truncation = truncation;
    next.batch_size = batch_size;
    validate_sequence_session_config(next);
    optimizer_.set_config(optimizer);
    config_ = next;
}

double SequenceSession::forward_backward(const SequenceData& batch, std::size_t truncation) {
    const BpttOptions opts{truncation};
    if (config_.cell == CellKind::Elman) {
        elman_zero_grad(elman_);
        return elman_forward_backward(elman_, batch, elman_cache_, opts);
    }
    lstm_zero_grad(lstm_);
    return lstm_forward_backward(lstm_, batch, lstm_cache_, opts);
}

SequenceStats SequenceSession::step(std::size_t n) {
    if (n < 1 || n > limits::kMaxSteps)
        throw std::out_of_range("steps: " + std::to_string(n) + " is outside 1.." + std::to_string(limits::kMaxSteps));
    ParamList ps = params();
    snapshot_.resize(ps.size());
    for (std::size_t p = 0; p < ps.size(); ++p) snapshot_[p] = *ps[p].value;
    snapshot_optimizer_ = optimizer_;
    const long step_before = step_;
    const double grad_before = last_grad_norm_;

    // A divergence is anything a later step or a model file could not start from: a non-finite
    // batch loss, weight or optimizer slot (Adam's v and RMSprop's s hold g², which overflows for
    // |g| > ~1e154 while g/√∞ = 0 leaves the weights finite), or, after the last update, a
    // non-finite training or test loss. Whatever the number of calls it is spread over, the
    // state is never left diverged: it goes back to where this call started.
    const std::size_t N = rows(train_.x[0]), B = std::min(config_.batch_size, N);
    const std::size_t per_epoch = steps_per_epoch();
    bool diverged = false;
    for (std::size_t s = 0; s < n && !diverged; ++s) {
        // Batches walk through the training sequences in order (they are i.i.d. draws already).
        const std::size_t first = (static_cast<std::size_t>(step_) % per_epoch) * config_.batch_size;
        sequence_rows(train_, first, std::min(B, N - first), batch_);
        const double loss = forward_backward(batch_, config_.truncation);
        if (!std::isfinite(loss)) { diverged = true; break; }
        optimizer_.step(ps);
        last_grad_norm_ = optimizer_.last_grad_norm();
        ++step_;
        diverged = !params_finite(ps) || !optimizer_state_finite(optimizer_.state());
    }
    SequenceStats st;
    if (!diverged) {
        st = make_stats();
        diverged = !std::isfinite(st.train_loss) || !std::isfinite(st.test_loss);
    }
    if (diverged) {
        for (std::size_t p = 0; p < ps.size(); ++p) *ps[p].value = snapshot_[p];
        optimizer_ = snapshot_optimizer_;
        step_ = step_before;
        last_grad_norm_ = grad_before;
        st = make_stats();
        st.diverged = true;
        st.message = "Training diverged: the loss, a weight or the optimizer's state became infinite or NaN at "
                     "learning rate " + format_number(optimizer_.config().learning_rate) +
                     ". The weights from before this step were restored and training paused. Try a smaller "
                     "learning rate, or turn on gradient clipping (exploding gradients are common in RNNs).";
    }
    return st;
}

double SequenceSession::tolerance() const {
    switch (config_.task.task) {
        case SequenceTask::Parity: return 0.5;   // 0/1 targets: the right side of ½
        case SequenceTask::Adding: return 0.04;  // Hochreiter & Schmidhuber (1997)'s criterion
        case SequenceTask::Echo: return 0.25;    // ±1 targets
        case SequenceTask::Sine: return 0.05;
    }
    return 0.05;
}

double SequenceSession::loss_on(const SequenceData& data, double* accuracy) {
    if (config_.cell == CellKind::Elman) {
        const double l = elman_loss(elman_, data, elman_cache_);
        *accuracy = sequence_accuracy(elman_cache_, data, tolerance());
        return l;
    }
    const double l = lstm_loss(lstm_, data, lstm_cache_);
    *accuracy = sequence_accuracy(lstm_cache_, data, tolerance());
    return l;
}

SequenceStats SequenceSession::make_stats() {
    SequenceStats s;
    s.step = step_;
    const double N = static_cast<double>(rows(train_.x[0]));
    s.sequences = static_cast<double>(step_) * static_cast<double>(config_.batch_size);
    s.epoch = s.sequences / N;
    double unused;
    s.train_loss = loss_on(train_, &unused);
    s.test_loss = loss_on(test_, &s.test_accuracy);
    s.grad_norm = last_grad_norm_;
    s.clip_count = optimizer_.clip_count();
    s.recurrent_sigma = largest_singular_value(recurrent_weights());
    return s;
}

SequenceStats SequenceSession::stats() { return make_stats(); }

// The gradients are scratch between steps (the next step zeroes them first), and the trace
// keeps its own copies, so running the training set through the caches disturbs nothing.
double SequenceSession::gradients() { return forward_backward(train_, 0); }

const SequenceTrace& SequenceSession::inspect(std::size_t index) {
    const std::size_t N = rows(test_.x[0]);
    if (index >= N)
        throw std::out_of_range("inspect: sequence " + std::to_string(index) + " is outside 0.." + std::to_string(N - 1));
    sequence_rows(test_, index, 1, one_);
    const std::size_t T = one_.x.size(), D = cols(one_.x[0]), K = cols(one_.y[0]), H = config_.hidden;
    SequenceTrace& tr = trace_;
    tr.T = T; tr.D = D; tr.H = H; tr.K = K;
    tr.input.resize(T * D); tr.target.resize(T * K); tr.prediction.resize(T * K); tr.hidden.resize(T * H);
    tr.loss_step.resize(T);
    tr.dh.resize(T * H);
    tr.dy.resize(T * K);
    // Forward and backward on this one sequence: its own gradient norms through time. The
    // parameter gradients this leaves behind are zeroed at the next training step.
    tr.loss = forward_backward(one_, config_.truncation);
    const bool lstm = config_.cell == CellKind::Lstm;
    tr.cell.resize(lstm ? T * H : 0);
    for (std::size_t t = 0; t < T; ++t) {
        for (std::size_t d = 0; d < D; ++d) tr.input[t * D + d] = one_.x[t](0, d);
        for (std::size_t k = 0; k < K; ++k) tr.target[t * K + k] = one_.y[t](0, k);
        const Mat& y = lstm ? lstm_cache_.steps[t].y : elman_cache_.steps[t].y;
        const Mat& h = lstm ? lstm_cache_.steps[t].h : elman_cache_.steps[t].h;
        // y_t as the cache holds it: already σ(z_t) for the sigmoid cross-entropy output (parity),
        // the linear output otherwise. Not σ again: that would squeeze every prediction into 0.5..0.73.
        for (std::size_t k = 0; k < K; ++k) tr.prediction[t * K + k] = y(0, k);
        for (std::size_t j = 0; j < H; ++j) tr.hidden[t * H + j] = h(0, j);
        const Mat& dh = lstm ? lstm_cache_.steps[t].dh : elman_cache_.steps[t].dh;
        const Mat& dy = lstm ? lstm_cache_.steps[t].dy : elman_cache_.steps[t].dy;
        for (std::size_t j = 0; j < H; ++j) tr.dh[t * H + j] = dh(0, j);
        for (std::size_t k = 0; k < K; ++k) tr.dy[t * K + k] = dy(0, k);
        if (lstm)
            for (std::size_t j = 0; j < H; ++j) tr.cell[t * H + j] = lstm_cache_.steps[t].c(0, j);
        tr.loss_step[t] = one_.loss_every_step || t + 1 == T;
    }
    tr.dh_norm = lstm ? lstm_cache_.dh_norm : elman_cache_.dh_norm;
    return tr;
}

const std::vector<double>& SequenceSession::free_run(std::size_t index, std::size_t prime, std::size_t steps) {
    if (config_.task.task != SequenceTask::Sine)
        throw std::invalid_argument("freeRun: only the sine task continues its own output");
    const std::size_t N = rows(test_.x[0]), T = test_.x.size();
    if (index >= N) throw std::out_of_range("freeRun: sequence " + std::to_string(index) + " is outside 0.." + std::to_string(N - 1));
    check_count("freeRun: prime", prime, 1, T);
    check_count("freeRun: prime + steps", prime + steps, 1, limits::kMaxSequenceLength);
    sequence_rows(test_, index, 1, one_);
    std::vector<Mat> primed(one_.x.begin(), one_.x.begin() + static_cast<long>(prime));
    free_run_.resize(prime + steps);
    if (config_.cell == CellKind::Elman) {
        elman_free_run(elman_, primed, steps, elman_cache_);
        for (std::size_t t = 0; t < free_run_.size(); ++t) free_run_[t] = elman_cache_.steps[t].y(0, 0);
    } else {
        lstm_free_run(lstm_, primed, steps, lstm_cache_);
        for (std::size_t t = 0; t < free_run_.size(); ++t) free_run_[t] = lstm_cache_.steps[t].y(0, 0);
    }
    return free_run_;
}

void SequenceSession::set_progress(long step) {
    if (step < 0) throw std::out_of_range("progress.step: must be 0 or more");
    step_ = step;
}

}  // namespace bp
