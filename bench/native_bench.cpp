// native_bench.cpp: the project's core, natively (g++ -O2), on the benchmark workloads of
// issue 4. Built by CMake into build/native/native_bench; run by bench/run.mjs, which compares
// its figures with the same workloads in wasm (Node and Chromium) and the JavaScript peers.
//
//   W1  2-[8,8]-1 tanh, squared error, SGD 0.03, batch 10, 250 spiral points (TrainingSession)
//   W1 grid  evaluate_grid(100, ...) keeping every neuron's output, then one read of all of them
//   W2  64-[128,64]-10 ReLU, softmax cross-entropy, Adam 1e-3, batch 32, the 8x8 digits
//   W3  Elman RNN 1-32-1, tanh, linear output every step, T = 50, full BPTT, SGD, batch 16:
//       through SequenceSession (what the wasm module runs) and through rnn.hpp directly
//   W4  the MNIST CNN, W5  the MNIST autoencoder, on ImageSession (native_images.hpp)
//
// Usage: native_bench [--quick] [--repeats N] [--digits FILE.csv] [--w3 FILE.txt] [--mnist FILE.bpimg]
//                     [--only w1,w1_grid,w2,w3,w4,w5]
//        native_bench --profile w1|w1_grid|w2|w3|w3_session|w4|w5 [--digits FILE.csv] [--w3 FILE.txt] [--mnist ...]
//        native_bench --mnist FILE.bpimg --accuracy EPOCHS   test accuracy of the CNN and the MLP
//        native_bench --mnist FILE.bpimg --export-split      the train/test indices of the core's split
// Prints one JSON object on stdout. --profile runs a fixed amount of work without timing, for
// valgrind --tool=callgrind (instruction counts are reproducible where wall time is not).
//
// Timing (the same procedure as bench/common.mjs): warm up, then calibrate a repeat to at least
// the target time, time R repeats, report the median (and min / max) over the repeats.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/datasets.hpp"
#include "nn/mlp.hpp"
#include "nn/optimizers.hpp"
#include "base/rng.hpp"
#include "recurrent/rnn.hpp"
#include "session/sequence_session.hpp"
#include "session/session.hpp"

#include "native_images.hpp"
#include "native_timing.hpp"

using nlohmann::json;
using bench::Timing;
using bench::rate;
using bench::per_call_ms;
using bench::read_file;

namespace {

// ---- W1 --------------------------------------------------------------------------------------

bp::SessionConfig w1_config() {
    bp::SessionConfig c;
    c.dataset.kind = bp::DatasetKind::Spiral;
    c.dataset.points = 500;       // 250 train + 250 test
    c.dataset.train_ratio = 0.5;
    c.dataset.noise = 0.1;
    c.dataset.seed = 1;
    c.network.hidden = {8, 8};
    c.network.activations = {bp::Activation::Tanh, bp::Activation::Tanh};
    c.network.output = "tanh";
    c.network.loss = "squared";
    c.network.seed = 1;
    c.training.optimizer.kind = bp::OptimizerKind::Sgd;
    c.training.optimizer.learning_rate = 0.03;
    c.training.batch_size = 10;
    return c;
}

// Steps per step(n) call: the session computes train and test metrics (500 forward passes) at
// the end of every call; with 25,000 steps (250,000 examples) that is amortized to < 0.5 %.
constexpr std::size_t kW1Steps = 25000;
constexpr std::size_t kW2Steps = 2000;

// Sum of every grid neuron value: makes sure the result is read, like the JS side does.
double read_grid(const bp::TrainingSession& s) {
    double sum = 0;
    for (double v : s.grid_neurons()) sum += v;
    return sum;
}

// ---- W2 --------------------------------------------------------------------------------------

bp::SessionConfig w2_config() {
    bp::SessionConfig c;
    c.dataset.train_ratio = 0.9;  // the digits are split 90 / 10 by load_digits_csv
    c.network.hidden = {128, 64};
    c.network.activations = {bp::Activation::Relu, bp::Activation::Relu};
    c.network.output = "auto";  // softmax + cross-entropy for 10 classes
    c.network.loss = "auto";
    c.training.optimizer.kind = bp::OptimizerKind::Adam;
    c.training.optimizer.learning_rate = 1e-3;
    c.training.batch_size = 32;
    return c;
}

// W2 on the core's own Mlp, Dense and Optimizer, without TrainingSession and without
// mlp_validate (used only when the session refuses the W2 network, to still show what the
// kernels cost). Same loop as TrainingSession::step: gather a batch, zero_grad, forward,
// backward, update; no metrics.
struct DirectMlp {
    bp::Mlp net;
    bp::MlpCache cache;
    bp::Optimizer opt;
    bp::ParamList params;
    bp::Mat x, t, xb, tb;
    std::vector<std::size_t> order;
    std::size_t pos = 0;

