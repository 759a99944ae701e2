// bindings_sequence.cpp: Embind surface of the recurrent session (docs/wasm-api.md, "Sequence
// sessions"). Same rules as bindings.cpp: no math, errors become JS Error / RangeError, bulk
// data leaves as typed views over buffers the session owns.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "bindings_common.hpp"
#include "base/limits.hpp"
#include "io/model_io.hpp"
#include "session/sequence_session.hpp"
#include "base/validate.hpp"

using emscripten::val;
using bpwasm::guarded;
using bpwasm::stringify;
using bpwasm::view;

class SequenceSessionJS {
public:
    explicit SequenceSessionJS(std::unique_ptr<bp::SequenceSession> s) : s_(std::move(s)) {}

    static SequenceSessionJS* create(val config) {
        return new SequenceSessionJS(
            bpwasm::make_session<bp::SequenceSession>(config, [](const std::string& t) { return bp::parse_sequence_config(t); }));
    }

    bp::SequenceStats step(double n) {
        return guarded([&] { return s_->step(bpwasm::step_count(n)); });
    }
    bp::SequenceStats stats() { return s_->stats(); }
    double stepsPerEpoch() const { return static_cast<double>(s_->steps_per_epoch()); }
    void reset() { s_->reset(); }
    val config() const { return bpwasm::parse_json(bp::sequence_config_to_json(s_->config(), -1)); }
    // Live change of the training part (optimizer, learningRate, clipNorm, batchSize, ...) and of
    // the truncation window k (0 = full BPTT). One validation with the constructor: the current
    // configuration with these changes goes through the constructor's parser
    // (parse_sequence_config), so a field one refuses (regularization) the other refuses too,
    // with the same message. Nothing changes when it throws.
    void updateTraining(val training, double truncation) {
        guarded([&] {
            const std::size_t k = bp::check_index("truncation", truncation, bp::limits::kMaxSequenceLength + 1);
            const std::string changes = stringify(training, "training");
            // the strict parser first (unknown fields, types, ranges, duplicate keys): after it the
            // text is known to be a JSON object, so JSON.parse below cannot throw
            bp::TrainingSpec base;
            base.optimizer = s_->config().optimizer;
            base.batch_size = s_->config().batch_size;
            bp::parse_training(changes, base);
            const val JSON = val::global("JSON");
            val config = bpwasm::parse_json(bp::sequence_config_to_json(s_->config(), -1));
            val::global("Object").call<void>("assign", config["training"], JSON.call<val>("parse", changes));
            config.set("truncation", static_cast<double>(k));
            const bp::SequenceSessionConfig next = bp::parse_sequence_config(JSON.call<std::string>("stringify", config));
            s_->update_training(next.optimizer, next.truncation, next.batch_size);
            return 0;
        });
    }

    // One held-out sequence; returns {T, D, H, K, loss} and fills the views below.
    val inspect(double index) {
        return guarded([&] {
            const bp::SequenceTrace& tr = s_->inspect(bp::check_index("inspect: index", index, s_->config().test_sequences));
            trace_ = &tr;
            val o = val::object();
            o.set("T", static_cast<double>(tr.T));
            o.set("D", static_cast<double>(tr.D));
            o.set("H", static_cast<double>(tr.H));
            o.set("K", static_cast<double>(tr.K));
            o.set("loss", tr.loss);
            return o;
        });
    }
    val traceInput() { return view(trace().input); }
    val traceTarget() { return view(trace().target); }
    val tracePrediction() { return view(trace().prediction); }
    val traceHidden() { return view(trace().hidden); }
    val traceCell() { return view(trace().cell); }
    val traceGradNorms() { return view(trace().dh_norm); }
    val traceDh() { return view(trace().dh); }
    val traceDy() { return view(trace().dy); }
    val traceLossSteps() {
        const auto& v = trace().loss_step;
        return val(emscripten::typed_memory_view(v.size(), v.data()));
    }

