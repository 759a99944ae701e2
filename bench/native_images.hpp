// native_images.hpp: the image workloads of native_bench.cpp, on bp::ImageSession
// (core/session/image_session.hpp) and the MNIST file web/data/mnist-10k.bpimg:
//
//   W4  the CNN of default_image_config(Cnn, Mnist): conv(1→8, 5×5, same), relu, max_pool 2×2,
//       conv(8→16, 5×5, same), relu, max_pool, flatten, dense(784→10), softmax; Adam 1e-3,
//       batch 32, the 8,000 training digits of the core's seeded split (seed 1)
//   W5  the autoencoder of default_image_config(Autoencoder, Mnist): 784-128-2-128-784, relu,
//       linear code, sigmoid output, per-pixel binary cross-entropy; Adam 1e-3, batch 32
//
// Besides examples/s: where one W4 batch spends its time (every layer's forward and backward
// timed alone with the core's own layer functions, on the numbers of a real batch), the test
// accuracy of the CNN and of the MLP 784-128-10 after 8 epochs (fixed seeds), and the split
// itself (the indices into the file of the 8,000 training and 2,000 test digits, in the
// session's order) for the peers and the PyTorch reference to train on the same digits.
// Included by native_bench.cpp only.
#pragma once

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/image_data.hpp"
#include "nn/layer_stack.hpp"
#include "session/image_session.hpp"

#include "native_timing.hpp"

