// backprop: the core from the command line.
//
//   backprop train --config run.json [--epochs N | --steps N] [--out model.json]
//   backprop grad --model model.json [--data batch.json | --data digits.bpimg]
//   backprop gradcheck --model model.json [--data digits.bpimg] [--entries N] [--tolerance T]
//   backprop data --config run.json        (the generated points, as JSON)
//   backprop digits --config image.json --data digits.bpimg [--steps N]
//
// run.json is a session configuration (docs/wasm-api.md, docs/model-format.md); batch.json is
// {"points": [[x, y, label], ...]}. grad and gradcheck take the four model files (MLP, sequence,
// fixed-point, image; the kind is read from the file's "format"): an MLP's gradients are over the
// batch given with --data, a sequence model's over all its training sequences, a fixed-point
// model's over the batch its next step trains on, an image model's over all the training images
// of the digit file given with --data (docs/cli.md). digits trains an image session
// (docs/image-models.md) on a .bpimg file for N single steps and prints, as JSON, the loss of
// every step and the test set's evaluation after them: the wasm parity tests
// (tests/node/digits.test.mjs) compare them with the digits module's. Errors go to stderr with exit
// status 1 (bad input, divergence, a failed gradient check) or 2 (usage).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

#include "io/fixed_point_io.hpp"
#include "io/image_io.hpp"
#include "nn/gradcheck.hpp"
#include "io/json_io.hpp"
#include "base/limits.hpp"
#include "base/messages.hpp"
#include "io/model_io.hpp"
#include "session/session.hpp"

namespace {

const char* kUsage =
    "usage:\n"
    "  backprop train --config run.json [--epochs N | --steps N] [--out model.json]\n"
    "  backprop grad --model model.json [--data batch.json | digits.bpimg]   (--data: MLP and image model files)\n"
    "  backprop gradcheck --model model.json [--data digits.bpimg] [--entries N] [--tolerance T]\n"
    "  backprop data --config run.json\n"
    "  backprop digits --config image.json --data digits.bpimg [--steps N]\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The file given with `option` (--config, --model, --data), checked before it is read: it must
// be a regular file (not a folder, a device such as /dev/zero, or a fifo) of at most
// limits::kMaxModelBytes, and no more than that is ever read (a file may grow meanwhile).
std::string read_file(const std::string& path, const char* option) {
    const std::string what = std::string(option) + " " + bp::quote(path, 80);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::invalid_argument(what + ": cannot open (no such file?)");
    if (S_ISDIR(st.st_mode)) throw std::invalid_argument(what + ": is a folder, not a file");
    if (!S_ISREG(st.st_mode)) throw std::invalid_argument(what + ": is not a regular file (a device, fifo or socket)");
    const auto limit = bp::limits::kMaxModelBytes;
    if (static_cast<unsigned long long>(st.st_size) > limit)
        throw std::out_of_range(what + ": " + std::to_string(st.st_size) + " bytes is over the limit of " +
                                std::to_string(limit));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(what + ": cannot open");
    std::string text(limit + 1, '\0');
    in.read(&text[0], static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit)
        throw std::out_of_range(what + ": over the limit of " + std::to_string(limit) + " bytes");
    return text;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!out || !(out << text)) throw std::invalid_argument("cannot write " + bp::quote(path, 80));
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
    std::printf("epoch %8.2f  train loss %.6g  test loss %.6g  train acc %6.2f%%  test acc %6.2f%%  %.3g examples/s\n",
                s.epoch, s.train_loss, s.test_loss, 100 * s.train_accuracy, 100 * s.test_accuracy,
                s.examples / std::max(secs, 1e-9));
    std::fflush(stdout);
}

