// explain.cpp: the numbers of one backprop cycle laid open (see explain.hpp for the math).
// TrainingSession (session.cpp) validates its arguments and calls these.
#include "session/explain.hpp"

#include <string>

#include "base/kernels.hpp"
#include "base/mathfn.hpp"
#include "data/datasets.hpp"
#include "nn/gradcheck.hpp"

namespace bp {

void explain_cycle(const Mlp& session_net, const Optimizer& optimizer, ExplainTrace& e) {
    // 1-3: forward, loss, backward on a copy of the network, so the session's own gradients
    // (drawn by the page as the last step's) are untouched.
    Mlp net = session_net;
    MlpCache cache;
    mlp_zero_grad(net);
    mlp_forward(net, e.x, cache);
    e.loss = mlp_backward(net, cache, e.target);
    e.penalty = mlp_penalty(net);
    e.data_loss = e.loss - e.penalty;
    e.z = cache.z;
    e.a = cache.a;
    e.delta = cache.dz;
    // ∂L/∂a and f'(z) of every layer, so the page writes δ_j = f'(z_j) · Σ_k w_jk δ_k with the
    // core's numbers. f'(z) is activation_backward with ∂L/∂a = 1 (element-wise activations).
    const std::size_t layers = net.layers.size();
    e.da.assign(layers, Mat());
    e.slope.assign(layers, Mat());
    const bool fused = loss_is_fused(net.config.loss);
    for (std::size_t l = 0; l < layers; ++l) {
        const bool output = l + 1 == layers;
        if (!(output && fused)) e.da[l] = cache.da[l];
        const Activation f = mlp_activation(net.config, l);
        if (f == Activation::Softmax) continue;
        Mat ones = zeros(rows(cache.z[l]), cols(cache.z[l]));
        ones.fill(1.0);
        activation_backward(f, cache.z[l], cache.a[l], ones, e.slope[l]);
    }
    const std::size_t L = net.layers.size();
    e.dW.resize(L); e.db.resize(L); e.W_before.resize(L); e.b_before.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        e.dW[l] = net.layers[l].dW;
        e.db[l] = net.layers[l].db;
        e.W_before[l] = net.layers[l].W;
        e.b_before[l] = net.layers[l].b;
    }
    // 4: the update, by a copy of the optimizer on the copy of the network.
    e.optimizer_after = optimizer;
    ParamList ps = mlp_params(net);
    e.optimizer_after.step(ps);
    e.learning_rate = e.optimizer_after.last_learning_rate();
    e.W_after.resize(L); e.b_after.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        e.W_after[l] = net.layers[l].W;
        e.b_after[l] = net.layers[l].b;
    }
    e.valid = true;
}

ChainRule explain_chain_rule(const Mlp& session_net, const ExplainTrace& e, std::size_t layer, std::size_t i,
                             std::size_t j) {
    const Mat& W = e.W_before[layer];
    ChainRule c;
    c.layer = layer; c.i = i; c.j = j;
    const Mat& input = layer == 0 ? e.x : e.a[layer - 1];
    for (std::size_t n = 0; n < e.N; ++n) {
        c.delta_j.push_back(e.delta[layer](n, j));
        c.a_i.push_back(input(n, i));
        c.data_gradient += e.delta[layer](n, j) * input(n, i);
    }
    const double w = W(i, j);
    const double sign = w > 0 ? 1.0 : (w < 0 ? -1.0 : 0.0);
    c.penalty_gradient = session_net.config.l1 * sign + session_net.config.l2 * w;
    c.analytic = c.data_gradient + c.penalty_gradient;
    // The numeric gradient of the same objective, from a copy of the network as it was.
    Mlp net = session_net;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        net.layers[l].W = e.W_before[l];
        net.layers[l].b = e.b_before[l];
    }
    MlpCache cache;
    auto loss_only = [&]() { return mlp_loss(net, e.x, e.target, cache) + mlp_penalty(net); };
    c.numeric = numeric_gradient(net.layers[layer].W, i * cols(W) + j, loss_only);
    c.rel_error = grad_rel_error(c.analytic, c.numeric);
    return c;
}

Mat explain_input_jacobian(const Mlp& net, unsigned features, const Mat& xy) {
    const std::size_t N = rows(xy), L = net.layers.size(), K = net.config.outputs;
    Mat x;
    feature_map(xy, features, x);
    MlpCache cache;
    mlp_forward(net, x, cache);
    const std::vector<std::string> names = feature_names(features);
    Mat J = zeros(N, 2 * K);
    Mat dz, da, dx;
    for (std::size_t k = 0; k < K; ++k) {
        // Seed ∂out_k/∂a_{L-1} = e_k, then the backward pass without any parameter gradient:
        // dz_l = f_l'(z_l) ⊙ da_l,  da_{l-1} = dz_l W_lᵀ.
        da = zeros(N, K);
        for (std::size_t n = 0; n < N; ++n) da(n, k) = 1.0;
        for (std::size_t l = L; l-- > 0;) {
            const Activation f = l + 1 == L ? net.config.output_activation : net.config.hidden_activations[l];
            activation_backward(f, cache.z[l], cache.a[l], da, dz);
            matmul_a_bt(dz, net.layers[l].W, dx);
            da = dx;
        }
        // da is now ∂out_k/∂features (N,F); chain through the feature map to (x, y).
        for (std::size_t n = 0; n < N; ++n) {
            const double px = xy(n, 0), py = xy(n, 1);
            double gx = 0, gy = 0;
            for (std::size_t f = 0; f < names.size(); ++f) {
                const double g = da(n, f);
                const std::string& name = names[f];
                if (name == "x1") gx += g;
                else if (name == "x2") gy += g;
                else if (name == "x1sq") gx += g * 2 * px;
                else if (name == "x2sq") gy += g * 2 * py;
                else if (name == "x1x2") { gx += g * py; gy += g * px; }
                else if (name == "sinx1") gx += g * fn::cos(px);
                else if (name == "sinx2") gy += g * fn::cos(py);
            }
            J(n, 2 * k) = gx;
            J(n, 2 * k + 1) = gy;
        }
    }
    return J;
}

}  // namespace bp