namespace bench {

// Steps per step(n) call. ImageSession::step copies every weight at the start of a call (to
// restore them if the call diverges): 10 steps (320 images) amortize that for both networks.
constexpr std::size_t kW4Steps = 10;
constexpr std::size_t kW5Steps = 10;

inline bp::ImageSet read_mnist(const std::string& path) {
    const std::string s = read_file(path);
    return bp::parse_image_set(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

inline bp::ImageSessionConfig w4_config() {
    return bp::default_image_config(bp::ImageModelKind::Cnn, bp::ImageDataKind::Mnist);
}
inline bp::ImageSessionConfig w5_config() {
    return bp::default_image_config(bp::ImageModelKind::Autoencoder, bp::ImageDataKind::Mnist);
}

// The split of ImageSession (split_image_set: Fisher-Yates with Rng(split_seed) over 0..N−1,
// the first N − test to training), checked row by row against the session's own train and
// test sets, so a change in the core's split fails here instead of going unnoticed.
inline json export_split(const bp::ImageSet& data) {
    const bp::ImageSessionConfig c = w4_config();
    bp::ImageSession s(c, data);
    const std::size_t n = data.count(), test = s.test_set().count(), D = bp::cols(data.pixels);
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    bp::Rng(c.split_seed).shuffle(idx);
    const auto same = [&](const bp::ImageSet& set, std::size_t r, std::size_t i) {
        if (set.labels(r, 0) != data.labels(i, 0)) return false;
        for (std::size_t k = 0; k < D; ++k)
            if (set.pixels(r, k) != data.pixels(i, k)) return false;
        return true;
    };
    std::vector<std::size_t> train(idx.begin(), idx.end() - static_cast<long>(test)), tst(idx.end() - static_cast<long>(test), idx.end());
    for (std::size_t r = 0; r < train.size(); ++r)
        if (!same(s.train_set(), r, train[r])) throw std::runtime_error("split export: training row " + std::to_string(r) + " differs from the session's");
    for (std::size_t r = 0; r < tst.size(); ++r)
        if (!same(s.test_set(), r, tst[r])) throw std::runtime_error("split export: test row " + std::to_string(r) + " differs from the session's");
    return {{"seed", c.split_seed}, {"images", n}, {"train", train}, {"test", tst},
            {"checked", "every row equal to ImageSession's train_set() / test_set()"}};
}

// Every layer of one W4 batch alone: forward and backward, ms per batch of 32, with the core's
// layer functions on the activations and δ maps of a real batch (as stack_forward /
// stack_backward call them), plus the whole forward, the whole backward and the Adam update.
inline json w4_layer_times(const Timing& t, const bp::ImageSet& data) {
    bp::ImageSession s(w4_config(), data);
    s.step(20);  // weights a little away from their initial values
    bp::LayerStack stack = s.stack();
    const std::size_t B = 32, D = bp::cols(data.pixels);
    bp::Mat x = bp::zeros(B, D), target = bp::zeros(B, 10);
    for (std::size_t r = 0; r < B; ++r) {
        for (std::size_t k = 0; k < D; ++k) x(r, k) = s.train_set().pixels(r, k);
        target(r, static_cast<std::size_t>(s.train_set().labels(r, 0))) = 1.0;
    }
    bp::StackCache cache;
    bp::stack_forward(stack, x, cache);
    bp::stack_backward(stack, cache, target);
    const Timing quick{t.repeats, std::min(t.target_ms, 150.0), std::min(t.warmup_ms, 150.0)};
    json layers = json::array();
    const std::size_t L = stack.layers.size();
    for (std::size_t l = 0; l < L; ++l) {
        bp::StackLayer& layer = stack.layers[l];
        const bp::Mat& in = bp::stack_layer_input(cache, l);
        bp::Mat out = cache.a[l], din = in;
        bp::ConvWork work = l < cache.conv.size() ? cache.conv[l] : bp::ConvWork{};
        bp::MaxPoolCache pool = l < cache.pool.size() ? cache.pool[l] : bp::MaxPoolCache{};
        const auto fwd = [&] {
            switch (layer.spec.kind) {
                case bp::LayerKind::Dense: bp::dense_forward(layer.dense, in, out); break;
                case bp::LayerKind::Conv2d: bp::conv2d_forward(layer.conv, in, work, out); break;
                case bp::LayerKind::MaxPool: bp::max_pool_forward(layer.in, in, pool, out); break;
                case bp::LayerKind::Activation: bp::activation_forward(layer.spec.activation, in, out); break;
                default: out = in; break;
            }
        };
        json row = {{"layer", bp::layer_text(layer.spec, layer.in)}, {"forward_ms", per_call_ms(quick, fwd)["median"]}};
        // The last layer's softmax is fused with the loss: its backward is never run.
        if (l + 1 < L) {
            const bp::Mat& g = cache.delta[l];
            bp::Mat* dx = l == 0 ? nullptr : &din;  // nobody needs ∂L/∂x of the first layer
            const auto bwd = [&] {
                switch (layer.spec.kind) {
                    case bp::LayerKind::Dense: bp::dense_backward(layer.dense, in, g, dx); break;
                    case bp::LayerKind::Conv2d: bp::conv2d_backward(layer.conv, in, g, work, dx); break;
                    case bp::LayerKind::MaxPool: bp::max_pool_backward(layer.in, pool, g, din); break;
                    case bp::LayerKind::Activation: bp::activation_backward(layer.spec.activation, in, out, g, din); break;
                    default: din = g; break;
                }
            };
            row["backward_ms"] = per_call_ms(quick, bwd)["median"];
        }
        layers.push_back(row);
    }
    bp::Optimizer opt(s.config().optimizer);
    bp::ParamList ps = bp::stack_params(stack);
    json whole = {
        {"forward_ms", per_call_ms(quick, [&] { bp::stack_forward(stack, x, cache); })["median"]},
        {"backward_ms", per_call_ms(quick, [&] { bp::stack_backward(stack, cache, target); })["median"]},
        {"adam_ms", per_call_ms(quick, [&] { opt.step(ps); })["median"]},
        {"session_step_ms", per_call_ms(quick, [&] { s.step(1); })["median"]},
    };
    return {{"batch", B}, {"layers", layers}, {"whole", whole}};
}

// Test accuracy after `epochs` epochs of the default CNN and MLP (fixed seeds: split 1, init 1,
// training 1), with the seconds each took.
inline json accuracy_after_epochs(const bp::ImageSet& data, std::size_t epochs) {
    json out = json::object();
    for (bp::ImageModelKind kind : {bp::ImageModelKind::Cnn, bp::ImageModelKind::Mlp}) {
        const auto t0 = Clock::now();
        bp::ImageSession s(bp::default_image_config(kind, bp::ImageDataKind::Mnist), data);
        json per_epoch = json::array();
        for (std::size_t e = 0; e < epochs; ++e) {
            const bp::ImageStepStats st = s.step(s.steps_per_epoch());
            if (st.diverged) throw std::runtime_error(std::string(bp::image_model_name(kind)) + " diverged: " + st.message);
            per_epoch.push_back(s.evaluate().accuracy);
        }
        const bp::ImageEval ev = s.evaluate();
        out[bp::image_model_name(kind)] = {
            {"epochs", epochs}, {"test_accuracy", ev.accuracy}, {"test_loss", ev.loss}, {"test_count", ev.count},
            {"train_count", s.train_set().count()}, {"per_epoch_test_accuracy", per_epoch},
            {"seconds", ms_since(t0) / 1000.0}};
    }
    return out;
}

// W4 and W5 examples/s into results (w4_train, w5_train), or a message into errors.
inline void run_images(const Timing& t, const bp::ImageSet& data, bool w4, bool w5, json& results, json& errors,
                       json& info) {
    if (w4) {
        try {
            bp::ImageSession s(w4_config(), data);
            results["w4_train"] = rate(t, [&] {
                const bp::ImageStepStats st = s.step(kW4Steps);
                if (st.diverged) throw std::runtime_error("W4 diverged: " + st.message);
                return static_cast<double>(kW4Steps * 32);
            }, "examples/s");
            info["w4_steps_per_call"] = kW4Steps;
            info["w4_train_loss_after"] = s.step(1).train_loss;
            info["w4_layer_times"] = w4_layer_times(t, data);
        } catch (const std::exception& e) {
            errors["w4"] = e.what();
        }
    }
    if (w5) {
        try {
            bp::ImageSession s(w5_config(), data);
            results["w5_train"] = rate(t, [&] {
                const bp::ImageStepStats st = s.step(kW5Steps);
                if (st.diverged) throw std::runtime_error("W5 diverged: " + st.message);
                return static_cast<double>(kW5Steps * 32);
            }, "examples/s");
            info["w5_steps_per_call"] = kW5Steps;
            info["w5_train_loss_after"] = s.step(1).train_loss;
        } catch (const std::exception& e) {
            errors["w5"] = e.what();
        }
    }
}

}  // namespace bench
