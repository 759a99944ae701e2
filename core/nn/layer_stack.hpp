// layer_stack.hpp: the one network engine of the image networks: a sequence of layers
// (dense, conv2d, max_pool, avg_pool, flatten, activation) with a loss on top.
//
// Forward. With layers l = 0 .. L−1, the input x = a⁻¹ and a[l] the output of layer l:
//   a[l] = layer_l(a[l−1])                      output = a[L−1]
//   L    = loss(a[L−1], y)                      (mean over the batch, losses.hpp)
// Backward is the chain rule read from the top. With δ[l] = ∂L/∂a[l] (the "δ map" of a layer):
//   δ[L−1] = ∂L/∂a[L−1]                         from the loss (squared error: (a − y)/N)
//   δ[l−1] = δ[l] · ∂a[l]/∂a[l−1]               each layer's *_backward, l = L−1 .. 0
// where each layer's backward both adds its parameter gradients and hands δ one layer down:
//   dense       a = x W + b       dW += xᵀ δ,  db += Σ_n δ,  δ_below = δ Wᵀ         (dense.hpp)
//   conv2d      a = X ⋆ K + b     dW += X ⋆ δ, db += Σ δ,    δ_below = δ ∗ rot180(K)  (conv.hpp)
//   max_pool    a = max of 2×2    δ_below = δ routed to the arg-max of each window    (pool.hpp)
//   avg_pool    a = mean of 2×2   δ_below = ¼ δ to every pixel of the window          (pool.hpp)
//   flatten     a = x             δ_below = δ (the row already is the flat vector, image.hpp)
//   activation  a = f(z)          δ_below = δ ⊙ f'(z)   (softmax: its Jacobian)   (activations.hpp)
// A loss fused with the last activation (sigmoid + per-output cross-entropy, softmax + cross-
// entropy) gives ∂L/∂z of that activation's INPUT directly, (a − y)/N, so the walk starts one
// layer lower and the last activation's own backward is skipped (losses.hpp).
// Regularization (λ₁ Σ|w| + ½ λ₂ Σ w² over the W of dense and conv layers, not the biases) adds
// λ₁ sign(w) + λ₂ w to dW, as in mlp.hpp.
//
// Shapes. Every batch is a Mat (N, C·Hi·Wi) in NCHW order (image.hpp); a flat vector of D values
// is the shape D×1×1. stack_build infers each layer's input and output shape from the input
// shape, and a layer that does not fit is refused with a message naming its index, its kind and
// the shapes: "layer 3 (dense 100→10): its input is 1×7×7 = 49 values, not 100". A dense layer
// reads any shape as C·Hi·Wi values (flatten is implicit, as PyTorch's nn.Flatten before
// nn.Linear); conv and pool layers need a real image (after a dense layer there is none left).
//
// Buffers. What backward needs lives in a StackCache the caller keeps: every layer's output
// a[l] (which is also the next layer's input, so conv and dense keep no second copy), the δ
// maps, the conv scratch and the max-pool winners. After the first call at a batch size,
// forward and backward allocate nothing.
//
// Gradient convention (all of core/): backward ADDS into every dW, db; call stack_zero_grad first.
//
// The MLP as a stack. Mlp (mlp.hpp) is the stack  dense H₁, f₁, dense H₂, f₂, ..., dense K, f_out
// with the same Init, the same loss and λ₁, λ₂: stack_from_mlp builds it, and both run the same
// functions in the same order (dense_forward / dense_backward / activation_*), so they give
// bit-identical outputs, losses and gradients (tests/core/test_layer_stack.cpp checks it).
// mlp.cpp and session.cpp are not rewritten on top of this yet; that is a mechanical step: Mlp
// becomes a LayerStack whose parameter names map dense<i>.W -> W<i>, dense<i>.b -> b<i>.
// Reference: CS231n notes, "Backpropagation, Intuitions" and "Convolutional Networks";
// Goodfellow, Bengio & Courville, Deep Learning (2016), §6.5.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nn/activations.hpp"
#include "nn/conv.hpp"
#include "nn/dense.hpp"
#include "nn/image.hpp"
#include "nn/losses.hpp"
#include "nn/mlp.hpp"
#include "nn/optimizers.hpp"  // ParamList
#include "nn/pool.hpp"
#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

