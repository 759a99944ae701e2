// optimizers.hpp: the update rules that turn gradients into weight changes, the learning-rate
// schedules, and gradient clipping.
//
// An optimizer sees an ordered list of (value, grad) pairs, a ParamList, and nothing else: it
// does not know which network the parameters belong to. Its per-parameter state (velocity,
// running averages) is kept BY POSITION in that list, never by pointer address, so a list built
// afresh each step over the same network (or over a copy of it) continues the same run.
//
// Notation: w a parameter, g = dL/dw its gradient (after clipping), η the learning rate of this
// step (after the schedule), t = 1, 2, ... the step number. All operations are element-wise.
//
//   sgd        w ← w − η g
//   momentum   v ← μ v − η g;   w ← w + v                       (v starts at 0)
//              B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
//              USSR Comp. Math. and Math. Physics 4(5), 1964 ("heavy ball"); the v-form is that
//              of Sutskever, Martens, Dahl & Hinton, ICML 2013, eq. (1)-(2).
//   nesterov   v ← μ v − η g;   w ← w + μ v − η g
//              Y. Nesterov, Soviet Math. Doklady 27, 1983, in the formulation of Sutskever et al.
//              2013, eq. (3)-(4): v ← μ v − η ∇L(w + μ v), w ← w + v. Tracking the look-ahead
//              point w' = w + μ v instead lets g be the gradient at the stored weights, which
//              gives the update above (Bengio, Boulanger-Lewandowski & Pascanu, ICASSP 2013).
//   rmsprop    s ← ρ s + (1 − ρ) g²;   w ← w − η g / (√s + ε)
//              G. Hinton, N. Srivastava & K. Swersky, "Neural Networks for Machine Learning",
//              lecture 6e, 2012 (slides; unpublished otherwise).
//   adam       m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
//              m̂ = m / (1 − β₁ᵗ);   v̂ = v / (1 − β₂ᵗ)          (bias correction: m and v start
//              w ← w − η m̂ / (√v̂ + ε)                             at 0, so early averages are
//              D. P. Kingma & J. Ba, "Adam", ICLR 2015, Algorithm 1.    too small by 1 − βᵗ)
//
// Schedules, with s = the number of steps already taken (0 for the first step) and T = decay_steps:
//   constant      η = η₀
//   step          η = η₀ · rate^⌊s / T⌋
//   exponential   η = η₀ · rate^(s / T)
//
// Clipping by global norm (Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent
// neural networks", ICML 2013): n = sqrt(Σ over all parameters of Σ g²); when n > c every
// gradient is multiplied by c / n, so the direction is kept and the norm becomes c.
#pragma once

#include <string>
#include <vector>

#include "base/param.hpp"
#include "base/tensor.hpp"

namespace bp {

enum class OptimizerKind { Sgd, Momentum, Nesterov, RmsProp, Adam };
enum class Schedule { Constant, Step, Exponential };

struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::Sgd;
    double learning_rate = 0.03;  // η₀ ≥ 0
    double momentum = 0.9;        // μ in [0, 1), momentum and nesterov
    double beta1 = 0.9;           // β₁ in [0, 1), adam
    double beta2 = 0.999;         // β₂ in [0, 1), adam
    double rho = 0.9;             // ρ in [0, 1), rmsprop
    double epsilon = 1e-8;        // ε > 0, rmsprop and adam
    Schedule schedule = Schedule::Constant;
    double decay_rate = 0.5;      // in (0, 1], step and exponential schedules
    long decay_steps = 1000;      // T ≥ 1
    double clip_norm = 0.0;       // c ≥ 0; 0 = no clipping
};

// Throws std::invalid_argument for a non-finite value or an invalid enum, std::out_of_range for
// a finite value outside the range written next to the field above; the message names the field.
void optimizer_validate(const OptimizerConfig& config);

// η for a step, given how many steps were taken before it (see the schedules above).
double scheduled_learning_rate(const OptimizerConfig& config, long step);

// sqrt(Σ_params Σ_i grad_i²) over every gradient in the list.
double global_grad_norm(const ParamList& params);

