// mlp.cpp: see mlp.hpp for the math.
#include "nn/mlp.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "base/limits.hpp"
#include "base/validate.hpp"

namespace bp {

namespace {

bool valid_activation(Activation f) {
    switch (f) {
        case Activation::Linear: case Activation::Sigmoid: case Activation::Tanh:
        case Activation::Relu: case Activation::LeakyRelu: case Activation::Softmax: return true;
    }
    return false;
}

constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

// field, or field[index]; the message is built only on failure (validation allocates nothing).
std::string field_name(const char* field, std::size_t index) {
    return index == kNoIndex ? std::string(field)
                             : std::string(field) + "[" + std::to_string(index) + "]";
}

void check_size(const char* field, std::size_t index, std::size_t v, std::size_t lo,
                std::size_t hi, const char* unit) {
    if (v < lo || v > hi) check_count_of(field_name(field, index), v, lo, hi, unit);
}

void check_lambda(const char* field, double v) { check_interval(field, v, 0.0, false, 1e300, false); }

}  // namespace

void mlp_validate(const MlpConfig& c) {
    check_size("inputs", kNoIndex, c.inputs, 1, limits::kMaxInputs, "");
    check_size("hidden", kNoIndex, c.hidden.size(), 0, limits::kMaxHiddenLayers, " layers");
    for (std::size_t i = 0; i < c.hidden.size(); ++i)
        check_size("hidden", i, c.hidden[i], 1, limits::kMaxNeurons, " neurons");
    check_size("outputs", kNoIndex, c.outputs, 1, limits::kMaxOutputs, "");
    if (c.hidden_activations.size() != c.hidden.size())
        throw std::invalid_argument("hidden_activations: " +
                                    std::to_string(c.hidden_activations.size()) +
                                    " given for " + std::to_string(c.hidden.size()) +
                                    " hidden layers (one per layer)");
    for (std::size_t i = 0; i < c.hidden_activations.size(); ++i) {
        if (!valid_activation(c.hidden_activations[i]))
            throw std::invalid_argument(field_name("hidden_activations", i) +
                                        ": invalid Activation value");
        if (c.hidden_activations[i] == Activation::Softmax)
            throw std::invalid_argument(field_name("hidden_activations", i) +
                                        ": softmax is only allowed as the output activation; "
                                        "allowed: linear, sigmoid, tanh, relu, leaky_relu");
    }
    if (!valid_activation(c.output_activation))
        throw std::invalid_argument("output_activation: invalid Activation value");
    switch (c.init) {
        case Init::Uniform: case Init::Glorot: case Init::He: case Init::Zeros: break;
        default: throw std::invalid_argument("init: invalid Init value");
    }
    switch (c.loss) {
        case Loss::SquaredError:
            if (c.output_activation == Activation::Softmax)
                throw std::invalid_argument("output_activation: softmax needs the softmax_ce loss, "
                                            "not squared");
            break;
        case Loss::SigmoidCrossEntropy:
            if (c.output_activation != Activation::Sigmoid)
                throw std::invalid_argument(
                    "loss: sigmoid_ce needs the sigmoid output activation, not " +
                    std::string(activation_name(c.output_activation)));
            break;
        case Loss::SoftmaxCrossEntropy:
            if (c.output_activation != Activation::Softmax)
                throw std::invalid_argument(
                    "loss: softmax_ce needs the softmax output activation, not " +
                    std::string(activation_name(c.output_activation)));
            if (c.outputs < 2)
                throw std::invalid_argument("outputs: softmax_ce needs at least 2 outputs (got " +
                                            std::to_string(c.outputs) +
                                            "); use sigmoid_ce for one yes/no output");
            break;
        default:
            throw std::invalid_argument("loss: invalid Loss value");
    }
    check_lambda("l1", c.l1);
    check_lambda("l2", c.l2);
}

Activation mlp_activation(const MlpConfig& config, std::size_t l) {
    return l < config.hidden.size() ? config.hidden_activations[l] : config.output_activation;
}

void mlp_init(Mlp& net, const MlpConfig& config, Rng& rng) {
    mlp_validate(config);
    net.config = config;
    const std::size_t L = config.hidden.size() + 1;
    net.layers.assign(L, Dense{});
    std::size_t fan_in = config.inputs;
    for (std::size_t l = 0; l < L; ++l) {
        const std::size_t width = l < config.hidden.size() ? config.hidden[l] : config.outputs;
        dense_init(net.layers[l], fan_in, width, config.init, rng);
        fan_in = width;
    }
}

const Mat& mlp_layer_input(const MlpCache& cache, std::size_t l) {
    return l == 0 ? cache.x : cache.a[l - 1];
}

const Mat& mlp_forward(const Mlp& net, const Mat& x, MlpCache& cache) {
    const std::size_t L = net.layers.size();
    if (L == 0) throw std::invalid_argument("mlp_forward: the network has no layers (mlp_init)");
    if (cols(x) != net.config.inputs)
        throw std::invalid_argument("mlp_forward: input has " + std::to_string(cols(x)) +
                                    " columns, the network expects " +
                                    std::to_string(net.config.inputs));
    // Keep the input for backward (dW[0] += xᵀ dz[0]): the caller may reuse its buffer.
    ensure_shape(cache.x, rows(x), cols(x));
    if (cache.x.data() != x.data()) std::copy(x.data(), x.data() + x.size(), cache.x.data());
    // resize() on vectors of the right size is a no-op: no allocation after the first call.
    cache.z.resize(L);
    cache.a.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        dense_forward(net.layers[l], mlp_layer_input(cache, l), cache.z[l]);        // z = in W + b
        activation_forward(mlp_activation(net.config, l), cache.z[l], cache.a[l]);  // a = f(z)
    }
    return cache.a.back();
}

