// Tests for core/image_session.hpp and core/image_io.hpp on the real digit files that
// scripts/build-digits-data.mjs writes to web/data/ (skipped with a warning when absent): config
// parsing and its messages, determinism, seeded training runs reaching a measured accuracy,
// saliency and gradients() against central differences, divergence restore, the model-file round
// trip, the autoencoder (code, decode, denoising), confusion matrix and misclassified list.
// The measurements (W4 speed on MNIST, accuracy after some epochs) are hidden tests:
//   core_tests "[.image_bench]"
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/gradcheck.hpp"
#include "io/image_io.hpp"
#include "session/image_session.hpp"

using namespace bp;

namespace {

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return {};
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// The data sets, parsed once per test binary (MNIST takes ~0.1 s).
const ImageSet* data_set(const char* file) {
    static std::vector<std::pair<std::string, ImageSet>> cache;
    for (auto& e : cache)
        if (e.first == file) return &e.second;
    const std::vector<std::uint8_t> bytes = read_bytes(std::string(BP_SOURCE_DIR) + "/web/data/" + file);
    if (bytes.empty()) return nullptr;
    cache.emplace_back(file, parse_image_set(bytes));
    return &cache.back().second;
}

const ImageSet* uci() { return data_set("optdigits-8x8.bpimg"); }
const ImageSet* mnist() { return data_set("mnist-10k.bpimg"); }

#define REQUIRE_DATA(ptr)                                                                          \
    if (!(ptr)) {                                                                                  \
        WARN("web/data/*.bpimg missing: run `node scripts/build-digits-data.mjs`; test skipped"); \
        return;                                                                                    \
    }

template <class E>
std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("WRONG TYPE: ") + e.what();
    }
    return "NO EXCEPTION";
}

std::vector<double> test_image(const ImageSession& s, std::size_t i) {
    const Mat& p = s.test_set().pixels;
    return std::vector<double>(p.data() + i * cols(p), p.data() + (i + 1) * cols(p));
}

std::vector<double> weights_of(ImageSession& s) {
    std::vector<double> w;
    for (const ParamRef& p : s.params()) w.insert(w.end(), p.value->begin(), p.value->end());
    return w;
}

ImageSessionConfig uci_config(ImageModelKind kind) {
    ImageSessionConfig c = default_image_config(kind, ImageDataKind::Uci);
    return c;
}

}  // namespace

