// backprop: the core from the command line.
//
//   backprop train --config run.json [--epochs N | --steps N] [--out model.json]
//   backprop grad --model model.json --data batch.json
//   backprop gradcheck --model model.json
//   backprop data --config run.json        (the generated points, as JSON)
//
// run.json is a session configuration (docs/wasm-api.md, docs/model-format.md); batch.json is
// {"points": [[x, y, label], ...]}. Errors go to stderr with exit status 1 (bad input) or 2 (usage).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "limits.hpp"
#include "model_io.hpp"
#include "session.hpp"

namespace {

const char* kUsage =
    "usage:\n"
    "  backprop train --config run.json [--epochs N | --steps N] [--out model.json]\n"
    "  backprop grad --model model.json --data batch.json\n"
    "  backprop gradcheck --model model.json\n"
    "  backprop data --config run.json\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot open '" + path + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!out || !(out << text)) throw std::invalid_argument("cannot write '" + path + "'");
}

// --name value pairs after the command.
std::string option(int argc, char** argv, const char* name, bool required, const std::string& fallback = "") {
    for (int i = 2; i + 1 < argc; ++i)
        if (std::string(argv[i]) == name) return argv[i + 1];
    if (required) throw UsageError(std::string("missing ") + name);
    return fallback;
}

double number_option(int argc, char** argv, const char* name, const char* fallback, double lo, double hi) {
    const std::string text = option(argc, argv, name, false, fallback);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(v >= lo && v <= hi) || v != std::floor(v))
        throw UsageError(std::string(name) + " must be a whole number in " + std::to_string(long(lo)) + ".." +
                         std::to_string(long(hi)));
    return v;
}

bool has_option(int argc, char** argv, const char* name) {
    for (int i = 2; i < argc; ++i)
        if (std::string(argv[i]) == name) return true;
    return false;
}

void print_progress(const bp::StepStats& s, double secs) {
    std::printf("epoch %8.2f  train loss %.6f  test loss %.6f  train acc %6.2f%%  test acc %6.2f%%  %.3g examples/s\n",
                s.epoch, s.train_loss, s.test_loss, 100 * s.train_accuracy, 100 * s.test_accuracy,
                s.examples / std::max(secs, 1e-9));
    std::fflush(stdout);
}

int train(int argc, char** argv) {
    const bp::SessionConfig config = bp::parse_config(read_file(option(argc, argv, "--config", true)));
    bp::TrainingSession session(config);
    // Either a number of epochs (progress printed ten times) or an exact number of mini-batch
    // steps (0 writes the initial model: the parity tests compare it with the wasm build's).
    const bool by_steps = has_option(argc, argv, "--steps");
    const long total = by_steps ? static_cast<long>(number_option(argc, argv, "--steps", "0", 0, 1e9))
                                : static_cast<long>(number_option(argc, argv, "--epochs", "100", 1, 1e6));
    const std::size_t chunk = by_steps ? 1 : session.steps_per_epoch();
    const auto t0 = std::chrono::steady_clock::now();
    bp::StepStats s = session.stats();
    long done = 0;
    while (done < total) {
        const long n = by_steps ? std::min<long>(total - done, 100000) : 1;
        s = session.step(chunk * static_cast<std::size_t>(n));
        done += n;
        if (s.diverged) {
            std::fprintf(stderr, "%s\n", s.message.c_str());
            return 1;
        }
        if (!by_steps && (done == total || done % std::max(1L, total / 10) == 0))
            print_progress(s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    if (by_steps) print_progress(s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    const std::string out = option(argc, argv, "--out", false);
    if (!out.empty()) {
        write_file(out, bp::save_model(session, 2));
        std::printf("wrote %s\n", out.c_str());
    }
    return 0;
}

int data(int argc, char** argv) {
    const bp::SessionConfig config = bp::parse_config(read_file(option(argc, argv, "--config", true)));
    const bp::Dataset d = bp::make_dataset(config.dataset);
    auto points = [](const bp::Mat& xy, const bp::Mat& y) {
        nlohmann::json a = nlohmann::json::array();
        for (std::size_t i = 0; i < bp::rows(xy); ++i) a.push_back({xy(i, 0), xy(i, 1), y(i, 0)});
        return a;
    };
    const nlohmann::json out = {{"classes", d.classes}, {"train", points(d.x_train, d.y_train)},
                                {"test", points(d.x_test, d.y_test)}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}

int grad(int argc, char** argv) {
    auto session = bp::load_model(read_file(option(argc, argv, "--model", true)));
    const nlohmann::json batch = nlohmann::json::parse(read_file(option(argc, argv, "--data", true)));
    if (!batch.is_object() || !batch.contains("points") || !batch["points"].is_array() || batch["points"].empty())
        throw std::invalid_argument("batch file: needs {\"points\": [[x, y, label], ...]} with at least one point");
    const auto& pts = batch["points"];
    if (pts.size() > bp::limits::kMaxPoints)
        throw std::out_of_range("batch file: " + std::to_string(pts.size()) + " points is over the limit of " +
                                std::to_string(bp::limits::kMaxPoints));
    bp::Mat xy = bp::zeros(pts.size(), 2), labels = bp::zeros(pts.size(), 1);
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const auto& p = pts[i];
        if (!p.is_array() || p.size() != 3 || !p[0].is_number() || !p[1].is_number() || !p[2].is_number())
            throw std::invalid_argument("batch file: /points/" + std::to_string(i) + " must be [x, y, label]");
        xy(i, 0) = p[0].get<double>();
        xy(i, 1) = p[1].get<double>();
        labels(i, 0) = p[2].get<double>();
    }
    const double loss = session->loss_and_gradients(xy, labels);
    nlohmann::ordered_json out = {{"loss", loss}};  // ordered: W1, b1, W2, b2, ...
    for (const bp::ParamRef& p : bp::mlp_params(session->network())) {
        nlohmann::ordered_json rowsj = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < bp::rows(*p.grad); ++i) {
            nlohmann::ordered_json r = nlohmann::ordered_json::array();
            for (std::size_t j = 0; j < bp::cols(*p.grad); ++j) r.push_back((*p.grad)(i, j));
            rowsj.push_back(r);
        }
        out["gradients"][p.name] = rowsj;
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
}

int gradcheck(int argc, char** argv) {
    auto session = bp::load_model(read_file(option(argc, argv, "--model", true)));
    const auto r = session->gradient_check();
    std::printf("max relative error %.3e\n", r.max_rel_error);
    for (std::size_t l = 0; l < r.per_layer.size(); ++l) std::printf("  layer %zu  %.3e\n", l + 1, r.per_layer[l]);
    return r.max_rel_error < 1e-6 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    try {
        if (cmd == "train") return train(argc, argv);
        if (cmd == "grad") return grad(argc, argv);
        if (cmd == "gradcheck") return gradcheck(argc, argv);
        if (cmd == "data") return data(argc, argv);
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        throw UsageError(cmd.empty() ? "no command given" : "unknown command '" + cmd + "'");
    } catch (const UsageError& e) {
        std::fprintf(stderr, "backprop: %s\n%s", e.what(), kUsage);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "backprop: %s\n", e.what());
        return 1;
    }
}
