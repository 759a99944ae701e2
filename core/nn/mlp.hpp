// mlp.hpp: the multilayer perceptron: dense layers, each followed by an activation, and a loss.
//
// With L = hidden.size() + 1 layers (the hidden layers, then the output layer) and a⁻¹ = x:
//   forward    z[l] = a[l−1] W[l] + b[l]      a[l] = f_l(z[l])      l = 0 .. L−1
//              output = a[L−1];  data loss = loss(a[L−1], y)            (mean over the batch)
//   backward   dz[L−1] = dL/dz from the loss: directly when the loss is fused with the output
//              activation (sigmoid_ce, softmax_ce: dz = (a − y)/N), else through f's backward
//              for l = L−1 .. 0:
//                dW[l] += a[l−1]ᵀ dz[l]     db[l] += Σ_n dz[l]        (dense_backward)
//                da[l−1] = dz[l] W[l]ᵀ;    dz[l−1] = da[l−1] ⊙ f'_{l−1}  (activation_backward)
//   regularization, on the weights W only (not the biases), added to the returned loss:
//              penalty = λ₁ Σ|w| + ½ λ₂ Σ w²      dW += λ₁ sign(w) + λ₂ w      (sign(0) = 0)
//
// Everything backward needs is in MlpCache, which also exposes every neuron's pre-activation and
// output (the page draws each neuron's output over the input plane). The cache's buffers are
// reused from call to call: after the first step at a given batch size, forward and backward
// allocate nothing.
#pragma once

#include <cstddef>
#include <vector>

#include "nn/activations.hpp"
#include "nn/dense.hpp"
#include "nn/losses.hpp"
#include "base/param.hpp"  // ParamRef, ParamList
#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

struct MlpConfig {
    std::size_t inputs = 2;                      // D, 1..limits::kMaxInputs
    std::vector<std::size_t> hidden;             // widths: 0..kMaxHiddenLayers layers,
                                                 // each of 1..kMaxNeurons
    std::vector<Activation> hidden_activations;  // one per hidden layer; not softmax
    std::size_t outputs = 1;                     // K, 1..limits::kMaxOutputs
    Activation output_activation = Activation::Sigmoid;
    Loss loss = Loss::SigmoidCrossEntropy;
    Init init = Init::Glorot;
    double l1 = 0.0;                             // λ₁ ≥ 0
    double l2 = 0.0;                             // λ₂ ≥ 0
};

struct Mlp {
    MlpConfig config;
    std::vector<Dense> layers;  // hidden layers in order, then the output layer (L in all)
};

// Indexed by layer l = 0 .. L−1 (hidden layers, then the output layer). The input of layer l is
// x for l = 0 and a[l−1] otherwise (mlp_layer_input): the output of one layer is kept once and
// serves as the next layer's input in backward (dW[l] += a[l−1]ᵀ dz[l]), with no second copy.
struct MlpCache {
    Mat x;                 // (N,D) a copy of the network input of the last forward
    std::vector<Mat> z;    // z[l]: pre-activation of layer l  (N,H_l)
    std::vector<Mat> a;    // a[l]: output of layer l          (N,H_l); a.back() = network output
    std::vector<Mat> da;   // da[l] = dL/da[l]  (N,H_l), written by backward
    std::vector<Mat> dz;   // dz[l] = dL/dz[l]  (N,H_l), written by backward; for a fused loss
                           //         dz.back() is the loss gradient (a − y)/N itself
};

// x for l = 0, a[l−1] otherwise.
const Mat& mlp_layer_input(const MlpCache& cache, std::size_t l);

// Throws std::out_of_range for a size outside core/limits.hpp (message like
// "hidden[2]: 40 neurons is outside 1..64"), and std::invalid_argument for an inconsistent
// config: one activation per hidden layer, softmax only as output and only with softmax_ce
// (and ≥ 2 outputs), sigmoid_ce only with a sigmoid output, finite λ (negative λ is out_of_range).
void mlp_validate(const MlpConfig& config);

// The activation of layer l (hidden_activations[l], or output_activation for the last layer).
Activation mlp_activation(const MlpConfig& config, std::size_t l);

// Validates, then builds the layers and initializes them in order (layer 0 first) from rng.
void mlp_init(Mlp& net, const MlpConfig& config, Rng& rng);

// Forward pass of x (N, inputs); keeps z and a of every layer in cache; returns a.back() (N, K).
// Throws std::invalid_argument when x has the wrong number of columns.
const Mat& mlp_forward(const Mlp& net, const Mat& x, MlpCache& cache);

// Backward pass for the batch of the last mlp_forward with this cache, against target (N, K).
// ADDS every gradient into the layers' dW, db (call mlp_zero_grad first) and returns
// data loss + penalty (the objective whose gradient this is).
double mlp_backward(Mlp& net, MlpCache& cache, const Mat& target);

// Forward + the DATA loss (no penalty), for evaluation (train / test loss). Touches no gradient.
double mlp_loss(const Mlp& net, const Mat& x, const Mat& target, MlpCache& cache);

// The regularization penalty λ₁ Σ|w| + ½ λ₂ Σ w² over all weights (not biases).
double mlp_penalty(const Mlp& net);

// The parameters in order W1, b1, W2, b2, ... (layer 1 = first hidden layer, the last = output).
ParamList mlp_params(Mlp& net);

// dW = 0, db = 0 for every layer.
void mlp_zero_grad(Mlp& net);

}  // namespace bp