    explicit DirectMlp(const bp::Dataset& d) : opt(w2_config().training.optimizer) {
        bp::MlpConfig& c = net.config;
        c.inputs = 64;
        c.hidden = {128, 64};
        c.hidden_activations = {bp::Activation::Relu, bp::Activation::Relu};
        c.outputs = 10;
        c.output_activation = bp::Activation::Softmax;
        c.loss = bp::Loss::SoftmaxCrossEntropy;
        c.init = bp::Init::Glorot;
        bp::Rng rng(1);
        std::size_t fan_in = 64;
        for (std::size_t w : {std::size_t{128}, std::size_t{64}, std::size_t{10}}) {
            net.layers.emplace_back();
            bp::dense_init(net.layers.back(), fan_in, w, bp::Init::Glorot, rng);
            fan_in = w;
        }
        params = bp::mlp_params(net);
        x = d.x_train;
        bp::encode_targets(d.y_train, 10, bp::TargetEncoding::OneHot, t);
        order.resize(bp::rows(x));
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        bp::Rng(7).shuffle(order);
    }
    void steps(std::size_t n) {
        const std::size_t B = 32, N = bp::rows(x);
        for (std::size_t s = 0; s < n; ++s) {
            if (pos + B > N) pos = 0;
            bp::ensure_shape(xb, B, 64);
            bp::ensure_shape(tb, B, 10);
            for (std::size_t r = 0; r < B; ++r) {
                const std::size_t i = order[pos + r];
                for (std::size_t f = 0; f < 64; ++f) xb(r, f) = x(i, f);
                for (std::size_t k = 0; k < 10; ++k) tb(r, k) = t(i, k);
            }
            pos += B;
            bp::mlp_zero_grad(net);
            bp::mlp_forward(net, xb, cache);
            bp::mlp_backward(net, cache, tb);
            opt.step(params);
        }
    }
};

// ---- W3 --------------------------------------------------------------------------------------

// Sequences from bench/data.mjs (text: "N L" then N lines of L numbers; input s[0..T), target
// s[1..T]), so that every system trains on the same numbers. Without a file: the core's sine task.
bp::SequenceData w3_data(const std::string& path, std::size_t T) {
    if (path.empty()) {
        bp::SequenceConfig c;
        c.task = bp::SequenceTask::Sine;
        c.length = T;
        c.sequences = 256;
        c.seed = 1;
        return bp::make_sequences(c);
    }
    std::istringstream in(read_file(path));
    std::size_t N = 0, L = 0;
    in >> N >> L;
    if (!in || L != T + 1 || N == 0) throw std::runtime_error(path + ": expected N and T+1 = " + std::to_string(T + 1));
    bp::SequenceData d;
    d.x.assign(T, bp::zeros(N, 1));
    d.y.assign(T, bp::zeros(N, 1));
    d.loss_every_step = true;
    d.classes = 0;
    for (std::size_t n = 0; n < N; ++n) {
        std::vector<double> s(L);
        for (double& v : s) in >> v;
        if (!in) throw std::runtime_error(path + ": short read at sequence " + std::to_string(n));
        for (std::size_t t = 0; t < T; ++t) {
            d.x[t](n, 0) = s[t];
            d.y[t](n, 0) = s[t + 1];
        }
    }
    return d;
}

struct W3 {
    bp::Elman net;
    bp::RnnCache cache;
    bp::Optimizer opt;
    bp::ParamList params;
    bp::SequenceData all, batch;
    std::size_t pos = 0;

