// explain.hpp: the numbers behind the page's explain mode, one backprop cycle laid open.
//
// For one example (or one mini-batch) of N points, with layers l = 0..L-1, input a_{-1} = x:
//   1. forward   z_l = a_{l-1} W_l + b_l,   a_l = f_l(z_l)                      (every z and a)
//   2. loss      L = loss(a_{L-1}, t) + penalty
//   3. backward  δ_{L-1} = ∂L/∂z_{L-1} (fused losses: (a − t)/N),
//                δ_l = f_l'(z_l) ⊙ (δ_{l+1} W_{l+1}ᵀ)                           (every δ)
//                ∂L/∂W_l = a_{l-1}ᵀ δ_l,   ∂L/∂b_l = Σ_n δ_l                   (every gradient)
//   4. update    Δw from the session's optimizer, computed on a copy of its state, so the
//                learner can look before it happens; commit_explained() then applies exactly
//                those Δw (and advances the optimizer), as one training step.
//
// chain_rule() writes out ∂L/∂w for one weight as the sum over the batch of δ_j · a_i and puts
// beside it the central-difference estimate from the core (gradcheck.hpp), with their
// relative error. input_jacobian() backpropagates to the raw inputs (x, y) of the plane:
// ∂output_k/∂(x, y), through the feature map (∂x²/∂x = 2x, ∂sin x/∂x = cos x, ...).
//
// Nothing here changes the session except commit_explained().
#pragma once

#include <cstddef>
#include <vector>

#include "nn/mlp.hpp"
#include "nn/optimizers.hpp"
#include "base/tensor.hpp"

namespace bp {

struct ExplainTrace {
    std::size_t N = 0;
    Mat xy;                      // (N,2) raw points
    Mat labels;                  // (N,1) their labels / targets
    Mat x;                       // (N,F) the features the network sees
    Mat target;                  // (N,K) encoded targets
    std::vector<Mat> z, a;       // z[l], a[l] (N,H_l)
    double data_loss = 0, penalty = 0, loss = 0;
    std::vector<Mat> delta;      // delta[l] = ∂L/∂z_l (N,H_l)
    std::vector<Mat> da;         // da[l] = ∂L/∂a_l (N,H_l) = δ_{l+1} W_{l+1}ᵀ for hidden layers;
                                 //   for the output: ∂L/∂a, or empty when the loss is fused
    std::vector<Mat> slope;      // slope[l] = f_l'(z_l) (N,H_l), so δ_l = slope ⊙ da; empty for
                                 //   a softmax output (its derivative is a matrix, fused away)
    std::vector<Mat> dW, db;     // ∂L/∂W_l (fan_in,H_l), ∂L/∂b_l (1,H_l), penalty included
    std::vector<Mat> W_before, b_before, W_after, b_after;  // Δw = after − before
    double learning_rate = 0;    // the scheduled rate of this update
    Optimizer optimizer_after;   // the optimizer once this update is made
    bool valid = false;
};

struct ChainRule {
    std::size_t layer = 0, i = 0, j = 0;
    std::vector<double> delta_j;  // δ_j for each of the N examples
    std::vector<double> a_i;      // a_i (the weight's input) for each example
    double data_gradient = 0;     // Σ_n δ_j a_i
    double penalty_gradient = 0;  // λ₁ sign(w) + λ₂ w
    double analytic = 0;          // their sum: ∂L/∂w from backprop
    double numeric = 0;           // central difference of L
    double rel_error = 0;         // |analytic − numeric| / max(|analytic| + |numeric|, 1e-8)
};

// The cycle itself, on copies: fills e's forward, loss, backward and update (steps 1-4 above)
// from e.x and e.target, which the caller has set; the network and optimizer are not changed.
void explain_cycle(const Mlp& net, const Optimizer& optimizer, ExplainTrace& e);

// ∂L/∂w for weight (i, j) of `layer` as the sum over the batch, beside its central difference
// on a copy of the network as it was before the explained update. Indices must be in range.
ChainRule explain_chain_rule(const Mlp& net, const ExplainTrace& e, std::size_t layer, std::size_t i,
                             std::size_t j);

// ∂out_k/∂(x, y) for each point (N,2) of the plane: row n holds (∂out_0/∂x, ∂out_0/∂y, ∂out_1/∂x, ...).
Mat explain_input_jacobian(const Mlp& net, unsigned features, const Mat& xy);

}  // namespace bp
