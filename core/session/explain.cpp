// explain.cpp: TrainingSession's explain-mode members (see explain.hpp for the math).
#include <cmath>
#include <stdexcept>
#include <string>

#include "session/explain.hpp"
#include "nn/gradcheck.hpp"
#include "base/kernels.hpp"
#include "base/limits.hpp"
#include "base/mathfn.hpp"
#include "session/session.hpp"

namespace bp {

const ExplainTrace& TrainingSession::explain(const Mat& xy, const Mat& labels) {
    if (cols(xy) != 2 || cols(data_.x_train) != 2)
        throw std::invalid_argument("explain: points need 2 coordinates each");
    if (rows(xy) < 1 || rows(xy) > limits::kMaxBatch)
        throw std::out_of_range("explain: " + std::to_string(rows(xy)) + " points is outside 1.." +
                                std::to_string(limits::kMaxBatch));
    if (rows(labels) != rows(xy) || cols(labels) != 1)
        throw std::invalid_argument("explain: one label per point is needed");
    for (double v : xy)
        if (!std::isfinite(v)) throw std::invalid_argument("explain: coordinates must be finite");
    validate_labels(labels);

    ExplainTrace& e = explained_;
    e.valid = false;
    e.N = rows(xy);
    e.xy = xy;
    e.labels = labels;
    feature_map(xy, config_.features, e.x);
    encode_targets(labels, data_.classes, encoding_, e.target);

    // 1-3: forward, loss, backward on a copy of the network, so the session's own gradients
    // (drawn by the page as the last step's) are untouched.
    Mlp net = net_;
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
    e.optimizer_after = optimizer_;
    ParamList ps = mlp_params(net);
    e.optimizer_after.step(ps);
    e.learning_rate = e.optimizer_after.last_learning_rate();
    e.W_after.resize(L); e.b_after.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        e.W_after[l] = net.layers[l].W;
        e.b_after[l] = net.layers[l].b;
    }
    e.valid = true;
    return e;
}

const ExplainTrace& TrainingSession::explain_next_batch() {
    const std::size_t N = rows(x_train_);
    if (N == 0) throw std::invalid_argument("explain: there are no training points");
    const std::size_t B = config_.training.batch_size, per_epoch = (N + B - 1) / B;
    shuffle_for_epoch(static_cast<long>(static_cast<std::size_t>(step_) / per_epoch));
    const std::size_t start = (static_cast<std::size_t>(step_) % per_epoch) * B;
    const std::size_t count = std::min(B, N - start);
    Mat xy = zeros(count, 2), labels = zeros(count, 1);
    for (std::size_t r = 0; r < count; ++r) {
        const std::size_t i = order_[start + r];
        xy(r, 0) = data_.x_train(i, 0);
        xy(r, 1) = data_.x_train(i, 1);
        labels(r, 0) = data_.y_train(i, 0);
    }
    return explain(xy, labels);
}

void TrainingSession::commit_explained() {
    if (!explained_.valid) throw std::invalid_argument("commit: nothing has been explained since the last change");
    if (explained_.W_after.size() != net_.layers.size())
        throw std::invalid_argument("commit: the network changed since the explanation");
    for (std::size_t l = 0; l < net_.layers.size(); ++l) {
        if (explained_.W_before[l] != net_.layers[l].W || explained_.b_before[l] != net_.layers[l].b)
            throw std::invalid_argument("commit: the weights changed since the explanation; explain again");
    }
    // The same rule as step(): a state with a non-finite weight or optimizer slot is never taken.
    bool finite = optimizer_state_finite(explained_.optimizer_after.state());
    for (std::size_t l = 0; finite && l < net_.layers.size(); ++l)
        for (const Mat* m : {&explained_.W_after[l], &explained_.b_after[l]})
            for (double v : *m)
                if (!std::isfinite(v)) finite = false;
    if (!finite)
        throw std::invalid_argument("commit: this update makes a weight or the optimizer's state infinite or NaN; "
                                    "nothing was changed (try a smaller learning rate)");
    for (std::size_t l = 0; l < net_.layers.size(); ++l) {
        net_.layers[l].W = explained_.W_after[l];
        net_.layers[l].b = explained_.b_after[l];
        net_.layers[l].dW = explained_.dW[l];
        net_.layers[l].db = explained_.db[l];
    }
    optimizer_ = explained_.optimizer_after;
    ++step_;
    explained_.valid = false;
}

ChainRule TrainingSession::chain_rule(std::size_t layer, std::size_t i, std::size_t j) {
    const ExplainTrace& e = explained_;
    if (!e.valid) throw std::invalid_argument("chainRule: explain an example first");
    if (layer >= net_.layers.size())
        throw std::out_of_range("chainRule: layer " + std::to_string(layer) + " is outside 0.." +
                                std::to_string(net_.layers.size() - 1));
    const Mat& W = e.W_before[layer];
    if (i >= rows(W) || j >= cols(W))
        throw std::out_of_range("chainRule: (" + std::to_string(i) + ", " + std::to_string(j) + ") is outside the " +
                                std::to_string(rows(W)) + " x " + std::to_string(cols(W)) + " weights of layer " +
                                std::to_string(layer));
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
    c.penalty_gradient = net_.config.l1 * sign + net_.config.l2 * w;
    c.analytic = c.data_gradient + c.penalty_gradient;
    // The numeric gradient of the same objective, from a copy of the network as it was.
    Mlp net = net_;
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

Mat TrainingSession::input_jacobian(const Mat& xy) {
    if (cols(xy) != 2 || cols(data_.x_train) != 2) throw std::invalid_argument("jacobian: points need 2 coordinates each");
    if (rows(xy) > limits::kMaxGrid * limits::kMaxGrid)
        throw std::out_of_range("jacobian: too many points (at most " + std::to_string(limits::kMaxGrid * limits::kMaxGrid) + ")");
    for (double v : xy)
        if (!std::isfinite(v)) throw std::invalid_argument("jacobian: coordinates must be finite");
    const std::size_t N = rows(xy), L = net_.layers.size(), K = net_.config.outputs;
    Mat x;
    feature_map(xy, config_.features, x);
    MlpCache cache;
    mlp_forward(net_, x, cache);
    const std::vector<std::string> names = feature_names(config_.features);
    Mat J = zeros(N, 2 * K);
    Mat dz, da, dx;
    for (std::size_t k = 0; k < K; ++k) {
        // Seed ∂out_k/∂a_{L-1} = e_k, then the backward pass without any parameter gradient:
        // dz_l = f_l'(z_l) ⊙ da_l,  da_{l-1} = dz_l W_lᵀ.
        da = zeros(N, K);
        for (std::size_t n = 0; n < N; ++n) da(n, k) = 1.0;
        for (std::size_t l = L; l-- > 0;) {
            const Activation f = l + 1 == L ? net_.config.output_activation : net_.config.hidden_activations[l];
            activation_backward(f, cache.z[l], cache.a[l], da, dz);
            matmul_a_bt(dz, net_.layers[l].W, dx);
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
