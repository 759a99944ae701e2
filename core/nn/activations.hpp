// activations.hpp: the element-wise nonlinearities a = f(z) and their backward passes.
//
// Shapes: z, a, da, dz are all (N,H): one row per sample, one column per neuron.
// Forward computes a = f(z). Backward turns da = dL/da into dz = dL/dz by the chain rule,
// dz = da ⊙ f'(z) for the element-wise functions (⊙ is the element-wise product); softmax mixes
// the columns of a row, so its backward is a small matrix-vector product per row (see below).
// Backward receives both z and a because some derivatives are cheapest in terms of the output
// (σ' = a(1 − a), tanh' = 1 − a²) and others need the input (ReLU's z > 0).
//
// | name        | f(z)                         | f'(z)                    |
// |-------------|------------------------------|--------------------------|
// | linear      | z                            | 1                        |
// | sigmoid     | σ(z) = 1 / (1 + e^{−z})      | a (1 − a)                |
// | tanh        | tanh z                       | 1 − a²                   |
// | relu        | max(0, z)                    | 1 if z > 0 else 0        |
// | leaky_relu  | z if z > 0 else 0.01 z       | 1 if z > 0 else 0.01     |
// | softmax     | e^{z_k} / Σ_j e^{z_j} per row| (Jacobian, see below)    |
//
// (At z = 0 ReLU is not differentiable; we use the subgradient 0, like most libraries.)
// Softmax is meant for the output layer with the softmax cross-entropy loss, where the loss fuses
// the two (losses.hpp) and this backward is skipped; it is still correct on its own.
#pragma once

#include <string>

#include "base/tensor.hpp"

namespace bp {

enum class Activation { Linear, Sigmoid, Tanh, Relu, LeakyRelu, Softmax };

// The negative-side slope of leaky ReLU (Maas, Hannun & Ng 2013 use 0.01).
constexpr double kLeakyReluSlope = 0.01;

// a = f(z).  z:(N,H) -> a:(N,H), resized if needed. `a` may be the same object as `z`.
//
// Softmax, per row (numerically safe: subtracting the row maximum m changes nothing
// mathematically but keeps every exponent ≤ 0, so e^{·} cannot overflow):
//   a_k = e^{z_k − m} / Σ_j e^{z_j − m}
void activation_forward(Activation f, const Mat& z, Mat& a);

// dz = dL/dz from da = dL/da, given the forward's z and a.  All (N,H); dz resized if needed.
// `dz` may be the same object as `da`.
//   element-wise:  dz = da ⊙ f'(z)   (table above)
//   softmax:       ∂a_k/∂z_j = a_k (δ_kj − a_j), so per row
//                  dz_j = Σ_k da_k a_k (δ_kj − a_j) = a_j (da_j − Σ_k da_k a_k)
void activation_backward(Activation f, const Mat& z, const Mat& a, const Mat& da, Mat& dz);

// "linear" "sigmoid" "tanh" "relu" "leaky_relu" "softmax"
const char* activation_name(Activation f);
// The inverse; an unknown name throws std::invalid_argument listing the allowed names.
Activation activation_from_name(const std::string& name);

}  // namespace bp
