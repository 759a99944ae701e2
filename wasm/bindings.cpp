// bindings.cpp: the Embind surface of the core (docs/wasm-api.md). No math lives here: every
// method converts arguments, calls the core's TrainingSession and converts results back.
//
// Errors: a C++ std::out_of_range becomes a JS RangeError, any other exception a JS Error, both
// with the core's message. The session is unchanged by a failed call (the core guarantees it).
// Bulk data leaves as zero-copy typed views over buffers the session owns: valid until the next
// call into the module (memory growth detaches them).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings_common.hpp"
#include "base/limits.hpp"
#include "io/model_io.hpp"
#include "session/session.hpp"
#include "base/validate.hpp"

using emscripten::val;
using bpwasm::guarded;
using bpwasm::stringify;
using bpwasm::view;

namespace {

// Points as a flat [x, y, label, ...] array, from the dataset's (N,2) inputs and (N,1) labels.
void flatten_points(const bp::Mat& xy, const bp::Mat& labels, std::vector<double>& out) {
    out.resize(bp::rows(xy) * 3);
    for (std::size_t i = 0; i < bp::rows(xy); ++i) {
        out[3 * i] = xy(i, 0);
        out[3 * i + 1] = xy(i, 1);
        out[3 * i + 2] = labels(i, 0);
    }
}

std::vector<double> numbers(const val& v, const char* what) {
    if (!(v.instanceof(val::global("Array")) || v.instanceof(val::global("Float64Array")) ||
          v.instanceof(val::global("Float32Array"))))
        throw std::invalid_argument(std::string(what) + ": must be an Array or Float64Array of numbers");
    const std::size_t n = v["length"].as<std::size_t>();
    if (n > 3 * bp::limits::kMaxPoints)
        throw std::out_of_range(std::string(what) + ": " + std::to_string(n) + " numbers is over the limit of " +
                                std::to_string(3 * bp::limits::kMaxPoints));
    return emscripten::convertJSArrayToNumberVector<double>(v);
}

// Points [x, y, ...] from JS as an (N,2) matrix; `what` names the argument, `method` the call in
// the message about an odd count.
bp::Mat pairs(const val& flat, const char* what, const char* method) {
    const std::vector<double> v = numbers(flat, what);
    if (v.size() % 2 != 0) throw std::invalid_argument(std::string(method) + ": expected [x, y, ...] pairs");
    bp::Mat xy = bp::zeros(v.size() / 2, 2);
    std::copy(v.begin(), v.end(), xy.begin());
    return xy;
}

}  // namespace

// The JS-facing session: owns a core TrainingSession and the flat buffers views point into.
class Session {
public:
    explicit Session(std::unique_ptr<bp::TrainingSession> s) : s_(std::move(s)) {}

    // The JS constructor (bpwasm::make_session: nothing half-made is left by a bad config).
    static Session* create(val config) {
        return new Session(bpwasm::make_session<bp::TrainingSession>(config, [](const std::string& t) { return bp::parse_config(t); }));
    }

    bp::StepStats step(double n) {
        return guarded([&] { return s_->step(bpwasm::step_count(n)); });
    }
    bp::StepStats stats() { return s_->stats(); }
    double stepsPerEpoch() const { return static_cast<double>(s_->steps_per_epoch()); }
    void reset() { s_->reset(); }

    void setConfig(val config) {
        guarded([&] {
            auto next = std::make_unique<bp::TrainingSession>(bp::parse_config(stringify(config)));
            s_ = std::move(next);
            return 0;
        });
    }
    void updateTraining(val training) {
        guarded([&] {
            s_->update_training(bp::parse_training(stringify(training, "training"), s_->config().training));
            return 0;
        });
    }
    val config() const { return bpwasm::parse_json(bp::config_to_json(s_->config(), -1)); }