    val freeRun(double index, double prime, double steps) {
        return guarded([&] {
            // integers in range before the core's own checks (prime 1..T, prime + steps at most
            // the longest sequence) see them
            const std::size_t T = s_->config().task.length, most = bp::limits::kMaxSequenceLength;
            const std::size_t i = bp::check_index("freeRun: index", index, s_->config().test_sequences);
            const std::size_t p = bp::check_index("freeRun: prime", prime, T + 1);
            return view(s_->free_run(i, p, bp::check_index("freeRun: steps", steps, most + 1)));
        });
    }
    val recurrentWeights() const { return view(s_->recurrent_weights()); }

    // Gradients from outside: {loss, sequences, gradients: {Wx, Wh, b, Wy, by}} for the current
    // weights over all training sequences (full BPTT, before clipping); each gradient an array of
    // rows, as the model file writes the weights. Changes nothing (SequenceSession::gradients).
    val gradients() {
        return guarded([&] {
            const double loss = s_->gradients();
            return bpwasm::gradients_object(loss, {{"sequences", s_->config().task.sequences}}, s_->params());
        });
    }

    std::string toJSON() {
        return guarded([&] { return bp::save_sequence_model(*s_); });
    }
    void loadJSON(val text) {
        guarded([&] {
            s_ = bp::load_sequence_model(bpwasm::model_text(text));
            trace_ = nullptr;
            return 0;
        });
    }

private:
    // The trace of the last inspect() (empty before the first).
    const bp::SequenceTrace& trace() const {
        static const bp::SequenceTrace empty;
        return trace_ ? *trace_ : empty;
    }
    std::unique_ptr<bp::SequenceSession> s_;
    const bp::SequenceTrace* trace_ = nullptr;  // owned by s_
};

EMSCRIPTEN_BINDINGS(backprop_sequence) {
    emscripten::function("heapBytes", &bpwasm::heap_bytes);

    emscripten::class_<SequenceSessionJS>("SequenceSession")
        .constructor(&SequenceSessionJS::create, emscripten::allow_raw_pointers())
        .function("step", &SequenceSessionJS::step)
        .function("stats", &SequenceSessionJS::stats)
        .function("stepsPerEpoch", &SequenceSessionJS::stepsPerEpoch)
        .function("reset", &SequenceSessionJS::reset)
        .function("config", &SequenceSessionJS::config)
        .function("updateTraining", &SequenceSessionJS::updateTraining)
        .function("inspect", &SequenceSessionJS::inspect)
        .function("traceInput", &SequenceSessionJS::traceInput)
        .function("traceTarget", &SequenceSessionJS::traceTarget)
        .function("tracePrediction", &SequenceSessionJS::tracePrediction)
        .function("traceHidden", &SequenceSessionJS::traceHidden)
        .function("traceCell", &SequenceSessionJS::traceCell)
        .function("traceGradNorms", &SequenceSessionJS::traceGradNorms)
        .function("traceDh", &SequenceSessionJS::traceDh)
        .function("traceDy", &SequenceSessionJS::traceDy)
        .function("traceLossSteps", &SequenceSessionJS::traceLossSteps)
        .function("freeRun", &SequenceSessionJS::freeRun)
        .function("recurrentWeights", &SequenceSessionJS::recurrentWeights)
        .function("gradients", &SequenceSessionJS::gradients)
        .function("toJSON", &SequenceSessionJS::toJSON)
        .function("loadJSON", &SequenceSessionJS::loadJSON);

    emscripten::value_object<bp::SequenceStats>("SequenceStats")
        .field("step", &bp::SequenceStats::step)
        .field("epoch", &bp::SequenceStats::epoch)
        .field("sequences", &bp::SequenceStats::sequences)
        .field("trainLoss", &bp::SequenceStats::train_loss)
        .field("testLoss", &bp::SequenceStats::test_loss)
        .field("testAccuracy", &bp::SequenceStats::test_accuracy)
        .field("gradNorm", &bp::SequenceStats::grad_norm)
        .field("clipCount", &bp::SequenceStats::clip_count)
        .field("recurrentSigma", &bp::SequenceStats::recurrent_sigma)
        .field("diverged", &bp::SequenceStats::diverged)
        .field("message", &bp::SequenceStats::message);
}
