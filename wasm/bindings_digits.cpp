// bindings_digits.cpp: Embind surface of the image session (docs/wasm-api.md, "Digits sessions";
// the contract the digits page codes against). Same rules as bindings.cpp: no math, errors
// become JS Error / RangeError, bulk data leaves as typed views over buffers this object or the
// session owns (valid until the next call), except trace(), whose arrays are copies.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bindings_common.hpp"
#include "base/validate.hpp"
#include "data/image_data.hpp"
#include "data/pca.hpp"
#include "io/image_io.hpp"
#include "io/json_io.hpp"
#include "session/image_session.hpp"

using emscripten::val;
using bpwasm::guarded;
using bpwasm::parse_json;
using bpwasm::stringify;
using bpwasm::view;

namespace {

// The bytes of a .bpimg file, copied out of a Uint8Array in one set() (no per-byte crossing).
std::vector<std::uint8_t> image_bytes(const val& v) {
    if (!v.instanceof(val::global("Uint8Array")))
        throw std::invalid_argument("data: must be a Uint8Array holding a .bpimg file");
    const std::size_t n = v["length"].as<std::size_t>();
    const std::size_t most = bp::kImageHeaderBytes + bp::kMaxImages + bp::kMaxImagePixels;
    if (n > most) bp::fail_outside("data: bytes", n, 0, most);
    std::vector<std::uint8_t> bytes(n);
    val(emscripten::typed_memory_view(n, bytes.data())).call<void>("set", v);
    return bytes;
}

// Pixels or a code: an Array, Float64Array or Float32Array of at most 64·64 numbers.
std::vector<double> numbers(const val& v, const char* what) {
    if (!(v.instanceof(val::global("Array")) || v.instanceof(val::global("Float64Array")) ||
          v.instanceof(val::global("Float32Array"))))
        throw std::invalid_argument(std::string(what) + ": must be an Array or Float64Array of numbers");
    const std::size_t n = v["length"].as<std::size_t>();
    const std::size_t most = bp::kMaxImageSide * bp::kMaxImageSide;
    if (n > most) bp::fail_outside(std::string(what) + ": numbers", n, 0, most);
    return emscripten::convertJSArrayToNumberVector<double>(v);
}

std::string text_of(const val& v, const char* what) {
    if (!v.isString()) throw std::invalid_argument(std::string(what) + ": must be a string");
    return v.as<std::string>();
}

// {key: number, ...}: counts and sizes as JS numbers.
val numbers_object(std::initializer_list<std::pair<const char*, std::size_t>> fields) {
    val o = val::object();
    for (const auto& f : fields) o.set(f.first, static_cast<double>(f.second));
    return o;
}
val copy(const std::vector<double>& v) { return val::global("Float64Array").new_(view(v)); }

// One layer as the config writes it, without resolved shapes (parseLayers has no input yet).
val layer_object(const bp::LayerSpec& s) {
    val o = val::object();
    if (s.kind == bp::LayerKind::Activation) {
        o.set("type", std::string(bp::activation_name(s.activation)));
        return o;
    }
    o.set("type", std::string(bp::layer_kind_name(s.kind)));
    if (s.kind == bp::LayerKind::Dense) {
        o.set("units", static_cast<double>(s.units));
        if (s.inputs) o.set("inputs", static_cast<double>(s.inputs));
    } else if (s.kind == bp::LayerKind::Conv2d) {
        o.set("filters", static_cast<double>(s.filters));
        o.set("kernel", static_cast<double>(s.kernel));
        o.set("stride", static_cast<double>(s.stride));
        o.set("padding", std::string(bp::padding_name(s.padding)));
        if (s.in_channels) o.set("inChannels", static_cast<double>(s.in_channels));
    }
    return o;
}

}  // namespace

class ImageSessionJS {
public:
    explicit ImageSessionJS(std::unique_ptr<bp::ImageSession> s) : s_(std::move(s)) {
        const bp::Mat& labels = s_->test_set().labels;
        labels_.resize(bp::rows(labels));
        for (std::size_t i = 0; i < labels_.size(); ++i) labels_[i] = static_cast<std::uint8_t>(labels(i, 0));
    }

    static ImageSessionJS* create(val config, val data) {
        return guarded([&] {
            const bp::ImageSessionConfig c = bp::parse_image_config(stringify(config));
            const std::vector<std::uint8_t> bytes = image_bytes(data);
            return new ImageSessionJS(std::make_unique<bp::ImageSession>(c, bytes.data(), bytes.size()));
        });
    }
    static ImageSessionJS* load(val text, val data) {
        return guarded([&] {
            const std::string t = text_of(text, "loadImageModel: the model file");
            const std::vector<std::uint8_t> bytes = image_bytes(data);
            return new ImageSessionJS(bp::load_image_model(t, bp::parse_image_set(bytes)));
        });
    }

