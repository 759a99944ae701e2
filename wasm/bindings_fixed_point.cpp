// bindings_fixed_point.cpp: Embind surface of the fixed-point recurrent backprop session
// (docs/fixed-point-api.md). Same rules as the other binding files (bindings_common.hpp): no math,
// errors become JS Error / RangeError, arguments that may fail are `val`, bulk data leaves as
// typed views over buffers the session owns (valid until the next call).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings_common.hpp"
#include "io/fixed_point_io.hpp"
#include "session/fixed_point_session.hpp"
#include "base/limits.hpp"
#include "base/validate.hpp"

using emscripten::val;
using bpwasm::guarded;
using bpwasm::stringify;
using bpwasm::view;

namespace {

// A count (not an index: those go through bp::check_index) as a whole number in lo..hi from
// JS, or a RangeError naming the argument.
std::size_t whole(double v, double lo, double hi, const char* what) {
    if (!(v >= lo && v <= hi) || v != static_cast<double>(static_cast<long long>(v)))
        throw std::out_of_range(std::string(what) + ": must be a whole number in " + std::to_string(static_cast<long long>(lo)) +
                                ".." + std::to_string(static_cast<long long>(hi)));
    return static_cast<std::size_t>(v);
}

}  // namespace

class FixedPointSessionJS {
public:
    explicit FixedPointSessionJS(std::unique_ptr<bp::FixedPointSession> s) : s_(std::move(s)) {}

    static FixedPointSessionJS* create(val config) {
        return new FixedPointSessionJS(
            bpwasm::make_session<bp::FixedPointSession>(config, [](const std::string& t) { return bp::parse_fixed_point_config(t); }));
    }

    bp::FixedPointSessionStats step(double n) {
        return guarded([&] { return s_->step(whole(n, 1, static_cast<double>(bp::limits::kMaxSteps), "step: n")); });
    }
    bp::FixedPointSessionStats stats() { return s_->stats(); }
    void reset() { s_->reset(); }
    val config() const { return bpwasm::parse_json(bp::fixed_point_config_to_json(s_->config(), -1)); }
    // Live change of the training part (optimizer, learningRate, clipNorm, ...) and of the
    // relaxation settings (alpha, beta, tol, maxIters); either may be undefined (unchanged).
    void updateTraining(val training, val relax) {
        guarded([&] {
            const bp::OptimizerConfig o = bp::parse_fixed_point_training(stringify(training, "training"), s_->config().optimizer);
            const bp::RelaxOptions r = bp::parse_relax_options(stringify(relax, "relax"), s_->config().relax);
            s_->update_training(o, r);
            return 0;
        });
    }
    double evaluationPatterns() const { return static_cast<double>(s_->evaluation_patterns()); }

    // Evaluation pattern i relaxed forward and backward, every state recorded; returns the
    // summary object and fills the trace views.
    val inspect(double index) {
        return guarded([&] {
            return summary(s_->inspect(bp::check_index("inspect: pattern", index, s_->evaluation_patterns())));
        });
    }
    // Letters: relax from letter `letter` with `damage` pixels flipped (or erased) at random from
    // `seed`; the trace's input is the cue.
    val complete(double letter, double damage, bool erase, double seed) {
        return guarded([&] {
            const bp::Vec cue = s_->make_cue(bp::check_index("complete: letter", letter, s_->config().letters.size()), whole(damage, 0, 25, "complete: damage"),
                                             erase, whole(seed, 0, 4294967295.0, "complete: seed"));
            return summary(s_->complete(cue));
        });
    }
    // Letters: relax from a cue of 25 values in −1..1 (Array or Float64Array), e.g. drawn by hand.
    val completeCue(val cue) {
        return guarded([&] {
            if (!(val::global("Array").call<bool>("isArray", cue) || cue.instanceof(val::global("Float64Array"))))
                throw std::invalid_argument("completeCue: expected an Array or Float64Array of 25 values");
            if (cue["length"].as<double>() != 25.0)
                throw std::invalid_argument("completeCue: expected 25 values (5×5 pixels)");
            const std::vector<double> v = emscripten::convertJSArrayToNumberVector<double>(cue);
            bp::Vec c = bp::Vec::from_shape({v.size()});
            for (std::size_t i = 0; i < v.size(); ++i) c(i) = v[i];
            return summary(s_->complete(c));
        });
    }

    val traceInput() { return view(trace().input); }
    val traceTarget() { return view(trace().target); }
    val traceFixedPoint() { return view(trace().fixed_point); }
    val traceDelta() { return view(trace().delta); }
    val traceForwardStates() { return trace().forward ? view(trace().forward->states) : empty(); }
    val traceForwardResidual() { return trace().forward ? view(trace().forward->residual) : empty(); }
    val traceBackwardStates() { return trace().backward ? view(trace().backward->states) : empty(); }
    val traceBackwardResidual() { return trace().backward ? view(trace().backward->residual) : empty(); }

    // Gradients from outside: {loss, patterns, used, gradients: {W, U, b}} for the current
    // weights on the batch the next step() trains on; each gradient an array of rows, as the
    // model file writes the weights. Changes nothing (FixedPointSession::gradients).
    val gradients() {
        return guarded([&] {
            const bp::FixedPointStats g = s_->gradients();
            return bpwasm::gradients_object(g.loss, {{"patterns", g.patterns}, {"used", g.used}}, s_->params());
        });
    }

