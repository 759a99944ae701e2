// image_io.cpp: see image_io.hpp and docs/image-models.md.
#include "io/image_io.hpp"

#include <stdexcept>

#include "io/json_io.hpp"
#include "base/limits.hpp"
#include "base/validate.hpp"

namespace bp {

using namespace json_io;  // Fields, named, parse_text, params_json, read_params, optimizer state

namespace {

// Layer types as written in files: the kinds, and every activation by its own name.
LayerSpec read_layer(const json& j, const std::string& path) {
    Fields f(j, path);
    if (!f.has("type")) throw std::invalid_argument(path + "/type: missing (dense, conv2d, max_pool, avg_pool, "
                                                           "flatten, or an activation: relu, tanh, ...)");
    const std::string type = f.text("type", "");
    const double big = static_cast<double>(stack_limits::kMaxUnits) * 64;
    if (type == "dense") {
        f.allow_only({"type", "units", "inputs"});
        if (!f.has("units")) throw std::invalid_argument(f.path("units") + ": missing");
        return LayerSpec::dense(static_cast<std::size_t>(f.count("units", 0, 1, stack_limits::kMaxUnits)),
                                static_cast<std::size_t>(f.count("inputs", 0, 0, big)));
    }
    if (type == "conv2d") {
        f.allow_only({"type", "filters", "kernel", "stride", "padding", "inChannels"});
        if (!f.has("filters")) throw std::invalid_argument(f.path("filters") + ": missing");
        const auto filters = static_cast<std::size_t>(f.count("filters", 0, 1, image_limits::kMaxChannels));
        const auto kernel = static_cast<std::size_t>(f.count("kernel", 3, 1, kMaxConvKernel));
        const auto stride = static_cast<std::size_t>(f.count("stride", 1, 1, 2));
        const Padding padding = named(f, "padding", "valid", padding_from_name);
        const auto in_channels = static_cast<std::size_t>(f.count("inChannels", 0, 0, image_limits::kMaxChannels));
        return LayerSpec::conv(filters, kernel, padding, stride, in_channels);
    }
    f.allow_only({"type"});
    if (type == "max_pool") return LayerSpec::max_pool();
    if (type == "avg_pool") return LayerSpec::avg_pool();
    if (type == "flatten") return LayerSpec::flatten();
    try {
        return LayerSpec::act(activation_from_name(type));
    } catch (const std::exception&) {
        throw std::invalid_argument(f.path("type") + ": unknown layer type '" + type +
                                    "' (allowed: dense, conv2d, max_pool, avg_pool, flatten, linear, sigmoid, "
                                    "tanh, relu, leaky_relu, softmax)");
    }
}

std::vector<LayerSpec> read_layers(const json& j, const std::string& path) {
    if (!j.is_array()) throw std::invalid_argument(path + ": must be an array of layers");
    check_count(path, j.size(), 1, stack_limits::kMaxLayers, " layers");
    std::vector<LayerSpec> specs;
    for (std::size_t i = 0; i < j.size(); ++i) specs.push_back(read_layer(j[i], path + "/" + std::to_string(i)));
    return specs;
}

json layer_json(const StackLayer& layer) {
    const LayerSpec& s = layer.spec;
    switch (s.kind) {
        case LayerKind::Dense: return {{"type", "dense"}, {"units", s.units}, {"inputs", layer.in.size()}};
        case LayerKind::Conv2d:
            return {{"type", "conv2d"}, {"filters", s.filters}, {"kernel", s.kernel}, {"stride", s.stride},
                    {"padding", padding_name(s.padding)}, {"inChannels", layer.in.channels}};
        case LayerKind::MaxPool: return {{"type", "max_pool"}};
        case LayerKind::AvgPool: return {{"type", "avg_pool"}};
        case LayerKind::Flatten: return {{"type", "flatten"}};
        case LayerKind::Activation: return {{"type", activation_name(s.activation)}};
    }
    throw std::invalid_argument("layer_json: invalid LayerKind value");
}

void read_training(const Fields& f, ImageSessionConfig& c) {
    f.allow_only({"optimizer", "learningRate", "momentum", "beta1", "beta2", "rho", "epsilon", "schedule",
                  "decayRate", "decaySteps", "clipNorm", "batchSize", "augment", "maxShift", "noise", "noiseKind",
                  "seed"});
    read_optimizer_config(f, c.optimizer);
    c.batch_size = static_cast<std::size_t>(f.count("batchSize", static_cast<double>(c.batch_size), 1, limits::kMaxBatch));
    c.augment = f.flag("augment", c.augment);
    c.max_shift = static_cast<std::size_t>(f.count("maxShift", static_cast<double>(c.max_shift), 0, 3));
    c.noise = f.number("noise", c.noise, 0.0, 1.0);
    c.noise_kind = named(f, "noiseKind", noise_kind_name(c.noise_kind), noise_kind_from_name);
    c.train_seed = f.seed("seed", c.train_seed);
}

ImageSessionConfig read_config(const json& j, const std::string& path) {
    Fields f(j, path);
    f.allow_only({"data", "model", "training"});
    // The data set and the model kind first: they choose the defaults of everything else.
    ImageDataKind data = ImageDataKind::Mnist;
    if (f.has("data")) data = named(Fields(f.at("data"), f.path("data")), "name", "mnist", image_data_from_name);
    ImageModelKind kind = ImageModelKind::Mlp;
    Activation act = Activation::Relu;
    std::size_t hidden = 128, code = 2;
    if (f.has("model")) {
        Fields m(f.at("model"), f.path("model"));
        m.allow_only({"kind", "layers", "loss", "init", "seed", "hidden", "activation", "code"});
        kind = named(m, "kind", "mlp", image_model_from_name);
        act = named(m, "activation", "relu", activation_from_name);
        if (act == Activation::Softmax)
            throw std::invalid_argument(m.path("activation") + ": softmax is not a hidden activation");
        hidden = static_cast<std::size_t>(m.count("hidden", 128, 1, stack_limits::kMaxUnits));
        code = static_cast<std::size_t>(m.count("code", 2, 1, stack_limits::kMaxUnits));
    }
    ImageSessionConfig c = default_image_config(kind, data, act);
    const ImageShape s = image_data_shape(data);
    c.layers = default_image_layers(kind, s.height, s.width, hidden, act, code);
    if (f.has("data")) {
        Fields d(f.at("data"), f.path("data"));
        d.allow_only({"name", "testCount", "seed", "images"});
        c.test_count = static_cast<std::size_t>(d.count("testCount", 0, 0, kMaxImages - 1));
        c.split_seed = d.seed("seed", c.split_seed);
        c.images = static_cast<std::size_t>(d.count("images", 0, 0, kMaxImages));
    }
    if (f.has("model")) {
        Fields m(f.at("model"), f.path("model"));
        if (m.has("layers")) c.layers = read_layers(m.at("layers"), m.path("layers"));
        c.loss = named(m, "loss", loss_name(c.loss), loss_from_name);
        c.init = named(m, "init", init_name(c.init), init_from_name);
        c.init_seed = m.seed("seed", c.init_seed);
    }
    if (f.has("training")) read_training(Fields(f.at("training"), f.path("training")), c);
    const std::string prefix = path.empty() ? "" : path + ": ";
    try {
        validate_image_config(c);
    } catch (const std::out_of_range& e) {
        throw std::out_of_range(prefix + e.what());
    } catch (const std::exception& e) {
        throw std::invalid_argument(prefix + e.what());
    }
    return c;
}

json config_json(const ImageSessionConfig& c, const LayerStack& stack) {
    json layers = json::array();
    for (const StackLayer& l : stack.layers) layers.push_back(layer_json(l));
    json training = optimizer_config_json(c.optimizer);
    training["batchSize"] = c.batch_size;
    training["augment"] = c.augment;
    training["maxShift"] = c.max_shift;
    training["noise"] = c.noise;
    training["noiseKind"] = noise_kind_name(c.noise_kind);
    training["seed"] = c.train_seed;
    json data = {{"name", image_data_name(c.data)}, {"testCount", c.test_count}, {"seed", c.split_seed}};
    if (c.images) data["images"] = c.images;
    return {{"data", data},
            {"model",
             {{"kind", image_model_name(c.model)},
              {"layers", layers},
              {"loss", loss_name(c.loss)},
              {"init", init_name(c.init)},
              {"seed", c.init_seed}}},
            {"training", training}};
}

}  // namespace

ImageSessionConfig parse_image_config(const std::string& json_text) {
    return read_config(parse_text(json_text, "config"), "");
}

std::vector<LayerSpec> parse_layer_specs(const std::string& json_text) {
    return read_layers(parse_text(json_text, "layers"), "/layers");
}

std::string image_config_to_json(const ImageSessionConfig& config, int indent) {
    ImageSessionConfig c = config;
    validate_image_config(c);
    LayerStack stack;
    Rng rng(0);
    stack_build(stack, image_data_shape(c.data), c.layers, c.loss, c.init, rng);  // for the resolved shapes
    return config_json(c, stack).dump(indent);
}

std::string save_image_model(ImageSession& s, int indent) {
    const std::string text = model_file(kImageModelFormat, kImageModelVersion, config_json(s.config(), s.stack()),
                                        params_json(s.params()), s.optimizer(), {{"step", s.steps_taken()}})
                                 .dump(indent);
    if (text.size() > limits::kMaxModelBytes)
        throw std::length_error("save: the model file would be " + std::to_string(text.size()) +
                                " bytes, over the limit of " + std::to_string(limits::kMaxModelBytes) +
                                " (a smaller network, or an optimizer without state, fits)");
    return text;
}

std::unique_ptr<ImageSession> load_image_model(const std::string& json_text, const ImageSet& data) {
    const json j = parse_text(json_text, "model file");
    Fields f(j, "");
    check_model_file(f, kImageModelFormat, kImageModelVersion, "image model");
    auto session = std::make_unique<ImageSession>(read_config(f.at("config"), "/config"), data);
    const ParamList params = session->params();
    read_params(f.at("weights"), params);
    if (f.has("optimizer")) read_optimizer(f.at("optimizer"), params, session->optimizer());
    if (f.has("progress")) {
        Fields pf(f.at("progress"), "/progress");
        pf.allow_only({"step"});
        session->set_progress(static_cast<long>(pf.count("step", 0, 0, 2e9)));
    }
    return session;
}

}  // namespace bp
