// image_session.hpp: a training session for image networks on the handwritten digits (MNIST
// 28×28 or UCI 8×8), on the one layer-stack engine (layer_stack.hpp). The digits page's worker,
// the benchmarks (W4, W5) and the tests drive it.
//
//   model "mlp"          dense H, f, dense 10, softmax              softmax cross-entropy
//   model "cnn"          conv and pool layers, a dense head, softmax  softmax cross-entropy
//   model "autoencoder"  encoder down to a code of a few units (2 by default, so it can be drawn),
//                        decoder back to R·C pixels with a sigmoid output; per-pixel binary
//                        cross-entropy (fused with the sigmoid) or squared error; trained to
//                        reproduce its input. Denoising: noise on the input, the clean image is
//                        the target.
//
//   step(n)      n mini-batch steps of  batch -> (random shifts) -> (input noise) -> forward ->
//                loss -> backward -> update. The batch order of epoch e is a shuffle seeded by
//                (training seed, e), and the shifts and the noise of step s are drawn from a
//                generator seeded by (training seed, s): the step count alone says where a run
//                is, so a model file resumes it exactly.
//   evaluate()   the 2,000 (MNIST) or 359 (UCI) test digits: loss, accuracy or reconstruction
//                error, and the predictions behind confusion() and misclassified()
//   predict, saliency, trace, encode, decode: one digit or the test set through the network
//
// Divergence is handled as in the other sessions: a non-finite loss, weight or optimizer slot
// restores the weights and optimizer from before the step(n) call and is reported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/image_data.hpp"
#include "nn/layer_stack.hpp"
#include "nn/optimizers.hpp"

namespace bp {

enum class ImageDataKind { Mnist, Uci };
const char* image_data_name(ImageDataKind kind);              // "mnist" "uci"
ImageDataKind image_data_from_name(const std::string& name);  // std::invalid_argument if unknown

enum class ImageModelKind { Mlp, Cnn, Autoencoder };
const char* image_model_name(ImageModelKind kind);               // "mlp" "cnn" "autoencoder"
ImageModelKind image_model_from_name(const std::string& name);   // std::invalid_argument if unknown

struct ImageSessionConfig {
    ImageDataKind data = ImageDataKind::Mnist;
    std::size_t test_count = 0;       // 0: default_test_count(N) (2,000 of MNIST's 10,000)
    std::uint64_t split_seed = 1;     // the train/test split
    std::size_t images = 0;           // N the model was made for; 0 = any (model files set it)

    ImageModelKind model = ImageModelKind::Mlp;
    std::vector<LayerSpec> layers;    // the network; empty: default_image_layers(...)
    Loss loss = Loss::SoftmaxCrossEntropy;  // classifiers: softmax_ce; autoencoder: sigmoid_ce or squared
    Init init = Init::He;
    std::uint64_t init_seed = 1;      // initial weights
    std::size_t code_layer = 0;       // autoencoder: the layer whose output is the code (set by
                                      // validation: the last of the narrowest layers)

    OptimizerConfig optimizer{OptimizerKind::Adam, 0.001};
    std::size_t batch_size = 32;
    bool augment = false;             // random shifts of every training image
    std::size_t max_shift = 2;        // ±pixels, 0..3
    double noise = 0.0;               // input noise level, 0..1 (denoising autoencoder)
    NoiseKind noise_kind = NoiseKind::Gaussian;
    std::uint64_t train_seed = 1;     // batch order, shifts, noise
};

// The default network of a model kind for images of rows × cols (1 channel):
//   mlp          dense hidden, act, dense 10, softmax                      (784-128-10 relu)
//   cnn          the W4 CNN: conv(1→8, 5×5, same), relu, max_pool, conv(8→16, 5×5, same), relu,
//                max_pool, flatten, dense(16·⌊R/4⌋·⌊C/4⌋ → 10), softmax    (dense 784→10 on MNIST)
//   autoencoder  dense hidden, act, dense code, dense hidden, act, dense R·C, sigmoid
//                (784-128-2-128-784; the code layer is linear)
std::vector<LayerSpec> default_image_layers(ImageModelKind kind, std::size_t rows, std::size_t cols,
                                            std::size_t hidden = 128, Activation act = Activation::Relu,
                                            std::size_t code = 2);

// A complete config for a model kind and data set: its default layers, loss (softmax_ce, or
// sigmoid_ce for the autoencoder), init (He for ReLU, Glorot for tanh) and the rest as above.
ImageSessionConfig default_image_config(ImageModelKind kind, ImageDataKind data, Activation act = Activation::Relu);

// Rows × cols of a data set: 28×28, 8×8.
ImageShape image_data_shape(ImageDataKind kind);

// Checks every field (messages name it: "training.batchSize: 0 is outside 1..1024") and the
// layers (stack_shapes, on image_data_shape(data)); for an autoencoder the output must have R·C
// values and the loss be sigmoid_ce or squared; classifiers need 10 outputs and softmax_ce.
// Sets code_layer. Throws std::out_of_range / std::invalid_argument.
void validate_image_config(ImageSessionConfig& config);

struct ImageStepStats {
    long step = 0;
    double epoch = 0;
    double examples = 0;        // training images seen
    double train_loss = 0;      // mean of the batch losses of this step(n) call (NaN for none)
    double learning_rate = 0;   // η of the last step
    long clip_count = 0;
    bool diverged = false;
    std::string message;
};

struct ImageEval {
    long step = 0;
    double loss = 0;                // the training loss function on these images (clean)
    double accuracy = 0;            // classifiers: fraction right; autoencoder NaN
    double reconstruction_mse = 0;  // autoencoder: mean over images and pixels of (x̂ − x)²; else NaN
    std::size_t count = 0;          // images evaluated
};

struct Misclassified {
    std::size_t index = 0;   // test image index
    std::size_t label = 0;   // true class
    std::size_t top[3] = {0, 0, 0};      // the three most probable classes, best first
    double probability[3] = {0, 0, 0};   // and their probabilities
};

// One layer of trace(): its output for the digit and ∂L/∂output (the δ map).
struct ImageLayerTrace {
    std::string text;              // "conv2d 1→8 5×5 same", "relu", "max_pool 2×2"
    LayerKind kind = LayerKind::Dense;
    ImageShape shape;              // C×Ho×Wo of the output
    std::vector<double> output;    // a[l], NCHW, shape.size() values
    std::vector<double> delta;     // ∂L/∂a[l]; empty for the last layer under a fused loss
};

struct ImageTrace {
    std::vector<double> input;     // the digit, R·C
    std::vector<ImageLayerTrace> layers;
    std::vector<double> input_delta;  // ∂L/∂x
    std::size_t target = 0;        // the class used as the target (classifiers)
    double loss = 0;
};

class ImageSession {
public:
    // Validates the config (changing it only by filling code_layer), checks that the data is of
    // the config's kind (image size, and the image count when config.images > 0), splits it and
    // builds the network. Throws, building nothing.
    ImageSession(const ImageSessionConfig& config, const ImageSet& data);
    ImageSession(const ImageSessionConfig& config, const std::uint8_t* bytes, std::size_t size);

