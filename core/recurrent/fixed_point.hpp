// fixed_point.hpp: recurrent backpropagation for networks that settle to a fixed point
// (L. B. Almeida, "A learning rule for asynchronous perceptrons with feedback in a combinatorial
// environment", IEEE ICNN 1987; F. J. Pineda, "Generalization of back-propagation to recurrent
// neural networks", Physical Review Letters 59(19), 1987). Derivation: docs/fixed-point.md.
//
// A fully recurrent network of n units with state x (n), external input u (m), weights W (n,n),
// U (n,m), bias b (n) and activation f (tanh or sigmoid), written with COLUMN vectors:
//   a = W x + U u + b          W[i][j] is the weight INTO unit i FROM unit j (as in the papers)
// (Unlike the layers of dense.hpp, which use row batches Y = X W; here one pattern is relaxed at
// a time, so the column form of the papers is kept and the derivation reads the same.)
//
// 1. Forward relaxation, from x⁰ (zeros, or a given start such as a corrupted pattern):
//      x ← (1−α) x + α f(W x + U u + b)
//    until ‖Δx‖₂ < tol, or max_iters (then: NOT converged). The result is x*, with
//    a* = W x* + U u + b and D = diag(f′(a*)).
// 2. Error at the output units O (the others have no target):
//      E = ½ Σ_{k∈O} (x*_k − t_k)²        e = ∂E/∂x*:  e_k = x*_k − t_k for k ∈ O, 0 elsewhere
// 3. Adjoint (backward) relaxation, from λ = 0:
//      λ ← (1−β) λ + β (Wᵀ D λ + e)
//    until ‖Δλ‖₂ < tol; its fixed point solves (I − (D W)ᵀ) λ = e, that is λ = (I − D W)⁻ᵀ e.
// 4. Gradients, with δ = D λ:
//      ∂E/∂W = δ x*ᵀ      ∂E/∂U = δ uᵀ      ∂E/∂b = δ
//    which is the implicit-function-theorem gradient of E(x*(W, U, b)).
//
// Convergence is not guaranteed. A sufficient condition is a contraction:
//   max|f′| · ‖W‖₂ < 1      (max|f′| = 1 for tanh, ¼ for sigmoid)
// then there is one fixed point and both relaxations converge for any α, β in (0, 1]. Beyond
// it a stable fixed point may still exist (the relaxation finds it) or the state may oscillate.
// For α = β the adjoint iteration's matrix is the transpose of the forward iteration's Jacobian
// at x*, with the same eigenvalues, so a forward relaxation that settles at a stable point implies
// a backward one that converges (Almeida 1987). Patterns whose forward or backward relaxation does
// not converge within max_iters are SKIPPED: they add nothing to the gradients, are not in the
// loss, and are counted and listed in FixedPointStats.
//
// Conventions: gradients are ADDED into dW, dU, db (fixed_point_zero_grad before a batch); the
// loss of a batch is the mean of E over the patterns that converged. Errors: std::out_of_range
// for sizes over the limits, std::invalid_argument for bad shapes, names or non-finite values.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "data/fixed_point_tasks.hpp"  // FixedPointData
#include "nn/activations.hpp"
#include "base/param.hpp"
#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

// Caps of this module (limits.hpp has none for relaxations).
constexpr std::size_t kMaxRelaxIterations = 100000;  // max_iters of one relaxation
constexpr std::size_t kMaxRecordedStates = 2000;     // states kept per relaxation for the page

struct FixedPointConfig {
    std::size_t units = 4;              // n, 1..limits::kMaxRecurrentHidden
    std::size_t inputs = 2;             // m, 0..limits::kMaxInputs (0: no external input)
    std::vector<std::size_t> outputs;   // the output units (indices < n, no repeats, at least 1)
    Activation activation = Activation::Tanh;  // Tanh or Sigmoid
    double init_scale = 0.5;            // W ~ U(±s/√n), U ~ U(±s/√max(m,1)), b = 0; s ≥ 0
};

void validate_fixed_point_config(const FixedPointConfig& config);

struct FixedPointNet {
    FixedPointConfig config;
    Mat W;   // (n,n) W(i,j): from unit j into unit i
    Mat U;   // (n,m) U(i,j): from input j into unit i
    Mat b;   // (1,n)
    Mat dW, dU, db;  // gradients, same shapes, accumulated
};

struct RelaxOptions {
    double alpha = 0.5;            // forward step size, (0, 1]  (1: plain iteration x ← f(a))
    double beta = 0.5;             // backward step size, (0, 1]
    double tol = 1e-8;             // converged when ‖Δ‖₂ < tol, > 0
    std::size_t max_iters = 1000;  // 1..kMaxRelaxIterations
    bool record_states = false;    // keep the state after each iteration (the settling view)
};

