// rnn.hpp: recurrent networks trained by backpropagation through time (BPTT): an Elman RNN and
// an LSTM, one layer each, with full and truncated BPTT and one inspectable record per time step.
//
// Shapes: N sequences in a batch, D inputs, H hidden units, K outputs, T time steps.
// A sequence batch is SequenceData (datasets.hpp): x[t] (N,D) and y[t] (N,K) for t < T.
//
// Elman (J. L. Elman, "Finding structure in time", Cognitive Science 14, 1990):
//   h_t = tanh(x_t Wx + h_{t−1} Wh + b)     Wx:(D,H)  Wh:(H,H)  b:(1,H)   h_{−1} = h0 (zeros)
//   y_t = h_t Wy + by                       Wy:(H,K)  by:(1,K)   (σ(·) of that for sigmoid_ce)
//
// LSTM (S. Hochreiter & J. Schmidhuber, "Long short-term memory", Neural Computation 9, 1997;
// forget gate: F. A. Gers, J. Schmidhuber & F. Cummins, "Learning to forget", Neural
// Computation 12, 2000). The four gates share one product, column blocks [ i | f | o | g ]:
//   z_t = x_t Wx + h_{t−1} Wh + b           Wx:(D,4H)  Wh:(H,4H)  b:(1,4H)   z:(N,4H)
//   i = σ(z_i)  f = σ(z_f)  o = σ(z_o)  g = tanh(z_g)                           each (N,H)
//   c_t = f ⊙ c_{t−1} + i ⊙ g               h_t = o ⊙ tanh(c_t)      c_{−1} = h_{−1} = 0
//   y_t = h_t Wy + by
// The forget-gate bias starts at 1.0 (Gers et al. 2000; R. Jozefowicz, W. Zaremba & I. Sutskever,
// ICML 2015): the cell remembers by default until it learns to forget.
//
// Loss (losses.hpp, per step, then averaged over the S steps that carry a loss):
//   L = (1/S) Σ_{t∈S} L_t,  L_t = (1/N) Σ_n Σ_k ½ (y_t − target_t)²     (squared, linear output)
//   S = every step when SequenceData::loss_every_step, else only the last step T−1.
//   With config.loss = SigmoidCrossEntropy the output is σ(h Wy + by) with 0/1 targets and the
//   fused gradient dL_t/dz = (σ − target)/N, the same expression as squared error's.
//
// Backward (full derivation with the chain rule through time: docs/bptt.md):
//   Elman, for t = T−1 … 0, with dh_T = 0:
//     dy_t = dL/dy_t                  dWy += h_tᵀ dy_t   dby += Σ_n dy_t
//     dh_t = dy_t Wyᵀ + dh_{t+1→t}    (the second term arrives from step t+1)
//     da_t = dh_t ⊙ (1 − h_t²)        dWx += x_tᵀ da_t   dWh += h_{t−1}ᵀ da_t   db += Σ_n da_t
//     dh_{t→t−1} = da_t Whᵀ           (passed to step t−1)
//
// Truncated BPTT with window k (k = 0 or k ≥ T: full BPTT). The forward pass is never cut: the
// hidden state flows through the whole sequence. In the backward pass the sequence is cut into
// windows of k steps counted from the END: [T−k, T), [T−2k, T−k), …, and the first window may be
// shorter. The gradient is not passed across a window boundary: at the first step t of a window,
// dh_{t→t−1} (and the LSTM's dc) is dropped. So the gradient of a loss at step s flows back to
// the start of its window: at most k steps (s itself and k−1 earlier ones). It is the exact
// gradient of Σ_windows Σ_{s∈window} L_s when the hidden state entering each window is held
// constant. With k ≥ T there is no boundary inside the sequence and the code path is exactly the
// full BPTT path, so the results are bit for bit the same. Counting from the end means that a
// loss at the last step only (the adding problem) always gets its full k steps.
// (This is BPTT(k; k) in R. J. Williams & J. Peng, Neural Computation 2(4), 1990.)
//
// Conventions (all of core/): backward ADDS into dWx … dby (call *_zero_grad before a batch);
// the caches hold everything backward needs, one record per step, reused between calls: after
// the first call with given N and T, neither forward nor backward allocates.
// Errors: std::out_of_range for sizes over limits.hpp, std::invalid_argument for wrong shapes,
// non-finite values or impossible options; the message names the field and the allowed range.
#pragma once

#include <cstddef>
#include <vector>

#include "data/datasets.hpp"
#include "nn/losses.hpp"
#include "base/param.hpp"
#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

