// fixed_point_session.hpp: a training session for fixed-point recurrent backpropagation
// (Almeida 1987, Pineda 1987; core/fixed_point.hpp, docs/fixed-point.md) on its two tasks, XOR and
// completion of 5×5 letters. The page's "Fixed point" mode and the tests drive it, as
// SequenceSession drives the BPTT mode.
//
//   step(n)      n training steps, each:  relax every pattern forward (x ← (1−α)x + α f(Wx + Uu + b))
//                -> error at the output units -> adjoint relaxation (λ ← (1−β)λ + β(WᵀDλ + e))
//                -> δ = Dλ, ∂E/∂W = δx*ᵀ, ∂E/∂U = δuᵀ, ∂E/∂b = δ, averaged over the patterns that
//                settled -> clip (optional) -> optimizer update.
//                A pattern whose forward or backward relaxation does not converge within
//                max_iters is SKIPPED: not in the loss, not in the gradient; the stats count it
//                and say so. A step in which no pattern settled changes nothing and stops the call.
//   inspect(i)   one evaluation pattern relaxed forward and backward with every state recorded:
//                the settling view (state against iteration) and the residual ‖Δ‖ per iteration.
//   complete()   letters: relax from a corrupted or partial letter (the cue is both the input and
//                the start state) and record the settling: the pattern-grid view.
//
// Patterns. XOR: the 4 patterns of fixed_point_xor(), every step (a full batch); units = hidden + 1,
// the last unit is the output. Letters: units = 25 visible (the outputs, pixel (r, c) is unit
// 5r + c) + hidden; each step trains on `cues` fresh corrupted copies of every letter, drawn from
// a generator seeded by (seed, step) so that a run is reproducible from its step count (model
// files); evaluation uses `test_cues` held-out cues per letter, fixed for the session.
//
// Divergence is handled as in the other sessions: a non-finite loss, gradient, weight or optimizer
// slot after any step restores the state from before the step(n) call (weights, optimizer state,
// counters, the last step's figures) and is reported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "recurrent/fixed_point.hpp"
#include "nn/optimizers.hpp"

namespace bp {

enum class FixedPointTask { Xor, Letters };
const char* fixed_point_task_name(FixedPointTask task);           // "xor" "letters"
FixedPointTask fixed_point_task_from_name(const std::string& name);  // std::invalid_argument

// Size limits of the session (on top of those of fixed_point.hpp and limits.hpp).
constexpr std::size_t kMaxFixedPointCues = 64;      // training cues per letter per step
constexpr std::size_t kMaxFixedPointTestCues = 100; // held-out cues per letter

struct FixedPointSessionConfig {
    FixedPointTask task = FixedPointTask::Xor;
    std::string letters = "CHLTX";  // letters: distinct letters of letter_font() ("ACEHLOTX")
    std::size_t hidden = 3;         // hidden units; XOR 1..127, letters 0..103 (units ≤ 128)
    std::size_t damage = 3;         // letters: pixels corrupted in each cue, 0..25
    bool erase = false;             // letters: corrupted pixels set to 0 (unknown) instead of flipped
    std::size_t cues = 4;           // letters: training cues per letter per step, 1..64
    std::size_t test_cues = 20;     // letters: held-out cues per letter, 1..100
    Activation activation = Activation::Tanh;  // tanh or sigmoid (targets ±0.9 suit tanh)
    double init_scale = 1.0;        // W ~ U(±s/√n), U ~ U(±s/√m), b = 0
    RelaxOptions relax{0.5, 0.5, 1e-10, 2000, false};  // α, β, tol, max_iters (record_states unused)
    OptimizerConfig optimizer{OptimizerKind::Adam, 0.05};
    std::uint64_t seed = 1;         // initial weights and the cues
};

// The defaults for a task (the struct's defaults are XOR's). Measured with these, see
// tests/core/test_fixed_point_session.cpp. Letters: hidden 10, init 0.5, tol 1e-6,
// max_iters 1000, Adam lr 0.01.
FixedPointSessionConfig fixed_point_session_defaults(FixedPointTask task);

// Throws std::out_of_range (sizes and ranges) or std::invalid_argument (names, letters,
// non-finite values); the message names the field as the JSON config spells it.
void validate_fixed_point_session_config(const FixedPointSessionConfig& config);

struct FixedPointSessionStats {
    long step = 0;                 // training steps taken since the last reset
    // The last training step (before the first one: the step-0 batch relaxed, nothing trained):
    double loss = 0;               // mean E = ½Σ_O (x*_k − t_k)² over the used patterns; NaN if none
    long patterns = 0;             // patterns relaxed in that step
    long used = 0;                 // both relaxations converged: in the loss and the gradient
    long skipped_forward = 0;      // the forward relaxation did not settle: skipped
    long skipped_backward = 0;     // the forward one did, the adjoint did not: skipped
    double forward_iters_mean = 0, backward_iters_mean = 0;  // over the used patterns
    long forward_iters_max = 0, backward_iters_max = 0;
    long skipped_total = 0;        // patterns skipped over all steps since the reset
    // Evaluation (forward relaxations only) on the evaluation patterns: XOR's 4, or the held-out cues.
    double test_loss = 0;          // mean E over the patterns that settled; NaN if none did
    double accuracy = 0;           // fraction of patterns settled with every output's sign right
    long test_unsettled = 0;       // evaluation patterns that did not settle (counted as wrong)
    double contraction_bound = 0;  // max|f′|·‖W‖₂; below 1 the network is a contraction
    double grad_norm = 0;          // global gradient norm of the last step, before clipping
    long clip_count = 0;           // steps at which clipping changed the gradients
    bool diverged = false;         // the loss, a weight or a slot became non-finite: state restored
    bool stalled = false;          // a step in which no pattern settled: nothing trained, call stopped
    std::string message;           // says what happened (skips, stalls, divergence); else empty
};

// One relaxation story, for the settling, residual and pattern-grid views. Row-major.
struct FixedPointTrace {
    std::size_t n = 0, m = 0, K = 0;   // units, inputs, output units
    std::vector<double> input;         // (m) u
    std::vector<double> target;        // (K) targets of the output units (in config outputs order)
    std::vector<std::size_t> outputs;  // (K) which units are the outputs
    bool forward_converged = false, backward_converged = false;
    bool backward_run = false;         // the adjoint is run only from a settled forward state
    std::size_t forward_iterations = 0, backward_iterations = 0;
    const Relaxation* forward = nullptr;   // residual (iterations), states ((kept, n), start first)
    const Relaxation* backward = nullptr;  // λ states; empty when !backward_run
    std::vector<double> fixed_point;   // (n) the last state x (x* when converged)
    std::vector<double> delta;         // (n) δ = Dλ (zeros when !backward_run)
    double error = 0;                  // E at the last state
    std::size_t correct = 0;           // output units whose sign matches the target's
    long recalled = -1;                // letters: the letter whose every pixel sign the settled
                                       // visible units match (−1: none, or XOR)
};

class FixedPointSession {
public:
    explicit FixedPointSession(const FixedPointSessionConfig& config);

