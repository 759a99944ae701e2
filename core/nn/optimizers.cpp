// optimizers.cpp: see optimizers.hpp for the update rules and their references.
#include "nn/optimizers.hpp"

#include <cstdio>
#include <stdexcept>
#include <utility>

#include "base/mathfn.hpp"
#include "base/validate.hpp"

namespace bp {

namespace {

bool finite(double x) { return x - x == 0.0; }  // false for NaN and ±inf

// b^e for an integer e ≥ 0 by repeated squaring: exact operation order, so deterministic.
double ipow(double b, long e) {
    double r = 1.0;
    while (e > 0) {
        if (e & 1) r *= b;
        b *= b;
        e >>= 1;
    }
    return r;
}

bool same_shape(const Mat& a, const Mat& b) { return rows(a) == rows(b) && cols(a) == cols(b); }

}  // namespace

void optimizer_validate(const OptimizerConfig& c) {
    switch (c.kind) {
        case OptimizerKind::Sgd: case OptimizerKind::Momentum: case OptimizerKind::Nesterov:
        case OptimizerKind::RmsProp: case OptimizerKind::Adam: break;
        default: throw std::invalid_argument("optimizer: invalid OptimizerKind value");
    }
    switch (c.schedule) {
        case Schedule::Constant: case Schedule::Step: case Schedule::Exponential: break;
        default: throw std::invalid_argument("schedule: invalid Schedule value");
    }
    constexpr double kInf = 1e300;
    check_interval("learning_rate", c.learning_rate, 0.0, false, kInf, false);
    check_interval("momentum", c.momentum, 0.0, false, 1.0, true);
    check_interval("beta1", c.beta1, 0.0, false, 1.0, true);
    check_interval("beta2", c.beta2, 0.0, false, 1.0, true);
    check_interval("rho", c.rho, 0.0, false, 1.0, true);
    check_interval("epsilon", c.epsilon, 0.0, true, kInf, false);
    check_interval("decay_rate", c.decay_rate, 0.0, true, 1.0, false);
    if (c.decay_steps < 1)
        fail_range("decay_steps: " + std::to_string(c.decay_steps) + " is outside 1..inf");
    check_interval("clip_norm", c.clip_norm, 0.0, false, kInf, false);
}

double scheduled_learning_rate(const OptimizerConfig& c, long step) {
    if (step < 0) step = 0;
    switch (c.schedule) {
        case Schedule::Constant:
            return c.learning_rate;
        case Schedule::Step:  // η₀ · rate^⌊s/T⌋
            return c.learning_rate * ipow(c.decay_rate, step / c.decay_steps);
        case Schedule::Exponential:  // η₀ · rate^(s/T) = η₀ · e^{(s/T) ln rate}
            return c.learning_rate *
                   fn::exp(static_cast<double>(step) / static_cast<double>(c.decay_steps) *
                           fn::log(c.decay_rate));
    }
    throw std::invalid_argument("schedule: invalid Schedule value");
}

bool params_finite(const ParamList& params) {
    for (const ParamRef& p : params)
        for (double v : *p.value)
            if (!finite(v)) return false;
    return true;
}

bool optimizer_state_finite(const OptimizerState& state) {
    for (const std::vector<Mat>& slot : state.slots)
        for (const Mat& m : slot)
            for (double v : m)
                if (!finite(v)) return false;
    return true;
}

double global_grad_norm(const ParamList& params) {
    double s = 0.0;
    for (const ParamRef& p : params) {
        const double* g = p.grad->data();
        const std::size_t n = p.grad->size();
        for (std::size_t i = 0; i < n; ++i) s += g[i] * g[i];
    }
    return __builtin_sqrt(s);
}

double clip_by_global_norm(const ParamList& params, double max_norm) {
    if (!(max_norm > 0.0) || !finite(max_norm))
        throw std::invalid_argument("clip_by_global_norm: max_norm must be a finite number > 0");
    const double norm = global_grad_norm(params);
    if (norm > max_norm) {
        const double scale = max_norm / norm;
        for (const ParamRef& p : params) {
            double* g = p.grad->data();
            const std::size_t n = p.grad->size();
            for (std::size_t i = 0; i < n; ++i) g[i] *= scale;
        }
    }
    return norm;
}

// ---- Optimizer -----------------------------------------------------------------------------

Optimizer::Optimizer(const OptimizerConfig& config) : config_(config) {
    optimizer_validate(config_);
    reset();
}

void Optimizer::set_config(const OptimizerConfig& config) {
    optimizer_validate(config);
    const bool kind_changed = config.kind != config_.kind;
    config_ = config;
    if (kind_changed) {
        state_.slots.assign(static_cast<std::size_t>(slot_count(config_.kind)), {});
        state_.slot_steps = 0;
    }
}

void Optimizer::reset() {
    state_ = OptimizerState{};
    state_.slots.assign(static_cast<std::size_t>(slot_count(config_.kind)), {});
    last_clipped_ = false;
    last_grad_norm_ = 0.0;
    last_lr_ = 0.0;
}

int Optimizer::slot_count(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Sgd: return 0;
        case OptimizerKind::Momentum: case OptimizerKind::Nesterov: return 1;
        case OptimizerKind::RmsProp: return 1;
        case OptimizerKind::Adam: return 2;
    }
    throw std::invalid_argument("optimizer: invalid OptimizerKind value");
}