    bp::ImageStepStats step(double n) {
        return guarded([&] { return s_->step(bp::check_index("step: n", n, bp::limits::kMaxSteps + 1)); });
    }
    double stepsPerEpoch() const { return static_cast<double>(s_->steps_per_epoch()); }
    void reset() { s_->reset(); }
    val config() const { return guarded([&] { return parse_json(bp::image_config_to_json(s_->config(), -1)); }); }

    // The current config with these training fields replaced goes through the constructor's
    // parser, so both accept and refuse the same things with the same messages. The network
    // stays; nothing changes when it throws.
    void updateTraining(val training) {
        guarded([&] {
            using bp::json_io::json;
            const json changes = bp::json_io::parse_text(stringify(training, "training"), "training");
            if (!changes.is_object()) throw std::invalid_argument("training: must be an object");
            json next = bp::json_io::parse_text(bp::image_config_to_json(s_->config(), -1), "config");
            for (const auto& kv : changes.items()) next["training"][kv.key()] = kv.value();
            const bp::ImageSessionConfig c = bp::parse_image_config(next.dump());
            if (c.train_seed != s_->config().train_seed)
                throw std::invalid_argument("/training/seed: fixed for a run (a new session takes another)");
            s_->update_training(c.optimizer, c.batch_size, c.augment, c.max_shift, c.noise, c.noise_kind);
            return 0;
        });
    }

    bp::ImageEval evaluate() { return guarded([&] { return s_->evaluate(); }); }
    bp::ImageEval evaluateTrain(double count) {
        return guarded([&] {
            return s_->evaluate_train(bp::check_index("evaluateTrain: count", count, s_->train_set().count() + 1));
        });
    }

    val predict(val pixels) {
        return guarded([&] { return view(out_ = s_->predict(numbers(pixels, "predict"))); });
    }
    val saliency(val pixels, double cls) {
        return guarded([&] {
            const std::size_t k = bp::check_index("saliency: class", cls, bp::kImageClasses);
            return view(out_ = s_->saliency(numbers(pixels, "saliency"), k));
        });
    }
    val confusion() {
        return guarded([&] {
            const std::vector<std::size_t> m = s_->confusion();
            out_.assign(m.begin(), m.end());
            return view(out_);
        });
    }
    val misclassified(double most) {
        return guarded([&] {
            const auto list = s_->misclassified(bp::check_index("misclassified: max", most, bp::kMaxImages + 1));
            val out = val::array();
            for (const bp::Misclassified& m : list) {
                val o = numbers_object({{"index", m.index}, {"label", m.label}}), top = val::array(), p = val::array();
                for (int k = 0; k < 3; ++k) {
                    top.call<void>("push", static_cast<double>(m.top[k]));
                    p.call<void>("push", m.probability[k]);
                }
                o.set("top", top);
                o.set("probability", p);
                out.call<void>("push", o);
            }
            return out;
        });
    }

    // Every array a copy: the page keeps a trace while it steps through the layers.
    val trace(val pixels, double label) {
        return guarded([&] {
            if (!(label >= -1 && label <= 9 && label == static_cast<double>(static_cast<long>(label))))
                bp::fail_range("trace: label: " + bp::format_number(label) + " is not an integer in -1..9");
            const bp::ImageTrace& t = s_->trace(numbers(pixels, "trace"), static_cast<long>(label));
            val o = val::object(), layers = val::array();
            o.set("input", copy(t.input));
            o.set("target", static_cast<double>(t.target));
            o.set("loss", t.loss);
            o.set("inputDelta", copy(t.input_delta));
            for (const bp::ImageLayerTrace& l : t.layers) {
                val lo = numbers_object({{"channels", l.shape.channels}, {"height", l.shape.height}, {"width", l.shape.width}});
                lo.set("text", l.text);
                lo.set("kind", std::string(bp::layer_kind_name(l.kind)));
                lo.set("output", copy(l.output));
                lo.set("delta", copy(l.delta));
                layers.call<void>("push", lo);
            }
            o.set("layers", layers);
            return o;
        });
    }

    val encodeTest() { return guarded([&] { return view(out_ = s_->encode_test()); }); }
    val decode(val code) { return guarded([&] { return view(out_ = s_->decode(numbers(code, "decode"))); }); }
    val reconstruct(val pixels) {
        return guarded([&] { return view(out_ = s_->reconstruct(numbers(pixels, "reconstruct"))); });
    }
    double codeSize() const { return static_cast<double>(s_->code_size()); }

