// losses.hpp: the training objectives, each returning its value and its gradient in one pass.
//
// Shapes: out, target, dout are (N,K): N samples, K outputs. Every loss is a MEAN over the
// batch N (and a sum over the K outputs of one sample), so the learning rate does not depend on
// the batch size.
//
// squared (SquaredError), with any output activation a:
//   L = (1/N) Σ_n Σ_k ½ (a_nk − y_nk)²            dout = dL/da = (a − y) / N
//
// sigmoid_ce (SigmoidCrossEntropy), FUSED with a sigmoid output a = σ(z), targets y in {0, 1}
// (each of the K outputs is an independent yes/no question):
//   L = −(1/N) Σ_n Σ_k [ y log a + (1 − y) log(1 − a) ]
//   dout = dL/dz = (a − y) / N       <- the gradient w.r.t. the PRE-activation z:
//   dL/da = (a − y) / (a (1 − a)) and σ'(z) = a (1 − a) cancel, which is both cheaper and exact
//   where a has saturated to 0 or 1. The caller skips the sigmoid's own backward.
//
// softmax_ce (SoftmaxCrossEntropy), FUSED with a softmax output P = softmax(z), one-hot targets Y:
//   L = −(1/N) Σ_n Σ_k Y_nk log P_nk
//   dout = dL/dz = (P − Y) / N       <- softmax + cross-entropy: dZ = P − Y, per sample
//   (the softmax Jacobian P_k (δ_kj − P_j) times −Y_k/P_k, summed over k with Σ_k Y_k = 1).
//   The caller skips the softmax's own backward.
//
// Logarithms use bp::fn::log of probabilities clamped to [1e-15, 1 − 1e-15], so a saturated
// output gives a large finite loss instead of inf; the fused gradients need no clamp.
// Reference: C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, §4.3.2 and §5.2.
#pragma once

#include <string>

#include "base/tensor.hpp"

namespace bp {

enum class Loss { SquaredError, SigmoidCrossEntropy, SoftmaxCrossEntropy };

// Probabilities are clamped to [kProbClamp, 1 − kProbClamp] inside log.
constexpr double kProbClamp = 1e-15;

// Returns L and writes dout (resized to (N,K)): dL/da for squared, dL/dz for the fused losses.
// Throws std::invalid_argument when target's shape differs from out's or N is 0.
double loss_forward_backward(Loss loss, const Mat& out, const Mat& target, Mat& dout);

// The value only (no gradient buffer), for evaluation. Same number as loss_forward_backward.
double loss_value(Loss loss, const Mat& out, const Mat& target);

// True when the loss's gradient is w.r.t. the pre-activation z (the output activation's
// backward must be skipped): sigmoid_ce and softmax_ce.
bool loss_is_fused(Loss loss);

// The L1 / L2 weight penalty of one weight matrix: returns λ₁ Σ|w| + ½ λ₂ Σ w² and adds its
// gradient, scale · (λ₁ sign(w) + λ₂ w), to dW (scale is the caller's loss weight, 1 by default).
double weight_penalty(const Mat& W, Mat& dW, double l1, double l2, double scale = 1.0);

// "squared" "sigmoid_ce" "softmax_ce"
const char* loss_name(Loss loss);
// The inverse; an unknown name throws std::invalid_argument listing the allowed names.
Loss loss_from_name(const std::string& name);

}  // namespace bp