    W3(const std::string& path) : opt([] {
        bp::OptimizerConfig o;
        o.kind = bp::OptimizerKind::Sgd;
        o.learning_rate = 0.01;
        return o;
    }()) {
        bp::RnnConfig c;
        c.inputs = 1;
        c.hidden = 32;
        c.outputs = 1;
        c.loss = bp::Loss::SquaredError;
        bp::Rng rng(1);
        bp::elman_init(net, c, rng);
        params = bp::elman_params(net);
        all = w3_data(path, 50);
    }
    // One mini-batch of 16 sequences: forward, full BPTT, SGD update. Returns the loss.
    double batch_step() {
        const std::size_t B = 16, N = bp::rows(all.x[0]);
        if (pos + B > N) pos = 0;
        bp::sequence_rows(all, pos, B, batch);
        pos += B;
        bp::elman_zero_grad(net);
        const double loss = bp::elman_forward_backward(net, batch, cache);
        opt.step(params);
        return loss;
    }
};

// W3 as the wasm module runs it: SequenceSession on the core's sine task (256 training and 64
// held-out sequences), Elman, 32 hidden, full BPTT, SGD 0.01, batch 16, no clipping.
bp::SequenceSessionConfig w3_session_config() {
    bp::SequenceSessionConfig c;
    c.task.task = bp::SequenceTask::Sine;
    c.task.length = 50;
    c.task.sequences = 256;
    c.task.noise = 0.0;
    c.task.seed = 1;
    c.test_sequences = 64;
    c.cell = bp::CellKind::Elman;
    c.hidden = 32;
    c.truncation = 0;
    c.optimizer = bp::OptimizerConfig{};
    c.optimizer.kind = bp::OptimizerKind::Sgd;
    c.optimizer.learning_rate = 0.01;
    c.batch_size = 16;
    c.init_seed = 1;
    return c;
}
// Steps per step(n) call: the session computes train and test loss (320 sequences forward) and
// the recurrent matrix's largest singular value at the end of every call; 500 steps (8,000
// sequences forward and backward) amortize that.
constexpr std::size_t kW3Steps = 500;

bool wanted(const std::string& only, const char* name) {
    if (only.empty()) return true;
    std::string list = "," + only + ",";
    return list.find("," + std::string(name) + ",") != std::string::npos;
}

}  // namespace

