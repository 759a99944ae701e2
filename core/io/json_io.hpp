// json_io.hpp: the JSON reading and writing helpers shared by the *_io.cpp files (model_io,
// fixed_point_io) and the CLI (its batch files). Not part of the core's API.
//
// Reading is strict and speaks in JSON pointers: a Fields object walks one JSON object, knows
// its path for error messages, and refuses keys it was not told about, so a misspelt field is
// reported instead of silently ignored.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/limits.hpp"
#include "base/messages.hpp"
#include "nn/optimizers.hpp"
#include "base/tensor.hpp"
#include "base/validate.hpp"

namespace bp::json_io {

// ordered_json keeps fields in the order written, so files read top-down: format first.
using json = nlohmann::ordered_json;

// A key of the user's as the last part of a JSON pointer in a message: "~" and "/" escaped as
// RFC 6901 says, then cut and escaped like any user text (messages.hpp).
inline std::string pointer_key(const std::string& key) {
    return shown(replace_all(replace_all(key, "~", "~0"), "/", "~1"));
}

// Walks one JSON object, remembering its path for error messages and which keys were read,
// so that an unknown (misspelt) key is reported instead of silently ignored.
class Fields {
public:
    Fields(const json& j, std::string path) : j_(j), path_(std::move(path)) {
        if (!j_.is_object()) throw std::invalid_argument(where() + ": must be an object");
    }