    void setPoints(val flat) {
        guarded([&] {
            const std::vector<double> v = numbers(flat, "setPoints");
            if (v.size() % 3 != 0) throw std::invalid_argument("setPoints: expected [x, y, label, ...] triples");
            std::vector<std::array<double, 3>> pts(v.size() / 3);
            for (std::size_t i = 0; i < pts.size(); ++i) pts[i] = {v[3 * i], v[3 * i + 1], v[3 * i + 2]};
            s_->set_points(pts);
            return 0;
        });
    }

    // The 8x8 digits (CSV text of data/optdigits-8x8.csv.gz, decompressed): same network and
    // training settings, 64 pixel inputs and 10 classes. Split by dataset.trainRatio and seed.
    void useDigits(val csv) {
        guarded([&] {
            if (!csv.isString()) throw std::invalid_argument("useDigits: expected the CSV text");
            const bp::SessionConfig& c = s_->config();
            auto next = std::make_unique<bp::TrainingSession>(
                c, bp::load_digits_csv(csv.as<std::string>(), c.dataset.train_ratio, c.dataset.seed));
            s_ = std::move(next);
            return 0;
        });
    }

    void evaluateGrid(double G, double x0, double x1, double y0, double y1) {
        guarded([&] {
            if (!(G >= 2 && G <= static_cast<double>(bp::limits::kMaxGrid)))
                throw std::out_of_range("evaluateGrid: G must be in 2.." + std::to_string(bp::limits::kMaxGrid));
            s_->evaluate_grid(static_cast<std::size_t>(G), x0, x1, y0, y1);
            return 0;
        });
    }
    val gridOutput() const { return view(s_->grid_output()); }
    val gridNeurons() const { return view(s_->grid_neurons()); }

    val layout() const {
        val o = val::object();
        const auto& cfg = s_->config();
        o.set("inputs", static_cast<double>(s_->input_width()));
        val feats = val::array();
        for (const std::string& f : bp::feature_names(cfg.features)) feats.call<void>("push", f);
        o.set("features", feats);
        val layers = val::array();
        for (const bp::LayerInfo& l : s_->layout()) {
            val li = val::object();
            li.set("size", static_cast<double>(l.size));
            li.set("activation", std::string(bp::activation_name(l.activation)));
            layers.call<void>("push", li);
        }
        o.set("layers", layers);
        o.set("outputs", static_cast<double>(s_->layout().back().size));
        o.set("classes", static_cast<double>(s_->classes()));
        o.set("loss", std::string(bp::loss_name(s_->network().config.loss)));
        return o;
    }

    val weights(double l) const {
        return guarded([&] { return view(layer(l).W); });
    }
    val biases(double l) const {
        return guarded([&] { return view(layer(l).b); });
    }
    void setWeight(double l, double i, double j, double v) {
        guarded([&] {
            const WeightIndex w = weight_index("setWeight", l, i, j);
            s_->set_weight(w.l, w.i, w.j, v);
            return 0;
        });
    }
    val gradNorms() const { return view(s_->grad_norms()); }

    val trainPoints() {
        flatten_points(s_->data().x_train, s_->data().y_train, points_);
        return view(points_);
    }
    val testPoints() {
        flatten_points(s_->data().x_test, s_->data().y_test, points_);
        return view(points_);
    }

    val predict(val flat) {
        return guarded([&] {
            predictions_ = s_->predict(pairs(flat, "predict", "predict"));
            return view(predictions_);
        });
    }

    val gradCheck() {
        return guarded([&] {
            const auto r = s_->gradient_check();
            val o = val::object();
            o.set("maxRelError", r.max_rel_error);  // NaN when any entry is non-finite
            o.set("nonfinite", static_cast<double>(r.nonfinite));
            o.set("passed", r.passed);
            val per = val::array();
            for (double e : r.per_layer) per.call<void>("push", e);
            o.set("perLayer", per);
            return o;
        });
    }

