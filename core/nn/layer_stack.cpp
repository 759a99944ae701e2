// layer_stack.cpp: see layer_stack.hpp for the math.
#include "nn/layer_stack.hpp"

#include <algorithm>
#include <stdexcept>

#include "base/kernels.hpp"
#include "base/validate.hpp"

namespace bp {

const char* layer_kind_name(LayerKind kind) {
    switch (kind) {
        case LayerKind::Dense: return "dense";
        case LayerKind::Conv2d: return "conv2d";
        case LayerKind::MaxPool: return "max_pool";
        case LayerKind::AvgPool: return "avg_pool";
        case LayerKind::Flatten: return "flatten";
        case LayerKind::Activation: return "activation";
    }
    throw std::invalid_argument("layer_kind_name: invalid LayerKind value");
}

LayerSpec LayerSpec::dense(std::size_t units, std::size_t inputs) {
    LayerSpec s;
    s.kind = LayerKind::Dense;
    s.units = units;
    s.inputs = inputs;
    return s;
}
LayerSpec LayerSpec::conv(std::size_t filters, std::size_t kernel, Padding padding, std::size_t stride,
                          std::size_t in_channels) {
    LayerSpec s;
    s.kind = LayerKind::Conv2d;
    s.filters = filters;
    s.kernel = kernel;
    s.padding = padding;
    s.stride = stride;
    s.in_channels = in_channels;
    return s;
}
LayerSpec LayerSpec::max_pool() { LayerSpec s; s.kind = LayerKind::MaxPool; return s; }
LayerSpec LayerSpec::avg_pool() { LayerSpec s; s.kind = LayerKind::AvgPool; return s; }
LayerSpec LayerSpec::flatten() { LayerSpec s; s.kind = LayerKind::Flatten; return s; }
LayerSpec LayerSpec::act(Activation f) {
    LayerSpec s;
    s.kind = LayerKind::Activation;
    s.activation = f;
    return s;
}

std::string stack_shape_text(const ImageShape& s) {
    if (s.height == 1 && s.width == 1) return std::to_string(s.channels);
    return shape_text(s);
}

std::string layer_text(const LayerSpec& spec, const ImageShape& in) {
    switch (spec.kind) {
        case LayerKind::Dense:
            return "dense " + std::to_string(spec.inputs ? spec.inputs : in.size()) + "→" + std::to_string(spec.units);
        case LayerKind::Conv2d: {
            std::string t = "conv2d " + std::to_string(spec.in_channels ? spec.in_channels : in.channels) + "→" +
                            std::to_string(spec.filters) + " " + size_text(spec.kernel, spec.kernel) + " " +
                            padding_name(spec.padding);
            if (spec.stride != 1) t += " stride " + std::to_string(spec.stride);
            return t;
        }
        case LayerKind::MaxPool: return "max_pool 2×2";
        case LayerKind::AvgPool: return "avg_pool 2×2";
        case LayerKind::Flatten: return "flatten";
        case LayerKind::Activation: return activation_name(spec.activation);
    }
    throw std::invalid_argument("layer_text: invalid LayerKind value");
}

namespace {

// "layer 3 (dense 100→10)"
std::string layer_label(std::size_t l, const LayerSpec& spec, const ImageShape& in) {
    return "layer " + std::to_string(l) + " (" + layer_text(spec, in) + ")";
}

// "1×7×7 = 49 values", "49 values"
std::string values_text(const ImageShape& s) {
    if (s.height == 1 && s.width == 1) return std::to_string(s.channels) + " values";
    return shape_text(s) + " = " + std::to_string(s.size()) + " values";
}

bool has_weights(LayerKind k) { return k == LayerKind::Dense || k == LayerKind::Conv2d; }

// The output shape of layer l given its input; throws naming the layer.
ImageShape layer_output(std::size_t l, const LayerSpec& spec, const ImageShape& in, bool last) {
    const std::string label = layer_label(l, spec, in);
    switch (spec.kind) {
        case LayerKind::Dense:
            check_count(label + ": units", spec.units, 1, stack_limits::kMaxUnits);
            if (spec.inputs != 0 && spec.inputs != in.size())
                fail_arg(label + ": its input is " + values_text(in) + ", not " + std::to_string(spec.inputs));
            return {spec.units, 1, 1};
        case LayerKind::Conv2d: {
            if (spec.in_channels != 0 && spec.in_channels != in.channels)
                fail_arg(label + ": its input is " + stack_shape_text(in) + ", " + std::to_string(in.channels) +
                         " channels, not " + std::to_string(spec.in_channels));
            check_count(label + ": filters", spec.filters, 1, image_limits::kMaxChannels);
            Conv2dSpec c{in, spec.filters, spec.kernel, spec.stride, spec.padding};
            try {
                return conv2d_output_shape(c);
            } catch (const std::out_of_range& e) {
                fail_range(label + ": " + e.what());
            } catch (const std::invalid_argument& e) {
                fail_arg(label + ": " + e.what());
            }
        }
        case LayerKind::MaxPool:
        case LayerKind::AvgPool:
            try {
                return pool_output_shape(spec.kind == LayerKind::MaxPool ? PoolKind::Max : PoolKind::Average, in);
            } catch (const std::out_of_range& e) {
                fail_range(label + ": " + e.what());
            } catch (const std::invalid_argument& e) {
                fail_arg(label + ": " + e.what());
            }
        case LayerKind::Flatten:
            return {in.size(), 1, 1};
        case LayerKind::Activation:
            switch (spec.activation) {
                case Activation::Linear: case Activation::Sigmoid: case Activation::Tanh:
                case Activation::Relu: case Activation::LeakyRelu: break;
                case Activation::Softmax:
                    if (!last)
                        fail_arg(label + ": softmax is only allowed as the last layer (with the softmax_ce loss)");
                    break;
                default: fail_arg("layer " + std::to_string(l) + ": invalid Activation value");
            }
            return in;
    }
    fail_arg("layer " + std::to_string(l) + ": invalid LayerKind value");
}

std::size_t layer_parameters(const LayerSpec& spec, const ImageShape& in) {
    if (spec.kind == LayerKind::Dense) return (in.size() + 1) * spec.units;
    if (spec.kind == LayerKind::Conv2d) return (in.channels * spec.kernel * spec.kernel + 1) * spec.filters;
    return 0;
}

}  // namespace

std::size_t layer_multiply_adds(const LayerSpec& spec, const ImageShape& in, const ImageShape& out) {
    if (spec.kind == LayerKind::Dense) return in.size() * spec.units;
    if (spec.kind == LayerKind::Conv2d) return out.plane() * spec.filters * in.channels * spec.kernel * spec.kernel;
    return 0;
}

std::vector<ImageShape> stack_shapes(const ImageShape& input, const std::vector<LayerSpec>& specs, Loss loss) {
    check_count("layers", specs.size(), 1, stack_limits::kMaxLayers);
    check_count("input.channels", input.channels, 1, image_limits::kMaxChannels);
    check_count("input.height", input.height, 1, image_limits::kMaxSide);
    check_count("input.width", input.width, 1, image_limits::kMaxSide);
    std::vector<ImageShape> shapes{input};
    std::size_t params = 0;
    std::size_t macs = 0;
    for (std::size_t l = 0; l < specs.size(); ++l) {
        const ImageShape& in = shapes.back();
        const ImageShape out = layer_output(l, specs[l], in, l + 1 == specs.size());
        params += layer_parameters(specs[l], in);
        if (params > stack_limits::kMaxParameters)
            fail_range("layers: " + std::to_string(params) + " parameters up to layer " + std::to_string(l) +
                       " is over the limit of " + std::to_string(stack_limits::kMaxParameters));
        macs += layer_multiply_adds(specs[l], in, out);
        if (macs > stack_limits::kMaxMultiplyAdds)
            fail_range("layers: " + std::to_string(macs) + " multiply-adds per image up to " + layer_label(l, specs[l], in) +
                       " is over the limit of " +
                       std::to_string(stack_limits::kMaxMultiplyAdds) + " (a training step would take too long)");
        shapes.push_back(out);
    }
    const std::size_t L = specs.size();
    const LayerSpec& top = specs.back();
    const std::string last = layer_label(L - 1, top, shapes[L - 1]);
    const bool ends_in = top.kind == LayerKind::Activation;
    switch (loss) {
        case Loss::SoftmaxCrossEntropy:
            if (!ends_in || top.activation != Activation::Softmax)
                fail_arg("loss: softmax_ce needs a softmax as the last layer, not " + last);
            if (shapes.back().size() < 2)
                fail_arg("loss: softmax_ce needs at least 2 outputs, not " + std::to_string(shapes.back().size()));
            break;
        case Loss::SigmoidCrossEntropy:
            if (!ends_in || top.activation != Activation::Sigmoid)
                fail_arg("loss: sigmoid_ce needs a sigmoid as the last layer, not " + last);
            break;
        case Loss::SquaredError:
            if (ends_in && top.activation == Activation::Softmax)
                fail_arg("loss: a softmax output needs the softmax_ce loss, not squared");
            break;
        default: fail_arg("loss: invalid Loss value");
    }
    return shapes;
}

void stack_build(LayerStack& stack, const ImageShape& input, const std::vector<LayerSpec>& specs, Loss loss,
                 Init init, Rng& rng, double l1, double l2) {
    const std::vector<ImageShape> shapes = stack_shapes(input, specs, loss);
    check_finite("l1", l1);
    check_finite("l2", l2);
    if (l1 < 0.0 || l2 < 0.0) fail_range(std::string(l1 < 0.0 ? "l1" : "l2") + ": must be 0 or more");
    (void)init_name(init);  // throws for an invalid value
    LayerStack next;
    next.input = input;
    next.loss = loss;
    next.init = init;
    next.l1 = l1;
    next.l2 = l2;
    next.layers.resize(specs.size());
    std::size_t weighted = 0;
    for (std::size_t l = 0; l < specs.size(); ++l) {
        StackLayer& layer = next.layers[l];
        layer.spec = specs[l];
        layer.in = shapes[l];
        layer.out = shapes[l + 1];
        if (specs[l].kind == LayerKind::Dense) {
            layer.name = "dense" + std::to_string(++weighted);
            dense_init(layer.dense, layer.in.size(), specs[l].units, init, rng);
        } else if (specs[l].kind == LayerKind::Conv2d) {
            layer.name = "conv" + std::to_string(++weighted);
            conv2d_init(layer.conv, Conv2dSpec{layer.in, specs[l].filters, specs[l].kernel, specs[l].stride,
                                               specs[l].padding},
                        init, rng);
        }
    }
    stack = std::move(next);
}

std::vector<LayerSpec> mlp_layer_specs(const MlpConfig& c) {
    std::vector<LayerSpec> specs;
    for (std::size_t l = 0; l < c.hidden.size(); ++l) {
        specs.push_back(LayerSpec::dense(c.hidden[l]));
        specs.push_back(LayerSpec::act(c.hidden_activations[l]));
    }
    specs.push_back(LayerSpec::dense(c.outputs));
    specs.push_back(LayerSpec::act(c.output_activation));
    return specs;
}

void stack_from_mlp(LayerStack& stack, const MlpConfig& config, Rng& rng) {
    mlp_validate(config);
    stack_build(stack, ImageShape{config.inputs, 1, 1}, mlp_layer_specs(config), config.loss, config.init, rng,
                config.l1, config.l2);
}

const Mat& stack_layer_input(const StackCache& cache, std::size_t l) { return l == 0 ? cache.x : cache.a[l - 1]; }

namespace {

void copy_into(const Mat& from, Mat& to) {
    ensure_shape(to, rows(from), cols(from));
    if (to.data() != from.data()) std::copy(from.data(), from.data() + from.size(), to.data());
}

void size_cache(const LayerStack& stack, StackCache& cache) {
    const std::size_t L = stack.layers.size();
    // resize() of a vector already that size is a no-op: nothing is allocated after the first call.
    cache.a.resize(L);
    cache.delta.resize(L);
    cache.conv.resize(L);
    cache.pool.resize(L);
}

// a[l] = layer_l(input).
void layer_forward(const StackLayer& layer, std::size_t l, const Mat& in, StackCache& cache) {
    Mat& out = cache.a[l];
    switch (layer.spec.kind) {
        case LayerKind::Dense: dense_forward(layer.dense, in, out); return;                 // a = x W + b
        case LayerKind::Conv2d: conv2d_forward(layer.conv, in, cache.conv[l], out); return;  // a = X ⋆ K + b
        case LayerKind::MaxPool: max_pool_forward(layer.in, in, cache.pool[l], out); return;
        case LayerKind::AvgPool: avg_pool_forward(layer.in, in, out); return;
        case LayerKind::Flatten: copy_into(in, out); return;  // the same numbers, now seen as a vector
        case LayerKind::Activation: activation_forward(layer.spec.activation, in, out); return;  // a = f(z)
    }
}

// Given g = ∂F/∂a[l]: adds the parameter gradients of layer l and, when din is not null,
// writes ∂F/∂(input of l) into *din.
void layer_backward(StackLayer& layer, std::size_t l, const Mat& in, const Mat& out, const Mat& g,
                    StackCache& cache, Mat* din) {
    switch (layer.spec.kind) {
        case LayerKind::Dense:  // dW += xᵀ g, db += Σ g, din = g Wᵀ
            dense_backward(layer.dense, in, g, din);
            return;
        case LayerKind::Conv2d:  // dW += X ⋆ g, db += Σ g, din = g ∗ rot180(K)
            conv2d_backward(layer.conv, in, g, cache.conv[l], din);
            return;
        case LayerKind::MaxPool:  // din = g routed to the winners
            if (din) max_pool_backward(layer.in, cache.pool[l], g, *din);
            return;
        case LayerKind::AvgPool:  // din = ¼ g on every pixel of the window
            if (din) avg_pool_backward(layer.in, g, *din);
            return;
        case LayerKind::Flatten:
            if (din) copy_into(g, *din);
            return;
        case LayerKind::Activation:  // din = g ⊙ f'(z)
            if (din) activation_backward(layer.spec.activation, in, out, g, *din);
            return;
    }
}

// Layers top .. 0, starting from delta[top] (or, for top == npos... not used).
void walk_down(LayerStack& stack, StackCache& cache, std::size_t top, const Mat& g_top, bool input_grad) {
    // Below the lowest layer with weights nobody needs δ, unless the caller wants ∂F/∂x.
    std::size_t lowest = stack.layers.size();
    for (std::size_t l = 0; l < stack.layers.size(); ++l)
        if (has_weights(stack.layers[l].spec.kind)) { lowest = l; break; }
    const Mat* g = &g_top;
    for (std::size_t l = top + 1; l-- > 0;) {
        const bool need_below = input_grad || lowest < l;
        Mat* din = need_below ? (l == 0 ? &cache.dx : &cache.delta[l - 1]) : nullptr;
        layer_backward(stack.layers[l], l, stack_layer_input(cache, l), cache.a[l], *g, cache, din);
        if (!need_below) return;
        g = din;
    }
}

void check_forward_done(const LayerStack& stack, const StackCache& cache, const char* who) {
    if (stack.layers.empty() || cache.a.size() != stack.layers.size() || cache.a.back().size() == 0)
        throw std::invalid_argument(std::string(who) + ": call stack_forward with this cache first");
}

}  // namespace

const Mat& stack_forward_from(const LayerStack& stack, std::size_t first, const Mat& x, StackCache& cache) {
    const std::size_t L = stack.layers.size();
    if (L == 0) throw std::invalid_argument("stack_forward: the stack has no layers (stack_build)");
    if (first >= L) fail_range("stack_forward: first layer " + std::to_string(first) + " is outside 0.." + std::to_string(L - 1));
    const ImageShape& in = stack.layers[first].in;
    if (cols(x) != in.size())
        throw std::invalid_argument("stack_forward: " + layer_label(first, stack.layers[first].spec, in) +
                                    ": its input has " + std::to_string(cols(x)) + " columns, not " +
                                    values_text(in));
    size_cache(stack, cache);
    copy_into(x, first == 0 ? cache.x : cache.a[first - 1]);  // kept: backward reads every layer's input
    for (std::size_t l = first; l < L; ++l) layer_forward(stack.layers[l], l, stack_layer_input(cache, l), cache);
    return cache.a.back();
}

const Mat& stack_forward(const LayerStack& stack, const Mat& x, StackCache& cache) {
    return stack_forward_from(stack, 0, x, cache);
}

double stack_backward(LayerStack& stack, StackCache& cache, const Mat& target, bool input_grad, double weight) {
    check_forward_done(stack, cache, "stack_backward");
    check_finite("stack_backward: weight", weight);
    const std::size_t L = stack.layers.size();
    const Mat& out = cache.a[L - 1];
    double loss;
    if (loss_is_fused(stack.loss)) {
        // sigmoid + cross-entropy, softmax + cross-entropy: ∂L/∂z = (a − y)/N for the input z
        // of the last (activation) layer, whose own backward is skipped.
        Mat& dz = L >= 2 ? cache.delta[L - 2] : cache.dx;
        loss = loss_forward_backward(stack.loss, out, target, dz);
        if (weight != 1.0)
            for (double& v : dz) v *= weight;
        if (L >= 2) walk_down(stack, cache, L - 2, dz, input_grad);
    } else {
        Mat& da = cache.delta[L - 1];  // ∂L/∂a[L−1] = (a − y)/N
        loss = loss_forward_backward(stack.loss, out, target, da);
        if (weight != 1.0)
            for (double& v : da) v *= weight;
        walk_down(stack, cache, L - 1, da, input_grad);
    }

    // L1 / L2 on the weights: penalty λ₁ Σ|w| + ½ λ₂ Σ w², gradient λ₁ sign(w) + λ₂ w.
    double penalty = 0.0;
    if (stack.l1 > 0.0 || stack.l2 > 0.0) {
        for (StackLayer& layer : stack.layers) {
            if (!has_weights(layer.spec.kind)) continue;
            const bool dense = layer.spec.kind == LayerKind::Dense;
            penalty += weight_penalty(dense ? layer.dense.W : layer.conv.W, dense ? layer.dense.dW : layer.conv.dW,
                                      stack.l1, stack.l2, weight);
        }
    }
    return weight == 1.0 ? loss + penalty : weight * (loss + penalty);
}

void stack_backward_from(LayerStack& stack, StackCache& cache, std::size_t top, const Mat& g, bool input_grad) {
    check_forward_done(stack, cache, "stack_backward_from");
    if (top >= stack.layers.size())
        fail_range("stack_backward_from: layer " + std::to_string(top) + " is outside 0.." +
                   std::to_string(stack.layers.size() - 1));
    if (rows(g) != rows(cache.a[top]) || cols(g) != cols(cache.a[top]))
        fail_arg("stack_backward_from: the gradient is (" + std::to_string(rows(g)) + "," + std::to_string(cols(g)) +
                 "), layer " + std::to_string(top) + "'s output is (" + std::to_string(rows(cache.a[top])) + "," +
                 std::to_string(cols(cache.a[top])) + ")");
    copy_into(g, cache.delta[top]);
    walk_down(stack, cache, top, cache.delta[top], input_grad);
}

double stack_penalty(const LayerStack& stack) {
    double penalty = 0.0;
    for (const StackLayer& layer : stack.layers) {
        if (!has_weights(layer.spec.kind)) continue;
        const Mat& Wm = layer.spec.kind == LayerKind::Dense ? layer.dense.W : layer.conv.W;
        const double* W = Wm.data();
        double abs_sum = 0.0, sq_sum = 0.0;
        for (std::size_t i = 0; i < Wm.size(); ++i) {
            abs_sum += W[i] > 0.0 ? W[i] : -W[i];
            sq_sum += W[i] * W[i];
        }
        penalty += stack.l1 * abs_sum + 0.5 * stack.l2 * sq_sum;
    }
    return penalty;
}

double stack_loss(const LayerStack& stack, const Mat& x, const Mat& target, StackCache& cache) {
    return loss_value(stack.loss, stack_forward(stack, x, cache), target);
}

ParamList stack_params(LayerStack& stack) {
    ParamList params;
    for (StackLayer& layer : stack.layers) {
        if (layer.spec.kind == LayerKind::Dense) {
            params.push_back({layer.name + ".W", &layer.dense.W, &layer.dense.dW});
            params.push_back({layer.name + ".b", &layer.dense.b, &layer.dense.db});
        } else if (layer.spec.kind == LayerKind::Conv2d) {
            params.push_back({layer.name + ".W", &layer.conv.W, &layer.conv.dW});
            params.push_back({layer.name + ".b", &layer.conv.b, &layer.conv.db});
        }
    }
    return params;
}

void stack_zero_grad(LayerStack& stack) {
    for (StackLayer& layer : stack.layers) {
        if (layer.spec.kind == LayerKind::Dense) {
            fill_zero(layer.dense.dW);
            fill_zero(layer.dense.db);
        } else if (layer.spec.kind == LayerKind::Conv2d) {
            fill_zero(layer.conv.dW);
            fill_zero(layer.conv.db);
        }
    }
}

std::size_t stack_parameter_count(const LayerStack& stack) {
    std::size_t n = 0;
    for (const StackLayer& layer : stack.layers) n += layer_parameters(layer.spec, layer.in);
    return n;
}

}  // namespace bp
