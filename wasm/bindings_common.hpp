// bindings_common.hpp: what every Embind file here shares: error translation, config objects
// in, typed views out, the checks of the arguments every session takes (step counts, model
// files) and the object gradients() returns. No math.
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

#include "base/limits.hpp"
#include "base/messages.hpp"
#include "base/param.hpp"
#include "nn/optimizers.hpp"  // (what the binding files used to get from here)
#include "base/tensor.hpp"

namespace bpwasm {

using emscripten::val;

// Runs f; a C++ exception becomes a JS RangeError (std::out_of_range) or Error (anything else)
// carrying the core's message. The catch block is left before the JS throw so the C++
// exception is freed; the message lives in a static buffer because a JS throw skips the
// destructors of the frames it unwinds (a local string would leak on every error). For the
// same reason methods that can fail take `val`, never std::string, arguments: Embind frees a
// std::string argument after the call returns, which a JS throw skips.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
    static std::string message;
    bool range = false;
    try {
        return f();
    } catch (const std::out_of_range& e) {
        message = bp::safe_message(e.what());  // capped, control bytes escaped
        range = true;
    } catch (const std::exception& e) {
        message = bp::safe_message(e.what());  // capped, control bytes escaped
    }
    val::global(range ? "RangeError" : "Error").new_(message).throw_();
    __builtin_unreachable();
}

// A config given as a JS object (or JSON text) as JSON text for the core's strict parser.
// Anything else (a function, a number, a symbol, a boolean) is refused by name here: Embind
// would say "Cannot pass non-string to std::string", or JSON.stringify give undefined. Call it
// inside guarded(), which turns the std::invalid_argument into a JS Error.
inline std::string stringify(const val& v, const char* field = "config") {
    if (v.isUndefined() || v.isNull()) return "{}";
    if (v.isString()) return v.as<std::string>();
    if (v.typeOf().as<std::string>() != "object")
        throw std::invalid_argument(std::string(field) + ": must be an object or JSON text");
    return val::global("JSON").call<std::string>("stringify", v);
}

// The core session a JS constructor builds from its config (object or JSON text) with the core's
// `parse` (text -> config), built completely before the wrapper exists: a bad config throws
// without leaving a half-made object behind.
template <class Core, class Parse>
std::unique_ptr<Core> make_session(const val& config, Parse parse) {
    return guarded([&] { return std::make_unique<Core>(parse(stringify(config))); });
}

// JSON text (the core's own output) as a JS value.
inline val parse_json(const std::string& text) { return val::global("JSON").call<val>("parse", text); }

// step(n)'s count: 1..limits::kMaxSteps, or a RangeError (inside guarded()).
inline std::size_t step_count(double n) {
    if (!(n >= 1 && n <= static_cast<double>(bp::limits::kMaxSteps)))
        throw std::out_of_range("step: n must be in 1.." + std::to_string(bp::limits::kMaxSteps));
    return static_cast<std::size_t>(n);
}

// loadJSON(text)'s argument: the model file's text, or an Error (inside guarded()).
inline std::string model_text(const val& text) {
    if (!text.isString()) throw std::invalid_argument("loadJSON: expected the model file's text");
    return text.as<std::string>();
}

// Zero-copy Float64Array views: valid until the next call into the module.
inline val view(const std::vector<double>& v) { return val(emscripten::typed_memory_view(v.size(), v.data())); }
inline val view(const std::vector<float>& v) { return val(emscripten::typed_memory_view(v.size(), v.data())); }
inline val view(const bp::Mat& m) { return val(emscripten::typed_memory_view(m.size(), m.data())); }

// {name: [[row 0], [row 1], ...]} of every parameter's gradient, in the layout of a model file's
// "weights" (json_io.hpp's params_json): what every session's gradients() returns.
inline val named_gradients(const bp::ParamList& params) {
    val out = val::object();
    for (const bp::ParamRef& p : params) {
        const bp::Mat& g = *p.grad;
        val rows = val::array();
        for (std::size_t i = 0; i < bp::rows(g); ++i) {
            val row = val::array();
            for (std::size_t j = 0; j < bp::cols(g); ++j) row.call<void>("push", g(i, j));
            rows.call<void>("push", row);
        }
        out.set(p.name, rows);
    }
    return out;
}

// What every session's gradients() returns: {loss, <count>: n, ..., gradients: named_gradients}.
inline val gradients_object(double loss, std::initializer_list<std::pair<const char*, std::size_t>> counts,
                            const bp::ParamList& params) {
    val o = val::object();
    o.set("loss", loss);
    for (const auto& [name, n] : counts) o.set(name, static_cast<double>(n));
    o.set("gradients", named_gradients(params));
    return o;
}

// Bytes of the wasm heap in use by malloc: the leak tests watch it. Each module registers it
// as bp.heapBytes().
inline double heap_bytes() { return static_cast<double>(mallinfo().uordblks); }

}  // namespace bpwasm