    // ---- explain mode: one backprop cycle with every number (docs/wasm-api.md) ----
    val explain(val xy, val labels) {
        return guarded([&] {
            const std::vector<double> p = numbers(xy, "explain: points"), l = numbers(labels, "explain: labels");
            if (p.size() % 2 != 0 || p.size() / 2 != l.size())
                throw std::invalid_argument("explain: expected [x, y, ...] pairs and one label per point");
            bp::Mat m = bp::zeros(l.size(), 2), lab = bp::zeros(l.size(), 1);
            std::copy(p.begin(), p.end(), m.begin());
            std::copy(l.begin(), l.end(), lab.begin());
            return trace_object(s_->explain(m, lab));
        });
    }
    val explainNextBatch() {
        return guarded([&] { return trace_object(s_->explain_next_batch()); });
    }
    void commitExplained() {
        guarded([&] { s_->commit_explained(); return 0; });
    }
    val chainRule(double l, double i, double j) {
        return guarded([&] {
            const WeightIndex w = weight_index("chainRule", l, i, j);
            const bp::ChainRule c = s_->chain_rule(w.l, w.i, w.j);
            val o = val::object();
            o.set("layer", l); o.set("i", i); o.set("j", j);
            o.set("deltaJ", copy(c.delta_j));
            o.set("aI", copy(c.a_i));
            o.set("dataGradient", c.data_gradient);
            o.set("penaltyGradient", c.penalty_gradient);
            o.set("analytic", c.analytic);
            o.set("numeric", c.numeric);
            o.set("relError", c.rel_error);
            return o;
        });
    }
    // ∂output_k/∂(x, y) at raw points: (N, K·2), pixel-major like gridOutput.
    val inputJacobian(val xy) {
        return guarded([&] {
            jacobian_ = s_->input_jacobian(pairs(xy, "inputJacobian: points", "inputJacobian"));
            return view(jacobian_);
        });
    }

    std::string toJSON() const {
        return guarded([&] { return bp::save_model(*s_); });
    }
    // Takes a JS value, not std::string: Embind frees a std::string argument after the call
    // returns, which a JS throw skips, so every rejected file would leak its bytes.
    void loadJSON(val text) {
        guarded([&] {
            s_ = bp::load_model(bpwasm::model_text(text));  // builds completely before replacing
            return 0;
        });
    }

    // Gradients from outside: {loss, points, gradients: {W1, b1, W2, b2, ...}} for the current
    // weights over all training points (the objective: data loss plus the regularization
    // penalty), each gradient an array of rows as the model file writes the weights. Changes
    // nothing (TrainingSession::gradients).
    val gradients() {
        return guarded([&] {
            const double loss = s_->gradients();
            return bpwasm::gradients_object(loss, {{"points", bp::rows(s_->data().x_train)}}, s_->params());
        });
    }

    // Bytes of the wasm heap in use by malloc (for leak tests), and the heap's total size.
    static double heapBytes() { return bpwasm::heap_bytes(); }
    static double memoryBytes() { return static_cast<double>(EM_ASM_DOUBLE({ return HEAP8.length; })); }

private:
    static val copy(const std::vector<double>& v) { return view(v).call<val>("slice"); }
    static val copy(const bp::Mat& m) { return view(m).call<val>("slice"); }

    // An explain trace as a plain JS object holding copies (one call per click, not hot).
    static val trace_object(const bp::ExplainTrace& e) {
        val o = val::object();
        o.set("N", static_cast<double>(e.N));
        o.set("points", copy(e.xy));
        o.set("labels", copy(e.labels));
        o.set("inputs", copy(e.x));
        o.set("target", copy(e.target));
        o.set("loss", e.loss);
        o.set("dataLoss", e.data_loss);
        o.set("penalty", e.penalty);
        o.set("learningRate", e.learning_rate);
        val layers = val::array();
        for (std::size_t l = 0; l < e.z.size(); ++l) {
            val li = val::object();
            li.set("z", copy(e.z[l]));
            li.set("a", copy(e.a[l]));
            li.set("delta", copy(e.delta[l]));
            li.set("da", copy(e.da[l]));
            li.set("slope", copy(e.slope[l]));
            li.set("dW", copy(e.dW[l]));
            li.set("db", copy(e.db[l]));
            li.set("W", copy(e.W_before[l]));
            li.set("b", copy(e.b_before[l]));
            li.set("WAfter", copy(e.W_after[l]));
            li.set("bAfter", copy(e.b_after[l]));
            layers.call<void>("push", li);
        }
        o.set("layers", layers);
        return o;
    }