void validate_relax_options(const RelaxOptions& options);

// One relaxation's story, for the page's settling and residual views.
struct Relaxation {
    bool converged = false;
    std::size_t iterations = 0;    // iterations run (the last one brought ‖Δ‖ under tol)
    std::vector<double> residual;  // ‖Δ‖₂ of iteration 1, 2, ..., iterations
    // When record_states: the start state then the state after each iteration, row-major
    // ((kept, n) with kept = min(iterations, kMaxRecordedStates) + 1).
    std::vector<double> states;
};

// Everything about one pattern. Vectors are (n) unless noted.
struct FixedPointCache {
    Vec u;         // (m) the input of this pattern
    Vec c;         // U u + b, constant during the relaxation
    Vec x;         // the state; after the forward relaxation the fixed point x*
    Vec a;         // a* = W x* + c
    Vec fprime;    // D = f′(a*)
    Vec e;         // ∂E/∂x*, zero except at the output units
    Vec lambda;    // the adjoint λ
    Vec delta;     // δ = D λ = ∂E/∂a*
    double error = 0.0;  // E
    Relaxation forward, backward;
    Vec tmp;       // scratch
};

// W, U drawn in that order, row-major, from rng; b = 0; gradients zero.
void fixed_point_init(FixedPointNet& net, const FixedPointConfig& config, Rng& rng);

// Forward relaxation of one pattern: input u (m), start x0 (n) or zeros when null. Fills
// cache.u, c, x (= x*), a, fprime and cache.forward. Returns cache.forward.converged.
bool relax_forward(const FixedPointNet& net, const Vec& u, const Vec* x0, const RelaxOptions& options,
                   FixedPointCache& cache);

// After relax_forward: error E and e for the targets of the output units (in config.outputs
// order), then the adjoint relaxation; fills e, lambda, delta, error and cache.backward.
// Returns cache.backward.converged.
bool relax_backward(const FixedPointNet& net, const Vec& target, const RelaxOptions& options,
                    FixedPointCache& cache);

// dW += scale·δ x*ᵀ, dU += scale·δ uᵀ, db += scale·δ, from a cache after relax_backward.
void fixed_point_accumulate(FixedPointNet& net, const FixedPointCache& cache, double scale);


struct FixedPointStats {
    std::size_t patterns = 0;          // P
    std::size_t used = 0;              // both relaxations converged (in the loss and gradient)
    std::size_t skipped_forward = 0;   // forward relaxation did not converge
    std::size_t skipped_backward = 0;  // forward converged, backward did not (0 when not run)
    std::vector<std::size_t> skipped;  // indices of the skipped patterns
    double loss = 0.0;                 // mean E over the used patterns; NaN when none was used
    std::size_t forward_iters_max = 0, backward_iters_max = 0;     // over the used patterns
    double forward_iters_mean = 0.0, backward_iters_mean = 0.0;
};

// One cache per pattern, kept so the page can show any pattern's settling.
struct FixedPointWorkspace {
    std::vector<FixedPointCache> patterns;
    Vec target, x0;  // scratch rows
};

// A training step's gradient: relaxes every pattern forward and backward and ADDS the mean
// gradient over the used patterns, (1/used) Σ_p ∂E_p/∂θ. Non-converged patterns are skipped.
FixedPointStats fixed_point_forward_backward(FixedPointNet& net, const FixedPointData& data,
                                             const RelaxOptions& options, FixedPointWorkspace& ws);

// Forward relaxations and errors only (evaluation, the completion view): the loss is the mean E
// over the patterns whose forward relaxation converged.
FixedPointStats fixed_point_evaluate(const FixedPointNet& net, const FixedPointData& data,
                                     const RelaxOptions& options, FixedPointWorkspace& ws);

// The same gradient computed the expensive way, for comparison (docs/fixed-point.md §5): run
// exactly `steps` forward iterations from x0 (zeros when null), E = ½ Σ_O (x_steps − t)², and
// backpropagate through all of them (BPTT through the relaxation). Adds scale·∂E/∂θ into the
// gradients and returns E. For a contracting network it converges to the relax_backward
// gradient as steps grows; the difference shrinks like ρ^steps, ρ the contraction rate.
double fixed_point_unrolled_backward(FixedPointNet& net, const Vec& u, const Vec* x0, const Vec& target,
                                     double alpha, std::size_t steps, double scale = 1.0);

// max|f′| · ‖W‖₂: below 1 the network is a contraction (docs/fixed-point.md §3).
double fixed_point_contraction_bound(const FixedPointNet& net);

// {"W","U","b"} with their gradients.
ParamList fixed_point_params(FixedPointNet& net);
void fixed_point_zero_grad(FixedPointNet& net);

}  // namespace bp