int main(int argc, char** argv) {
    Timing timing;
    std::string digits_path, w3_path, mnist_path, only, profile;
    int repeats = 0, accuracy_epochs = 0;
    bool export_split = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--quick") timing = {3, 150, 200};
        else if (a == "--repeats") repeats = std::stoi(next());
        else if (a == "--digits") digits_path = next();
        else if (a == "--w3") w3_path = next();
        else if (a == "--mnist") mnist_path = next();
        else if (a == "--accuracy") accuracy_epochs = std::stoi(next());
        else if (a == "--export-split") export_split = true;
        else if (a == "--only") only = next();
        else if (a == "--profile") profile = next();
        else {
            std::cerr << "native_bench: unknown argument " << a << "\n";
            return 2;
        }
    }

    if (repeats > 0) timing.repeats = repeats;

    // ---- the MNIST split and the accuracy after a few epochs (no timing) -------------------------
    if (export_split || accuracy_epochs > 0) {
        try {
            if (mnist_path.empty()) throw std::invalid_argument("--mnist FILE.bpimg is needed");
            const bp::ImageSet data = bench::read_mnist(mnist_path);
            json o = export_split ? bench::export_split(data) : bench::accuracy_after_epochs(data, accuracy_epochs);
            std::cout << o.dump() << std::endl;
        } catch (const std::exception& e) {
            std::cerr << "native_bench: " << e.what() << "\n";
            return 1;
        }
        return 0;
    }

    json out;
    out["system"] = "native";
    out["float"] = "float64";
    out["compiler"] = std::string("g++ ") + __VERSION__ + ", -O2 -ffp-contract=off (CMake Release)";
    json results = json::object(), errors = json::object(), info = json::object();

    // ---- profile mode: fixed work, no timing ----------------------------------------------------
    if (!profile.empty()) {
        if (profile == "w1") {
            bp::TrainingSession s(w1_config());
            for (int i = 0; i < 4; ++i) s.step(kW1Steps);    // 1,000,000 examples
            double sum = 0;
            for (int i = 0; i < 20; ++i) {                    // 20 grid evaluations
                s.evaluate_grid(100, -6, 6, -6, 6);
                sum += read_grid(s);
            }
            std::printf("{\"profile\":\"w1\",\"steps\":%zu,\"grids\":20,\"check\":%.6g}\n", 4 * kW1Steps, sum);
        } else if (profile == "w1_grid") {
            bp::TrainingSession s(w1_config());
            double sum = 0;
            for (int i = 0; i < 50; ++i) {
                s.evaluate_grid(100, -6, 6, -6, 6);
                sum += read_grid(s);
            }
            std::printf("{\"profile\":\"w1_grid\",\"grids\":50,\"check\":%.6g}\n", sum);
        } else if (profile == "w2") {
            const bp::Dataset d = bp::load_digits_csv(read_file(digits_path), 0.9, 1);
            DirectMlp m(d);
            m.steps(2000);
            std::printf("{\"profile\":\"w2\",\"steps\":2000}\n");
        } else if (profile == "w3_session") {
            bp::SequenceSession s(w3_session_config());
            const bp::SequenceStats st = s.step(400);
            std::printf("{\"profile\":\"w3_session\",\"steps\":400,\"loss\":%.6g}\n", st.train_loss);
        } else if (profile == "w3") {
            W3 w(w3_path);
            double l = 0;
            for (int i = 0; i < 400; ++i) l = w.batch_step();
            std::printf("{\"profile\":\"w3\",\"batches\":400,\"loss\":%.6g}\n", l);
        } else if (profile == "w4" || profile == "w5") {
            const bp::ImageSet data = bench::read_mnist(mnist_path);
            bp::ImageSession s(profile == "w4" ? bench::w4_config() : bench::w5_config(), data);
            const bp::ImageStepStats st = s.step(200);  // 6,400 examples
            std::printf("{\"profile\":\"%s\",\"steps\":200,\"loss\":%.6g}\n", profile.c_str(), st.train_loss);
        } else {
            std::cerr << "native_bench: --profile w1|w1_grid|w2|w3|w3_session|w4|w5\n";
            return 2;
        }
        return 0;
    }

    // ---- W1 ----------------------------------------------------------------------------------
    if (wanted(only, "w1") || wanted(only, "w1_grid")) {
        try {
            bp::TrainingSession s(w1_config());
            if (wanted(only, "w1")) {
                results["w1_train"] = rate(timing, [&] {
                    s.step(kW1Steps);
                    return static_cast<double>(kW1Steps * 10);
                }, "examples/s");
                results["w1_metrics"] = per_call_ms(timing, [&] { s.stats(); });
                const bp::StepStats st = s.stats();
                info["w1_train_accuracy_after"] = st.train_accuracy;
                info["w1_steps_per_call"] = kW1Steps;
            }
            if (wanted(only, "w1_grid")) {
                double sink = 0;
                results["w1_grid"] = per_call_ms(timing, [&] {
                    s.evaluate_grid(100, -6, 6, -6, 6);
                    sink += read_grid(s);
                });
                info["w1_grid_values"] = s.grid_neurons().size();
                // The grid path's precision: its output against predict() (the float64 training
                // path) at the same points; 0 for float64, about 1e-7 for a float32 drawing path.
                bp::Mat xy = bp::zeros(100 * 100, 2);
                for (std::size_t r = 0; r < 100; ++r)
                    for (std::size_t c = 0; c < 100; ++c) {
                        xy(r * 100 + c, 0) = -6.0 + 12.0 * static_cast<double>(c) / 99.0;
                        xy(r * 100 + c, 1) = 6.0 - 12.0 * static_cast<double>(r) / 99.0;
                    }
                const bp::Mat ref = s.predict(xy);
                s.evaluate_grid(100, -6, 6, -6, 6);
                double max_diff = 0;
                for (std::size_t i = 0; i < ref.size(); ++i)
                    max_diff = std::max(max_diff, std::abs(s.grid_output()[i] - ref.data()[i]));
                info["w1_grid_max_diff_vs_predict"] = max_diff;
                info["w1_grid_sink"] = sink;
            }
        } catch (const std::exception& e) {
            errors["w1"] = e.what();
        }
    }

    // ---- W2 ----------------------------------------------------------------------------------
    if (wanted(only, "w2")) {
        if (digits_path.empty()) {
            errors["w2"] = "no --digits file given";
        } else {
            try {
                const bp::Dataset d = bp::load_digits_csv(read_file(digits_path), 0.9, 1);
                try {
                    bp::TrainingSession s(w2_config(), d);
                    results["w2_train"] = rate(timing, [&] {
                        s.step(kW2Steps);
                        return static_cast<double>(kW2Steps * 32);
                    }, "examples/s");
                    results["w2_metrics"] = per_call_ms(timing, [&] { s.stats(); });
                    info["w2_train_accuracy_after"] = s.stats().train_accuracy;
                } catch (const std::exception& e) {
                    errors["w2"] = std::string("TrainingSession refuses the W2 network: ") + e.what();
                    // Still measure the core's kernels on W2, outside the session (no limit check).
                    DirectMlp m(d);
                    results["w2_train_direct"] = rate(timing, [&] {
                        m.steps(200);
                        return 200.0 * 32;
                    }, "examples/s");
                }
            } catch (const std::exception& e) {
                errors["w2"] = e.what();
            }
        }
    }

    // ---- W3 ----------------------------------------------------------------------------------
    if (wanted(only, "w3")) {
        try {
            bp::SequenceSession s(w3_session_config());
            results["w3_train"] = rate(timing, [&] {
                const bp::SequenceStats st = s.step(kW3Steps);
                if (st.diverged) throw std::runtime_error("W3 diverged: " + st.message);
                return static_cast<double>(kW3Steps * 16);
            }, "sequences/s");
            results["w3_metrics"] = per_call_ms(timing, [&] { s.stats(); });
            info["w3_session_test_loss_after"] = s.stats().test_loss;
            info["w3_steps_per_call"] = kW3Steps;
        } catch (const std::exception& e) {
            errors["w3"] = e.what();
        }
        try {
            W3 w(w3_path);
            results["w3_train_direct"] = rate(timing, [&] {
                for (int i = 0; i < 16; ++i) w.batch_step();  // 16 batches = one pass over 256
                return 16.0 * 16;
            }, "sequences/s");
            info["w3_direct_loss_after"] = w.batch_step();
            info["w3_direct_data"] = w3_path.empty() ? "core sine task" : w3_path;
        } catch (const std::exception& e) {
            errors["w3_direct"] = e.what();
        }
    }

    // ---- W4, W5 -------------------------------------------------------------------------------
    if (wanted(only, "w4") || wanted(only, "w5")) {
        if (mnist_path.empty()) {
            errors["w4"] = errors["w5"] = "no --mnist file given";
        } else {
            try {
                const bp::ImageSet data = bench::read_mnist(mnist_path);
                bench::run_images(timing, data, wanted(only, "w4"), wanted(only, "w5"), results, errors, info);
            } catch (const std::exception& e) {
                errors["w4"] = errors["w5"] = e.what();
            }
        }
    }

    out["results"] = results;
    out["errors"] = errors;
    out["info"] = info;
    std::cout << out.dump() << std::endl;
    return 0;
}