struct RnnConfig {
    std::size_t inputs = 1;          // D, 1..limits::kMaxInputs
    std::size_t hidden = 16;         // H, 1..limits::kMaxRecurrentHidden
    std::size_t outputs = 1;         // K, 1..limits::kMaxOutputs
    Loss loss = Loss::SquaredError;  // SquaredError (linear output) or SigmoidCrossEntropy
};

// Throws as described at the top ("rnn.hidden: 200 is outside 1..128").
void validate_rnn_config(const RnnConfig& config);

// Full BPTT by default; truncation = k > 0 cuts the backward pass into windows of k steps.
struct BpttOptions {
    std::size_t truncation = 0;  // k; 0 = full BPTT (k ≥ T is the same thing)
};

// ---- Elman RNN ---------------------------------------------------------------------------

struct Elman {
    RnnConfig config;
    Mat Wx, Wh, b;     // (D,H) (H,H) (1,H)
    Mat Wy, by;        // (H,K) (1,K)
    Mat dWx, dWh, db;  // gradients, same shapes, accumulated by backward
    Mat dWy, dby;
};

// One time step of the unrolled network: everything the page shows and backward needs.
struct RnnStep {
    Mat x;       // (N,D) input x_t
    Mat h_prev;  // (N,H) h_{t−1}
    Mat h;       // (N,H) h_t = tanh(x_t Wx + h_{t−1} Wh + b)
    Mat y;       // (N,K) output y_t
    Mat dy;      // (N,K) dL/dy_t (dL/dz_t for sigmoid_ce); zero where no loss   [backward]
    Mat dh;      // (N,H) dL/dh_t, all of it: from y_t and from step t+1          [backward]
};

struct RnnCache {
    std::vector<RnnStep> steps;   // steps[t], t < T: the unrolled network of the last forward
    std::vector<double> dh_norm;  // ‖dL/dh_t‖ (Frobenius norm over the (N,H) batch), t < T
    double loss = 0.0;            // L of the last backward (or rnn_loss)
    // scratch for backward (not meaningful to read)
    Mat dh_carry, da, tmp;        // (N,H)
};

// W ~ U(±√(6/(D+H))) for Wx and U(±√(6/(H+K))) for Wy (Glorot & Bengio 2010), Wh ~ U(±1/√H)
// (entries of variance 1/(3H): the largest singular value tends to 2/√3 ≈ 1.15 and the spectral
// radius to 1/√3 ≈ 0.58 for large H; measured σ_max 1.02 to 1.15 for H = 8..128), biases 0,
// gradients 0.
// Draws in the order Wx, Wh, Wy, row-major, so a seed gives the same weights in every build.
void elman_init(Elman& net, const RnnConfig& config, Rng& rng);

// Runs the network over x (T of (N,D)) from h0 (N,H), or from zeros when h0 is null, and fills
// cache.steps[0..T). Outputs are cache.steps[t].y.
void elman_forward(const Elman& net, const std::vector<Mat>& x, RnnCache& cache,
                   const Mat* h0 = nullptr);

// After elman_forward on data.x: the loss L (top of file), dy for every step, then BPTT with
// opts.truncation. Adds into net.dWx … net.dby, fills steps[t].dy, .dh and cache.dh_norm.
// Returns L.
double elman_backward(Elman& net, const SequenceData& data, RnnCache& cache,
                      const BpttOptions& opts = {});

// forward + backward in one call: what a training step does. Returns L.
double elman_forward_backward(Elman& net, const SequenceData& data, RnnCache& cache,
                              const BpttOptions& opts = {});

// forward + loss, no gradient: evaluation on held-out sequences. Returns L.
double elman_loss(const Elman& net, const SequenceData& data, RnnCache& cache);

// Free-running (generation) mode, for sine continuation: the first P = prime.size() steps read
// their input from `prime` (teacher forcing), the next M steps read the previous step's output
// (x_t = y_{t−1}), so the network continues the signal on its own. Needs D == K and P ≥ 1.
// Fills cache.steps[0..P+M); the continuation is steps[t].y for t ≥ P−1 (y_{P−1} is the first
// prediction past the prime). P + M ≤ limits::kMaxSequenceLength.
void elman_free_run(const Elman& net, const std::vector<Mat>& prime, std::size_t M,
                    RnnCache& cache);

// {"Wx","Wh","b","Wy","by"} with their gradients, in that order.
ParamList elman_params(Elman& net);
void elman_zero_grad(Elman& net);

// ---- LSTM ------------------------------------------------------------------------------------

struct Lstm {
    RnnConfig config;
    Mat Wx, Wh, b;     // (D,4H) (H,4H) (1,4H), gate blocks [ i | f | o | g ] of H columns each
    Mat Wy, by;        // (H,K) (1,K)
    Mat dWx, dWh, db;
    Mat dWy, dby;
};