TEST_CASE("image config: defaults, layers from JSON, and messages naming the field", "[image_session]") {
    const ImageSessionConfig mlp = parse_image_config("{}");
    CHECK(mlp.model == ImageModelKind::Mlp);
    CHECK(mlp.data == ImageDataKind::Mnist);
    REQUIRE(mlp.layers.size() == 4);  // dense 128, relu, dense 10, softmax
    CHECK(mlp.layers[0].units == 128);
    CHECK(mlp.layers[1].activation == Activation::Relu);
    CHECK(mlp.loss == Loss::SoftmaxCrossEntropy);
    CHECK(mlp.optimizer.kind == OptimizerKind::Adam);
    CHECK(mlp.batch_size == 32);

    const ImageSessionConfig cnn = parse_image_config(R"({"model": {"kind": "cnn"}})");
    REQUIRE(cnn.layers.size() == 9);
    CHECK(cnn.layers[0].kind == LayerKind::Conv2d);
    CHECK(cnn.layers[0].filters == 8);
    CHECK(cnn.layers[0].kernel == 5);
    CHECK(cnn.layers[0].padding == Padding::Same);
    CHECK(cnn.layers[3].filters == 16);

    const ImageSessionConfig ae =
        parse_image_config(R"({"data": {"name": "uci"}, "model": {"kind": "autoencoder", "activation": "tanh", "code": 3}})");
    CHECK(ae.loss == Loss::SigmoidCrossEntropy);
    CHECK(ae.init == Init::Glorot);
    CHECK(ae.layers[2].units == 3);
    CHECK(ae.layers[5].units == 64);
    CHECK(ae.code_layer == 2);

    const ImageSessionConfig custom = parse_image_config(R"({"data": {"name": "uci"}, "model": {"kind": "cnn", "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same"}, {"type": "relu"}, {"type": "avg_pool"},
        {"type": "flatten"}, {"type": "dense", "units": 10}, {"type": "softmax"}]},
        "training": {"optimizer": "sgd", "learningRate": 0.1, "batchSize": 8, "augment": true, "maxShift": 1}})");
    CHECK(custom.layers.size() == 6);
    CHECK(custom.layers[2].kind == LayerKind::AvgPool);
    CHECK(custom.optimizer.kind == OptimizerKind::Sgd);
    CHECK(custom.batch_size == 8);
    CHECK(custom.augment);
    CHECK(custom.max_shift == 1);
    // Written out and read back: the same text (layers resolved with their input sizes).
    const std::string text = image_config_to_json(custom);
    CHECK(image_config_to_json(parse_image_config(text)) == text);
    CHECK(text.find(R"("inChannels": 1)") != std::string::npos);

    CHECK(message_of<std::invalid_argument>([] { parse_image_config(R"({"model": {"kind": "cnn", "layer": []}})"); }) ==
          "/model/layer: unknown field (allowed: kind, layers, loss, init, seed, hidden, activation, code)");
    CHECK(message_of<std::out_of_range>([] { parse_image_config(R"({"model": {"layers": [{"type": "dense", "units": 0}]}})"); }) ==
          "/model/layers/0/units: 0 is outside 1..4096");
    CHECK(message_of<std::invalid_argument>([] { parse_image_config(R"({"model": {"layers": [{"type": "dens"}]}})"); })
              .find("/model/layers/0/type: unknown layer type 'dens'") == 0);
    CHECK(message_of<std::invalid_argument>([] { parse_image_config(R"({"data": {"name": "uci"}, "model": {"layers": [
        {"type": "max_pool"}, {"type": "max_pool"}, {"type": "dense", "units": 10, "inputs": 64}, {"type": "softmax"}]}})"); }) ==
          "layer 2 (dense 64→10): its input is 1×2×2 = 4 values, not 64");
    CHECK(message_of<std::invalid_argument>([] { parse_image_config(R"({"data": {"name": "uci"}, "model": {"layers": [
        {"type": "conv2d", "filters": 2, "kernel": 9}, {"type": "flatten"}, {"type": "dense", "units": 10}, {"type": "softmax"}]}})"); }) ==
          "layer 0 (conv2d 1→2 9×9 valid): conv2d: kernel 9×9 is larger than its 8×8 input");
    CHECK(message_of<std::invalid_argument>([] { parse_image_config(R"({"model": {"kind": "autoencoder", "loss": "softmax_ce"}})"); }) ==
          "loss: softmax_ce needs a softmax as the last layer, not layer 6 (sigmoid)");
    CHECK(message_of<std::invalid_argument>([] { parse_image_config(R"({"model": {"layers": [{"type": "dense", "units": 4}, {"type": "softmax"}]}})"); }) ==
          "model.layers: a classifier of digits needs 10 outputs, not 4");
    CHECK(message_of<std::out_of_range>([] { parse_image_config(R"({"training": {"batchSize": 0}})"); }) ==
          "/training/batchSize: 0 is outside 1..1024");
    CHECK(message_of<std::invalid_argument>([] { parse_image_config(R"({"data": {"name": "emnist"}})"); }) ==
          "/data/name: unknown data 'emnist' (allowed: mnist, uci)");
}

TEST_CASE("image session: data of the wrong kind, bad pixels and bad calls are refused", "[image_session]") {
    REQUIRE_DATA(uci());
    CHECK(message_of<std::invalid_argument>([] { ImageSession s(default_image_config(ImageModelKind::Mlp, ImageDataKind::Mnist), *uci()); }) ==
          "data: the mnist images are 28×28, these are 8×8");
    ImageSession s(uci_config(ImageModelKind::Mlp), *uci());
    CHECK(s.train_set().count() == 1438);
    CHECK(s.test_set().count() == 359);
    CHECK(message_of<std::invalid_argument>([&] { s.predict(std::vector<double>(63, 0.0)); }) ==
          "predict: 63 pixels given, the uci images have 64");
    std::vector<double> bad(64, 0.0);
    bad[5] = 1.5;
    CHECK(message_of<std::out_of_range>([&] { s.predict(bad); }) == "predict: pixel 5: 1.5 is outside 0..1");
    CHECK(message_of<std::out_of_range>([&] { s.saliency(test_image(s, 0), 10); }) == "saliency: class: 10 is outside 0..9");
    CHECK(message_of<std::invalid_argument>([&] { s.decode({0.0, 0.0}); }) == "decode: only an autoencoder has a decoder");
    CHECK(message_of<std::out_of_range>([&] { s.step(0); }) == "steps: 0 is outside 1..1000000");
}