const char* Optimizer::slot_name(OptimizerKind kind, int k) {
    if (k < 0 || k >= slot_count(kind))
        throw std::out_of_range("optimizer slot " + std::to_string(k) + " is outside 0.." +
                                std::to_string(slot_count(kind) - 1));
    switch (kind) {
        case OptimizerKind::Momentum: case OptimizerKind::Nesterov: return "velocity";
        case OptimizerKind::RmsProp: return "mean_square";
        case OptimizerKind::Adam: return k == 0 ? "m" : "v";
        default: break;
    }
    throw std::invalid_argument("optimizer: invalid OptimizerKind value");
}

const std::vector<Mat>& Optimizer::slots(int k) const {
    if (k < 0 || k >= static_cast<int>(state_.slots.size()))
        throw std::out_of_range("optimizer slot " + std::to_string(k) + " is outside 0.." +
                                std::to_string(static_cast<int>(state_.slots.size()) - 1));
    return state_.slots[static_cast<std::size_t>(k)];
}

void Optimizer::restore(OptimizerState state) {
    const std::size_t want = static_cast<std::size_t>(slot_count(config_.kind));
    if (state.slots.size() != want)
        throw std::invalid_argument("optimizer state: " +
                                    std::string(optimizer_name(config_.kind)) +
                                    " has " + std::to_string(want) + " slots, the state has " +
                                    std::to_string(state.slots.size()));
    for (std::size_t k = 1; k < want; ++k)
        if (state.slots[k].size() != state.slots[0].size())
            throw std::invalid_argument("optimizer state: the slots hold different numbers of "
                                        "parameters");
    if (state.steps < 0 || state.slot_steps < 0 || state.clip_count < 0)
        throw std::invalid_argument(
            "optimizer state: steps, slot_steps and clip_count must be >= 0");
    state_ = std::move(state);
    last_clipped_ = false;
}

void Optimizer::ensure_slots(const ParamList& params) {
    // Check every started slot first, so that a mismatch throws before anything changes.
    for (const std::vector<Mat>& slot : state_.slots) {
        if (slot.empty()) continue;
        if (slot.size() != params.size())
            throw std::invalid_argument("optimizer: the state holds " +
                                        std::to_string(slot.size()) + " parameters, the list " +
                                        std::to_string(params.size()) + " (reset() after changing "
                                        "the network)");
        for (std::size_t i = 0; i < params.size(); ++i)
            if (!same_shape(slot[i], *params[i].value))
                throw std::invalid_argument("optimizer: parameter " + std::to_string(i) + " (" +
                                            params[i].name + ") does not match the shape of its "
                                            "state (reset() after changing the network)");
    }
    // Then start the empty ones at zero (lazily: the first step shows the shapes).
    for (std::vector<Mat>& slot : state_.slots) {
        if (!slot.empty()) continue;
        slot.reserve(params.size());
        for (const ParamRef& p : params) slot.push_back(zeros(rows(*p.value), cols(*p.value)));
    }
}