    FixedPointSessionStats step(std::size_t n);
    FixedPointSessionStats stats();
    void reset();
    // Live change of the optimizer and the relaxation settings (α, β, tol, max_iters): no reset.
    void update_training(const OptimizerConfig& optimizer, const RelaxOptions& relax);

    // Evaluation patterns: XOR 4, letters (letters × test_cues). Pattern i = letter i / test_cues.
    std::size_t evaluation_patterns() const;
    // Evaluation pattern `index` relaxed forward and (if it settled) backward, states recorded.
    const FixedPointTrace& inspect(std::size_t index);
    // Letters only: a cue from letter `letter` (index into config().letters) with `damage`
    // pixels flipped (or erased) at random from `seed`; 25 values in {−1, 0, +1}.
    Vec make_cue(std::size_t letter, std::size_t damage, bool erase, std::uint64_t seed) const;
    // Letters only: relax from `cue` (25 values in [−1, 1]; drives the units and is the start
    // state of the visible ones), states recorded. The target is 0.9 × the letter closest to the
    // cue (most agreeing pixels), or of `letter` when given (< letters).
    const FixedPointTrace& complete(const Vec& cue, std::size_t letter = SIZE_MAX);
    // The trace of the last inspect() or complete() (empty before the first).
    const FixedPointTrace& last_trace() const { return trace_; }

    // Gradients from outside (to check the core against finite differences or another
    // framework): the batch the next step() trains on (XOR: its 4 patterns; letters: the cues of
    // step steps_taken(), fixed by the seed and that number), relaxed through the current
    // weights; returns its figures (loss = mean E over the patterns used) and leaves the mean
    // gradient ∂E/∂θ of those patterns in the grad of every entry of params() (W, U, b, named as
    // in model files), before clipping. As in training, a pattern whose forward or backward
    // relaxation does not settle is left out (used < patterns then). Changes nothing else: not
    // the weights, the optimizer, the step count, the stats or the last trace.
    FixedPointStats gradients();

    const FixedPointSessionConfig& config() const { return config_; }
    const FixedPointNet& network() const { return net_; }
    ParamList params() { return fixed_point_params(net_); }
    Optimizer& optimizer() { return optimizer_; }
    const Optimizer& optimizer() const { return optimizer_; }
    long steps_taken() const { return step_; }
    long skipped_total() const { return skipped_total_; }
    // Model files, after the weights are in place: the step count (which also picks the cues of
    // the next step) and the skip count; re-relaxes that step's batch for the stats.
    void set_progress(long step, long skipped_total);
    const Mat& letters() const { return letters_; }    // (L, 25) ±1, letters task

private:
    void training_batch(long step, FixedPointData& out) const;
    void record_last(const FixedPointStats& s);
    FixedPointSessionStats make_stats();
    const FixedPointTrace& run_trace(const Vec& u, const Vec* x0, const Vec& target, bool backward);

    FixedPointSessionConfig config_;
    FixedPointNet net_;
    Mat letters_;                 // (L, 25)
    FixedPointData eval_, batch_;
    FixedPointWorkspace ws_, eval_ws_;  // training batch, evaluation patterns
    Optimizer optimizer_;
    Optimizer snapshot_optimizer_;
    std::vector<Mat> snapshot_;
    long step_ = 0;
    long skipped_total_ = 0;
    FixedPointStats last_;        // the last training step's batch figures
    double last_grad_norm_ = 0;
    FixedPointCache trace_cache_;
    FixedPointTrace trace_;
};

}  // namespace bp
