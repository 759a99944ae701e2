// model_io.cpp: see model_io.hpp and docs/model-format.md.
#include "io/model_io.hpp"

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "io/json_io.hpp"
#include "base/limits.hpp"
#include "nn/losses.hpp"

namespace bp {

using namespace json_io;  // Fields, named, parse_text, matrix_json, read_matrix, optimizer state

namespace {

DatasetConfig read_dataset(const Fields& f, DatasetConfig d) {
    f.allow_only({"name", "points", "noise", "trainRatio", "seed", "task", "custom"});
    d.kind = named(f, "name", dataset_name(d.kind), dataset_from_name);
    d.task = named(f, "task", dataset_task_name(d.task), dataset_task_from_name);  // absent (older files): auto
    d.points = static_cast<std::size_t>(f.count("points", static_cast<double>(d.points), 1, limits::kMaxPoints));
    d.noise = f.number("noise", d.noise, 0.0, 1.0);
    d.train_ratio = f.number("trainRatio", d.train_ratio, 0.1, 0.9);
    d.seed = f.seed("seed", d.seed);
    if (f.has("custom")) {
        const json& c = f.at("custom");
        if (!c.is_array()) throw std::invalid_argument(f.path("custom") + ": must be an array of [x, y, label]");
        if (c.size() > limits::kMaxPoints)
            throw std::out_of_range(f.path("custom") + ": " + std::to_string(c.size()) +
                                    " points is over the limit of " + std::to_string(limits::kMaxPoints));
        d.custom.clear();
        for (std::size_t i = 0; i < c.size(); ++i) {
            const json& p = c[i];
            const std::string where = f.path("custom") + "/" + std::to_string(i);
            if (!p.is_array() || p.size() != 3) throw std::invalid_argument(where + ": must be [x, y, label]");
            std::array<double, 3> v{};
            for (std::size_t k = 0; k < 3; ++k) {
                if (!p[k].is_number()) throw std::invalid_argument(where + ": must hold numbers");
                v[k] = p[k].get<double>();
                if (!std::isfinite(v[k])) throw std::invalid_argument(where + ": must hold finite numbers");
            }
            d.custom.push_back(v);
        }
        if (d.kind == DatasetKind::Custom) d.points = d.custom.size();
    }
    return d;
}

unsigned read_features(const json& j, const std::string& path) {
    if (!j.is_array()) throw std::invalid_argument(path + ": must be an array of feature names");
    unsigned mask = 0;
    for (std::size_t i = 0; i < j.size(); ++i) {
        if (!j[i].is_string()) throw std::invalid_argument(path + "/" + std::to_string(i) + ": must be a string");
        try {
            mask |= feature_from_name(j[i].get<std::string>());
        } catch (const std::exception&) {
            throw std::invalid_argument(path + "/" + std::to_string(i) + ": " +
                                        json_io::name_message(feature_from_name, j[i].get<std::string>()));
        }
    }
    if (mask == 0) throw std::invalid_argument(path + ": choose at least one feature");
    return mask;
}

NetworkSpec read_network(const Fields& f, NetworkSpec n) {
    f.allow_only({"hidden", "activation", "output", "loss", "init", "seed"});
    if (f.has("hidden")) {
        const json& h = f.at("hidden");
        if (!h.is_array()) throw std::invalid_argument(f.path("hidden") + ": must be an array of layer sizes");
        if (h.size() > limits::kMaxHiddenLayers)
            throw std::out_of_range(f.path("hidden") + ": " + std::to_string(h.size()) + " layers is outside 0.." +
                                    std::to_string(limits::kMaxHiddenLayers));
        n.hidden.clear();
        for (std::size_t i = 0; i < h.size(); ++i) {
            const std::string where = f.path("hidden") + "/" + std::to_string(i);
            if (!h[i].is_number()) throw std::invalid_argument(where + ": must be a number");
            const double v = h[i].get<double>();
            if (!(v >= 1 && v <= static_cast<double>(limits::kMaxNeurons)) || v != std::floor(v))
                throw std::out_of_range(where + ": " + format_number(v) + " neurons is outside 1.." +
                                        std::to_string(limits::kMaxNeurons));
            n.hidden.push_back(static_cast<std::size_t>(v));
        }
    }
    // activation: one name for every hidden layer, or one per layer
    Activation fallback = n.activations.empty() ? Activation::Tanh : n.activations.front();
    if (f.has("activation") && f.at("activation").is_array()) {
        const json& a = f.at("activation");
        n.activations.clear();
        for (std::size_t i = 0; i < a.size(); ++i) {
            const std::string where = f.path("activation") + "/" + std::to_string(i);
            if (!a[i].is_string()) throw std::invalid_argument(where + ": must be a string");
            try {
                n.activations.push_back(activation_from_name(a[i].get<std::string>()));
            } catch (const std::exception&) {
                throw std::invalid_argument(where + ": " +
                                            json_io::name_message(activation_from_name, a[i].get<std::string>()));
            }
        }
    } else {
        const Activation all = named(f, "activation", activation_name(fallback), activation_from_name);
        n.activations.assign(n.hidden.size(), all);
    }
    if (n.activations.size() != n.hidden.size())
        throw std::invalid_argument(f.path("activation") + ": " + std::to_string(n.activations.size()) +
                                    " names for " + std::to_string(n.hidden.size()) + " hidden layers");
    n.output = f.text("output", n.output);
    n.loss = checked_name(f, "loss", n.loss, loss_from_name, "auto");
    n.init = named(f, "init", init_name(n.init), init_from_name);
    n.seed = f.seed("seed", n.seed);
    return n;
}

TrainingSpec read_training(const Fields& f, TrainingSpec t) {
    f.allow_only({"optimizer", "learningRate", "momentum", "beta1", "beta2", "rho", "epsilon", "batchSize",
                  "schedule", "decayRate", "decaySteps", "clipNorm", "regularization", "regularizationRate",
                  "seed"});
    read_optimizer_config(f, t.optimizer);
    t.batch_size = static_cast<std::size_t>(f.count("batchSize", static_cast<double>(t.batch_size), 1, limits::kMaxBatch));
    t.regularization = named(f, "regularization", regularization_name(t.regularization), regularization_from_name);
    t.regularization_rate = f.number("regularizationRate", t.regularization_rate, 0.0, 10.0);
    t.seed = f.seed("seed", t.seed);
    return t;
}

SessionConfig read_config(const json& j, const std::string& path) {
    Fields f(j, path);
    f.allow_only({"dataset", "features", "network", "training"});
    SessionConfig c;
    if (f.has("dataset")) c.dataset = read_dataset(Fields(f.at("dataset"), f.path("dataset")), c.dataset);
    if (f.has("features")) c.features = read_features(f.at("features"), f.path("features"));
    if (f.has("network")) c.network = read_network(Fields(f.at("network"), f.path("network")), c.network);
    if (f.has("training")) c.training = read_training(Fields(f.at("training"), f.path("training")), c.training);
    validate_config(c);
    return c;
}

json config_json(const SessionConfig& c) {
    json d = {{"name", dataset_name(c.dataset.kind)},
              {"points", c.dataset.points},
              {"noise", c.dataset.noise},
              {"trainRatio", c.dataset.train_ratio},
              {"seed", c.dataset.seed},
              {"task", dataset_task_name(c.dataset.task)}};
    if (c.dataset.kind == DatasetKind::Custom) {
        json pts = json::array();
        for (const auto& p : c.dataset.custom) pts.push_back({p[0], p[1], p[2]});
        d["custom"] = pts;
    }
    json acts = json::array();
    for (Activation a : c.network.activations) acts.push_back(activation_name(a));
    json training = optimizer_config_json(c.training.optimizer);
    training["batchSize"] = c.training.batch_size;
    training["regularization"] = regularization_name(c.training.regularization);
    training["regularizationRate"] = c.training.regularization_rate;
    training["seed"] = c.training.seed;
    return {{"dataset", d},
            {"features", feature_names(c.features)},
            {"network",
             {{"hidden", c.network.hidden},
              {"activation", acts},
              {"output", c.network.output},
              {"loss", c.network.loss},
              {"init", init_name(c.network.init)},
              {"seed", c.network.seed}}},
            {"training", training}};
}

}  // namespace

SessionConfig parse_config(const std::string& json_text) {
    return read_config(parse_text(json_text, "config"), "");
}

std::string config_to_json(const SessionConfig& config, int indent) { return config_json(config).dump(indent); }

TrainingSpec parse_training(const std::string& json_text, const TrainingSpec& base) {
    const json j = parse_text(json_text, "training");
    return read_training(Fields(j, "/training"), base);
}

std::string save_model(const TrainingSession& s, int indent) {
    if (s.has_external_data())
        throw std::invalid_argument("save: a session on loaded data (such as the digits) cannot be saved as a "
                                    "model file, because its configuration does not regenerate that data");
    json layers = json::array();
    for (const Dense& d : s.network().layers) layers.push_back({{"W", matrix_json(d.W)}, {"b", matrix_json(d.b)}});
    return model_file(kModelFormat, kModelVersion, config_json(s.config()), std::move(layers), s.optimizer(),
                      {{"step", s.steps_taken()}})
        .dump(indent);
}

std::unique_ptr<TrainingSession> load_model(const std::string& json_text) {
    const json j = parse_text(json_text, "model file");
    Fields f(j, "");
    check_model_file(f, kModelFormat, kModelVersion, "model");
    const SessionConfig config = read_config(f.at("config"), "/config");
    auto session = std::make_unique<TrainingSession>(config);

    const json& w = f.at("weights");
    Mlp& net = session->network();
    if (!w.is_array() || w.size() != net.layers.size())
        throw std::invalid_argument("/weights: must hold " + std::to_string(net.layers.size()) +
                                    " layers for this configuration");
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        const std::string path = "/weights/" + std::to_string(l);
        Fields lf(w[l], path);
        lf.allow_only({"W", "b"});
        if (!lf.has("W") || !lf.has("b")) throw std::invalid_argument(path + ": needs W and b");
        Dense& d = net.layers[l];
        read_matrix(lf.at("W"), rows(d.W), cols(d.W), path + "/W", d.W);
        read_matrix(lf.at("b"), 1, cols(d.b), path + "/b", d.b);
    }
    if (f.has("optimizer")) read_optimizer(f.at("optimizer"), mlp_params(net), session->optimizer());
    if (f.has("progress")) {
        Fields pf(f.at("progress"), "/progress");
        pf.allow_only({"step"});
        session->set_progress(static_cast<long>(pf.count("step", 0, 0, 2e9)));
    }
    return session;
}

