// session.hpp: a training session, the one object the page, the CLI and the benchmarks drive.
//
// It holds a network (Mlp), its data (a 2-D toy dataset mapped through the chosen input
// features), an optimizer and the metrics, and owns every buffer the page reads:
//
//   step(n)          n mini-batch steps of  forward -> loss -> backward -> update
//   evaluate_grid()  the network over a G x G grid of the input plane in one batched pass,
//                    keeping every neuron's output (the page's neuron thumbnails)
//
// Divergence: a non-finite loss (of a batch, or over the training or test set after the call),
// weight or optimizer slot after any step of a step(n) call is a divergence: the session puts
// back the state from before the call (weights, optimizer state, step count, grad norms) and
// reports it in StepStats; nothing else changes. So the session can always save and load its
// own export. Invalid configurations throw before anything is changed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/datasets.hpp"
#include "session/explain.hpp"
#include "nn/fast_forward.hpp"
#include "nn/gradcheck.hpp"
#include "nn/mlp.hpp"
#include "nn/optimizers.hpp"
#include "base/tensor.hpp"

namespace bp {

enum class Regularization { None, L1, L2 };
const char* regularization_name(Regularization r);
Regularization regularization_from_name(const std::string& name);

// The network part of a session's configuration. `output` and `loss` may be left to "auto":
// sigmoid + cross-entropy for two classes, softmax + cross-entropy for three or more,
// linear + squared error for regression.
struct NetworkSpec {
    std::vector<std::size_t> hidden{8, 8};
    std::vector<Activation> activations{Activation::Tanh, Activation::Tanh};  // one per hidden layer
    std::string output = "auto";  // auto | sigmoid | tanh | softmax | linear
    std::string loss = "auto";    // auto | squared | sigmoid_ce | softmax_ce
    Init init = Init::Glorot;
    std::uint64_t seed = 1;
};

struct TrainingSpec {
    OptimizerConfig optimizer;
    std::size_t batch_size = 10;
    Regularization regularization = Regularization::None;
    double regularization_rate = 0.0;
    std::uint64_t seed = 1;  // mini-batch order
};

struct SessionConfig {
    DatasetConfig dataset;
    unsigned features = X1 | X2;
    NetworkSpec network;
    TrainingSpec training;
};

// Throws std::invalid_argument / std::out_of_range naming the field; returns normally if the
// whole configuration is usable.
void validate_config(const SessionConfig& config);

struct StepStats {
    long step = 0;             // mini-batch steps taken since the last reset
    double epoch = 0;          // step * batch / training points
    double examples = 0;       // training examples seen
    double train_loss = 0;     // data loss (no regularization term) over the whole training set
    double test_loss = 0;
    double train_accuracy = 0; // NaN for regression
    double test_accuracy = 0;
    double learning_rate = 0;  // the scheduled rate of the last step
    bool diverged = false;
    std::string message;       // set when diverged: what happened and what to try
};

// How the network is laid out, for the page's diagram.
struct LayerInfo {
    std::size_t size;
    Activation activation;
};

class TrainingSession {
public:
    explicit TrainingSession(const SessionConfig& config);
    // A session on data given from outside (for example the 8x8 digits, 64 inputs) instead of
    // the data config.dataset would generate. Inputs wider than 2 are used as they are (the
    // feature maps are for the 2-D plane); such a session cannot be saved as a model file.
    TrainingSession(const SessionConfig& config, Dataset data);
    bool has_external_data() const { return external_data_; }

    // n mini-batch steps (1 <= n <= limits::kMaxSteps).
    StepStats step(std::size_t n);
    // Metrics of the current weights (computed on demand, no training).
    StepStats stats();
    std::size_t steps_per_epoch() const;

    // Re-initialise weights (same seed) and optimizer state; epoch 0. Data unchanged.
    void reset();
    // Change the training part (learning rate, optimizer, regularization, batch size) live.
    // A pending explanation is made again with the new settings (its points kept).
    void update_training(const TrainingSpec& training);
    // Replace the data with user points (x, y, label-or-target); the dataset becomes Custom.
    // Re-initialises the network when the number of outputs changes.
    void set_points(const std::vector<std::array<double, 3>>& points);

    // The network over a G x G grid: row 0 is y = y1 (top of the picture), column 0 is x = x0.
    void evaluate_grid(std::size_t G, double x0, double x1, double y0, double y1);
    // float32: the drawing path (fast_forward.hpp), about 1e-6 from the float64 network.
    const std::vector<float>& grid_output() const { return grid_output_; }    // (G*G, K) row-major
    const std::vector<float>& grid_neurons() const { return grid_neurons_; }  // node-major, G*G each
    std::size_t grid_size() const { return grid_size_; }

