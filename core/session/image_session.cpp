// image_session.cpp: see image_session.hpp.
#include "session/image_session.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "base/kernels.hpp"
#include "base/limits.hpp"
#include "base/validate.hpp"

namespace bp {

const char* image_data_name(ImageDataKind kind) { return kind == ImageDataKind::Uci ? "uci" : "mnist"; }

ImageDataKind image_data_from_name(const std::string& name) {
    if (name == "mnist") return ImageDataKind::Mnist;
    if (name == "uci") return ImageDataKind::Uci;
    throw std::invalid_argument("unknown data '" + name + "' (allowed: mnist, uci)");
}

const char* image_model_name(ImageModelKind kind) {
    switch (kind) {
        case ImageModelKind::Mlp: return "mlp";
        case ImageModelKind::Cnn: return "cnn";
        case ImageModelKind::Autoencoder: return "autoencoder";
    }
    throw std::invalid_argument("image_model_name: invalid ImageModelKind value");
}

ImageModelKind image_model_from_name(const std::string& name) {
    for (ImageModelKind k : {ImageModelKind::Mlp, ImageModelKind::Cnn, ImageModelKind::Autoencoder})
        if (name == image_model_name(k)) return k;
    throw std::invalid_argument("unknown model '" + name + "' (allowed: mlp, cnn, autoencoder)");
}

ImageShape image_data_shape(ImageDataKind kind) {
    return kind == ImageDataKind::Uci ? ImageShape{1, 8, 8} : ImageShape{1, 28, 28};
}

std::vector<LayerSpec> default_image_layers(ImageModelKind kind, std::size_t rows, std::size_t cols,
                                            std::size_t hidden, Activation act, std::size_t code) {
    switch (kind) {
        case ImageModelKind::Mlp:
            return {LayerSpec::dense(hidden), LayerSpec::act(act), LayerSpec::dense(kImageClasses),
                    LayerSpec::act(Activation::Softmax)};
        case ImageModelKind::Cnn:
            return {LayerSpec::conv(8, 5, Padding::Same),  LayerSpec::act(act), LayerSpec::max_pool(),
                    LayerSpec::conv(16, 5, Padding::Same), LayerSpec::act(act), LayerSpec::max_pool(),
                    LayerSpec::flatten(),                  LayerSpec::dense(kImageClasses),
                    LayerSpec::act(Activation::Softmax)};
        case ImageModelKind::Autoencoder:
            return {LayerSpec::dense(hidden), LayerSpec::act(act), LayerSpec::dense(code),
                    LayerSpec::dense(hidden), LayerSpec::act(act), LayerSpec::dense(rows * cols),
                    LayerSpec::act(Activation::Sigmoid)};
    }
    throw std::invalid_argument("default_image_layers: invalid ImageModelKind value");
}

ImageSessionConfig default_image_config(ImageModelKind kind, ImageDataKind data, Activation act) {
    ImageSessionConfig c;
    c.data = data;
    c.model = kind;
    const ImageShape s = image_data_shape(data);
    c.layers = default_image_layers(kind, s.height, s.width, 128, act, 2);
    c.loss = kind == ImageModelKind::Autoencoder ? Loss::SigmoidCrossEntropy : Loss::SoftmaxCrossEntropy;
    c.init = act == Activation::Tanh || act == Activation::Sigmoid ? Init::Glorot : Init::He;
    return c;
}

void validate_image_config(ImageSessionConfig& c) {
    (void)image_data_name(c.data);
    (void)image_model_name(c.model);
    const ImageShape in = image_data_shape(c.data);
    if (c.test_count != 0) check_count("data.testCount", c.test_count, 1, kMaxImages - 1);
    check_count("data.images", c.images, 0, kMaxImages);
    check_count("training.batchSize", c.batch_size, 1, limits::kMaxBatch);
    check_count("training.maxShift", c.max_shift, 0, 3);
    check_range("training.noise", c.noise, 0.0, 1.0);
    (void)noise_kind_name(c.noise_kind);
    (void)init_name(c.init);
    optimizer_validate(c.optimizer);
    const std::vector<ImageShape> shapes = stack_shapes(in, c.layers, c.loss);
    const std::size_t L = c.layers.size();
    if (c.model == ImageModelKind::Autoencoder) {
        if (c.loss == Loss::SoftmaxCrossEntropy)
            fail_arg("model.loss: an autoencoder takes sigmoid_ce or squared, not softmax_ce");
        if (shapes.back().size() != in.size())
            fail_arg("model.layers: an autoencoder's output must have " + stack_shape_text(in) + " = " +
                     std::to_string(in.size()) + " values, not " + std::to_string(shapes.back().size()));
        if (L < 2) fail_arg("model.layers: an autoencoder needs an encoder and a decoder (2 layers or more)");
        // The code: the output of the narrowest layer below the last (the last of them, so a
        // tanh after the bottleneck belongs to the code).
        std::size_t best = 0;
        for (std::size_t l = 0; l + 1 < L; ++l)
            if (shapes[l + 1].size() <= shapes[best + 1].size()) best = l;
        c.code_layer = best;
    } else {
        if (c.loss != Loss::SoftmaxCrossEntropy)
            fail_arg(std::string("model.loss: a classifier takes softmax_ce, not ") + loss_name(c.loss));
        if (shapes.back().size() != kImageClasses)
            fail_arg("model.layers: a classifier of digits needs 10 outputs, not " +
                     std::to_string(shapes.back().size()));
        c.code_layer = 0;
    }
}

// ---- the session -----------------------------------------------------------------------------

ImageSession::ImageSession(const ImageSessionConfig& config, const ImageSet& data)
    : config_(config), optimizer_(config.optimizer), snapshot_optimizer_(config.optimizer) {
    validate_image_config(config_);
    const ImageShape want = image_data_shape(config_.data);
    if (data.rows != want.height || data.cols != want.width)
        fail_arg(std::string("data: the ") + image_data_name(config_.data) + " images are " +
                 size_text(want.height, want.width) + ", these are " + size_text(data.rows, data.cols));
    if (config_.images != 0 && data.count() != config_.images)
        fail_arg("data.images: the model was made for " + std::to_string(config_.images) +
                 " images, this data set has " + std::to_string(data.count()));
    if (data.count() < 2) fail_arg("data: at least 2 images are needed to split");
    data_count_ = data.count();
    config_.images = data_count_;
    const std::size_t test = config_.test_count ? config_.test_count : default_test_count(data.count());
    check_count("data.testCount", test, 1, data.count() - 1);
    split_ = split_image_set(data, test, config_.split_seed);
    build();
}

namespace {
ImageSet parse_checked(const std::uint8_t* bytes, std::size_t size) { return parse_image_set(bytes, size); }
}  // namespace

ImageSession::ImageSession(const ImageSessionConfig& config, const std::uint8_t* bytes, std::size_t size)
    : ImageSession(config, parse_checked(bytes, size)) {}

void ImageSession::build() {
    Rng rng(config_.init_seed);
    stack_build(stack_, image_data_shape(config_.data), config_.layers, config_.loss, config_.init, rng);
    optimizer_ = Optimizer(config_.optimizer);
    step_ = 0;
    last_lr_ = 0;
    test_probs_step_ = -1;
}

void ImageSession::reset() { build(); }

std::size_t ImageSession::code_size() const {
    return is_autoencoder() ? stack_.layers[config_.code_layer].out.size() : 0;
}

std::size_t ImageSession::steps_per_epoch() const {
    const std::size_t n = split_.train.count(), b = config_.batch_size;
    return (n + b - 1) / b;
}

void ImageSession::update_training(const OptimizerConfig& optimizer, std::size_t batch_size, bool augment,
                                   std::size_t max_shift, double noise, NoiseKind noise_kind) {
    ImageSessionConfig next = config_;
    next.optimizer = optimizer;
    next.batch_size = batch_size;
    next.augment = augment;
    next.max_shift = max_shift;
    next.noise = noise;
    next.noise_kind = noise_kind;
    validate_image_config(next);
    optimizer_.set_config(optimizer);
    config_ = next;
}

void ImageSession::set_progress(long step) {
    if (step < 0) throw std::out_of_range("progress.step: must be 0 or more");
    step_ = step;
    test_probs_step_ = -1;
}

void ImageSession::shuffle_for_epoch(long epoch) {
    if (epoch == order_epoch_) return;
    // Each epoch visits the training images in its own order, drawn from a generator seeded by
    // (training seed, epoch), as TrainingSession does.
    Rng rng(config_.train_seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(epoch));
    order_.resize(split_.train.count());
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    rng.shuffle(order_);
    order_epoch_ = epoch;
}

// Targets of rows first .. first+count−1 of a set: one-hot classes, or the pixels themselves.
void ImageSession::make_targets(const Mat& src, std::size_t first, std::size_t count, Mat& t) const {
    if (is_autoencoder()) {
        ensure_shape(t, count, cols(src));
        std::copy(src.data() + first * cols(src), src.data() + (first + count) * cols(src), t.data());
        return;
    }
    ensure_shape(t, count, kImageClasses);
    fill_zero(t);
    for (std::size_t r = 0; r < count; ++r) t(r, static_cast<std::size_t>(src(first + r, 0))) = 1.0;
}

ImageStepStats ImageSession::step(std::size_t n) {
    check_count("steps", n, 1, limits::kMaxSteps);
    ParamList ps = params();
    snapshot_.resize(ps.size());
    for (std::size_t p = 0; p < ps.size(); ++p) snapshot_[p] = *ps[p].value;
    snapshot_optimizer_ = optimizer_;
    const long step_before = step_;

    const ImageSet& train = split_.train;
    const std::size_t N = train.count(), D = cols(train.pixels), B = config_.batch_size;
    const std::size_t per_epoch = steps_per_epoch();
    bool diverged = false;
    double loss_sum = 0;
    std::size_t done = 0;
    for (std::size_t s = 0; s < n; ++s) {
        shuffle_for_epoch(static_cast<long>(static_cast<std::size_t>(step_) / per_epoch));
        const std::size_t start = (static_cast<std::size_t>(step_) % per_epoch) * B;
        const std::size_t count = std::min(B, N - start);
        ensure_shape(x_batch_, count, D);
        for (std::size_t r = 0; r < count; ++r) {
            const std::size_t i = order_[start + r];
            std::copy(train.pixels.data() + i * D, train.pixels.data() + (i + 1) * D, x_batch_.data() + r * D);
        }
        // The shifts and the noise of this step come from (training seed, step): resumable.
        Rng rng((config_.train_seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(step_)) ^
                0xd1b54a32d192ed03ULL);
        const Mat* clean = &x_batch_;
        if (config_.augment && config_.max_shift > 0) {
            random_shifts(x_batch_, train.rows, train.cols, config_.max_shift, rng, x_shifted_);
            clean = &x_shifted_;
        }
        if (is_autoencoder()) make_targets(*clean, 0, count, t_batch_);  // the clean (shifted) image
        else {
            ensure_shape(t_batch_, count, kImageClasses);
            fill_zero(t_batch_);
            for (std::size_t r = 0; r < count; ++r)
                t_batch_(r, static_cast<std::size_t>(train.labels(order_[start + r], 0))) = 1.0;
        }
        const Mat* input = clean;
        if (config_.noise > 0.0) {
            add_input_noise(*clean, config_.noise_kind, config_.noise, rng, x_noisy_);
            input = &x_noisy_;
        }
        stack_zero_grad(stack_);
        stack_forward(stack_, *input, cache_);
        const double loss = stack_backward(stack_, cache_, t_batch_);
        if (!std::isfinite(loss)) { diverged = true; break; }
        optimizer_.step(ps);
        last_lr_ = optimizer_.last_learning_rate();
        loss_sum += loss;
        ++done;
        ++step_;
    }
    // A non-finite weight, or an optimizer slot that overflowed (Adam's v holds g²), is divergence.
    if (!diverged && (!params_finite(ps) || !optimizer_state_finite(optimizer_.state()))) diverged = true;
    ImageStepStats st;
    if (diverged) {
        for (std::size_t p = 0; p < ps.size(); ++p) *ps[p].value = snapshot_[p];
        optimizer_ = snapshot_optimizer_;
        step_ = step_before;
        st.diverged = true;
        st.message = "Training diverged: the loss, a weight or the optimizer's state became infinite or NaN at "
                     "learning rate " + format_number(optimizer_.config().learning_rate) +
                     ". The weights from before this step were restored and training paused. Try a smaller "
                     "learning rate or turn on gradient clipping.";
        done = 0;
    }
    st.step = step_;
    st.examples = static_cast<double>(step_) * static_cast<double>(B);
    st.epoch = st.examples / static_cast<double>(N);
    st.train_loss = done ? loss_sum / static_cast<double>(done) : std::numeric_limits<double>::quiet_NaN();
    st.learning_rate = last_lr_;
    st.clip_count = optimizer_.clip_count();
    test_probs_step_ = -1;
    return st;
}

namespace {
constexpr std::size_t kChunk = 250;  // images per forward pass when evaluating (bounds the memory)

void copy_rows(const Mat& src, std::size_t first, std::size_t count, Mat& dst) {
    ensure_shape(dst, count, cols(src));
    std::copy(src.data() + first * cols(src), src.data() + (first + count) * cols(src), dst.data());
}
}  // namespace

ImageEval ImageSession::evaluate_on(const ImageSet& set, std::size_t count, bool keep) {
    ImageEval e;
    e.step = step_;
    e.count = count;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    e.accuracy = nan;
    e.reconstruction_mse = nan;
    if (keep) test_probs_.assign(count * kImageClasses, 0.0);
    double loss = 0, sq = 0;
    std::size_t right = 0;
    for (std::size_t first = 0; first < count; first += kChunk) {
        const std::size_t m = std::min(kChunk, count - first);
        copy_rows(set.pixels, first, m, chunk_x_);
        if (is_autoencoder()) copy_rows(set.pixels, first, m, chunk_t_);
        else make_targets(set.labels, first, m, chunk_t_);
        const Mat& out = stack_forward(stack_, chunk_x_, eval_cache_);
        loss += loss_value(stack_.loss, out, chunk_t_) * static_cast<double>(m);
        if (is_autoencoder()) {
            for (std::size_t i = 0; i < out.size(); ++i) {
                const double d = out.data()[i] - chunk_x_.data()[i];
                sq += d * d;
            }
            continue;
        }
        for (std::size_t r = 0; r < m; ++r) {
            std::size_t best = 0;
            for (std::size_t k = 1; k < kImageClasses; ++k)
                if (out(r, k) > out(r, best)) best = k;
            if (best == static_cast<std::size_t>(set.labels(first + r, 0))) ++right;
            if (keep)
                for (std::size_t k = 0; k < kImageClasses; ++k) test_probs_[(first + r) * kImageClasses + k] = out(r, k);
        }
    }
    const double N = static_cast<double>(count);
    e.loss = loss / N;
    if (is_autoencoder()) e.reconstruction_mse = sq / (N * static_cast<double>(cols(set.pixels)));
    else e.accuracy = static_cast<double>(right) / N;
    if (keep && !is_autoencoder()) test_probs_step_ = step_;
    return e;
}

ImageEval ImageSession::evaluate() { return evaluate_on(split_.test, split_.test.count(), true); }

ImageEval ImageSession::evaluate_train(std::size_t count) {
    const std::size_t N = split_.train.count();
    check_count("count", count, 0, N);
    return evaluate_on(split_.train, count ? count : N, false);
}

void ImageSession::check_pixels(const std::vector<double>& pixels, const char* who) const {
    const std::size_t D = image_data_shape(config_.data).size();
    if (pixels.size() != D)
        fail_arg(std::string(who) + ": " + std::to_string(pixels.size()) + " pixels given, the " +
                 image_data_name(config_.data) + " images have " + std::to_string(D));
    for (std::size_t i = 0; i < D; ++i) check_range(std::string(who) + ": pixel " + std::to_string(i), pixels[i], 0.0, 1.0);
}

namespace {
void to_row(const std::vector<double>& v, Mat& m) {
    ensure_shape(m, 1, v.size());
    std::copy(v.begin(), v.end(), m.data());
}
std::vector<double> from_mat(const Mat& m) { return std::vector<double>(m.data(), m.data() + m.size()); }
}  // namespace

std::vector<double> ImageSession::predict(const std::vector<double>& pixels) {
    if (is_autoencoder()) fail_arg("predict: an autoencoder has no classes (use reconstruct)");
    check_pixels(pixels, "predict");
    to_row(pixels, one_);
    return from_mat(stack_forward(stack_, one_, eval_cache_));
}

std::vector<double> ImageSession::saliency(const std::vector<double>& pixels, std::size_t cls) {
    if (is_autoencoder()) fail_arg("saliency: an autoencoder has no classes");
    check_pixels(pixels, "saliency");
    check_count("saliency: class", cls, 0, kImageClasses - 1);
    to_row(pixels, one_);
    stack_forward(stack_, one_, eval_cache_);
    // F = p_cls: its gradient w.r.t. the softmax output is e_cls, then back through the softmax's
    // Jacobian and every layer to the pixels. (Not the loss: the saliency of a class probability.)
    Mat g = zeros(1, kImageClasses);
    g(0, cls) = 1.0;
    stack_backward_from(stack_, eval_cache_, stack_.layers.size() - 1, g, true);
    return from_mat(eval_cache_.dx);
}

std::vector<std::size_t> ImageSession::confusion() {
    if (is_autoencoder()) fail_arg("confusion: an autoencoder has no classes");
    if (test_probs_step_ != step_) evaluate();
    std::vector<std::size_t> m(kImageClasses * kImageClasses, 0);
    const ImageSet& t = split_.test;
    for (std::size_t i = 0; i < t.count(); ++i) {
        const double* p = test_probs_.data() + i * kImageClasses;
        const std::size_t pred = static_cast<std::size_t>(std::max_element(p, p + kImageClasses) - p);
        ++m[static_cast<std::size_t>(t.labels(i, 0)) * kImageClasses + pred];
    }
    return m;
}

std::vector<Misclassified> ImageSession::misclassified(std::size_t max_count) {
    if (is_autoencoder()) fail_arg("misclassified: an autoencoder has no classes");
    if (test_probs_step_ != step_) evaluate();
    std::vector<Misclassified> out;
    const ImageSet& t = split_.test;
    for (std::size_t i = 0; i < t.count() && out.size() < max_count; ++i) {
        const double* p = test_probs_.data() + i * kImageClasses;
        std::size_t idx[kImageClasses];
        std::iota(idx, idx + kImageClasses, std::size_t{0});
        // Best first; equal probabilities keep the lower class first.
        std::stable_sort(idx, idx + kImageClasses, [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
        const std::size_t label = static_cast<std::size_t>(t.labels(i, 0));
        if (idx[0] == label) continue;
        Misclassified m;
        m.index = i;
        m.label = label;
        for (int k = 0; k < 3; ++k) {
            m.top[k] = idx[k];
            m.probability[k] = p[idx[k]];
        }
        out.push_back(m);
    }
    return out;
}

const ImageTrace& ImageSession::trace(const std::vector<double>& pixels, long label) {
    check_pixels(pixels, "trace");
    if (!is_autoencoder() && (label < -1 || label >= static_cast<long>(kImageClasses)))
        fail_range("trace: label " + std::to_string(label) + " is outside -1..9");
    to_row(pixels, one_);
    const Mat& out = stack_forward(stack_, one_, eval_cache_);
    Mat target;
    if (is_autoencoder()) {
        target = one_;
        trace_.target = 0;
    } else {
        std::size_t t = 0;
        if (label >= 0) t = static_cast<std::size_t>(label);
        else
            for (std::size_t k = 1; k < kImageClasses; ++k)
                if (out(0, k) > out(0, t)) t = k;
        target = zeros(1, kImageClasses);
        target(0, t) = 1.0;
        trace_.target = t;
    }
    stack_zero_grad(stack_);
    trace_.loss = stack_backward(stack_, eval_cache_, target, true);
    const std::size_t L = stack_.layers.size();
    trace_.input = pixels;
    trace_.input_delta = from_mat(eval_cache_.dx);
    trace_.layers.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        const StackLayer& layer = stack_.layers[l];
        ImageLayerTrace& lt = trace_.layers[l];
        lt.text = layer_text(layer.spec, layer.in);
        lt.kind = layer.spec.kind;
        lt.shape = layer.out;
        lt.output = from_mat(eval_cache_.a[l]);
        const bool skipped = l + 1 == L && loss_is_fused(stack_.loss);
        lt.delta = skipped ? std::vector<double>{} : from_mat(eval_cache_.delta[l]);
    }
    return trace_;
}

std::vector<double> ImageSession::encode_test() {
    if (!is_autoencoder()) fail_arg("encode: only an autoencoder has a code");
    const ImageSet& t = split_.test;
    const std::size_t code = code_size();
    std::vector<double> codes(t.count() * code);
    for (std::size_t first = 0; first < t.count(); first += kChunk) {
        const std::size_t m = std::min(kChunk, t.count() - first);
        copy_rows(t.pixels, first, m, chunk_x_);
        stack_forward(stack_, chunk_x_, eval_cache_);  // (the decoder half runs too: cheap)
        const Mat& c = eval_cache_.a[config_.code_layer];
        std::copy(c.data(), c.data() + m * code, codes.data() + first * code);
    }
    return codes;
}

std::vector<double> ImageSession::decode(const std::vector<double>& code) {
    if (!is_autoencoder()) fail_arg("decode: only an autoencoder has a decoder");
    const std::size_t n = code_size();
    if (code.size() != n)
        fail_arg("decode: " + std::to_string(code.size()) + " numbers given, the code has " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) check_range("decode: code " + std::to_string(i), code[i], -1e6, 1e6);
    to_row(code, one_);
    return from_mat(stack_forward_from(stack_, config_.code_layer + 1, one_, eval_cache_));
}

std::vector<double> ImageSession::reconstruct(const std::vector<double>& pixels) {
    if (!is_autoencoder()) fail_arg("reconstruct: only an autoencoder reconstructs");
    check_pixels(pixels, "reconstruct");
    to_row(pixels, one_);
    return from_mat(stack_forward(stack_, one_, eval_cache_));
}

double ImageSession::gradients() {
    const ImageSet& train = split_.train;
    const std::size_t N = train.count();
    stack_zero_grad(stack_);
    double loss = 0;
    for (std::size_t first = 0; first < N; first += kChunk) {
        const std::size_t m = std::min(kChunk, N - first);
        copy_rows(train.pixels, first, m, chunk_x_);
        if (is_autoencoder()) copy_rows(train.pixels, first, m, chunk_t_);
        else make_targets(train.labels, first, m, chunk_t_);
        stack_forward(stack_, chunk_x_, eval_cache_);
        // The chunk's mean loss weighs m/N: the chunks add up to the mean over all N images.
        loss += stack_backward(stack_, eval_cache_, chunk_t_, false, static_cast<double>(m) / static_cast<double>(N));
    }
    return loss;
}

}  // namespace bp
