// cell_checks.hpp: what test_rnn.cpp and test_lstm.cpp check in the same way, written once for
// both recurrent cells: full BPTT against central differences for every parameter, truncation at
// k ≥ T giving full BPTT bit for bit, small k giving the exact gradient of the truncated
// objective, the free run; and their training loop. Each test file keeps its own sizes, seeds and
// networks; what is checked is here.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "nn/gradcheck.hpp"
#include "nn/optimizers.hpp"
#include "recurrent/rnn.hpp"
#include "rnn_test_util.hpp"

namespace bp::testing {

// ---- one spelling for both cells -----------------------------------------------------------------

inline void cell_init(Elman& net, const RnnConfig& c, Rng& rng) { elman_init(net, c, rng); }
inline void cell_init(Lstm& net, const RnnConfig& c, Rng& rng) { lstm_init(net, c, rng); }
inline void cell_free_run(const Elman& net, const std::vector<Mat>& prime, std::size_t M, RnnCache& cache) {
    elman_free_run(net, prime, M, cache);
}
inline void cell_free_run(const Lstm& net, const std::vector<Mat>& prime, std::size_t M, LstmCache& cache) {
    lstm_free_run(net, prime, M, cache);
}
inline RnnCache cache_for(const Elman&) { return {}; }
inline LstmCache cache_for(const Lstm&) { return {}; }
inline ParamList cell_params(Elman& net) { return elman_params(net); }
inline ParamList cell_params(Lstm& net) { return lstm_params(net); }
inline void cell_zero_grad(Elman& net) { elman_zero_grad(net); }
inline void cell_zero_grad(Lstm& net) { lstm_zero_grad(net); }
inline double cell_forward_backward(Elman& net, const SequenceData& d, RnnCache& cache, const BpttOptions& o = {}) {
    return elman_forward_backward(net, d, cache, o);
}
inline double cell_forward_backward(Lstm& net, const SequenceData& d, LstmCache& cache, const BpttOptions& o = {}) {
    return lstm_forward_backward(net, d, cache, o);
}
inline double cell_loss(const Elman& net, const SequenceData& d, RnnCache& cache) { return elman_loss(net, d, cache); }
inline double cell_loss(const Lstm& net, const SequenceData& d, LstmCache& cache) { return lstm_loss(net, d, cache); }
// The forward pass from the state a step left (h for Elman, h and c for the LSTM), or from zeros.
inline void cell_forward(const Elman& net, const std::vector<Mat>& xs, RnnCache& cache, const RnnStep* from) {
    elman_forward(net, xs, cache, from ? &from->h : nullptr);
}
inline void cell_forward(const Lstm& net, const std::vector<Mat>& xs, LstmCache& cache, const LstmStep* from) {
    lstm_forward(net, xs, cache, from ? &from->h : nullptr, from ? &from->c : nullptr);
}

// `steps` optimizer steps of full BPTT on mini-batches of `batch_size` sequences taken in turn from
// `train` (wrapping around); `batch` is left holding the last one.
template <class Net, class Cache>
void train_on_batches(Net& net, Cache& cache, const SequenceData& train, const OptimizerConfig& oc,
                      std::size_t steps, std::size_t batch_size, SequenceData& batch) {
    Optimizer opt(oc);
    const ParamList params = cell_params(net);
    const std::size_t n = rows(train.x[0]);
    for (std::size_t step = 0; step < steps; ++step) {
        sequence_rows(train, (step * batch_size) % n, batch_size, batch);
        cell_zero_grad(net);
        cell_forward_backward(net, batch, cache);
        opt.step(params);
    }
}

// ---- the checks ----------------------------------------------------------------------------------

// The truncated objective (rnn.hpp): windows of k steps counted from the end; the state entering
// each window is a constant, taken from `fixed` (the steps of the forward pass before any
// perturbation). Computed by running each window on its own from that state.
template <class Net, class Step>
double truncated_objective(const Net& net, const SequenceData& data, std::size_t k, const std::vector<Step>& fixed) {
    const std::size_t T = data.x.size();
    const double S = data.loss_every_step ? static_cast<double>(T) : 1.0;
    double total = 0.0;
    auto cache = cache_for(net);
    for (std::size_t end = T; end > 0;) {
        const std::size_t start = end >= k ? end - k : 0;
        std::vector<Mat> xs(data.x.begin() + start, data.x.begin() + end);
        cell_forward(net, xs, cache, start > 0 ? &fixed[start - 1] : nullptr);
        for (std::size_t t = start; t < end; ++t)
            if (data.loss_every_step || t + 1 == T)
                total += loss_value(net.config.loss, cache.steps[t - start].y, data.y[t]);
        end = start;
    }
    return total / S;
}

// Central differences (kEps) of `loss_only` against the BPTT gradient with `opts`.
template <class Net, class Cache, class LossOnly>
GradCheckResult gradcheck_bptt(Net& net, const SequenceData& d, Cache& cache, BpttOptions opts, LossOnly loss_only) {
    auto loss_and_grad = [&] {
        cell_zero_grad(net);
        return cell_forward_backward(net, d, cache, opts);
    };
    return gradcheck(cell_params(net), loss_and_grad, loss_only, kEps);
}

inline void check_every_param(const GradCheckResult& r) {
    for (const auto& e : r.per_param) {
        INFO(e.name << ": analytic " << e.analytic << " numeric " << e.numeric);
        CHECK(e.max_rel_error < 1e-6);
    }
}

// Full BPTT against central differences for every parameter, for three losses: every step and
// squared, last step and squared, every step and sigmoid_ce. Data: T = 6, N = 3, D = K = 2 from
// Rng(data_seed); the network is make_net(loss).
template <class MakeNet>
void check_full_bptt_gradients(std::uint64_t data_seed, MakeNet make_net) {
    struct Case { bool every_step; Loss loss; const char* name; };
    for (const Case c : {Case{true, Loss::SquaredError, "every step, squared"},
                         Case{false, Loss::SquaredError, "last step, squared"},
                         Case{true, Loss::SigmoidCrossEntropy, "every step, sigmoid_ce"}}) {
        INFO(c.name);
        Rng rng(data_seed);
        SequenceData d = random_sequences(6, 3, 2, 2, c.every_step, c.loss != Loss::SquaredError, rng);
        auto net = make_net(c.loss);
        auto cache = cache_for(net);
        auto loss_only = [&] { return cell_loss(net, d, cache); };
        const GradCheckResult r = gradcheck_bptt(net, d, cache, BpttOptions{}, loss_only);
        REQUIRE(r.per_param.size() == 5);
        check_every_param(r);
    }
}

// The norms BPTT records per step are the same (the LSTM also has its cell's).
inline void check_same_norms(const RnnCache& a, const RnnCache& b) { CHECK(a.dh_norm == b.dh_norm); }
inline void check_same_norms(const LstmCache& a, const LstmCache& b) {
    CHECK(a.dh_norm == b.dh_norm);
    CHECK(a.dc_norm == b.dc_norm);
}

// Truncation at k = T, T + 1 and 400 is full BPTT, loss and gradients bit for bit, with the loss
// every step and at the last step only. Data: T of (N, D) inputs, K = 2 outputs, from one
// Rng(data_seed) for both; the network is make_net().
template <class MakeNet>
void check_truncation_beyond_T_is_full(std::uint64_t data_seed, std::size_t T, std::size_t N, std::size_t D,
                                       MakeNet make_net) {
    Rng rng(data_seed);
    for (bool every : {true, false}) {
        SequenceData d = random_sequences(T, N, D, 2, every, false, rng);
        auto net = make_net();
        auto full_cache = cache_for(net), cache = cache_for(net);
        cell_zero_grad(net);
        const double full_loss = cell_forward_backward(net, d, full_cache);  // k = 0: full
        const auto full = net;
        for (std::size_t k : {T, T + 1, std::size_t{400}}) {
            cell_zero_grad(net);
            CHECK(cell_forward_backward(net, d, cache, BpttOptions{k}) == full_loss);
            CHECK(same_bits(net.dWx, full.dWx));
            CHECK(same_bits(net.dWh, full.dWh));
            CHECK(same_bits(net.db, full.db));
            CHECK(same_bits(net.dWy, full.dWy));
            CHECK(same_bits(net.dby, full.dby));
            check_same_norms(cache, full_cache);
        }
    }
}

// The window boundaries, with a loss at the last step only: nothing crosses into an earlier window,
// so dL/dh (and the LSTM's dL/dc) is zero at every step before the last window; the Elman test
// also sees it non-zero at the first step of the last window.
inline void check_window_boundaries(const RnnCache& cache, std::size_t T, std::size_t k) {
    for (std::size_t t = 0; t + k < T; ++t) CHECK(cache.dh_norm[t] == 0.0);
    CHECK(cache.dh_norm[T - k] > 0.0);
}
inline void check_window_boundaries(const LstmCache& cache, std::size_t T, std::size_t k) {
    for (std::size_t t = 0; t + k < T; ++t) {
        CHECK(cache.dh_norm[t] == 0.0);
        CHECK(cache.dc_norm[t] == 0.0);
    }
}

// Truncation at a small k is the exact gradient of the truncated objective (central differences),
// and not the full gradient (its `grad` differs by more than 1e-6 somewhere); with the loss at the
// last step only, check_window_boundaries holds. Data: T = 7 steps
// of (N, 2) inputs, K = 1, from one Rng(data_seed); the network is make_net().
template <class MakeNet, class Net>
void check_small_truncation_gradients(std::uint64_t data_seed, std::size_t N, std::initializer_list<std::size_t> ks,
                                      MakeNet make_net, Mat Net::*grad) {
    Rng rng(data_seed);
    const std::size_t T = 7;
    for (bool every : {true, false}) {
        for (std::size_t k : ks) {
            INFO("loss every step " << every << ", k = " << k);
            SequenceData d = random_sequences(T, N, 2, 1, every, false, rng);
            Net net = make_net();
            auto cache = cache_for(net);
            // the states of the unperturbed network: the constants the windows start from
            cell_forward(net, d.x, cache, nullptr);
            const auto fixed = cache.steps;

            cell_zero_grad(net);
            cell_forward_backward(net, d, cache);
            const Mat full_grad = net.*grad;
            auto loss_only = [&] { return truncated_objective(net, d, k, fixed); };
            check_every_param(gradcheck_bptt(net, d, cache, BpttOptions{k}, loss_only));
            // and it is not the full gradient
            double diff = 0.0;
            for (std::size_t i = 0; i < full_grad.size(); ++i)
                diff = std::max(diff, std::fabs(full_grad.data()[i] - (net.*grad).data()[i]));
            CHECK(diff > 1e-6);
            if (!every) check_window_boundaries(cache, T, k);
        }
    }
}

// A free run of M steps after `prime` feeds each output back as the next input, and is the same as
// a teacher-forced forward over the inputs it saw.
template <class Net>
void check_free_run(const Net& net, const std::vector<Mat>& prime, std::size_t M) {
    const std::size_t P = prime.size();
    auto run = cache_for(net);
    cell_free_run(net, prime, M, run);
    REQUIRE(run.steps.size() == P + M);
    for (std::size_t t = P; t < P + M; ++t) CHECK(same_bits(run.steps[t].x, run.steps[t - 1].y));
    std::vector<Mat> xs;
    for (const auto& s : run.steps) xs.push_back(s.x);
    auto forced = cache_for(net);
    cell_forward(net, xs, forced, nullptr);
    for (std::size_t t = 0; t < P + M; ++t) CHECK(same_bits(forced.steps[t].y, run.steps[t].y));
}

}  // namespace bp::testing
