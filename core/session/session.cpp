// session.cpp: see session.hpp.
#include "session/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "base/limits.hpp"
#include "base/validate.hpp"

namespace bp {

const char* regularization_name(Regularization r) {
    switch (r) {
        case Regularization::None: return "none";
        case Regularization::L1: return "l1";
        case Regularization::L2: return "l2";
    }
    return "none";
}

Regularization regularization_from_name(const std::string& name) {
    if (name == "none") return Regularization::None;
    if (name == "l1") return Regularization::L1;
    if (name == "l2") return Regularization::L2;
    throw std::invalid_argument("training.regularization: unknown name '" + name +
                                "' (allowed: none, l1, l2)");
}

namespace {

// The output activation, loss and target encoding a network spec asks for, given the data.
struct OutputChoice {
    Activation activation;
    Loss loss;
    TargetEncoding encoding;
    std::size_t outputs;
};

OutputChoice choose_output(const NetworkSpec& spec, std::size_t classes) {
    const bool regression = classes == 0;
    const bool multi = classes > 2;
    std::string out = spec.output;
    if (out == "auto") out = regression ? "linear" : (multi ? "softmax" : "sigmoid");
    OutputChoice c{};
    c.outputs = multi ? classes : 1;
    if (out == "sigmoid") {
        if (regression || multi)
            throw std::invalid_argument("network.output: sigmoid needs a two-class dataset (use auto)");
        c.activation = Activation::Sigmoid;
        c.encoding = TargetEncoding::ZeroOne;
        c.loss = Loss::SigmoidCrossEntropy;
    } else if (out == "tanh") {
        if (multi)
            throw std::invalid_argument("network.output: tanh needs a two-class or regression dataset");
        c.activation = Activation::Tanh;
        c.encoding = TargetEncoding::PlusMinusOne;  // regression targets are used as they are
        c.loss = Loss::SquaredError;
    } else if (out == "softmax") {
        if (!multi)
            throw std::invalid_argument("network.output: softmax needs a dataset with three or more classes");
        c.activation = Activation::Softmax;
        c.encoding = TargetEncoding::OneHot;
        c.loss = Loss::SoftmaxCrossEntropy;
    } else if (out == "linear") {
        if (!regression)
            throw std::invalid_argument("network.output: linear output is for regression datasets");
        c.activation = Activation::Linear;
        c.encoding = TargetEncoding::ZeroOne;  // unused: regression targets are used as they are
        c.loss = Loss::SquaredError;
    } else {
        throw std::invalid_argument("network.output: unknown name '" + spec.output +
                                    "' (allowed: auto, sigmoid, tanh, softmax, linear)");
    }
    if (spec.loss != "auto") {
        const Loss asked = loss_from_name(spec.loss);
        const bool ok = asked == c.loss || (asked == Loss::SquaredError && c.activation == Activation::Sigmoid);
        if (!ok)
            throw std::invalid_argument("network.loss: '" + spec.loss + "' does not fit the " +
                                        activation_name(c.activation) + " output (use auto)");
        if (asked == Loss::SquaredError) c.loss = asked;
    }
    return c;
}

MlpConfig mlp_config_for(const SessionConfig& cfg, std::size_t inputs, const OutputChoice& out) {
    MlpConfig m;
    m.inputs = inputs;
    m.hidden = cfg.network.hidden;
    m.hidden_activations = cfg.network.activations;
    m.outputs = out.outputs;
    m.output_activation = out.activation;
    m.loss = out.loss;
    m.init = cfg.network.init;
    m.l1 = cfg.training.regularization == Regularization::L1 ? cfg.training.regularization_rate : 0.0;
    m.l2 = cfg.training.regularization == Regularization::L2 ? cfg.training.regularization_rate : 0.0;
    return m;
}

}  // namespace

void validate_config(const SessionConfig& c) {
    if (c.features == 0 || (c.features & ~kAllFeatures) != 0)
        throw std::invalid_argument("features: choose at least one of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2");
    if (c.network.hidden.size() > limits::kMaxHiddenLayers)
        throw std::out_of_range("network.hidden: " + std::to_string(c.network.hidden.size()) +
                                " layers is outside 0.." + std::to_string(limits::kMaxHiddenLayers));
    if (c.network.activations.size() != c.network.hidden.size())
        throw std::invalid_argument("network.activation: " + std::to_string(c.network.activations.size()) +
                                    " activations given for " + std::to_string(c.network.hidden.size()) +
                                    " hidden layers");
    for (Activation a : c.network.activations)
        if (a == Activation::Softmax)
            throw std::invalid_argument("network.activation: softmax is only for the output layer");
    optimizer_validate(c.training.optimizer);
    check_range("training.regularizationRate", c.training.regularization_rate, 0.0, 10.0);
    if (c.training.batch_size < 1 || c.training.batch_size > limits::kMaxBatch)
        throw std::out_of_range("training.batchSize: " + std::to_string(c.training.batch_size) +
                                " is outside 1.." + std::to_string(limits::kMaxBatch));
}

TrainingSession::TrainingSession(const SessionConfig& config)
    : TrainingSession(config, (validate_config(config), make_dataset(config.dataset))) {
    external_data_ = false;
}

TrainingSession::TrainingSession(const SessionConfig& config, Dataset data)
    : external_data_(true),
      optimizer_(config.training.optimizer),
      snapshot_optimizer_(config.training.optimizer) {
    validate_config(config);
    if (cols(data.x_train) != cols(data.x_test) || rows(data.x_train) != rows(data.y_train) ||
        rows(data.x_test) != rows(data.y_test) || cols(data.x_train) == 0)
        throw std::invalid_argument("data: inputs and labels of the training and test sets do not match");
    // Build everything into locals first: a constructor that throws leaves nothing behind.
    const std::size_t width = cols(data.x_train) == 2 ? feature_count(config.features) : cols(data.x_train);
    const OutputChoice out = choose_output(config.network, data.classes);
    MlpConfig mcfg = mlp_config_for(config, width, out);
    mlp_validate(mcfg);
    config_ = config;
    data_ = std::move(data);
    encoding_ = out.encoding;
    build_targets();
    Rng init_rng(config_.network.seed);
    mlp_init(net_, mcfg, init_rng);
    params_ = mlp_params(net_);
    reset();
}

void TrainingSession::build_targets() {
    if (cols(data_.x_train) == 2) {
        feature_map(data_.x_train, config_.features, x_train_);
        feature_map(data_.x_test, config_.features, x_test_);
    } else {  // wide inputs (digits): the pixels are the features
        x_train_ = data_.x_train;
        x_test_ = data_.x_test;
    }
    encode_targets(data_.y_train, data_.classes, encoding_, t_train_);
    encode_targets(data_.y_test, data_.classes, encoding_, t_test_);
}

void TrainingSession::reset() {
    Rng init_rng(config_.network.seed);
    mlp_init(net_, net_.config, init_rng);
    params_ = mlp_params(net_);
    optimizer_ = Optimizer(config_.training.optimizer);
    order_epoch_ = -1;
    step_ = 0;
    last_lr_ = config_.training.optimizer.learning_rate;
    grad_norms_.assign(net_.layers.size(), 0.0);
}

std::size_t TrainingSession::steps_per_epoch() const {
    const std::size_t n = rows(x_train_), b = config_.training.batch_size;
    return n == 0 ? 0 : (n + b - 1) / b;
}

std::size_t TrainingSession::input_width() const { return net_.config.inputs; }

std::vector<LayerInfo> TrainingSession::layout() const {
    std::vector<LayerInfo> out;
    for (std::size_t l = 0; l < net_.layers.size(); ++l) {
        const bool last = l + 1 == net_.layers.size();
        out.push_back({cols(net_.layers[l].W), last ? net_.config.output_activation : net_.config.hidden_activations[l]});
    }
    return out;
}

void TrainingSession::update_training(const TrainingSpec& training) {
    SessionConfig next = config_;
    next.training = training;
    validate_config(next);
    config_ = next;
    optimizer_.set_config(training.optimizer);
    net_.config.l1 = training.regularization == Regularization::L1 ? training.regularization_rate : 0.0;
    net_.config.l2 = training.regularization == Regularization::L2 ? training.regularization_rate : 0.0;
    // An explanation made before the change holds the old optimizer's update (and the old
    // penalty's gradients): explain the same points again, so that commit_explained() applies
    // what the settings now in force give, and the trace shows it.
    if (explained_.valid) {
        const Mat xy = explained_.xy, labels = explained_.labels;
        explain(xy, labels);
    }
}

void TrainingSession::set_points(const std::vector<std::array<double, 3>>& points) {
    SessionConfig next = config_;
    next.dataset.kind = DatasetKind::Custom;
    next.dataset.custom = points;
    next.dataset.points = points.size();
    // Build the new session completely, then take it over: a failure changes nothing.
    TrainingSession fresh(next);
    const bool same_shape = fresh.net_.config.outputs == net_.config.outputs &&
                            fresh.net_.config.output_activation == net_.config.output_activation;
    if (same_shape) {
        // Keep the trained weights: the learner watches the network adapt to the new points.
        fresh.net_ = net_;
        fresh.params_ = mlp_params(fresh.net_);
    }
    *this = std::move(fresh);
    params_ = mlp_params(net_);  // pointers must refer to this object's network
}

void TrainingSession::shuffle_for_epoch(long epoch) {
    if (epoch == order_epoch_) return;
    // Each epoch visits the training points in its own order, drawn from a generator seeded
    // by (training seed, epoch): reproducible without carrying generator state around.
    Rng rng(config_.training.seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(epoch));
    order_.resize(rows(x_train_));
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    rng.shuffle(order_);
    order_epoch_ = epoch;
}

void TrainingSession::gather_batch(std::size_t start, std::size_t count) {
    const std::size_t F = cols(x_train_), K = cols(t_train_);
    ensure_shape(x_batch_, count, F);
    ensure_shape(t_batch_, count, K);
    for (std::size_t r = 0; r < count; ++r) {
        const std::size_t i = order_[start + r];
        for (std::size_t f = 0; f < F; ++f) x_batch_(r, f) = x_train_(i, f);
        for (std::size_t k = 0; k < K; ++k) t_batch_(r, k) = t_train_(i, k);
    }
}

bool TrainingSession::weights_finite() const {
    for (const Dense& d : net_.layers) {
        for (double v : d.W) if (!std::isfinite(v)) return false;
        for (double v : d.b) if (!std::isfinite(v)) return false;
    }
    return true;
}

StepStats TrainingSession::step(std::size_t n) {
    if (n < 1 || n > limits::kMaxSteps)
        throw std::out_of_range("steps: " + std::to_string(n) + " is outside 1.." + std::to_string(limits::kMaxSteps));
    const std::size_t N = rows(x_train_);
    if (N == 0) {
        StepStats s = make_stats();
        s.message = "There are no training points: add some points or pick a dataset.";
        return s;
    }
    // Snapshot for divergence: reuses the same buffers call after call.
    snapshot_values_.resize(params_.size());
    for (std::size_t p = 0; p < params_.size(); ++p) snapshot_values_[p] = *params_[p].value;
    snapshot_optimizer_ = optimizer_;
    snapshot_grad_norms_ = grad_norms_;
    const long step_before = step_;
    const double lr_before = last_lr_;

    const std::size_t B = config_.training.batch_size;
    bool diverged = false;
    for (std::size_t s = 0; s < n; ++s) {
        // The batch is a function of the step number alone (see shuffle_for_epoch), so a model
        // file that stores the step count resumes the run exactly.
        const std::size_t per_epoch = (N + B - 1) / B;
        shuffle_for_epoch(static_cast<long>(static_cast<std::size_t>(step_) / per_epoch));
        const std::size_t start = (static_cast<std::size_t>(step_) % per_epoch) * B;
        gather_batch(start, std::min(B, N - start));
        mlp_zero_grad(net_);
        mlp_forward(net_, x_batch_, cache_);
        const double loss = mlp_backward(net_, cache_, t_batch_);
        if (!std::isfinite(loss)) { diverged = true; break; }
        optimizer_.step(params_);
        last_lr_ = optimizer_.last_learning_rate();
        ++step_;
    }
    // Once a weight or an optimizer slot is NaN or ±inf it stays so (inf − finite = inf, any
    // operation with NaN is NaN, β·inf = inf), so checking them once, after the last step,
    // sees a non-finite value left by any step of the call.
    if (!diverged) diverged = !params_finite(params_) || !optimizer_state_finite(optimizer_.state());
    for (std::size_t l = 0; l < net_.layers.size(); ++l) {
        double s2 = 0;
        for (double g : net_.layers[l].dW) s2 += g * g;
        grad_norms_[l] = std::sqrt(s2);
    }
    // Finite weights can still be large enough that the loss over the whole training or test
    // set overflows (the batch loss of the last step was finite): that state cannot be trained
    // on either, so it has diverged too. These are the stats the call returns anyway.
    StepStats st;
    if (!diverged) {
        st = make_stats();
        diverged = !std::isfinite(st.train_loss) || (rows(x_test_) > 0 && !std::isfinite(st.test_loss));
    }
    if (!diverged) return st;
    const double lr_diverged = last_lr_;
    for (std::size_t p = 0; p < params_.size(); ++p) *params_[p].value = snapshot_values_[p];
    optimizer_ = snapshot_optimizer_;
    grad_norms_ = snapshot_grad_norms_;
    step_ = step_before;
    last_lr_ = lr_before;
    st = make_stats();
    st.diverged = true;
    st.message = "Training diverged: the loss, a weight or the optimizer's state became infinite or NaN at learning "
                 "rate " + format_number(lr_diverged) + ". The state from before this call was restored and training "
                 "paused. Try a smaller learning rate (for example " + format_number(lr_diverged / 10) +
                 "), gradient clipping, or a different optimizer.";
    return st;
}

double TrainingSession::evaluate(const Mat& x, const Mat& target, const Mat& labels, double* accuracy) {
    if (rows(x) == 0) {
        *accuracy = std::numeric_limits<double>::quiet_NaN();
        return std::numeric_limits<double>::quiet_NaN();
    }
    const Mat& out = mlp_forward(net_, x, eval_cache_);
    const double loss = loss_value(net_.config.loss, out, target);
    *accuracy = data_.classes == 0 ? std::numeric_limits<double>::quiet_NaN()
                                   : bp::accuracy(out, labels, data_.classes, encoding_);
    return loss;
}

StepStats TrainingSession::make_stats() {
    StepStats s;
    s.step = step_;
    const double N = static_cast<double>(rows(x_train_));
    s.examples = static_cast<double>(step_) * static_cast<double>(config_.training.batch_size);
    s.epoch = N > 0 ? s.examples / N : 0.0;
    s.train_loss = evaluate(x_train_, t_train_, data_.y_train, &s.train_accuracy);
    s.test_loss = evaluate(x_test_, t_test_, data_.y_test, &s.test_accuracy);
    s.learning_rate = last_lr_;
    return s;
}

StepStats TrainingSession::stats() { return make_stats(); }

void TrainingSession::evaluate_grid(std::size_t G, double x0, double x1, double y0, double y1) {
    if (G < 2 || G > limits::kMaxGrid)
        throw std::out_of_range("grid: side " + std::to_string(G) + " is outside 2.." + std::to_string(limits::kMaxGrid));
    for (double v : {x0, x1, y0, y1}) check_finite("grid: bounds", v);
    if (!(x1 > x0) || !(y1 > y0)) throw std::invalid_argument("grid: bounds need x0 < x1 and y0 < y1");
    if (cols(data_.x_train) != 2) throw std::invalid_argument("grid: the data is not 2-D");
    grid_size_ = G;
    const std::size_t P = G * G;
    ensure_shape(grid_xy_, P, 2);
    for (std::size_t r = 0; r < G; ++r) {
        const double y = y1 - (y1 - y0) * static_cast<double>(r) / static_cast<double>(G - 1);
        for (std::size_t c = 0; c < G; ++c) {
            grid_xy_(r * G + c, 0) = x0 + (x1 - x0) * static_cast<double>(c) / static_cast<double>(G - 1);
            grid_xy_(r * G + c, 1) = y;
        }
    }
    feature_map(grid_xy_, config_.features, grid_x_);
    // Drawing path: float32 (fast_forward.hpp), node-major, written straight into the buffer
    // the page reads: input features first, then each layer's neurons. Predictions and
    // metrics stay float64.
    const std::size_t F = cols(grid_x_), L = net_.layers.size();
    std::size_t nodes = F;
    for (const Dense& d : net_.layers) nodes += cols(d.W);
    grid_neurons_.resize(nodes * P);
    float* dst = grid_neurons_.data();
    const double* xs = grid_x_.data();
    for (std::size_t f = 0; f < F; ++f)
        for (std::size_t p = 0; p < P; ++p) dst[f * P + p] = static_cast<float>(xs[p * F + f]);
    grid_layer_ptrs_.resize(L);
    std::size_t offset = F * P;
    for (std::size_t l = 0; l < L; ++l) {
        grid_layer_ptrs_[l] = dst + offset;
        offset += cols(net_.layers[l].W) * P;
    }
    fast_mlp_from(net_, grid_net_);
    fast_mlp_forward(grid_net_, dst, P, grid_layer_ptrs_.data());
    // gridOutput is pixel-major (P, K): the output rows, transposed (K is 1 to 3).
    const std::size_t K = cols(net_.layers.back().W);
    const float* out = grid_layer_ptrs_.back();
    grid_output_.resize(P * K);
    for (std::size_t k = 0; k < K; ++k)
        for (std::size_t p = 0; p < P; ++p) grid_output_[p * K + k] = out[k * P + p];
}

Mat TrainingSession::predict(const Mat& xy) {
    if (cols(xy) != 2 || cols(data_.x_train) != 2) throw std::invalid_argument("predict: points need 2 coordinates each");
    if (rows(xy) > limits::kMaxPoints)
        throw std::out_of_range("predict: " + std::to_string(rows(xy)) + " points is over the limit of " +
                                std::to_string(limits::kMaxPoints));
    for (double v : xy) check_finite("predict: coordinates", v);
    Mat x;
    feature_map(xy, config_.features, x);
    return mlp_forward(net_, x, eval_cache_);
}

double TrainingSession::loss_and_gradients(const Mat& xy, const Mat& labels) {
    if (cols(xy) != 2 || cols(labels) != 1 || rows(labels) != rows(xy))
        throw std::invalid_argument("points: need (N, 2) coordinates and (N, 1) labels");
    validate_labels(labels);
    Mat x, t;
    feature_map(xy, config_.features, x);
    encode_targets(labels, data_.classes, encoding_, t);
    MlpCache cache;
    mlp_zero_grad(net_);
    mlp_forward(net_, x, cache);
    return mlp_backward(net_, cache, t);
}

// The layers' dW, db are scratch between steps (the next step zeroes them first, grad_norms_
// was taken after the last step), so the training set's gradient can be left there. Its own
// cache keeps the training and evaluation caches as they were.
double TrainingSession::gradients() {
    if (rows(x_train_) == 0) throw std::invalid_argument("gradients: there are no training points");
    MlpCache cache;
    mlp_zero_grad(net_);
    mlp_forward(net_, x_train_, cache);
    return mlp_backward(net_, cache, t_train_);
}

void TrainingSession::validate_labels(const Mat& labels) const {
    for (std::size_t i = 0; i < rows(labels); ++i) {
        const double v = labels(i, 0);
        check_finite("points: label", v);
        if (data_.classes > 0 && (v != std::floor(v) || v < 0 || v >= static_cast<double>(data_.classes)))
            throw std::out_of_range("points: label " + format_number(v) + " is not a class of this model (0.." +
                                    std::to_string(data_.classes - 1) + ")");
    }
}

void TrainingSession::set_weight(std::size_t layer, std::size_t i, std::size_t j, double value) {
    if (layer >= net_.layers.size())
        throw std::out_of_range("setWeight: layer " + std::to_string(layer) + " is outside 0.." +
                                std::to_string(net_.layers.size() - 1));
    Mat& W = net_.layers[layer].W;
    if (i >= rows(W) || j >= cols(W))
        throw std::out_of_range("setWeight: (" + std::to_string(i) + ", " + std::to_string(j) +
                                ") is outside the " + std::to_string(rows(W)) + " x " + std::to_string(cols(W)) +
                                " weight matrix of layer " + std::to_string(layer));
    check_range("setWeight: value", value, -1e6, 1e6);
    W(i, j) = value;
}

TrainingSession::GradCheckSummary TrainingSession::gradient_check() {
    const std::size_t N = rows(x_train_);
    if (N == 0) throw std::invalid_argument("gradCheck: there are no training points");
    const std::size_t count = std::min(config_.training.batch_size, N);
    Mat xb = zeros(count, cols(x_train_)), tb = zeros(count, cols(t_train_));
    for (std::size_t r = 0; r < count; ++r) {
        for (std::size_t f = 0; f < cols(xb); ++f) xb(r, f) = x_train_(r, f);
        for (std::size_t k = 0; k < cols(tb); ++k) tb(r, k) = t_train_(r, k);
    }
    MlpCache cache;
    auto loss_and_grad = [&]() {
        mlp_zero_grad(net_);
        mlp_forward(net_, xb, cache);
        return mlp_backward(net_, cache, tb);
    };
    auto loss_only = [&]() { return mlp_loss(net_, xb, tb, cache) + mlp_penalty(net_); };
    const GradCheckResult r = gradcheck(params_, loss_and_grad, loss_only);
    mlp_zero_grad(net_);
    GradCheckSummary s{r.max_rel_error, {}, r.nonfinite, r.passed()};
    // params_ are ordered W1, b1, W2, b2, ...: fold each layer's pair into one figure, keeping
    // a NaN (std::max would drop it).
    for (std::size_t p = 0; p < r.per_param.size(); ++p) {
        const double e = r.per_param[p].max_rel_error;
        if (p % 2 == 0) s.per_layer.push_back(e);
        else if (std::isnan(e) || e > s.per_layer.back()) s.per_layer.back() = e;
    }
    return s;
}

void TrainingSession::set_progress(long step) {
    if (step < 0) throw std::out_of_range("progress.step: must be 0 or more");
    step_ = step;
}

// ---- explain mode: one cycle laid open (the math is in explain.cpp) ----

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

    explain_cycle(net_, optimizer_, e);
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
    return explain_chain_rule(net_, e, layer, i, j);
}

Mat TrainingSession::input_jacobian(const Mat& xy) {
    if (cols(xy) != 2 || cols(data_.x_train) != 2) throw std::invalid_argument("jacobian: points need 2 coordinates each");
    if (rows(xy) > limits::kMaxGrid * limits::kMaxGrid)
        throw std::out_of_range("jacobian: too many points (at most " + std::to_string(limits::kMaxGrid * limits::kMaxGrid) + ")");
    for (double v : xy)
        if (!std::isfinite(v)) throw std::invalid_argument("jacobian: coordinates must be finite");
    return explain_input_jacobian(net_, config_.features, xy);
}

}  // namespace bp
