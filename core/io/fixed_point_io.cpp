// fixed_point_io.cpp: see fixed_point_io.hpp. The optimizer part of a config is read by
// model_io's public parse_training, so both sessions accept the same names and ranges.
#include "io/fixed_point_io.hpp"

// Runs once per click (like model_io.cpp, which the wasm build compiles with -Oz): optimise for
// size under Emscripten, where every byte is downloaded. Pushed before the includes so that the
// JSON library's code instantiated here is small too.
#if defined(__EMSCRIPTEN__) && defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "io/json_io.hpp"
#include "base/limits.hpp"
#include "io/model_io.hpp"

namespace bp {

using namespace json_io;  // Fields, parse_text, matrix_json, read_matrix, optimizer state

namespace {

template <class F>
auto with_prefix(const std::string& prefix, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::out_of_range& e) {
        throw std::out_of_range(prefix + e.what());
    } catch (const std::exception& e) {
        throw std::invalid_argument(prefix + e.what());
    }
}

RelaxOptions read_relax(const Fields& f, RelaxOptions r) {
    f.allow_only({"alpha", "beta", "tol", "maxIters"});
    r.alpha = f.number("alpha", r.alpha, 0.0, 1.0);
    r.beta = f.number("beta", r.beta, 0.0, 1.0);
    r.tol = f.number("tol", r.tol, 0.0, 1.0);
    r.max_iters = static_cast<std::size_t>(f.count("maxIters", static_cast<double>(r.max_iters), 1,
                                                   static_cast<double>(kMaxRelaxIterations)));
    // a step or a tolerance of 0 would never move or never stop
    for (const auto& [key, v] : {std::pair<const char*, double>{"alpha", r.alpha}, {"beta", r.beta}, {"tol", r.tol}})
        if (v == 0.0) throw std::out_of_range(f.path(key) + ": 0 is outside (0, 1]");
    return r;
}

// The training part through model_io's parser; the batch, regularization and seed fields mean
// nothing here (every pattern is used at every step) and are refused rather than ignored.
OptimizerConfig read_training(const json& j, const std::string& path, const OptimizerConfig& base) {
    Fields f(j, path);
    for (const char* key : {"batchSize", "regularization", "regularizationRate", "seed"})
        if (f.has(key))
            throw std::invalid_argument(f.path(key) + ": not used by fixed-point sessions (every pattern is relaxed "
                                        "at every step, without regularization)");
    TrainingSpec spec;
    spec.optimizer = base;
    // parse_training names its fields /training/...; put what comes before that in front
    return with_prefix(path.substr(0, path.rfind("/training")), [&] {
        return parse_training(j.dump(), spec).optimizer;
    });
}

FixedPointSessionConfig read_config(const json& j, const std::string& path) {
    Fields f(j, path);
    f.allow_only({"task", "hidden", "activation", "initScale", "relax", "training", "seed"});
    // The task's name picks the defaults for everything else.
    FixedPointTask task = FixedPointTask::Xor;
    if (f.has("task")) {
        Fields t(f.at("task"), f.path("task"));
        task = named(t, "name", "xor", fixed_point_task_from_name);
    }
    FixedPointSessionConfig c = fixed_point_session_defaults(task);
    if (f.has("task")) {
        Fields t(f.at("task"), f.path("task"));
        t.allow_only({"name", "letters", "damage", "erase", "cues", "testCues"});
        c.letters = t.text("letters", c.letters);
        c.damage = static_cast<std::size_t>(t.count("damage", static_cast<double>(c.damage), 0, kLetterPixels));
        c.erase = t.flag("erase", c.erase);
        c.cues = static_cast<std::size_t>(t.count("cues", static_cast<double>(c.cues), 1, kMaxFixedPointCues));
        c.test_cues = static_cast<std::size_t>(t.count("testCues", static_cast<double>(c.test_cues), 1, kMaxFixedPointTestCues));
    }
    c.hidden = static_cast<std::size_t>(f.count("hidden", static_cast<double>(c.hidden), 0, limits::kMaxRecurrentHidden));
    if (f.has("activation")) {
        c.activation = named(f, "activation", "tanh", activation_from_name);
    }
    c.init_scale = f.number("initScale", c.init_scale, 0.0, 100.0);
    if (f.has("relax")) c.relax = read_relax(Fields(f.at("relax"), f.path("relax")), c.relax);
    if (f.has("training")) c.optimizer = read_training(f.at("training"), f.path("training"), c.optimizer);
    c.seed = f.count("seed", static_cast<double>(c.seed), 0, 4294967295.0);
    // The remaining checks (letters in the font, hidden for this task, activation tanh/sigmoid)
    // name fields relative to the config: put its path in front.
    with_prefix(path.empty() ? "/" : path + "/", [&] { validate_fixed_point_session_config(c); return 0; });
    return c;
}

// Built field by field: json's initializer-list constructors expand to a lot of code per call.
json config_json(const FixedPointSessionConfig& c) {
    const OptimizerConfig& o = c.optimizer;
    json task = json::object();
    task["name"] = fixed_point_task_name(c.task);
    task["letters"] = c.letters;
    task["damage"] = c.damage;
    task["erase"] = c.erase;
    task["cues"] = c.cues;
    task["testCues"] = c.test_cues;
    json relax = json::object();
    relax["alpha"] = c.relax.alpha;
    relax["beta"] = c.relax.beta;
    relax["tol"] = c.relax.tol;
    relax["maxIters"] = c.relax.max_iters;
    json training = optimizer_config_json(o);
    json j = json::object();
    j["task"] = std::move(task);
    j["hidden"] = c.hidden;
    j["activation"] = activation_name(c.activation);
    j["initScale"] = c.init_scale;
    j["relax"] = std::move(relax);
    j["training"] = std::move(training);
    j["seed"] = c.seed;
    return j;
}

}  // namespace

