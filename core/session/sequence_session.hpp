// sequence_session.hpp: a training session for recurrent networks (Elman RNN or LSTM) on the
// sequence tasks of datasets.hpp, trained by backpropagation through time (rnn.hpp). The page's
// recurrent view, the CLI-free benchmarks (W3) and the tests drive it.
//
//   step(n)     n mini-batch steps of  unrolled forward -> loss -> BPTT (full or truncated to k)
//               -> clip by global norm -> update
//   inspect()   one held-out sequence through the network, keeping what the views draw: input,
//               target and prediction over time, the hidden state (T x H), and the gradient norm
//               ||dL/dh_t|| at every step (vanishing / exploding gradients, seen directly)
//   free_run()  sine continuation with the network's output fed back as its next input
//
// Divergence: a non-finite loss, weight or optimizer slot after any step of a step(n) call
// restores the state from before the call (weights, optimizer state, counters) and is
// reported, so the session can always save and load its own export.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/datasets.hpp"
#include "nn/optimizers.hpp"
#include "recurrent/rnn.hpp"

namespace bp {

enum class CellKind { Elman, Lstm };
const char* cell_name(CellKind cell);            // "elman" "lstm"
CellKind cell_from_name(const std::string& name);

struct SequenceSessionConfig {
    SequenceConfig task;            // task, length T, sequences (training), delay, noise, seed
    std::size_t test_sequences = 64;
    CellKind cell = CellKind::Elman;
    std::size_t hidden = 16;
    std::size_t truncation = 0;     // k for truncated BPTT; 0 = full BPTT
    OptimizerConfig optimizer{OptimizerKind::Adam, 0.01};  // clip_norm > 0 clips by global norm
    std::size_t batch_size = 16;
    std::uint64_t init_seed = 1;    // initial weights
};

void validate_sequence_session_config(const SequenceSessionConfig& config);

struct SequenceStats {
    long step = 0;
    double epoch = 0;
    double sequences = 0;        // training sequences seen
    double train_loss = 0;       // over all training sequences
    double test_loss = 0;        // over the held-out sequences
    double test_accuracy = 0;    // outputs within the task's tolerance at the loss steps
    double grad_norm = 0;        // global gradient norm of the last step, before clipping
    long clip_count = 0;         // steps at which clipping changed the gradients
    double recurrent_sigma = 0;  // largest singular value of the recurrent matrix Wh
    bool diverged = false;
    std::string message;
};

// What inspect() keeps, for one sequence: everything row-major with time as the rows.
struct SequenceTrace {
    std::size_t T = 0, D = 0, H = 0, K = 0;
    std::vector<double> input;       // (T, D)
    std::vector<double> target;      // (T, K)
    std::vector<double> prediction;  // (T, K) y_t: σ(z_t) for parity (a probability), else linear
    std::vector<double> hidden;      // (T, H) h_t
    std::vector<double> cell;        // (T, H) c_t, LSTM only (empty for Elman)
    std::vector<double> dh_norm;     // (T) ||dL/dh_t|| for this sequence's loss
    std::vector<double> dh;          // (T, H) dL/dh_t, all of it (from y_t and from step t+1)
    std::vector<double> dy;          // (T, K) dL/dy_t (dL/dz_t for sigmoid outputs); 0 off the loss steps
    std::vector<unsigned char> loss_step;  // (T) 1 where the loss looks at y_t
    double loss = 0;
};

class SequenceSession {
public:
    explicit SequenceSession(const SequenceSessionConfig& config);

    SequenceStats step(std::size_t n);
    SequenceStats stats();
    std::size_t steps_per_epoch() const;
    void reset();
    // Live change of optimizer, learning rate, clipping, truncation and batch size.
    void update_training(const OptimizerConfig& optimizer, std::size_t truncation, std::size_t batch_size);

    // Held-out sequence `index` (0 <= index < test sequences) through the network.
    const SequenceTrace& inspect(std::size_t index);
    // Sine task: prime with the first `prime` steps of held-out sequence `index`, then run
    // `steps` more feeding the output back. Returns the (prime + steps) outputs.
    const std::vector<double>& free_run(std::size_t index, std::size_t prime, std::size_t steps);

    // Gradients from outside (to check the core against finite differences or another
    // framework): the loss over ALL training sequences for the current weights (stats().train_loss
    // up to rounding), returned, and its exact gradient ∂L/∂θ left in the grad of every entry
    // of params() (Wx, Wh, b, Wy, by, named as in model files). Full BPTT whatever the truncation
    // setting (truncated BPTT is not the gradient of any loss), before clipping. Changes nothing
    // else: not the weights, the optimizer, the step count, the stats or the last inspect() trace.
    double gradients();

    const SequenceSessionConfig& config() const { return config_; }
    ParamList params();
    Optimizer& optimizer() { return optimizer_; }
    const Optimizer& optimizer() const { return optimizer_; }
    long steps_taken() const { return step_; }
    void set_progress(long step);  // model files
    const Mat& recurrent_weights() const;  // Wh: (H,H) Elman, (H,4H) LSTM

private:
    double forward_backward(const SequenceData& batch, std::size_t truncation);
    double loss_on(const SequenceData& data, double* accuracy);
    SequenceStats make_stats();
    double tolerance() const;

    SequenceSessionConfig config_;
    SequenceData train_, test_, batch_, one_;
    Elman elman_;
    Lstm lstm_;
    RnnCache elman_cache_;
    LstmCache lstm_cache_;
    Optimizer optimizer_;
    Optimizer snapshot_optimizer_;
    std::vector<Mat> snapshot_;
    long step_ = 0;
    double last_grad_norm_ = 0;
    SequenceTrace trace_;
    std::vector<double> free_run_;
};

}  // namespace bp