// Bounds of a layer stack (to join limits.hpp when core/ moves into folders).
namespace stack_limits {
constexpr std::size_t kMaxLayers = 32;             // layers in a stack
constexpr std::size_t kMaxUnits = 4096;            // outputs of one dense layer
constexpr std::size_t kMaxParameters = 1000000;    // numbers in all W and b together
// Multiply-adds of one image's forward pass (dense D·H, conv Ho·Wo·C_out·C_in·k·k). The W4 CNN
// needs 0.79 M; at this limit a training step of batch 32 is about 2 G multiply-adds with the
// backward (a fraction of a second), where an unbounded stack of wide 15×15 convolutions would
// hold the page's worker for minutes on a single step.
constexpr std::size_t kMaxMultiplyAdds = 20000000;
}  // namespace stack_limits


enum class LayerKind { Dense, Conv2d, MaxPool, AvgPool, Flatten, Activation };

// "dense" "conv2d" "max_pool" "avg_pool" "flatten" "activation"
const char* layer_kind_name(LayerKind kind);

// One layer, before it has weights or shapes.
struct LayerSpec {
    LayerKind kind = LayerKind::Dense;
    std::size_t units = 0;         // dense: H, the outputs (1..kMaxUnits)
    std::size_t inputs = 0;        // dense: D when stated (0 = whatever arrives); checked
    std::size_t filters = 0;       // conv2d: C_out
    std::size_t in_channels = 0;   // conv2d: C_in when stated (0 = whatever arrives); checked
    std::size_t kernel = 3;        // conv2d: k
    std::size_t stride = 1;        // conv2d: 1 or 2
    Padding padding = Padding::Valid;
    Activation activation = Activation::Relu;  // activation layers

    static LayerSpec dense(std::size_t units, std::size_t inputs = 0);
    static LayerSpec conv(std::size_t filters, std::size_t kernel, Padding padding = Padding::Valid,
                          std::size_t stride = 1, std::size_t in_channels = 0);
    static LayerSpec max_pool();
    static LayerSpec avg_pool();
    static LayerSpec flatten();
    static LayerSpec act(Activation f);
};

// "dense 100→10", "conv2d 1→8 5×5 same", "conv2d 8→16 3×3 valid stride 2", "max_pool 2×2",
// "relu": how messages and the page name a layer (given its input shape, for the arrows).
std::string layer_text(const LayerSpec& spec, const ImageShape& in);

// "1×28×28", or "784" for a flat vector (1×1 planes).
std::string stack_shape_text(const ImageShape& s);

// A layer of a built stack: its spec, shapes, and parameters (dense or conv, the others none).
struct StackLayer {
    LayerSpec spec;
    ImageShape in, out;  // C×Hi×Wi of one input, C×Ho×Wo of one output
    std::string name;    // parameter prefix: "conv1", "dense3" (numbered among the layers with
                         // weights, from 1); empty for layers without weights
    Dense dense;         // kind == Dense
    Conv2d conv;         // kind == Conv2d
};

struct LayerStack {
    ImageShape input;               // one input image (a flat D input: D×1×1)
    std::vector<StackLayer> layers;
    Loss loss = Loss::SoftmaxCrossEntropy;
    Init init = Init::He;
    double l1 = 0.0;  // λ₁ ≥ 0
    double l2 = 0.0;  // λ₂ ≥ 0
    ImageShape output() const { return layers.empty() ? input : layers.back().out; }
};

// Multiply-adds of one image through layer `spec` with input shape `in` (0 for layers without
// weights).
std::size_t layer_multiply_adds(const LayerSpec& spec, const ImageShape& in, const ImageShape& out);