    val imageShape() const { return numbers_object({{"rows", s_->test_set().rows}, {"cols", s_->test_set().cols}}); }
    double testCount() const { return static_cast<double>(s_->test_set().count()); }
    double trainCount() const { return static_cast<double>(s_->train_set().count()); }
    val testImage(double i) { return guarded([&] { return image(s_->test_set(), i, "testImage: index"); }); }
    val trainImage(double i) { return guarded([&] { return image(s_->train_set(), i, "trainImage: index"); }); }
    val testLabels() const { return val(emscripten::typed_memory_view(labels_.size(), labels_.data())); }

    val layers() const {
        val out = val::array();
        for (const bp::StackLayer& l : s_->stack().layers) {
            std::size_t count = 0;
            if (l.spec.kind == bp::LayerKind::Dense) count = l.dense.W.size() + l.dense.b.size();
            if (l.spec.kind == bp::LayerKind::Conv2d) count = l.conv.W.size() + l.conv.b.size();
            val o = numbers_object({{"inChannels", l.in.channels}, {"inHeight", l.in.height}, {"inWidth", l.in.width},
                                    {"channels", l.out.channels}, {"height", l.out.height}, {"width", l.out.width},
                                    {"params", count}});
            o.set("text", bp::layer_text(l.spec, l.in));
            o.set("kind", std::string(bp::layer_kind_name(l.spec.kind)));
            out.call<void>("push", o);
        }
        return out;
    }
    val params() {
        val out = val::array();
        for (const bp::ParamRef& p : s_->params()) {
            val o = numbers_object({{"rows", bp::rows(*p.value)}, {"cols", bp::cols(*p.value)}});
            o.set("name", p.name);
            out.call<void>("push", o);
        }
        return out;
    }
    val param(val name) { return guarded([&] { return view(*find(name, "param").value); }); }
    val paramGradient(val name) { return guarded([&] { return view(*find(name, "paramGradient").grad); }); }
    double gradients() { return guarded([&] { return s_->gradients(); }); }

    // The linear baseline: PCA fitted on the training images, codes and error on the test images.
    val pca(double k) {
        return guarded([&] {
            bp::PcaConfig pc;
            pc.k = bp::check_index("pca: k", k, bp::kMaxPcaComponents + 1);
            auto fit = std::make_unique<bp::Pca>(bp::pca_fit(s_->train_set().pixels, pc));
            const double mse = bp::pca_reconstruction_mse(*fit, s_->test_set().pixels);
            pca_codes_ = bp::pca_project(*fit, s_->test_set().pixels);
            pca_ = std::move(fit);
            val o = val::object();
            o.set("mse", mse);
            o.set("codes", view(pca_codes_));
            o.set("variances", val(emscripten::typed_memory_view(pca_->variances.size(), pca_->variances.data())));
            return o;
        });
    }
    val pcaDecode(val code) {
        return guarded([&] {
            if (!pca_) throw std::invalid_argument("pcaDecode: no PCA yet (call pca(k) first)");
            const std::vector<double> z = numbers(code, "pcaDecode");
            const std::size_t K = bp::rows(pca_->components);
            if (z.size() != K)
                bp::fail_arg("pcaDecode: " + std::to_string(z.size()) + " numbers given, the PCA has " +
                             std::to_string(K) + " components");
            bp::Mat row = bp::zeros(1, K);
            for (std::size_t j = 0; j < K; ++j) {
                bp::check_range("pcaDecode: code " + std::to_string(j), z[j], -1e6, 1e6);
                row(0, j) = z[j];
            }
            pca_decoded_ = bp::pca_reconstruct(*pca_, row);
            return view(pca_decoded_);
        });
    }

    std::string saveModel() { return guarded([&] { return bp::save_image_model(*s_); }); }

private:
    val image(const bp::ImageSet& set, double i, const char* what) const {
        const std::size_t n = bp::check_index(what, i, set.count()), D = bp::cols(set.pixels);
        return val(emscripten::typed_memory_view(D, set.pixels.data() + n * D));
    }
    bp::ParamRef find(const val& name, const char* what) {
        const std::string n = text_of(name, what);
        const bp::ParamList ps = s_->params();
        std::string names;
        for (const bp::ParamRef& p : ps) {
            if (p.name == n) return p;
            names += (names.empty() ? "" : ", ") + p.name;
        }
        throw std::invalid_argument(std::string(what) + ": no parameter " + bp::quote(n, 40) + " (this network has " +
                                    names + ")");
    }