    val letters() const { return view(s_->letters()); }
    val weights() const { return view(s_->network().W); }
    val inputWeights() const { return view(s_->network().U); }
    val biases() const { return view(s_->network().b); }

    std::string toJSON() {
        return guarded([&] { return bp::save_fixed_point_model(*s_); });
    }
    void loadJSON(val text) {
        guarded([&] {
            s_ = bp::load_fixed_point_model(bpwasm::model_text(text));
            traced_ = false;
            return 0;
        });
    }

private:
    val summary(const bp::FixedPointTrace& tr) {
        traced_ = true;
        val o = val::object();
        o.set("n", static_cast<double>(tr.n));
        o.set("m", static_cast<double>(tr.m));
        o.set("K", static_cast<double>(tr.K));
        val outs = val::array();
        for (std::size_t k = 0; k < tr.outputs.size(); ++k) outs.call<void>("push", static_cast<double>(tr.outputs[k]));
        o.set("outputs", outs);
        o.set("forwardConverged", tr.forward_converged);
        o.set("forwardIterations", static_cast<double>(tr.forward_iterations));
        o.set("backwardRun", tr.backward_run);
        o.set("backwardConverged", tr.backward_converged);
        o.set("backwardIterations", static_cast<double>(tr.backward_iterations));
        o.set("error", tr.error);
        o.set("correct", static_cast<double>(tr.correct));
        o.set("recalled", static_cast<double>(tr.recalled));
        return o;
    }
    // The trace of the last inspect()/complete() (empty before the first, and after loadJSON).
    const bp::FixedPointTrace& trace() const {
        static const bp::FixedPointTrace none;
        return traced_ ? s_->last_trace() : none;
    }
    static val empty() { return val(emscripten::typed_memory_view(0, static_cast<const double*>(nullptr))); }

    std::unique_ptr<bp::FixedPointSession> s_;
    bool traced_ = false;
};

EMSCRIPTEN_BINDINGS(backprop_fixed_point) {
    emscripten::class_<FixedPointSessionJS>("FixedPointSession")
        .constructor(&FixedPointSessionJS::create, emscripten::allow_raw_pointers())
        .function("step", &FixedPointSessionJS::step)
        .function("stats", &FixedPointSessionJS::stats)
        .function("reset", &FixedPointSessionJS::reset)
        .function("config", &FixedPointSessionJS::config)
        .function("updateTraining", &FixedPointSessionJS::updateTraining)
        .function("evaluationPatterns", &FixedPointSessionJS::evaluationPatterns)
        .function("inspect", &FixedPointSessionJS::inspect)
        .function("complete", &FixedPointSessionJS::complete)
        .function("completeCue", &FixedPointSessionJS::completeCue)
        .function("traceInput", &FixedPointSessionJS::traceInput)
        .function("traceTarget", &FixedPointSessionJS::traceTarget)
        .function("traceFixedPoint", &FixedPointSessionJS::traceFixedPoint)
        .function("traceDelta", &FixedPointSessionJS::traceDelta)
        .function("traceForwardStates", &FixedPointSessionJS::traceForwardStates)
        .function("traceForwardResidual", &FixedPointSessionJS::traceForwardResidual)
        .function("traceBackwardStates", &FixedPointSessionJS::traceBackwardStates)
        .function("traceBackwardResidual", &FixedPointSessionJS::traceBackwardResidual)
        .function("gradients", &FixedPointSessionJS::gradients)
        .function("letters", &FixedPointSessionJS::letters)
        .function("weights", &FixedPointSessionJS::weights)
        .function("inputWeights", &FixedPointSessionJS::inputWeights)
        .function("biases", &FixedPointSessionJS::biases)
        .function("toJSON", &FixedPointSessionJS::toJSON)
        .function("loadJSON", &FixedPointSessionJS::loadJSON);

    emscripten::value_object<bp::FixedPointSessionStats>("FixedPointStats")
        .field("step", &bp::FixedPointSessionStats::step)
        .field("loss", &bp::FixedPointSessionStats::loss)
        .field("patterns", &bp::FixedPointSessionStats::patterns)
        .field("used", &bp::FixedPointSessionStats::used)
        .field("skippedForward", &bp::FixedPointSessionStats::skipped_forward)
        .field("skippedBackward", &bp::FixedPointSessionStats::skipped_backward)
        .field("forwardItersMean", &bp::FixedPointSessionStats::forward_iters_mean)
        .field("forwardItersMax", &bp::FixedPointSessionStats::forward_iters_max)
        .field("backwardItersMean", &bp::FixedPointSessionStats::backward_iters_mean)
        .field("backwardItersMax", &bp::FixedPointSessionStats::backward_iters_max)
        .field("skippedTotal", &bp::FixedPointSessionStats::skipped_total)
        .field("testLoss", &bp::FixedPointSessionStats::test_loss)
        .field("accuracy", &bp::FixedPointSessionStats::accuracy)
        .field("testUnsettled", &bp::FixedPointSessionStats::test_unsettled)
        .field("contractionBound", &bp::FixedPointSessionStats::contraction_bound)
        .field("gradNorm", &bp::FixedPointSessionStats::grad_norm)
        .field("clipCount", &bp::FixedPointSessionStats::clip_count)
        .field("diverged", &bp::FixedPointSessionStats::diverged)
        .field("stalled", &bp::FixedPointSessionStats::stalled)
        .field("message", &bp::FixedPointSessionStats::message);
}