// Gate block offsets in the 4H columns of Wx, Wh, b.
enum LstmGate : std::size_t { kGateI = 0, kGateF = 1, kGateO = 2, kGateG = 3 };

struct LstmStep {
    Mat x;              // (N,D) input x_t
    Mat h_prev, c_prev; // (N,H) h_{t−1}, c_{t−1}
    Mat i, f, o, g;     // (N,H) input, forget, output gates (σ) and candidate (tanh)
    Mat c, tanh_c;      // (N,H) cell c_t and tanh(c_t)
    Mat h;              // (N,H) h_t = o ⊙ tanh(c_t)
    Mat y;              // (N,K) output y_t
    Mat dy;             // (N,K) dL/dy_t                                    [backward]
    Mat dh;             // (N,H) dL/dh_t, all of it                         [backward]
    Mat dc;             // (N,H) dL/dc_t, all of it (through h_t and c_{t+1}) [backward]
};

struct LstmCache {
    std::vector<LstmStep> steps;  // steps[t], t < T
    std::vector<double> dh_norm;  // ‖dL/dh_t‖, t < T
    std::vector<double> dc_norm;  // ‖dL/dc_t‖, t < T: the cell's "constant error carousel"
    double loss = 0.0;
    // scratch
    Mat z, tmp;                   // (N,4H) pre-activations
    Mat dz;                       // (N,4H)
    Mat dh_carry, dc_carry;       // (N,H)
};

// Wx ~ U(±√(6/(D+H))), Wh ~ U(±1/√H), Wy ~ U(±√(6/(H+K))), b = 0 except the forget block = 1.
void lstm_init(Lstm& net, const RnnConfig& config, Rng& rng);
void lstm_forward(const Lstm& net, const std::vector<Mat>& x, LstmCache& cache,
                  const Mat* h0 = nullptr, const Mat* c0 = nullptr);
// LSTM backward for one step (docs/bptt.md §4), with dh = dL/dh_t and dc = dL/dc_t:
//   do = dh ⊙ tanh(c_t)      dc += dh ⊙ o ⊙ (1 − tanh²(c_t))
//   di = dc ⊙ g   dg = dc ⊙ i   df = dc ⊙ c_{t−1}       dc_{t−1} = dc ⊙ f
//   dz = [di ⊙ i(1−i) | df ⊙ f(1−f) | do ⊙ o(1−o) | dg ⊙ (1−g²)]
//   dWx += x_tᵀ dz   dWh += h_{t−1}ᵀ dz   db += Σ_n dz   dh_{t−1} = dz Whᵀ
double lstm_backward(Lstm& net, const SequenceData& data, LstmCache& cache,
                     const BpttOptions& opts = {});
double lstm_forward_backward(Lstm& net, const SequenceData& data, LstmCache& cache,
                             const BpttOptions& opts = {});
double lstm_loss(const Lstm& net, const SequenceData& data, LstmCache& cache);
void lstm_free_run(const Lstm& net, const std::vector<Mat>& prime, std::size_t M,
                   LstmCache& cache);
ParamList lstm_params(Lstm& net);
void lstm_zero_grad(Lstm& net);

// ---- mini-batches ------------------------------------------------------------------------------

// out = sequences [first, first + count) of src (rows of every x[t] and y[t]), for mini-batch
// training. Reuses out's buffers when the shapes are unchanged. Throws std::out_of_range when the
// range is empty or runs past the N sequences of src.
void sequence_rows(const SequenceData& src, std::size_t first, std::size_t count, SequenceData& out);

// ---- diagnostics -------------------------------------------------------------------------------

// The largest singular value σ_max(W) = ‖W‖₂ of any matrix, by power iteration on WᵀW (or WWᵀ,
// whichever is smaller) from a fixed start vector, so the same W gives the same bits everywhere.
// For the recurrent matrix Wh: σ_max < 1 makes the Elman map a contraction (gradients through
// time vanish geometrically, since |tanh'| ≤ 1); a large σ_max allows them to explode
// (R. Pascanu, T. Mikolov & Y. Bengio, "On the difficulty of training RNNs", ICML 2013).
// Stops when the estimate changes by less than 1e-12 relative, or after max_iters. 0 for W = 0.
double largest_singular_value(const Mat& W, std::size_t max_iters = 500);

// The fraction of outputs within `tolerance` of their target at the loss steps, e.g. for the
// adding problem (|y − target| < 0.04 is Hochreiter & Schmidhuber's criterion) or parity with a
// 0/1 target and tolerance 0.5. Reads cache.steps[t].y of the last forward over data.x.
double sequence_accuracy(const RnnCache& cache, const SequenceData& data, double tolerance);
double sequence_accuracy(const LstmCache& cache, const SequenceData& data, double tolerance);

}  // namespace bp