    std::unique_ptr<bp::ImageSession> s_;
    std::vector<std::uint8_t> labels_;  // test labels, for testLabels()
    std::vector<double> out_;           // what the last predict/saliency/decode/... returned
    std::unique_ptr<bp::Pca> pca_;      // the last pca(k)
    bp::Mat pca_codes_, pca_decoded_;
};

namespace {

ImageSessionJS* load_image_model(val text, val data) { return ImageSessionJS::load(text, data); }

// A default config through the config parser: the same defaults, checks and messages.
val default_image_config(val kind, val data, val activation) {
    return guarded([&] {
        const bp::json_io::json j = {{"data", {{"name", text_of(data, "defaultImageConfig: data")}}},
                                     {"model", {{"kind", text_of(kind, "defaultImageConfig: kind")},
                                                {"activation", text_of(activation, "defaultImageConfig: activation")}}}};
        return parse_json(bp::image_config_to_json(bp::parse_image_config(j.dump()), -1));
    });
}

val parse_layers(val layers) {
    return guarded([&] {
        val out = val::array();
        for (const bp::LayerSpec& s : bp::parse_layer_specs(stringify(layers, "layers"))) out.call<void>("push", layer_object(s));
        return out;
    });
}

}  // namespace

EMSCRIPTEN_BINDINGS(backprop_digits) {
    emscripten::function("heapBytes", &bpwasm::heap_bytes);
    emscripten::function("loadImageModel", &load_image_model, emscripten::allow_raw_pointers());
    emscripten::function("defaultImageConfig", &default_image_config);
    emscripten::function("parseLayers", &parse_layers);

    emscripten::class_<ImageSessionJS>("ImageSession")
        .constructor(&ImageSessionJS::create, emscripten::allow_raw_pointers())
        .function("step", &ImageSessionJS::step)
        .function("stepsPerEpoch", &ImageSessionJS::stepsPerEpoch)
        .function("reset", &ImageSessionJS::reset)
        .function("config", &ImageSessionJS::config)
        .function("updateTraining", &ImageSessionJS::updateTraining)
        .function("evaluate", &ImageSessionJS::evaluate)
        .function("evaluateTrain", &ImageSessionJS::evaluateTrain)
        .function("predict", &ImageSessionJS::predict)
        .function("saliency", &ImageSessionJS::saliency)
        .function("confusion", &ImageSessionJS::confusion)
        .function("misclassified", &ImageSessionJS::misclassified)
        .function("trace", &ImageSessionJS::trace)
        .function("encodeTest", &ImageSessionJS::encodeTest)
        .function("decode", &ImageSessionJS::decode)
        .function("reconstruct", &ImageSessionJS::reconstruct)
        .function("codeSize", &ImageSessionJS::codeSize)
        .function("imageShape", &ImageSessionJS::imageShape)
        .function("testCount", &ImageSessionJS::testCount)
        .function("trainCount", &ImageSessionJS::trainCount)
        .function("testImage", &ImageSessionJS::testImage)
        .function("trainImage", &ImageSessionJS::trainImage)
        .function("testLabels", &ImageSessionJS::testLabels)
        .function("layers", &ImageSessionJS::layers)
        .function("params", &ImageSessionJS::params)
        .function("param", &ImageSessionJS::param)
        .function("paramGradient", &ImageSessionJS::paramGradient)
        .function("gradients", &ImageSessionJS::gradients)
        .function("pca", &ImageSessionJS::pca)
        .function("pcaDecode", &ImageSessionJS::pcaDecode)
        .function("saveModel", &ImageSessionJS::saveModel);

    emscripten::value_object<bp::ImageStepStats>("ImageStepStats")
        .field("step", &bp::ImageStepStats::step)
        .field("epoch", &bp::ImageStepStats::epoch)
        .field("examples", &bp::ImageStepStats::examples)
        .field("trainLoss", &bp::ImageStepStats::train_loss)
        .field("learningRate", &bp::ImageStepStats::learning_rate)
        .field("clipCount", &bp::ImageStepStats::clip_count)
        .field("diverged", &bp::ImageStepStats::diverged)
        .field("message", &bp::ImageStepStats::message);

    emscripten::value_object<bp::ImageEval>("ImageEval")
        .field("step", &bp::ImageEval::step)
        .field("loss", &bp::ImageEval::loss)
        .field("accuracy", &bp::ImageEval::accuracy)
        .field("reconstructionMse", &bp::ImageEval::reconstruction_mse)
        .field("count", &bp::ImageEval::count);
}