    ImageStepStats step(std::size_t n);
    std::size_t steps_per_epoch() const;
    void reset();  // weights from init_seed, optimizer and step count to zero

    // Live change of the optimizer block, batch size, augmentation and noise (the network stays).
    void update_training(const OptimizerConfig& optimizer, std::size_t batch_size, bool augment,
                         std::size_t max_shift, double noise, NoiseKind noise_kind);

    // The test set (clean), in chunks; keeps the test predictions for confusion/misclassified.
    ImageEval evaluate();
    // The first `count` training images (0 = all), clean (no shifts, no noise).
    ImageEval evaluate_train(std::size_t count);

    // Classifiers. pixels: R·C intensities in [0, 1], row-major.
    std::vector<double> predict(const std::vector<double>& pixels);               // 10 probabilities
    std::vector<double> saliency(const std::vector<double>& pixels, std::size_t cls);  // ∂p_cls/∂x, R·C
    // confusion[t·10 + p]: test images of class t predicted p, from the last evaluate() (run
    // now if the weights changed since).
    std::vector<std::size_t> confusion();
    std::vector<Misclassified> misclassified(std::size_t max_count);

    // One digit through the network and back: every layer's output and δ map. label: the target
    // class (0..9), or −1 for the predicted one; ignored by the autoencoder (the target is the
    // digit). Leaves this digit's ∂L/∂θ in the parameters' gradients (scratch until the next step).
    const ImageTrace& trace(const std::vector<double>& pixels, long label);

    // Autoencoder. encode_test(): the code of every test image, (N_test, code) row-major.
    std::vector<double> encode_test();
    std::vector<double> decode(const std::vector<double>& code);  // R·C pixels
    std::vector<double> reconstruct(const std::vector<double>& pixels);
    std::size_t code_size() const;

    // The loss over ALL training images (clean) for the current weights, returned, and its
    // exact gradient ∂L/∂θ left in the grad of every entry of params() (conv1.W, ..., named as in
    // model files). Computed in chunks weighted n/N. Changes nothing else.
    double gradients();

    const ImageSessionConfig& config() const { return config_; }
    const LayerStack& stack() const { return stack_; }
    ParamList params() { return stack_params(stack_); }
    Optimizer& optimizer() { return optimizer_; }
    const Optimizer& optimizer() const { return optimizer_; }
    long steps_taken() const { return step_; }
    void set_progress(long step);  // model files
    const ImageSet& train_set() const { return split_.train; }
    const ImageSet& test_set() const { return split_.test; }
    std::size_t data_count() const { return data_count_; }  // N of the data set given

private:
    void build();
    void check_pixels(const std::vector<double>& pixels, const char* who) const;
    void shuffle_for_epoch(long epoch);
    void make_targets(const Mat& labels_or_pixels, std::size_t first, std::size_t count, Mat& t) const;
    ImageEval evaluate_on(const ImageSet& set, std::size_t count, bool keep_predictions);
    bool is_autoencoder() const { return config_.model == ImageModelKind::Autoencoder; }

    ImageSessionConfig config_;
    std::size_t data_count_ = 0;
    ImageSplit split_;
    LayerStack stack_;
    StackCache cache_, eval_cache_;
    Optimizer optimizer_;
    Optimizer snapshot_optimizer_;
    std::vector<Mat> snapshot_;
    long step_ = 0;
    double last_lr_ = 0;
    std::vector<std::size_t> order_;
    long order_epoch_ = -1;
    Mat x_batch_, x_shifted_, x_noisy_, t_batch_, one_, chunk_x_, chunk_t_;
    std::vector<double> test_probs_;  // (N_test, 10) from the last evaluate()
    long test_probs_step_ = -1;       // the step they belong to (−1: none)
    ImageTrace trace_;
};

}  // namespace bp