// ---- recurrent sessions -------------------------------------------------------------------

namespace {

SequenceSessionConfig read_sequence_config(const json& j, const std::string& path) {
    Fields f(j, path);
    f.allow_only({"task", "cell", "hidden", "truncation", "training", "seed"});
    SequenceSessionConfig c;
    if (f.has("task")) {
        Fields t(f.at("task"), f.path("task"));
        t.allow_only({"name", "length", "sequences", "testSequences", "delay", "noise", "seed"});
        c.task.task = named(t, "name", sequence_task_name(c.task.task), sequence_task_from_name);
        c.task.length = static_cast<std::size_t>(t.count("length", static_cast<double>(c.task.length), 1, limits::kMaxSequenceLength));
        c.task.sequences = static_cast<std::size_t>(t.count("sequences", static_cast<double>(c.task.sequences), 1, limits::kMaxSequences));
        c.test_sequences = static_cast<std::size_t>(t.count("testSequences", static_cast<double>(c.test_sequences), 1, limits::kMaxSequences));
        c.task.delay = static_cast<std::size_t>(t.count("delay", static_cast<double>(c.task.delay), 0, limits::kMaxSequenceLength - 1));
        c.task.noise = t.number("noise", c.task.noise, 0.0, 1.0);
        c.task.seed = t.seed("seed", c.task.seed);
    }
    c.cell = named(f, "cell", cell_name(c.cell), cell_from_name);
    c.hidden = static_cast<std::size_t>(f.count("hidden", static_cast<double>(c.hidden), 1, limits::kMaxRecurrentHidden));
    c.truncation = static_cast<std::size_t>(f.count("truncation", static_cast<double>(c.truncation), 0, limits::kMaxSequenceLength));
    c.init_seed = f.seed("seed", c.init_seed);
    if (f.has("training")) {
        TrainingSpec base;
        base.optimizer = c.optimizer;
        base.batch_size = c.batch_size;
        const TrainingSpec t = read_training(Fields(f.at("training"), f.path("training")), base);
        if (t.regularization != Regularization::None)
            throw std::invalid_argument(f.path("training") + "/regularization: recurrent sessions take none");
        c.optimizer = t.optimizer;
        c.batch_size = t.batch_size;
    }
    try {
        validate_sequence_session_config(c);
    } catch (const std::out_of_range& e) {
        throw std::out_of_range(path + ": " + e.what());
    } catch (const std::exception& e) {
        throw std::invalid_argument(path + ": " + e.what());
    }
    return c;
}

json sequence_config_json(const SequenceSessionConfig& c) {
    json training = optimizer_config_json(c.optimizer);
    training["batchSize"] = c.batch_size;
    return {{"task",
             {{"name", sequence_task_name(c.task.task)},
              {"length", c.task.length},
              {"sequences", c.task.sequences},
              {"testSequences", c.test_sequences},
              {"delay", c.task.delay},
              {"noise", c.task.noise},
              {"seed", c.task.seed}}},
            {"cell", cell_name(c.cell)},
            {"hidden", c.hidden},
            {"truncation", c.truncation},
            {"training", training},
            {"seed", c.init_seed}};
}

}  // namespace

SequenceSessionConfig parse_sequence_config(const std::string& json_text) {
    return read_sequence_config(parse_text(json_text, "config"), "");
}

std::string sequence_config_to_json(const SequenceSessionConfig& config, int indent) {
    return sequence_config_json(config).dump(indent);
}

std::string save_sequence_model(SequenceSession& s, int indent) {
    return model_file(kSequenceModelFormat, kModelVersion, sequence_config_json(s.config()), params_json(s.params()), s.optimizer(),
                      {{"step", s.steps_taken()}})
        .dump(indent);
}

std::unique_ptr<SequenceSession> load_sequence_model(const std::string& json_text) {
    const json j = parse_text(json_text, "model file");
    Fields f(j, "");
    check_model_file(f, kSequenceModelFormat, kModelVersion, "recurrent model");
    auto session = std::make_unique<SequenceSession>(read_sequence_config(f.at("config"), "/config"));
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