    // Predictions for raw 2-D points (N, 2) -> (N, K).
    Mat predict(const Mat& xy);
    // Loss (with regularization) of raw points (N, 2) with labels (N, 1); leaves every
    // parameter's gradient in the network's dW / db (the CLI's `grad` command).
    double loss_and_gradients(const Mat& xy, const Mat& labels);

    // Gradients from outside (to check the core against finite differences or another
    // framework), as SequenceSession::gradients: the objective over ALL training points for the
    // current weights, returned, and its exact gradient ∂L/∂θ left in the grad of every entry of
    // params() (W1, b1, W2, b2, ..., the model file's layers in order). The objective is the
    // data loss plus the regularization penalty (so with regularization none it is
    // stats().train_loss, up to rounding). Changes nothing else: not the weights, the optimizer,
    // the step count, the stats, grad_norms() or the explained trace. Throws
    // std::invalid_argument when there are no training points.
    double gradients();
    // W1, b1, W2, b2, ... (values and gradients), borrowed from the network.
    ParamList params() { return mlp_params(net_); }

    const SessionConfig& config() const { return config_; }
    const Mlp& network() const { return net_; }
    Mlp& network() { return net_; }
    const Dataset& data() const { return data_; }
    Optimizer& optimizer() { return optimizer_; }
    const Optimizer& optimizer() const { return optimizer_; }
    std::vector<LayerInfo> layout() const;  // hidden layers then the output layer
    std::size_t input_width() const;
    std::size_t classes() const { return data_.classes; }
    TargetEncoding target_encoding() const { return encoding_; }

    // One weight, W of `layer` at (i, j); value must be finite.
    void set_weight(std::size_t layer, std::size_t i, std::size_t j, double value);
    // ||dW||_2 of each layer after the last step.
    const std::vector<double>& grad_norms() const { return grad_norms_; }

    // Gradient check of the whole network on the first mini-batch of the training set.
    // max_rel_error and a layer's figure are NaN when any of its entries is non-finite (see
    // gradcheck.hpp); passed is the verdict (gradcheck's passed(1e-6)).
    struct GradCheckSummary {
        double max_rel_error;
        std::vector<double> per_layer;
        std::size_t nonfinite = 0;
        bool passed = false;
    };
    GradCheckSummary gradient_check();

    // ---- explain mode (explain.cpp, explain.hpp) ----
    // One backprop cycle on the given raw points (N,2) and labels (N,1): every z, a, δ, gradient
    // and the Δw the optimizer would apply. Changes nothing.
    const ExplainTrace& explain(const Mat& xy, const Mat& labels);
    // The same for the mini-batch the next training step would use.
    const ExplainTrace& explain_next_batch();
    // Apply the explained update as one training step (weights, optimizer state, step count).
    // Throws, changing nothing, when that update leaves a weight or optimizer slot non-finite.
    void commit_explained();
    const ExplainTrace& explained() const { return explained_; }
    // ∂L/∂W_layer(i, j) on the explained points, written out, with the numeric gradient.
    ChainRule chain_rule(std::size_t layer, std::size_t i, std::size_t j);
    // ∂output_k/∂(x, y) at raw points (N,2): (N, K·2) with columns (k, x), (k, y) for k = 0..K-1.
    Mat input_jacobian(const Mat& xy);

    // Restore progress counters (used by model files).
    void set_progress(long step);
    long steps_taken() const { return step_; }

private:
    void build_targets();
    void shuffle_for_epoch(long epoch);
    void gather_batch(std::size_t start, std::size_t count);
    StepStats make_stats();
    double evaluate(const Mat& x, const Mat& target, const Mat& labels, double* accuracy);
    bool weights_finite() const;
    void validate_labels(const Mat& labels) const;

    SessionConfig config_;
    bool external_data_ = false;
    Dataset data_;
    TargetEncoding encoding_ = TargetEncoding::ZeroOne;
    Mat x_train_, x_test_;            // (N, F) inputs after the feature map
    Mat t_train_, t_test_;            // (N, K) encoded targets
    Mlp net_;
    MlpCache cache_;                  // training
    MlpCache eval_cache_;             // metrics and grid, so training caches stay inspectable
    Optimizer optimizer_;
    ParamList params_;
    std::vector<std::size_t> order_;  // shuffled training indices of epoch order_epoch_
    long order_epoch_ = -1;
    long step_ = 0;
    double last_lr_ = 0;
    Mat x_batch_, t_batch_;           // (B, F), (B, K)
    std::vector<double> grad_norms_;
    // divergence snapshot, reused between calls
    std::vector<Mat> snapshot_values_;
    Optimizer snapshot_optimizer_;
    std::vector<double> snapshot_grad_norms_;
    ExplainTrace explained_;
    // grid buffers
    std::size_t grid_size_ = 0;
    Mat grid_xy_, grid_x_;
    FastMlp grid_net_;
    std::vector<float*> grid_layer_ptrs_;  // into grid_neurons_
    std::vector<float> grid_output_, grid_neurons_;
};

}  // namespace bp
