// fixed_point_io.cpp: see fixed_point_io.hpp. The optimizer part of a config is read by
// model_io's public parse_training, so both sessions accept the same names and ranges.
#include "fixed_point_io.hpp"

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

#include "limits.hpp"
#include "model_io.hpp"

namespace bp {

// ordered_json keeps fields in the order written, so files read top-down: format first.
using json = nlohmann::ordered_json;

namespace {

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// One JSON object with its path, for error messages; unknown keys are errors (a misspelt key
// must not be silently ignored). The same pattern as model_io.cpp's.
class Fields {
public:
    Fields(const json& j, std::string path) : j_(j), path_(std::move(path)) {
        if (!j_.is_object()) throw std::invalid_argument((path_.empty() ? "/" : path_) + ": must be an object");
    }
    void allow_only(std::initializer_list<const char*> keys) const {
        for (auto it = j_.begin(); it != j_.end(); ++it) {
            bool known = false;
            for (const char* k : keys) known = known || it.key() == k;
            if (!known) {
                std::string list;
                for (const char* k : keys) list += std::string(list.empty() ? "" : ", ") + k;
                throw std::invalid_argument(path_ + "/" + it.key() + ": unknown field (allowed: " + list + ")");
            }
        }
    }
    bool has(const char* key) const { return j_.contains(key); }
    const json& at(const char* key) const { return j_.at(key); }
    std::string path(const char* key) const { return path_ + "/" + key; }