    void allow_only(std::initializer_list<const char*> keys) const {
        for (auto it = j_.begin(); it != j_.end(); ++it) {
            bool known = false;
            for (const char* k : keys) known = known || it.key() == k;
            if (!known) {
                std::string list;
                for (const char* k : keys) list += std::string(list.empty() ? "" : ", ") + k;
                throw std::invalid_argument(path_ + "/" + pointer_key(it.key()) + ": unknown field (allowed: " + list + ")");
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
            throw std::out_of_range(path(key) + ": " + format_number(d) + " is outside " + format_number(lo) + ".." + format_number(hi));
        return d;
    }
    // A whole number in lo..hi (hi at most 2^53). 64-bit: size_t is 32 bits in wasm.
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
    std::uint64_t seed(const char* key, std::uint64_t fallback) const {
        return count(key, fallback, 0, 4294967295.0);
    }
    std::string text(const char* key, const std::string& fallback) const {
        if (!has(key)) return fallback;
        const json& v = j_.at(key);
        if (!v.is_string()) throw std::invalid_argument(path(key) + ": must be a string");
        return v.get<std::string>();
    }

private:
    std::string where() const { return path_.empty() ? "/" : path_; }
    const json& j_;
    std::string path_;
};

// Names map to enums through the core's own *_from_name functions; their messages name the
// allowed values, and we put the JSON path in front. The name is the user's text (100,000
// characters, a NUL byte...): the message is the one from_name gives for a placeholder, with the
// placeholder replaced by the name as messages.hpp shows it.
template <class F>
std::string name_message(F from_name, const std::string& name) {
    static const std::string placeholder = "\x01name\x01";
    try {
        from_name(placeholder);
    } catch (const std::exception& e) {
        return replace_all(e.what(), placeholder, shown(name));
    }
    return "unknown name " + quote(name);
}

template <class F>
auto named(const Fields& f, const char* key, const std::string& fallback, F from_name) {
    const std::string name = f.text(key, fallback);
    try {
        return from_name(name);
    } catch (const std::exception&) {
        throw std::invalid_argument(f.path(key) + ": " + name_message(from_name, name));
    }
}

// The same check for a field kept as text (network.loss): the name, if it is `also` (such as
// "auto") or one from_name knows, else an error naming the field.
template <class F>
std::string checked_name(const Fields& f, const char* key, const std::string& fallback, F from_name,
                         const char* also = nullptr) {
    const std::string name = f.text(key, fallback);
    if (also && name == also) return name;
    named(f, key, fallback, from_name);
    return name;
}

// Parsing. nlohmann's own DOM parser inserts every key of an ordered_json object with a linear
// search for a duplicate, so an object of n keys costs O(n²) (120,000 keys: 11 s). This builder
// makes the same tree from nlohmann's SAX events in linear time: an object's keys are looked up
// by scanning while it is small and through a hash index from 16 keys on. A repeated key keeps
// its first place and takes the last value, as nlohmann's parser and JSON.parse do. It knows
// the JSON pointer of the value being read, so a number out of range names its field.
class TreeBuilder {
public:
    json root;
    struct Failure {
        std::size_t byte = 0;
        int id = 0;
        std::string token, what, pointer;
    } failure;

    bool null() { return put(nullptr); }
    bool boolean(bool v) { return put(v); }
    bool number_integer(json::number_integer_t v) { return put(v); }
    bool number_unsigned(json::number_unsigned_t v) { return put(v); }
    bool number_float(json::number_float_t v, const std::string&) { return put(v); }
    bool string(std::string& v) { return put(std::move(v)); }
    bool binary(json::binary_t& v) { return put(json::binary(std::move(v))); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(std::string& k) {
        Frame& f = stack_.back();
        // ordered_map is a std::vector of (key, value) pairs underneath: index and append it directly
        auto& obj = static_cast<json::object_t::Container&>(f.value->get_ref<json::object_t&>());
        f.key = k;
        if (obj.size() < kScan) {
            for (auto& kv : obj)
                if (kv.first == k) return element_ = &kv.second, true;
        } else {
            if (f.index.empty())
                for (std::size_t i = 0; i < obj.size(); ++i) f.index.emplace(obj[i].first, i);
            const auto it = f.index.find(k);
            if (it != f.index.end()) return element_ = &obj[it->second].second, true;
            f.index.emplace(k, obj.size());
        }
        obj.emplace_back(std::move(k), nullptr);  // no second search
        element_ = &obj.back().second;
        return true;
    }

    bool parse_error(std::size_t byte, const std::string& token, const nlohmann::detail::exception& e) {
        failure = {byte, e.id, token, e.what(), pointer()};
        return false;
    }

private:
    static constexpr std::size_t kScan = 16;
    struct Frame {
        json* value;
        std::string key;                                     // objects: the key being read
        std::unordered_map<std::string, std::size_t> index;  // objects of kScan keys or more
    };

    json* place(json&& v) {
        if (stack_.empty()) return &(root = std::move(v));
        json& top = *stack_.back().value;
        if (top.is_array()) {
            auto& arr = top.get_ref<json::array_t&>();
            arr.push_back(std::move(v));
            return &arr.back();
        }
        *element_ = std::move(v);
        return element_;
    }
    bool put(json&& v) { return place(std::move(v)), true; }
    bool open(json&& v) {
        json* at = place(std::move(v));
        stack_.push_back({at, {}, {}});
        return true;
    }
    bool close() {
        stack_.pop_back();
        return true;
    }
    // The pointer of the value being read ("/training/learningRate", "/points/3").
    std::string pointer() const {
        std::string p;
        for (const Frame& f : stack_)
            p += "/" + (f.value->is_array() ? std::to_string(f.value->size()) : pointer_key(f.key));
        return p;
    }

    std::vector<Frame> stack_;
    json* element_ = nullptr;
};

// nlohmann's message for a syntax error without its "[json.exception.parse_error.101] " tag
// and with the token it last read cut and escaped (a token can be 16 MiB long).
inline std::string syntax_message(const TreeBuilder::Failure& f) {
    std::string m = f.what;
    const std::size_t tag = m.find("] ");
    if (m.rfind("[json.exception.", 0) == 0 && tag != std::string::npos) m.erase(0, tag + 2);
    const std::string raw = "last read: '" + f.token + "'";
    const std::size_t at = m.find(raw);
    if (at != std::string::npos) m.replace(at, raw.size(), "last read: " + quote(f.token));
    return safe_message(m);
}

// JSON text -> tree, refusing text over the size limit before parsing. `what` names the text
// in messages ("config", "model file"); a number beyond the range of a double names its field.
inline json parse_text(const std::string& text, const char* what) {
    if (text.size() > limits::kMaxModelBytes)
        throw std::out_of_range(std::string(what) + ": " + std::to_string(text.size()) +
                                " bytes is over the limit of " + std::to_string(limits::kMaxModelBytes));
    TreeBuilder builder;
    // nlohmann's JSON parser itself, as json::sax_parse(text, &builder) runs it: sax_parse takes
    // the input format at run time, so it would also compile the CBOR, MessagePack, UBJSON and
    // BSON readers into every module (about 32 KB of wasm that never runs).
    auto input = nlohmann::detail::input_adapter(text);
    nlohmann::detail::parser<json, decltype(input)> parser(std::move(input), nullptr, true, false);
    if (parser.sax_parse(&builder, true)) return std::move(builder.root);
    const TreeBuilder::Failure& f = builder.failure;
    if (f.id == 406)  // nlohmann's out_of_range.406: a number literal that overflows a double
        throw std::out_of_range((f.pointer.empty() ? std::string(what) : f.pointer) + ": " + shown(f.token) +
                                " is outside the range of a number (about ±1.8e308)");
    throw std::invalid_argument(std::string(what) + " is not valid JSON: " + syntax_message(f));
}

inline json matrix_json(const Mat& m) {
    json rowsj = json::array();
    for (std::size_t i = 0; i < rows(m); ++i) {
        json r = json::array();
        for (std::size_t j = 0; j < cols(m); ++j) r.push_back(m(i, j));
        rowsj.push_back(std::move(r));
    }
    return rowsj;
}

// Reads a (R, C) matrix written as an array of rows into `out`, checking the shape and values.
inline void read_matrix(const json& j, std::size_t R, std::size_t C, const std::string& path, Mat& out) {
    if (!j.is_array() || j.size() != R)
        throw std::invalid_argument(path + ": must be an array of " + std::to_string(R) + " rows");
    ensure_shape(out, R, C);
    for (std::size_t i = 0; i < R; ++i) {
        const json& r = j[i];
        if (!r.is_array() || r.size() != C)
            throw std::invalid_argument(path + "/" + std::to_string(i) + ": must hold " + std::to_string(C) + " numbers");
        for (std::size_t k = 0; k < C; ++k) {
            if (!r[k].is_number()) throw std::invalid_argument(path + "/" + std::to_string(i) + ": must hold numbers");
            const double v = r[k].get<double>();
            if (!std::isfinite(v)) throw std::invalid_argument(path + "/" + std::to_string(i) + ": must hold finite numbers");
            out(i, k) = v;
        }
    }
}

inline json optimizer_json(const Optimizer& opt) {
    const OptimizerState& st = opt.state();
    json slots = json::array();
    for (const std::vector<Mat>& slot : st.slots) {
        json per_param = json::array();
        for (const Mat& m : slot) per_param.push_back(matrix_json(m));
        slots.push_back(std::move(per_param));
    }
    return {{"steps", st.steps}, {"slotSteps", st.slot_steps}, {"clipCount", st.clip_count}, {"slots", slots}};
}

// The optimizer's state from a model file; every slot matrix must have its parameter's shape.
inline void read_optimizer(const json& j, const ParamList& params, Optimizer& opt) {
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

// The optimizer part of a "training" object (everything but the batch size), in the field
// names the configs use.
inline json optimizer_config_json(const OptimizerConfig& o) {
    json t = json::object();
    t["optimizer"] = optimizer_name(o.kind);
    t["learningRate"] = o.learning_rate;
    t["momentum"] = o.momentum;
    t["beta1"] = o.beta1;
    t["beta2"] = o.beta2;
    t["rho"] = o.rho;
    t["epsilon"] = o.epsilon;
    t["schedule"] = schedule_name(o.schedule);
    t["decayRate"] = o.decay_rate;
    t["decaySteps"] = o.decay_steps;
    t["clipNorm"] = o.clip_norm;
    return t;
}

// The reverse of optimizer_config_json: the optimizer fields of a "training" object, each
// checked against its range, the missing ones left as they are in `o`. The caller lists the keys
// its object allows (these and its own).
inline void read_optimizer_config(const Fields& f, OptimizerConfig& o) {
    o.kind = named(f, "optimizer", optimizer_name(o.kind), optimizer_from_name);
    o.learning_rate = f.number("learningRate", o.learning_rate, 0.0, 10.0);
    o.momentum = f.number("momentum", o.momentum, 0.0, 0.9999);
    o.beta1 = f.number("beta1", o.beta1, 0.0, 0.9999);
    o.beta2 = f.number("beta2", o.beta2, 0.0, 0.999999);
    o.rho = f.number("rho", o.rho, 0.0, 0.9999);
    o.epsilon = f.number("epsilon", o.epsilon, 1e-12, 1.0);
    o.schedule = named(f, "schedule", schedule_name(o.schedule), schedule_from_name);
    o.decay_rate = f.number("decayRate", o.decay_rate, 1e-6, 1.0);
    o.decay_steps = static_cast<long>(f.count("decaySteps", static_cast<double>(o.decay_steps), 1, 1e9));
    o.clip_norm = f.number("clipNorm", o.clip_norm, 0.0, 1e6);
}

// Weights by parameter name: {"W": [[...]], ...} (recurrent and fixed-point model files).
inline json params_json(const ParamList& params) {
    json w = json::object();
    for (const ParamRef& p : params) w[p.name] = matrix_json(*p.value);
    return w;
}

// Reads weights written by params_json into the parameters: unknown names are refused first
// (like Fields::allow_only), then every parameter must be there with its exact shape.
inline void read_params(const json& j, const ParamList& params) {
    Fields wf(j, "/weights");
    std::string allowed;
    for (const ParamRef& p : params) allowed += (allowed.empty() ? "" : ", ") + p.name;
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        for (const ParamRef& p : params) known = known || p.name == it.key();
        if (!known)
            throw std::invalid_argument("/weights/" + pointer_key(it.key()) + ": unknown field (allowed: " + allowed + ")");
    }
    for (const ParamRef& p : params) {
        if (!wf.has(p.name.c_str())) throw std::invalid_argument("/weights/" + p.name + ": missing");
        read_matrix(wf.at(p.name.c_str()), rows(*p.value), cols(*p.value), "/weights/" + p.name, *p.value);
    }
}

// The frame every model file shares: format, version, config, weights, optimizer, progress.
inline json model_file(const char* format, int version, json config, json weights, const Optimizer& opt,
                       json progress) {
    json j = json::object();
    j["format"] = format;
    j["version"] = version;
    j["config"] = std::move(config);
    j["weights"] = std::move(weights);
    j["optimizer"] = optimizer_json(opt);
    j["progress"] = std::move(progress);
    return j;
}

// Checks that frame: the right format ("what" names the kind of file in the message), the
// version this build reads, no other top-level fields, config and weights present. The format
// is checked first, so a file of another kind says so rather than listing odd fields.
inline void check_model_file(const Fields& f, const char* format, int version, const char* what) {
    if (f.text("format", "") != format)
        throw std::invalid_argument(std::string("/format: this is not a Backprop Playground ") + what +
                                    " file (expected \"" + format + "\")");
    if (!f.has("version") || !f.at("version").is_number_integer() || f.at("version").get<long>() != version)
        throw std::invalid_argument("/version: unsupported model file version (this build reads version " +
                                    std::to_string(version) + ")");
    f.allow_only({"format", "version", "config", "weights", "optimizer", "progress"});
    if (!f.has("config")) throw std::invalid_argument("/config: missing");
    if (!f.has("weights")) throw std::invalid_argument("/weights: missing");
}

}  // namespace bp::json_io