TEST_CASE("image session: the same seed gives the same run, bit for bit (CNN, shifts and noise)", "[image_session]") {
    REQUIRE_DATA(uci());
    ImageSessionConfig c = uci_config(ImageModelKind::Cnn);
    c.augment = true;
    c.noise = 0.1;
    c.batch_size = 16;
    ImageSession a(c, *uci()), b(c, *uci());
    for (int k = 0; k < 3; ++k) {
        const ImageStepStats sa = a.step(10), sb = b.step(10);
        CHECK(sa.train_loss == sb.train_loss);
        CHECK(std::isfinite(sa.train_loss));
    }
    CHECK(weights_of(a) == weights_of(b));
    // Another training seed gives other batches: another run.
    c.train_seed = 2;
    ImageSession d(c, *uci());
    d.step(30);
    CHECK(weights_of(d) != weights_of(a));
}

TEST_CASE("image session: the MLP 64-128-10 and the CNN on UCI 8×8 reach a measured accuracy", "[image_session]") {
    REQUIRE_DATA(uci());
    // 10 epochs of 45 batches of 32, Adam 0.001, seeds 1. Measured: see the WARN lines (the
    // thresholds sit a little under what was measured: MLP 0.958, CNN 0.936 on the 359 test
    // digits; 20 epochs gave 0.953 and 0.950, so more steps alone do not reach the issue's 97.5%).
    ImageSession mlp(uci_config(ImageModelKind::Mlp), *uci());
    mlp.step(450);
    const ImageEval em = mlp.evaluate();
    WARN("UCI MLP 64-128-10 relu, 450 steps (10 epochs): test accuracy " << em.accuracy << ", loss " << em.loss);
    CHECK(em.accuracy >= 0.95);
    ImageSession cnn(uci_config(ImageModelKind::Cnn), *uci());
    cnn.step(450);
    const ImageEval ec = cnn.evaluate();
    WARN("UCI W4-shaped CNN, 450 steps (10 epochs): test accuracy " << ec.accuracy << ", loss " << ec.loss);
    CHECK(ec.accuracy >= 0.92);

    // The confusion matrix counts every test digit once; its diagonal is the accuracy.
    const std::vector<std::size_t> m = cnn.confusion();
    std::size_t total = 0, diag = 0;
    for (std::size_t t = 0; t < 10; ++t)
        for (std::size_t p = 0; p < 10; ++p) {
            total += m[t * 10 + p];
            if (t == p) diag += m[t * 10 + p];
        }
    CHECK(total == 359);
    CHECK(static_cast<double>(diag) / 359.0 == ec.accuracy);
    const std::vector<Misclassified> wrong = cnn.misclassified(1000);
    CHECK(wrong.size() == 359 - diag);
    for (const Misclassified& w : wrong) {
        CHECK(w.top[0] != w.label);
        CHECK(w.probability[0] >= w.probability[1]);
        CHECK(w.probability[1] >= w.probability[2]);
        const std::vector<double> p = cnn.predict(test_image(cnn, w.index));
        CHECK(p[w.top[0]] == w.probability[0]);
    }
}