FixedPointSessionConfig parse_fixed_point_config(const std::string& json_text) {
    return read_config(parse_text(json_text, "config"), "");
}

std::string fixed_point_config_to_json(const FixedPointSessionConfig& config, int indent) {
    return config_json(config).dump(indent);
}

OptimizerConfig parse_fixed_point_training(const std::string& json_text, const OptimizerConfig& base) {
    return read_training(parse_text(json_text, "training"), "/training", base);
}

RelaxOptions parse_relax_options(const std::string& json_text, const RelaxOptions& base) {
    const json j = parse_text(json_text, "relax");
    return read_relax(Fields(j, "/relax"), base);
}

std::string save_fixed_point_model(FixedPointSession& s, int indent) {
    json progress = json::object();
    progress["step"] = s.steps_taken();
    progress["skipped"] = s.skipped_total();
    return model_file(kFixedPointModelFormat, kModelVersion, config_json(s.config()), params_json(s.params()), s.optimizer(),
                      std::move(progress))
        .dump(indent);
}

std::unique_ptr<FixedPointSession> load_fixed_point_model(const std::string& json_text) {
    const json j = parse_text(json_text, "model file");
    Fields f(j, "");
    check_model_file(f, kFixedPointModelFormat, kModelVersion, "fixed-point model");
    auto session = std::make_unique<FixedPointSession>(read_config(f.at("config"), "/config"));
    const ParamList params = session->params();
    read_params(f.at("weights"), params);
    if (f.has("optimizer")) read_optimizer(f.at("optimizer"), params, session->optimizer());
    long step = 0, skipped = 0;
    if (f.has("progress")) {
        Fields pf(f.at("progress"), "/progress");
        pf.allow_only({"step", "skipped"});
        step = static_cast<long>(pf.count("step", 0, 0, 2e9));
        skipped = static_cast<long>(pf.count("skipped", 0, 0, 2e9));
    }
    session->set_progress(step, skipped);
    return session;
}

}  // namespace bp

#if defined(__EMSCRIPTEN__) && defined(__clang__)
#pragma clang attribute pop
#endif