    double number(const char* key, double fallback, double lo, double hi) const {
        if (!has(key)) return fallback;
        const json& v = j_.at(key);
        if (!v.is_number()) throw std::invalid_argument(path(key) + ": must be a number");
        const double d = v.get<double>();
        if (!std::isfinite(d)) throw std::invalid_argument(path(key) + ": must be a finite number");
        if (d < lo || d > hi)
            throw std::out_of_range(path(key) + ": " + fmt(d) + " is outside " + fmt(lo) + ".." + fmt(hi));
        return d;
    }
    std::uint64_t count(const char* key, double fallback, double lo, double hi) const {
        const double d = number(key, fallback, lo, hi);
        if (d != std::floor(d)) throw std::invalid_argument(path(key) + ": must be a whole number");
        return static_cast<std::uint64_t>(d);
    }
    bool flag(const char* key, bool fallback) const {
        if (!has(key)) return fallback;
        if (!j_.at(key).is_boolean()) throw std::invalid_argument(path(key) + ": must be true or false");
        return j_.at(key).get<bool>();
    }
    std::string text(const char* key, const std::string& fallback) const {
        if (!has(key)) return fallback;
        if (!j_.at(key).is_string()) throw std::invalid_argument(path(key) + ": must be a string");
        return j_.at(key).get<std::string>();
    }

private:
    const json& j_;
    std::string path_;
};

json parse_text(const std::string& text, const char* what) {
    if (text.size() > limits::kMaxModelBytes)
        throw std::out_of_range(std::string(what) + ": " + std::to_string(text.size()) +
                                " bytes is over the limit of " + std::to_string(limits::kMaxModelBytes));
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw std::invalid_argument(std::string(what) + " is not valid JSON: " + e.what());
    }
}

// Re-throws a core error with a path in front, keeping its kind (RangeError vs Error in JS).
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
        const std::string name = t.text("name", "xor");
        task = with_prefix(t.path("name") + ": ", [&] { return fixed_point_task_from_name(name); });
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
        const std::string name = f.text("activation", "tanh");
        c.activation = with_prefix(f.path("activation") + ": ", [&] { return activation_from_name(name); });
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
    json training = json::object();
    training["optimizer"] = optimizer_name(o.kind);
    training["learningRate"] = o.learning_rate;
    training["momentum"] = o.momentum;
    training["beta1"] = o.beta1;
    training["beta2"] = o.beta2;
    training["rho"] = o.rho;
    training["epsilon"] = o.epsilon;
    training["schedule"] = schedule_name(o.schedule);
    training["decayRate"] = o.decay_rate;
    training["decaySteps"] = o.decay_steps;
    training["clipNorm"] = o.clip_norm;
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

json matrix_json(const Mat& m) {
    json out = json::array();
    for (std::size_t i = 0; i < rows(m); ++i) {
        json r = json::array();
        for (std::size_t j = 0; j < cols(m); ++j) r.push_back(m(i, j));
        out.push_back(std::move(r));
    }
    return out;
}

// A (R, C) matrix written as an array of rows, checked for shape and finite values.
void read_matrix(const json& j, std::size_t R, std::size_t C, const std::string& path, Mat& out) {
    if (!j.is_array() || j.size() != R)
        throw std::invalid_argument(path + ": must be an array of " + std::to_string(R) + " rows");
    Mat m = zeros(R, C);
    for (std::size_t i = 0; i < R; ++i) {
        const json& r = j[i];
        const std::string where = path + "/" + std::to_string(i);
        if (!r.is_array() || r.size() != C)
            throw std::invalid_argument(where + ": must hold " + std::to_string(C) + " numbers");
        for (std::size_t k = 0; k < C; ++k) {
            if (!r[k].is_number()) throw std::invalid_argument(where + ": must hold numbers");
            const double v = r[k].get<double>();
            if (!std::isfinite(v)) throw std::invalid_argument(where + ": must hold finite numbers");
            m(i, k) = v;
        }
    }
    out = std::move(m);
}

json optimizer_json(const Optimizer& opt) {
    const OptimizerState& st = opt.state();
    json slots = json::array();
    for (const std::vector<Mat>& slot : st.slots) {
        json per_param = json::array();
        for (const Mat& m : slot) per_param.push_back(matrix_json(m));
        slots.push_back(std::move(per_param));
    }
    json j = json::object();
    j["steps"] = st.steps;
    j["slotSteps"] = st.slot_steps;
    j["clipCount"] = st.clip_count;
    j["slots"] = std::move(slots);
    return j;
}

void read_optimizer(const json& j, const ParamList& params, Optimizer& opt) {
    Fields of(j, "/optimizer");
    of.allow_only({"steps", "slotSteps", "clipCount", "slots"});
    OptimizerState state;
    state.steps = static_cast<long>(of.count("steps", 0, 0, 2e9));
    state.slot_steps = static_cast<long>(of.count("slotSteps", 0, 0, 2e9));
    state.clip_count = static_cast<long>(of.count("clipCount", 0, 0, 2e9));
    const int want = Optimizer::slot_count(opt.config().kind);
    if (of.has("slots")) {
        const json& sl = of.at("slots");
        if (!sl.is_array() || sl.size() != static_cast<std::size_t>(want))
            throw std::invalid_argument("/optimizer/slots: " + std::string(optimizer_name(opt.config().kind)) +
                                        " keeps " + std::to_string(want) + " slots");
        for (std::size_t k = 0; k < sl.size(); ++k) {
            const std::string path = "/optimizer/slots/" + std::to_string(k);
            const json& per = sl[k];
            if (!per.is_array() || !(per.empty() || per.size() == params.size()))
                throw std::invalid_argument(path + ": must hold one matrix per parameter (" +
                                            std::to_string(params.size()) + ") or none");
            std::vector<Mat> mats(per.size());
            for (std::size_t i = 0; i < per.size(); ++i)
                read_matrix(per[i], rows(*params[i].value), cols(*params[i].value), path + "/" + std::to_string(i), mats[i]);
            state.slots.push_back(std::move(mats));
        }
    } else {
        state.slots.assign(static_cast<std::size_t>(want), {});
    }
    opt.restore(std::move(state));
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
    json weights = json::object();
    for (const ParamRef& p : s.params()) weights[p.name] = matrix_json(*p.value);
    json progress = json::object();
    progress["step"] = s.steps_taken();
    progress["skipped"] = s.skipped_total();
    json j = json::object();
    j["format"] = kFixedPointModelFormat;
    j["version"] = kModelVersion;
    j["config"] = config_json(s.config());
    j["weights"] = std::move(weights);
    j["optimizer"] = optimizer_json(s.optimizer());
    j["progress"] = std::move(progress);
    return j.dump(indent);
}

std::unique_ptr<FixedPointSession> load_fixed_point_model(const std::string& json_text) {
    const json j = parse_text(json_text, "model file");
    Fields f(j, "");
    f.allow_only({"format", "version", "config", "weights", "optimizer", "progress"});
    if (f.text("format", "") != kFixedPointModelFormat)
        throw std::invalid_argument("/format: this is not a Backprop Playground fixed-point model file (expected \"" +
                                    std::string(kFixedPointModelFormat) + "\")");
    if (!f.has("version") || !f.at("version").is_number_integer() || f.at("version").get<long>() != kModelVersion)
        throw std::invalid_argument("/version: unsupported model file version (this build reads version " +
                                    std::to_string(kModelVersion) + ")");
    if (!f.has("config")) throw std::invalid_argument("/config: missing");
    auto session = std::make_unique<FixedPointSession>(read_config(f.at("config"), "/config"));
    if (!f.has("weights")) throw std::invalid_argument("/weights: missing");
    Fields wf(f.at("weights"), "/weights");
    wf.allow_only({"W", "U", "b"});
    const ParamList params = session->params();
    for (const ParamRef& p : params) {
        if (!wf.has(p.name.c_str())) throw std::invalid_argument("/weights/" + p.name + ": missing");
        read_matrix(wf.at(p.name.c_str()), rows(*p.value), cols(*p.value), "/weights/" + p.name, *p.value);
    }
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