// Infers every layer's shapes and checks the whole stack: layer counts and sizes in range,
// layers that fit their input (std::invalid_argument "layer 3 (dense 100→10): its input is
// 1×7×7 = 49 values, not 100"; "layer 0 (conv2d 1→8 7×7 valid): conv2d: kernel 7×7 is larger
// than its 5×5 input"), softmax only as the last layer, the loss fitting the last layer
// (softmax_ce after softmax with ≥ 2 outputs, sigmoid_ce after sigmoid, squared not after
// softmax), and the parameter count. Returns the shapes (in, out) of every layer.
// Counts out of range throw std::out_of_range. Nothing is allocated for weights.
std::vector<ImageShape> stack_shapes(const ImageShape& input, const std::vector<LayerSpec>& specs, Loss loss);

// Checks (as stack_shapes), then builds the layers and initializes their weights in layer order
// from rng (dense_init, conv2d_init with the scheme `init`). Throws, changing nothing.
void stack_build(LayerStack& stack, const ImageShape& input, const std::vector<LayerSpec>& specs, Loss loss,
                 Init init, Rng& rng, double l1 = 0.0, double l2 = 0.0);

// The stack equivalent to an MLP config: dense + activation per layer, the same loss, init, λ.
// stack_build with the same rng state gives the same weights as mlp_init.
std::vector<LayerSpec> mlp_layer_specs(const MlpConfig& config);
void stack_from_mlp(LayerStack& stack, const MlpConfig& config, Rng& rng);

struct StackCache {
    std::vector<Mat> a;                 // a[l]: output of layer l   (N, out[l].size())
    std::vector<Mat> delta;             // delta[l] = ∂L/∂a[l]       (N, out[l].size()); for a
                                        //   fused loss delta[L−1] is left as is (skipped)
    Mat x;                              // (N, D) a copy of the stack input
    Mat dx;                             // (N, D) ∂L/∂x, when backward was asked for it
    std::vector<ConvWork> conv;         // scratch of conv layer l
    std::vector<MaxPoolCache> pool;     // winners of max_pool layer l
};

// The input of layer l in a cache: x for l = 0, a[l−1] otherwise.
const Mat& stack_layer_input(const StackCache& cache, std::size_t l);

// Forward pass of x (N, D = input.size()); keeps every a[l]; returns a[L−1] (N, K).
// Throws std::invalid_argument when x has not D columns.
const Mat& stack_forward(const LayerStack& stack, const Mat& x, StackCache& cache);

// Forward from layer `first` on: x is the input of that layer (N, layers[first].in.size()),
// stored where a[first−1] would be. Layers below `first` are not run. (Decoding an autoencoder's
// code runs the decoder half this way.)
const Mat& stack_forward_from(const LayerStack& stack, std::size_t first, const Mat& x, StackCache& cache);

// Backward for the batch of the last stack_forward with this cache, against target (N, K).
// ADDS every gradient into dW, db and returns weight·(loss + penalty), whose gradient this is
// (weight scales the loss: a chunk of n rows of N weighs n/N, so chunks add up to the mean over
// N). When input_grad is true, cache.dx = ∂(weight·L)/∂x as well.
double stack_backward(LayerStack& stack, StackCache& cache, const Mat& target, bool input_grad = false,
                      double weight = 1.0);

// Backward from a given gradient g = ∂F/∂a[top] of any function F of layer top's output (a class
// probability, for saliency): delta[top] = g, then down through layers top .. 0, adding into the
// parameter gradients; when input_grad, cache.dx = ∂F/∂x. No loss, no penalty.
void stack_backward_from(LayerStack& stack, StackCache& cache, std::size_t top, const Mat& g, bool input_grad);

// The penalty λ₁ Σ|w| + ½ λ₂ Σ w² over the W of dense and conv layers.
double stack_penalty(const LayerStack& stack);

// The loss value only (forward + loss, no penalty, no gradient), for evaluation.
double stack_loss(const LayerStack& stack, const Mat& x, const Mat& target, StackCache& cache);

// "conv1.W", "conv1.b", "conv2.W", ..., "dense3.W", "dense3.b": in layer order.
ParamList stack_params(LayerStack& stack);

// dW = 0, db = 0 for every layer with weights.
void stack_zero_grad(LayerStack& stack);

// Numbers in all W and b.
std::size_t stack_parameter_count(const LayerStack& stack);

}  // namespace bp