TEST_CASE("image session: saliency is ∂p_class/∂pixels (central differences)", "[image_session]") {
    REQUIRE_DATA(uci());
    ImageSession s(uci_config(ImageModelKind::Cnn), *uci());
    s.step(60);
    // Keep the pixels inside (0, 1) so that x ± ε stays a valid image.
    std::vector<double> x = test_image(s, 3);
    for (double& v : x) v = 0.05 + 0.9 * v;
    for (std::size_t cls : {std::size_t{0}, std::size_t{7}}) {
        const std::vector<double> g = s.saliency(x, cls);
        REQUIRE(g.size() == 64);
        double worst = 0;
        for (std::size_t i = 0; i < 64; ++i) {
            const double eps = 1e-5, keep = x[i];
            x[i] = keep + eps;
            const double up = s.predict(x)[cls];
            x[i] = keep - eps;
            const double down = s.predict(x)[cls];
            x[i] = keep;
            const double n = (up - down) / (2 * eps);
            // floor 1e-4: an absolute tolerance of 1e-10 for tiny entries (gradcheck.hpp's caveat)
            worst = std::max(worst, std::abs(g[i] - n) / std::max(std::abs(g[i]) + std::abs(n), 1e-4));
        }
        INFO("class " << cls << " worst rel " << worst);
        CHECK(worst < 1e-6);
    }
}

TEST_CASE("image session: gradients() is ∂L/∂θ of the loss on the whole training set", "[image_session]") {
    REQUIRE_DATA(uci());
    ImageSessionConfig c = uci_config(ImageModelKind::Cnn);
    c.layers = {LayerSpec::conv(3, 3, Padding::Same), LayerSpec::act(Activation::Tanh), LayerSpec::max_pool(),
                LayerSpec::dense(10), LayerSpec::act(Activation::Softmax)};
    ImageSession s(c, *uci());
    s.step(20);
    const long steps = s.steps_taken();
    const double loss = s.gradients();
    CHECK(loss == Approx(s.evaluate_train(0).loss).epsilon(1e-12));
    Rng rng(5);
    const GradCheckResult r = gradcheck(
        s.params(), [&] { return s.gradients(); }, [&] { return s.evaluate_train(0).loss; }, 1e-5, 4, &rng);
    for (const GradCheckEntry& e : r.per_param) {
        INFO(e.name << " rel " << e.max_rel_error << " analytic " << e.analytic << " numeric " << e.numeric);
        CHECK(e.max_rel_error < 1e-6);
    }
    CHECK(s.steps_taken() == steps);
}

TEST_CASE("image session: divergence restores the weights and optimizer from before step(n)", "[image_session]") {
    REQUIRE_DATA(uci());
    ImageSession s(uci_config(ImageModelKind::Mlp), *uci());
    s.step(5);
    // A huge output layer: the loss stays finite (softmax of huge logits, clamped log), but the
    // hidden layer's gradient is ~1e299 and Adam's v = (1 − β₂) g² overflows to +inf.
    // (Entries of both signs: equal entries would give equal logits, a uniform softmax and a
    // hidden gradient of exactly 0.)
    Mat& W2 = *s.params()[2].value;
    for (std::size_t i = 0; i < W2.size(); ++i) W2.data()[i] = (static_cast<double>(i % 3) - 1.0) * 1e300;
    const std::vector<double> before = weights_of(s);
    const long opt_steps = s.optimizer().steps();
    const ImageStepStats st = s.step(3);
    CHECK(st.diverged);
    CHECK(st.message.find("Training diverged") == 0);
    CHECK(st.step == 5);
    CHECK(s.steps_taken() == 5);
    CHECK(s.optimizer().steps() == opt_steps);
    CHECK(optimizer_state_finite(s.optimizer().state()));
    CHECK(weights_of(s) == before);
}