void Optimizer::step(const ParamList& params) {
    for (const ParamRef& p : params)
        if (!same_shape(*p.value, *p.grad))
            throw std::invalid_argument("optimizer: " + p.name +
                                        " and its gradient differ in shape");
    ensure_slots(params);

    if (config_.clip_norm > 0.0) {
        last_grad_norm_ = clip_by_global_norm(params, config_.clip_norm);
        last_clipped_ = last_grad_norm_ > config_.clip_norm;
        if (last_clipped_) ++state_.clip_count;
    } else {
        last_grad_norm_ = 0.0;  // not computed: it costs a pass over every gradient
        last_clipped_ = false;
    }

    const double lr = scheduled_learning_rate(config_, state_.steps);
    last_lr_ = lr;
    const long t = state_.slot_steps + 1;  // 1-based step count of the slots (Adam)

    for (std::size_t i = 0; i < params.size(); ++i) {
        double* w = params[i].value->data();
        const double* g = params[i].grad->data();
        const std::size_t n = params[i].value->size();
        switch (config_.kind) {
            case OptimizerKind::Sgd:  // w ← w − η g
                for (std::size_t j = 0; j < n; ++j) w[j] -= lr * g[j];
                break;
            case OptimizerKind::Momentum: {  // v ← μ v − η g;  w ← w + v
                double* v = state_.slots[0][i].data();
                const double mu = config_.momentum;
                for (std::size_t j = 0; j < n; ++j) {
                    v[j] = mu * v[j] - lr * g[j];
                    w[j] += v[j];
                }
                break;
            }
            case OptimizerKind::Nesterov: {  // v ← μ v − η g;  w ← w + μ v − η g
                double* v = state_.slots[0][i].data();
                const double mu = config_.momentum;
                for (std::size_t j = 0; j < n; ++j) {
                    v[j] = mu * v[j] - lr * g[j];
                    w[j] += mu * v[j] - lr * g[j];
                }
                break;
            }
            case OptimizerKind::RmsProp: {  // s ← ρ s + (1 − ρ) g²;  w ← w − η g / (√s + ε)
                double* s = state_.slots[0][i].data();
                const double rho = config_.rho, eps = config_.epsilon;
                for (std::size_t j = 0; j < n; ++j) {
                    s[j] = rho * s[j] + (1.0 - rho) * (g[j] * g[j]);
                    w[j] -= lr * g[j] / (__builtin_sqrt(s[j]) + eps);
                }
                break;
            }
            case OptimizerKind::Adam: {
                double* m = state_.slots[0][i].data();
                double* v = state_.slots[1][i].data();
                const double b1 = config_.beta1, b2 = config_.beta2, eps = config_.epsilon;
                const double c1 = 1.0 - ipow(b1, t);  // bias corrections 1 − βᵗ
                const double c2 = 1.0 - ipow(b2, t);
                for (std::size_t j = 0; j < n; ++j) {
                    m[j] = b1 * m[j] + (1.0 - b1) * g[j];
                    v[j] = b2 * v[j] + (1.0 - b2) * (g[j] * g[j]);
                    const double mhat = m[j] / c1;
                    const double vhat = v[j] / c2;
                    w[j] -= lr * mhat / (__builtin_sqrt(vhat) + eps);
                }
                break;
            }
        }
    }
    ++state_.steps;
    ++state_.slot_steps;
}

// ---- names -----------------------------------------------------------------------------------

const char* optimizer_name(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Sgd: return "sgd";
        case OptimizerKind::Momentum: return "momentum";
        case OptimizerKind::Nesterov: return "nesterov";
        case OptimizerKind::RmsProp: return "rmsprop";
        case OptimizerKind::Adam: return "adam";
    }
    throw std::invalid_argument("optimizer_name: invalid OptimizerKind value");
}

OptimizerKind optimizer_from_name(const std::string& name) {
    for (OptimizerKind k : {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Nesterov,
                            OptimizerKind::RmsProp, OptimizerKind::Adam})
        if (name == optimizer_name(k)) return k;
    throw std::invalid_argument("unknown optimizer '" + name +
                                "'; allowed: sgd, momentum, nesterov, rmsprop, adam");
}

const char* schedule_name(Schedule schedule) {
    switch (schedule) {
        case Schedule::Constant: return "constant";
        case Schedule::Step: return "step";
        case Schedule::Exponential: return "exponential";
    }
    throw std::invalid_argument("schedule_name: invalid Schedule value");
}

Schedule schedule_from_name(const std::string& name) {
    for (Schedule s : {Schedule::Constant, Schedule::Step, Schedule::Exponential})
        if (name == schedule_name(s)) return s;
    throw std::invalid_argument("unknown schedule '" + name +
                                "'; allowed: constant, step, exponential");
}

}  // namespace bp