int train(int argc, char** argv) {
    const bp::SessionConfig config = bp::parse_config(read_file(option(argc, argv, "--config", true), "--config"));
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
        // A divergence (the session restored the state before the call) or, should one slip
        // through, a non-finite loss: say so, exit 1, and write no model.
        if (s.diverged || !std::isfinite(s.train_loss) || !std::isfinite(s.test_loss)) {
            std::fprintf(stderr, "backprop: %s\nno model written\n",
                         bp::safe_message(s.diverged ? s.message : "training diverged: the loss is not finite").c_str());
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
    const bp::SessionConfig config = bp::parse_config(read_file(option(argc, argv, "--config", true), "--config"));
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

// {"steps": N, "losses": [loss of step 1, ...], "test": {loss, accuracy, reconstructionMse}}
// (NaN, as the accuracy of an autoencoder, is written null).
int digits(int argc, char** argv) {
    const bp::ImageSessionConfig config =
        bp::parse_image_config(read_file(option(argc, argv, "--config", true), "--config"));
    const std::string bytes = read_file(option(argc, argv, "--data", true), "--data");
    bp::ImageSession session(config, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    const long steps = static_cast<long>(number_option(argc, argv, "--steps", "100", 0, 1e6));
    nlohmann::json losses = nlohmann::json::array();
    for (long i = 0; i < steps; ++i) {
        const bp::ImageStepStats st = session.step(1);
        if (st.diverged) throw std::runtime_error(st.message);
        losses.push_back(st.train_loss);
    }
    const bp::ImageEval e = session.evaluate();
    const nlohmann::ordered_json out = {
        {"steps", steps},
        {"losses", losses},
        {"test", {{"loss", e.loss}, {"accuracy", e.accuracy}, {"reconstructionMse", e.reconstruction_mse}}}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}

// ---- grad and gradcheck, for every kind of model file ----

enum class ModelKind { Mlp, Sequence, FixedPoint, Image };

// The kind of a model file from its "format" (an unknown one is left to the MLP reader, whose
// message says what it expected).
ModelKind model_kind(const std::string& text) {
    const bp::json_io::json j = bp::json_io::parse_text(text, "model file");
    if (j.is_object() && j.contains("format") && j["format"].is_string()) {
        const std::string f = j["format"].get<std::string>();
        if (f == bp::kSequenceModelFormat) return ModelKind::Sequence;
        if (f == bp::kFixedPointModelFormat) return ModelKind::FixedPoint;
        if (f == bp::kImageModelFormat) return ModelKind::Image;
    }
    return ModelKind::Mlp;
}

// {"W1": [[...]], ...} from the grads of `params`, in their order.
nlohmann::ordered_json gradients_json(const bp::ParamList& params) {
    nlohmann::ordered_json g = nlohmann::ordered_json::object();
    for (const bp::ParamRef& p : params) {
        nlohmann::ordered_json rowsj = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < bp::rows(*p.grad); ++i) {
            nlohmann::ordered_json r = nlohmann::ordered_json::array();
            for (std::size_t j = 0; j < bp::cols(*p.grad); ++j) r.push_back((*p.grad)(i, j));
            rowsj.push_back(r);
        }
        g[p.name] = rowsj;
    }
    return g;
}

// The batch file of an MLP's grad: {"points": [[x, y, label], ...]}, 1..kMaxPoints points.
void read_batch(const std::string& text, bp::Mat& xy, bp::Mat& labels) {
    const bp::json_io::json batch = bp::json_io::parse_text(text, "batch file");
    if (!batch.is_object() || !batch.contains("points") || !batch["points"].is_array() || batch["points"].empty())
        throw std::invalid_argument("batch file: needs {\"points\": [[x, y, label], ...]} with at least one point");
    const auto& pts = batch["points"];
    if (pts.size() > bp::limits::kMaxPoints)
        throw std::out_of_range("/points: " + std::to_string(pts.size()) + " points is over the limit of " +
                                std::to_string(bp::limits::kMaxPoints));
    xy = bp::zeros(pts.size(), 2);
    labels = bp::zeros(pts.size(), 1);
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const auto& p = pts[i];
        if (!p.is_array() || p.size() != 3 || !p[0].is_number() || !p[1].is_number() || !p[2].is_number())
            throw std::invalid_argument("/points/" + std::to_string(i) + ": must be [x, y, label]");
        for (std::size_t k = 0; k < 3; ++k)
            if (!std::isfinite(p[k].get<double>()))
                throw std::invalid_argument("/points/" + std::to_string(i) + ": must hold finite numbers");
        xy(i, 0) = p[0].get<double>();
        xy(i, 1) = p[1].get<double>();
        labels(i, 0) = p[2].get<double>();
    }
}

// An image model file on the digit file given with --data (docs/image-models.md): its gradients
// are over all the training images of the seeded split.
std::unique_ptr<bp::ImageSession> load_image(const std::string& text, int argc, char** argv) {
    const std::string bytes = read_file(option(argc, argv, "--data", true), "--data");
    return bp::load_image_model(text, bp::parse_image_set(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

// Prints {"loss": ..., <counts>, "gradients": {...}} (ordered: the model file's parameter order).
int print_gradients(double loss, nlohmann::ordered_json counts, const bp::ParamList& params) {
    nlohmann::ordered_json out = {{"loss", loss}};
    for (auto it = counts.begin(); it != counts.end(); ++it) out[it.key()] = it.value();
    out["gradients"] = gradients_json(params);
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
}

int grad(int argc, char** argv) {
    const std::string text = read_file(option(argc, argv, "--model", true), "--model");
    const ModelKind kind = model_kind(text);
    if (kind == ModelKind::Image) {
        auto s = load_image(text, argc, argv);
        const double loss = s->gradients();
        return print_gradients(loss, {{"images", s->train_set().count()}}, s->params());
    }
    if (kind != ModelKind::Mlp && has_option(argc, argv, "--data"))
        throw UsageError("--data is for MLP and image model files: a sequence model's gradients are over its "
                         "training sequences, a fixed-point model's over the batch of its next step");
    if (kind == ModelKind::Sequence) {
        auto s = bp::load_sequence_model(text);
        const double loss = s->gradients();
        return print_gradients(loss, {{"sequences", s->config().task.sequences}}, s->params());
    }
    if (kind == ModelKind::FixedPoint) {
        auto s = bp::load_fixed_point_model(text);
        const bp::FixedPointStats st = s->gradients();
        return print_gradients(st.loss, {{"patterns", st.patterns}, {"used", st.used}}, s->params());
    }
    auto session = bp::load_model(text);
    bp::Mat xy, labels;
    read_batch(read_file(option(argc, argv, "--data", true), "--data"), xy, labels);
    const double loss = session->loss_and_gradients(xy, labels);
    return print_gradients(loss, nlohmann::ordered_json::object(), session->params());
}

// A relative error as the report prints it: "nan" for NaN (a non-finite gradient), never hidden.
std::string rel(double e) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3e", e);
    return std::isnan(e) ? "nan" : buf;
}

int gradcheck(int argc, char** argv) {
    const std::string text = read_file(option(argc, argv, "--model", true), "--model");
    const ModelKind kind = model_kind(text);
    const double tolerance = [&] {
        const std::string t = option(argc, argv, "--tolerance", false, "1e-6");
        char* end = nullptr;
        const double v = std::strtod(t.c_str(), &end);
        if (t.empty() || *end != '\0' || !(v > 0 && v < 1)) throw UsageError("--tolerance must be a number in (0, 1)");
        return v;
    }();
    if (kind == ModelKind::Mlp) {
        if (has_option(argc, argv, "--entries")) throw UsageError("--entries is for sequence, fixed-point and image model files");
        auto session = bp::load_model(text);
        const auto r = session->gradient_check();
        std::printf("max relative error %s\n", rel(r.max_rel_error).c_str());
        for (std::size_t l = 0; l < r.per_layer.size(); ++l)
            std::printf("  layer %zu  %s\n", l + 1, rel(r.per_layer[l]).c_str());
        if (r.nonfinite) std::printf("%zu non-finite gradient entries\n", r.nonfinite);
        const bool ok = r.nonfinite == 0 && r.max_rel_error < tolerance;  // NaN fails
        return ok ? 0 : 1;
    }
    if (kind != ModelKind::Image && has_option(argc, argv, "--data"))
        throw UsageError("--data is for image model files (the digit file they train on)");
    // Sequence, fixed-point and image models: gradients() against central differences of the loss
    // gradients() returns, the weights moved in place (gradcheck restores them exactly).
    const std::size_t entries = static_cast<std::size_t>(number_option(argc, argv, "--entries", "50", 0, 1e9));
    std::unique_ptr<bp::SequenceSession> seq;
    std::unique_ptr<bp::FixedPointSession> fp;
    std::unique_ptr<bp::ImageSession> image;
    std::function<double()> loss;
    bp::ParamList params;
    std::size_t used = 0, patterns = 0;
    if (kind == ModelKind::Sequence) {
        seq = bp::load_sequence_model(text);
        loss = [&] { return seq->gradients(); };
        params = seq->params();
    } else if (kind == ModelKind::Image) {
        image = load_image(text, argc, argv);
        loss = [&] { return image->gradients(); };
        params = image->params();
    } else {
        fp = bp::load_fixed_point_model(text);
        loss = [&] {
            const bp::FixedPointStats st = fp->gradients();
            used = st.used;
            patterns = st.patterns;
            return st.loss;
        };
        params = fp->params();
    }
    // evenly spaced entries (rng null): the same ones every run
    const bp::GradCheckResult r = bp::gradcheck(params, loss, loss, 1e-5, entries, nullptr);
    std::printf("max relative error %s\n", rel(r.max_rel_error).c_str());
    for (const bp::GradCheckEntry& e : r.per_param)
        std::printf("  %-3s %s  (%zu entries; worst %zu: analytic %.9g, numeric %.9g)\n", e.name.c_str(),
                    rel(e.max_rel_error).c_str(), e.checked, e.worst_index, e.analytic, e.numeric);
    if (r.nonfinite) std::printf("%zu non-finite gradient entries\n", r.nonfinite);
    if (fp && used < patterns)
        std::printf("%zu of %zu patterns did not settle and are left out of the loss\n", patterns - used, patterns);
    if (fp && !r.passed(tolerance))
        std::printf("(a fixed-point model's numeric gradients are only as exact as its relaxation: try a smaller "
                    "config.relax.tol, e.g. 1e-14)\n");
    return r.passed(tolerance) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    try {
        if (cmd == "train") return train(argc, argv);
        if (cmd == "grad") return grad(argc, argv);
        if (cmd == "gradcheck") return gradcheck(argc, argv);
        if (cmd == "data") return data(argc, argv);
        if (cmd == "digits") return digits(argc, argv);
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        throw UsageError(cmd.empty() ? "no command given" : "unknown command " + bp::quote(cmd));
    } catch (const UsageError& e) {
        std::fprintf(stderr, "backprop: %s\n%s", bp::safe_message(e.what()).c_str(), kUsage);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "backprop: %s\n", bp::safe_message(e.what()).c_str());
        return 1;
    }
}