TEST_CASE("image model files: save, load, identical predictions, and the run resumes exactly", "[image_session]") {
    REQUIRE_DATA(uci());
    ImageSessionConfig c = uci_config(ImageModelKind::Cnn);
    c.augment = true;
    ImageSession a(c, *uci());
    a.step(25);
    const std::string file = save_image_model(a);
    CHECK(file.find(R"("format":"backprop-playground-image-model")") != std::string::npos);
    CHECK(file.find(R"("conv1.W")") != std::string::npos);
    CHECK(file.find(R"("dense3.b")") != std::string::npos);
    std::unique_ptr<ImageSession> b = load_image_model(file, *uci());
    CHECK(b->steps_taken() == 25);
    for (std::size_t i = 0; i < 20; ++i) CHECK(a.predict(test_image(a, i)) == b->predict(test_image(*b, i)));
    CHECK(save_image_model(*b) == file);
    a.step(10);
    b->step(10);
    CHECK(weights_of(a) == weights_of(*b));

    // Files of another kind or another data set are refused by name.
    CHECK(message_of<std::invalid_argument>([&] {
              load_image_model(R"({"format": "backprop-playground-model", "version": 1, "config": {}, "weights": []})", *uci());
          }) == "/format: this is not a Backprop Playground image model file (expected \"backprop-playground-image-model\")");
    if (mnist())
        CHECK(message_of<std::invalid_argument>([&] { load_image_model(file, *mnist()); }) ==
              "data: the uci images are 8×8, these are 28×28");
    std::string wrong = file;
    const std::size_t at = wrong.find(R"("conv1.b":[[)");
    REQUIRE(at != std::string::npos);
    wrong.replace(at, 12, R"("conv1.b":[[1,)");
    CHECK(message_of<std::invalid_argument>([&] { load_image_model(wrong, *uci()); }) ==
          "/weights/conv1.b/0: must hold 8 numbers");
}

TEST_CASE("image session: the autoencoder on UCI, BCE and squared error, code and decode", "[image_session]") {
    REQUIRE_DATA(uci());
    for (Loss loss : {Loss::SigmoidCrossEntropy, Loss::SquaredError}) {
        INFO("loss " << loss_name(loss));
        ImageSessionConfig c = uci_config(ImageModelKind::Autoencoder);
        c.loss = loss;
        c.optimizer.learning_rate = 0.003;
        ImageSession s(c, *uci());
        CHECK(s.code_size() == 2);
        const double mse0 = s.evaluate().reconstruction_mse;
        s.step(450);
        const ImageEval e = s.evaluate();
        WARN("UCI autoencoder 64-128-2-128-64 relu, " << loss_name(loss) << ", 450 steps: test reconstruction MSE "
                                                      << e.reconstruction_mse << " (untrained " << mse0 << ")");
        CHECK(std::isnan(e.accuracy));
        CHECK(e.reconstruction_mse < 0.6 * mse0);
        const std::vector<double> codes = s.encode_test();
        CHECK(codes.size() == 359 * 2);
        // decode(encode(x)) is the reconstruction of x, bit for bit.
        const std::vector<double> x = test_image(s, 4);
        const std::vector<double> code(codes.begin() + 8, codes.begin() + 10);
        CHECK(s.decode(code) == s.reconstruct(x));
        for (double v : s.decode({0.0, 0.0})) {
            CHECK(v >= 0.0);
            CHECK(v <= 1.0);
        }
    }
    // Denoising: noise on the input, the clean image is the target, so the loss differs from the
    // noiseless run of the same seed.
    ImageSessionConfig c = uci_config(ImageModelKind::Autoencoder);
    ImageSession clean(c, *uci());
    c.noise = 0.3;
    ImageSession noisy(c, *uci());
    CHECK(clean.step(1).train_loss != noisy.step(1).train_loss);
}

TEST_CASE("image session: trace gives every layer's output and δ map for one digit", "[image_session]") {
    REQUIRE_DATA(uci());
    ImageSession s(uci_config(ImageModelKind::Cnn), *uci());
    s.step(20);
    const std::vector<double> x = test_image(s, 0);
    const std::size_t label = static_cast<std::size_t>(s.test_set().labels(0, 0));
    const ImageTrace& t = s.trace(x, static_cast<long>(label));
    REQUIRE(t.layers.size() == 9);
    CHECK(t.layers[0].text == "conv2d 1→8 5×5 same");
    CHECK(t.layers[0].shape == ImageShape{8, 8, 8});
    CHECK(t.layers[0].output.size() == 512);
    CHECK(t.layers[0].delta.size() == 512);
    CHECK(t.layers[2].shape == ImageShape{8, 4, 4});
    CHECK(t.layers[8].delta.empty());  // softmax fused with the loss
    CHECK(t.input_delta.size() == 64);
    // L = −log p_label
    const std::vector<double> p = s.predict(x);
    CHECK(t.loss == Approx(-std::log(p[label])).epsilon(1e-12));
    // The δ below max-pool is zero except at the winners: at most one non-zero per 2×2 window.
    const std::vector<double>& d = s.trace(x, static_cast<long>(label)).layers[1].delta;  // relu output, 8×8×8
    for (std::size_t c = 0; c < 8; ++c)
        for (std::size_t y = 0; y < 4; ++y)
            for (std::size_t xx = 0; xx < 4; ++xx) {
                int nonzero = 0;
                for (std::size_t i = 0; i < 2; ++i)
                    for (std::size_t j = 0; j < 2; ++j) nonzero += d[c * 64 + (2 * y + i) * 8 + 2 * xx + j] != 0.0;
                CHECK(nonzero <= 1);
            }
}