double mlp_backward(Mlp& net, MlpCache& cache, const Mat& target) {
    const std::size_t L = net.layers.size();
    if (L == 0 || cache.a.size() != L)
        throw std::invalid_argument("mlp_backward: call mlp_forward with this cache first");
    cache.da.resize(L);
    cache.dz.resize(L);
    const MlpConfig& c = net.config;

    // The loss and the gradient w.r.t. the output layer's pre-activation z[L−1].
    double loss;
    if (loss_is_fused(c.loss)) {
        // sigmoid + cross-entropy, softmax + cross-entropy: dz = (a − y)/N directly.
        loss = loss_forward_backward(c.loss, cache.a[L - 1], target, cache.dz[L - 1]);
    } else {
        loss = loss_forward_backward(c.loss, cache.a[L - 1], target, cache.da[L - 1]);
        activation_backward(c.output_activation, cache.z[L - 1], cache.a[L - 1], cache.da[L - 1],
                            cache.dz[L - 1]);
    }

    // Back through the layers: the forward, read in reverse.
    for (std::size_t l = L; l-- > 0;) {
        dense_backward(net.layers[l], mlp_layer_input(cache, l), cache.dz[l],
                       l > 0 ? &cache.da[l - 1] : nullptr);
        if (l > 0)
            activation_backward(mlp_activation(c, l - 1), cache.z[l - 1], cache.a[l - 1],
                                cache.da[l - 1], cache.dz[l - 1]);
    }

    // L1 / L2 on the weights: penalty λ₁ Σ|w| + ½ λ₂ Σ w², gradient λ₁ sign(w) + λ₂ w.
    double penalty = 0.0;
    if (c.l1 > 0.0 || c.l2 > 0.0)
        for (Dense& layer : net.layers) penalty += weight_penalty(layer.W, layer.dW, c.l1, c.l2);
    return loss + penalty;
}

double mlp_loss(const Mlp& net, const Mat& x, const Mat& target, MlpCache& cache) {
    return loss_value(net.config.loss, mlp_forward(net, x, cache), target);
}

double mlp_penalty(const Mlp& net) {
    const MlpConfig& c = net.config;
    double penalty = 0.0;
    for (const Dense& layer : net.layers) {
        const double* W = layer.W.data();
        const std::size_t n = layer.W.size();
        double abs_sum = 0.0, sq_sum = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double w = W[i];
            abs_sum += w > 0.0 ? w : -w;
            sq_sum += w * w;
        }
        penalty += c.l1 * abs_sum + 0.5 * c.l2 * sq_sum;
    }
    return penalty;
}

ParamList mlp_params(Mlp& net) {
    ParamList params;
    params.reserve(2 * net.layers.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const std::string k = std::to_string(l + 1);
        params.push_back({"W" + k, &net.layers[l].W, &net.layers[l].dW});
        params.push_back({"b" + k, &net.layers[l].b, &net.layers[l].db});
    }
    return params;
}

void mlp_zero_grad(Mlp& net) {
    for (Dense& layer : net.layers) {
        layer.dW.fill(0.0);
        layer.db.fill(0.0);
    }
}

}  // namespace bp