    const bp::Dense& layer(double l) const {
        const auto& layers = s_->network().layers;
        return layers[bp::check_index("layer", l, layers.size())];
    }

    // (layer, i, j) of a weight as JS gives them: integers in range, else a RangeError naming
    // the one that is not (Embind would turn Infinity, 2**32 or 1.5 into some index silently).
    struct WeightIndex { std::size_t l, i, j; };
    WeightIndex weight_index(const std::string& method, double l, double i, double j) const {
        const auto& layers = s_->network().layers;
        const std::size_t L = bp::check_index(method + ": layer", l, layers.size());
        const bp::Mat& W = layers[L].W;
        return {L, bp::check_index(method + ": i", i, bp::rows(W)), bp::check_index(method + ": j", j, bp::cols(W))};
    }

    std::unique_ptr<bp::TrainingSession> s_;
    std::vector<double> points_;
    bp::Mat predictions_;
    bp::Mat jacobian_;
};

EMSCRIPTEN_BINDINGS(backprop) {
    emscripten::function("heapBytes", &bpwasm::heap_bytes);

    emscripten::class_<Session>("Session")
        .constructor(&Session::create, emscripten::allow_raw_pointers())
        .function("step", &Session::step)
        .function("stats", &Session::stats)
        .function("stepsPerEpoch", &Session::stepsPerEpoch)
        .function("reset", &Session::reset)
        .function("setConfig", &Session::setConfig)
        .function("updateTraining", &Session::updateTraining)
        .function("config", &Session::config)
        .function("setPoints", &Session::setPoints)
        .function("useDigits", &Session::useDigits)
        .function("evaluateGrid", &Session::evaluateGrid)
        .function("gridOutput", &Session::gridOutput)
        .function("gridNeurons", &Session::gridNeurons)
        .function("layout", &Session::layout)
        .function("weights", &Session::weights)
        .function("biases", &Session::biases)
        .function("setWeight", &Session::setWeight)
        .function("gradNorms", &Session::gradNorms)
        .function("trainPoints", &Session::trainPoints)
        .function("testPoints", &Session::testPoints)
        .function("predict", &Session::predict)
        .function("gradCheck", &Session::gradCheck)
        .function("explain", &Session::explain)
        .function("explainNextBatch", &Session::explainNextBatch)
        .function("commitExplained", &Session::commitExplained)
        .function("chainRule", &Session::chainRule)
        .function("inputJacobian", &Session::inputJacobian)
        .function("gradients", &Session::gradients)
        .function("toJSON", &Session::toJSON)
        .function("loadJSON", &Session::loadJSON)
        .class_function("heapBytes", &Session::heapBytes)
        .class_function("memoryBytes", &Session::memoryBytes);

    emscripten::value_object<bp::StepStats>("Stats")
        .field("step", &bp::StepStats::step)
        .field("epoch", &bp::StepStats::epoch)
        .field("examples", &bp::StepStats::examples)
        .field("trainLoss", &bp::StepStats::train_loss)
        .field("testLoss", &bp::StepStats::test_loss)
        .field("trainAccuracy", &bp::StepStats::train_accuracy)
        .field("testAccuracy", &bp::StepStats::test_accuracy)
        .field("learningRate", &bp::StepStats::learning_rate)
        .field("diverged", &bp::StepStats::diverged)
        .field("message", &bp::StepStats::message);
}