TEST_CASE("image model files: the MNIST autoencoder with Adam's slots fits in a file and round-trips", "[image_session]") {
    REQUIRE_DATA(mnist());
    ImageSession a(default_image_config(ImageModelKind::Autoencoder, ImageDataKind::Mnist), *mnist());
    CHECK(stack_parameter_count(a.stack()) == 202258);  // 100,480 + 258 + 384 + 101,136
    a.step(2);
    const std::string file = save_image_model(a);
    WARN("MNIST autoencoder model file with Adam state: " << file.size() << " bytes");
    CHECK(file.size() <= 16u << 20);
    std::unique_ptr<ImageSession> b = load_image_model(file, *mnist());
    CHECK(b->reconstruct(test_image(a, 0)) == a.reconstruct(test_image(a, 0)));
    CHECK(b->encode_test() == a.encode_test());
}

// ---- measurements (hidden: core_tests "[.image_bench]") ---------------------------------------

TEST_CASE("W4 CNN on MNIST, batch 32, Adam: training examples/s, and accuracy after some epochs", "[.image_bench]") {
    REQUIRE_DATA(mnist());
    ImageSessionConfig c = default_image_config(ImageModelKind::Cnn, ImageDataKind::Mnist);
    ImageSession s(c, *mnist());
    s.step(5);  // warm-up: buffers
    const std::size_t steps = 250;  // one epoch of 8,000
    const auto t0 = std::chrono::steady_clock::now();
    s.step(steps - 5);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    WARN("W4 CNN MNIST batch 32 Adam: " << (steps - 5) * 32 / sec << " training examples/s (" << sec << " s for "
                                        << steps - 5 << " steps)");
    WARN("W4 after 1 epoch: test accuracy " << s.evaluate().accuracy);
    const char* epochs_env = std::getenv("BP_EPOCHS");
    const int epochs = epochs_env ? std::atoi(epochs_env) : 0;
    for (int e = 1; e < epochs; ++e) {
        s.step(250);
        WARN("W4 after " << e + 1 << " epochs: test accuracy " << s.evaluate().accuracy);
    }
}

TEST_CASE("MLP 784-128-10 on MNIST: examples/s and accuracy after some epochs", "[.image_bench]") {
    REQUIRE_DATA(mnist());
    ImageSession s(default_image_config(ImageModelKind::Mlp, ImageDataKind::Mnist), *mnist());
    const auto t0 = std::chrono::steady_clock::now();
    s.step(250);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    WARN("MLP MNIST batch 32 Adam: " << 250 * 32 / sec << " training examples/s");
    const char* epochs_env = std::getenv("BP_EPOCHS");
    const int epochs = epochs_env ? std::atoi(epochs_env) : 1;
    WARN("MLP after 1 epoch: test accuracy " << s.evaluate().accuracy);
    for (int e = 1; e < epochs; ++e) {
        s.step(250);
        WARN("MLP after " << e + 1 << " epochs: test accuracy " << s.evaluate().accuracy);
    }
}

TEST_CASE("W5 autoencoder 784-128-2-128-784 on MNIST: examples/s", "[.image_bench]") {
    REQUIRE_DATA(mnist());
    ImageSession s(default_image_config(ImageModelKind::Autoencoder, ImageDataKind::Mnist), *mnist());
    const auto t0 = std::chrono::steady_clock::now();
    s.step(250);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    WARN("W5 autoencoder MNIST batch 32 Adam: " << 250 * 32 / sec << " training examples/s; test MSE after 1 epoch "
                                                << s.evaluate().reconstruction_mse);
}