// Scales every gradient by max_norm / n when the global norm n exceeds max_norm (> 0), so that
// the norm becomes max_norm (up to rounding); returns n, the norm before clipping.
double clip_by_global_norm(const ParamList& params, double max_norm);

// The optimizer's whole state, for model files. slots[k][i] is slot k of the parameter at
// position i of the ParamList (same shape as it); see Optimizer::slot_name for what slot k is.
// An empty slots[k] means "not started yet": it is sized with zeros at the next step.
struct OptimizerState {
    long steps = 0;       // steps taken since construction or reset(); drives the schedule
    long slot_steps = 0;  // steps since the slots started (Adam's t − 1); differs from steps
                          // only after set_config changed the kind
    long clip_count = 0;  // steps at which clipping changed the gradients
    std::vector<std::vector<Mat>> slots;
};

// True when every value of every parameter in the list is finite (no NaN, no ±inf). A step
// that leaves a non-finite weight has diverged, whatever its loss says.
bool params_finite(const ParamList& params);

// True when every slot of the state is finite: Adam's v and RMSprop's s hold g², which
// overflows to +inf for a finite gradient above ~1e154 while the update g/√inf = 0 still looks
// harmless. A model file cannot hold inf, so that state has diverged too.
bool optimizer_state_finite(const OptimizerState& state);

class Optimizer {
public:
    // Throws like optimizer_validate.
    explicit Optimizer(const OptimizerConfig& config = OptimizerConfig{});

    const OptimizerConfig& config() const { return config_; }

    // Live change (learning rate, momentum, schedule, clipping...). The state is kept; when the
    // kind changes, the slots of the old kind mean nothing to the new one and restart at zero
    // (steps and the schedule continue). Throws like optimizer_validate, changing nothing.
    void set_config(const OptimizerConfig& config);

    // One update of every parameter in the list from its gradient: clipping (when clip_norm > 0,
    // which rescales the gradients in place), then the rule of config().kind with the scheduled
    // learning rate. Throws std::invalid_argument, changing nothing, when the list does not
    // match the state (another length, or a shape that differs at some position): after
    // changing the network, call reset().
    void step(const ParamList& params);

    // Back to zero steps and empty slots; the config is kept.
    void reset();

    long steps() const { return state_.steps; }
    bool last_clipped() const { return last_clipped_; }        // did the last step clip?
    long clip_count() const { return state_.clip_count; }      // steps that clipped, in all
    double last_grad_norm() const { return last_grad_norm_; }  // global norm before clipping
                                                               // (0 when clipping is off)
    double last_learning_rate() const { return last_lr_; }     // η used by the last step

    // Slots of a kind: sgd 0; momentum and nesterov 1 ("velocity" v); rmsprop 1
    // ("mean_square" s); adam 2 ("m", "v").
    static int slot_count(OptimizerKind kind);
    static const char* slot_name(OptimizerKind kind, int k);  // k in [0, slot_count)
    // Slot k of every parameter, by position (empty before the first step).
    const std::vector<Mat>& slots(int k) const;

    // Save / restore (model files): state() gives everything; restore() replaces it after
    // checking that slots has slot_count(config().kind) entries of equal length and that the
    // counters are ≥ 0 (std::invalid_argument otherwise, changing nothing). Shapes are checked
    // against the parameters at the next step().
    const OptimizerState& state() const { return state_; }
    void restore(OptimizerState state);

private:
    void ensure_slots(const ParamList& params);

    OptimizerConfig config_;
    OptimizerState state_;
    bool last_clipped_ = false;
    double last_grad_norm_ = 0.0;
    double last_lr_ = 0.0;
};

// "sgd" "momentum" "nesterov" "rmsprop" "adam"
const char* optimizer_name(OptimizerKind kind);
OptimizerKind optimizer_from_name(const std::string& name);  // std::invalid_argument if unknown
// "constant" "step" "exponential"
const char* schedule_name(Schedule schedule);
Schedule schedule_from_name(const std::string& name);  // std::invalid_argument if unknown

}  // namespace bp
