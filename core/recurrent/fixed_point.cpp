// fixed_point.cpp: see fixed_point.hpp for the equations and docs/fixed-point.md for the proof
// that the adjoint relaxation gives the implicit-function-theorem gradient.
#include "recurrent/fixed_point.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "base/limits.hpp"
#include "base/validate.hpp"
#include "base/mathfn.hpp"
#include "recurrent/rnn.hpp"  // largest_singular_value

namespace bp {

namespace {

void check_size(const char* field, std::size_t v, std::size_t lo, std::size_t hi) { check_count(field, v, lo, hi); }

void check_real(const char* field, double v, double lo, double hi, bool open_lo) {
    if (!std::isfinite(v)) fail_arg(std::string(field) + ": " + std::to_string(v) + " is not a finite number");
    if (v < lo || v > hi || (open_lo && v == lo))
        fail_range(std::string(field) + ": " + std::to_string(v) + " is outside " + (open_lo ? "(" : "[") +
                   std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

void check_shape(const char* field, const Mat& m, std::size_t r, std::size_t c) {
    if (rows(m) != r || cols(m) != c)
        fail_arg(std::string(field) + ": shape (" + std::to_string(rows(m)) + "," + std::to_string(cols(m)) +
                 ") should be (" + std::to_string(r) + "," + std::to_string(c) + ")");
}

void check_finite(const char* field, const double* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(p[i])) fail_arg(std::string(field) + ": element " + std::to_string(i) + " is not a finite number");
}

void ensure_len(Vec& v, std::size_t n) {
    if (v.size() != n) v.resize({n});
}

void check_net(const FixedPointNet& net) {
    validate_fixed_point_config(net.config);
    const std::size_t n = net.config.units, m = net.config.inputs;
    check_shape("fixed_point.W", net.W, n, n);
    check_shape("fixed_point.U", net.U, n, m);
    check_shape("fixed_point.b", net.b, 1, n);
    check_finite("fixed_point.W", net.W.data(), net.W.size());
    check_finite("fixed_point.U", net.U.data(), net.U.size());
    check_finite("fixed_point.b", net.b.data(), net.b.size());
}

double act(Activation f, double a) { return f == Activation::Tanh ? fn::tanh(a) : fn::sigmoid(a); }

// f′(a) from y = f(a): tanh′ = 1 − y², σ′ = y (1 − y).
double act_prime(Activation f, double a) {
    const double y = act(f, a);
    return f == Activation::Tanh ? 1.0 - y * y : y * (1.0 - y);
}

// c = U u + b
void drive(const FixedPointNet& net, const double* u, Vec& c) {
    const std::size_t n = net.config.units, m = net.config.inputs;
    ensure_len(c, n);
    for (std::size_t i = 0; i < n; ++i) {
        double s = net.b(0, i);
        for (std::size_t j = 0; j < m; ++j) s += net.U(i, j) * u[j];
        c(i) = s;
    }
}

// out = W x + c
void affine(const FixedPointNet& net, const Vec& x, const Vec& c, Vec& out) {
    const std::size_t n = net.config.units;
    ensure_len(out, n);
    for (std::size_t i = 0; i < n; ++i) {
        double s = c(i);
        for (std::size_t j = 0; j < n; ++j) s += net.W(i, j) * x(j);
        out(i) = s;
    }
}

// clear() keeps the vectors' capacity: after the first call nothing is allocated.
void clear_relaxation(Relaxation& r) {
    r.converged = false;
    r.iterations = 0;
    r.residual.clear();
    r.states.clear();
}

void start_record(Relaxation& r, const RelaxOptions& o, const Vec& state) {
    clear_relaxation(r);
    if (o.record_states) r.states.insert(r.states.end(), state.begin(), state.end());
}

void record(Relaxation& r, const RelaxOptions& o, const Vec& state, double residual) {
    r.residual.push_back(residual);
    ++r.iterations;
    if (o.record_states && r.iterations <= kMaxRecordedStates)
        r.states.insert(r.states.end(), state.begin(), state.end());
}

bool relax_forward_raw(const FixedPointNet& net, const double* u, const double* x0, const RelaxOptions& o,
                       FixedPointCache& cache) {
    const std::size_t n = net.config.units, m = net.config.inputs;
    const Activation f = net.config.activation;
    ensure_len(cache.u, m);
    for (std::size_t j = 0; j < m; ++j) cache.u(j) = u[j];
    drive(net, cache.u.data(), cache.c);
    ensure_len(cache.x, n);
    for (std::size_t i = 0; i < n; ++i) cache.x(i) = x0 ? x0[i] : 0.0;
    Relaxation& r = cache.forward;
    start_record(r, o, cache.x);
    for (std::size_t it = 0; it < o.max_iters; ++it) {
        // x ← (1−α) x + α f(W x + c), all units from the same old x (a synchronous update)
        affine(net, cache.x, cache.c, cache.tmp);
        double r2 = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double next = (1.0 - o.alpha) * cache.x(i) + o.alpha * act(f, cache.tmp(i));
            const double d = next - cache.x(i);
            r2 += d * d;
            cache.x(i) = next;
        }
        const double res = std::sqrt(r2);
        record(r, o, cache.x, res);
        if (res < o.tol) {
            r.converged = true;
            break;
        }
    }
    // a* = W x* + c and D = f′(a*), what the adjoint needs
    affine(net, cache.x, cache.c, cache.a);
    ensure_len(cache.fprime, n);
    for (std::size_t i = 0; i < n; ++i) cache.fprime(i) = act_prime(f, cache.a(i));
    return r.converged;
}

bool relax_backward_raw(const FixedPointNet& net, const double* target, const RelaxOptions& o,
                        FixedPointCache& cache) {
    const std::size_t n = net.config.units;
    const auto& outs = net.config.outputs;
    // E = ½ Σ_{k∈O} (x*_k − t_k)²,   e = ∂E/∂x*
    ensure_len(cache.e, n);
    cache.e.fill(0.0);
    double E = 0.0;
    for (std::size_t k = 0; k < outs.size(); ++k) {
        const double d = cache.x(outs[k]) - target[k];
        cache.e(outs[k]) = d;
        E += 0.5 * d * d;
    }
    cache.error = E;
    // λ ← (1−β) λ + β (Wᵀ D λ + e)
    ensure_len(cache.lambda, n);
    ensure_len(cache.delta, n);
    ensure_len(cache.tmp, n);
    cache.lambda.fill(0.0);
    Relaxation& r = cache.backward;
    start_record(r, o, cache.lambda);
    for (std::size_t it = 0; it < o.max_iters; ++it) {
        for (std::size_t i = 0; i < n; ++i) cache.delta(i) = cache.fprime(i) * cache.lambda(i);  // D λ
        cache.tmp.fill(0.0);
        for (std::size_t i = 0; i < n; ++i) {  // tmp = Wᵀ (D λ): tmp_j = Σ_i W(i,j) (Dλ)_i
            const double q = cache.delta(i);
            for (std::size_t j = 0; j < n; ++j) cache.tmp(j) += net.W(i, j) * q;
        }
        double r2 = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double next = (1.0 - o.beta) * cache.lambda(j) + o.beta * (cache.tmp(j) + cache.e(j));
            const double d = next - cache.lambda(j);
            r2 += d * d;
            cache.lambda(j) = next;
        }
        const double res = std::sqrt(r2);
        record(r, o, cache.lambda, res);
        if (res < o.tol) {
            r.converged = true;
            break;
        }
    }
    for (std::size_t i = 0; i < n; ++i) cache.delta(i) = cache.fprime(i) * cache.lambda(i);  // δ = D λ
    return r.converged;
}

void check_data(const FixedPointNet& net, const FixedPointData& d) {
    const std::size_t P = rows(d.inputs), n = net.config.units, m = net.config.inputs;
    check_size("fixed_point data: patterns", P, 1, limits::kMaxPoints);
    check_shape("fixed_point data: inputs", d.inputs, P, m);
    check_shape("fixed_point data: targets", d.targets, P, net.config.outputs.size());
    if (rows(d.initial) != 0) check_shape("fixed_point data: initial", d.initial, P, n);
    check_finite("fixed_point data: inputs", d.inputs.data(), d.inputs.size());
    check_finite("fixed_point data: targets", d.targets.data(), d.targets.size());
    check_finite("fixed_point data: initial", d.initial.data(), d.initial.size());
}

const double* row_ptr(const Mat& m, std::size_t p) { return m.data() + p * cols(m); }

void finish_stats(FixedPointStats& s, const FixedPointWorkspace& ws, double loss_sum, bool backward) {
    s.loss = s.used > 0 ? loss_sum / static_cast<double>(s.used) : std::numeric_limits<double>::quiet_NaN();
    double fsum = 0.0, bsum = 0.0;
    for (std::size_t p = 0; p < s.patterns; ++p) {
        const FixedPointCache& c = ws.patterns[p];
        if (!c.forward.converged || (backward && !c.backward.converged)) continue;
        fsum += static_cast<double>(c.forward.iterations);
        s.forward_iters_max = std::max(s.forward_iters_max, c.forward.iterations);
        if (backward) {
            bsum += static_cast<double>(c.backward.iterations);
            s.backward_iters_max = std::max(s.backward_iters_max, c.backward.iterations);
        }
    }
    if (s.used > 0) {
        s.forward_iters_mean = fsum / static_cast<double>(s.used);
        s.backward_iters_mean = bsum / static_cast<double>(s.used);
    }
}

}  // namespace

// ---- config -------------------------------------------------------------------------------------

void validate_fixed_point_config(const FixedPointConfig& c) {
    check_size("fixed_point.units", c.units, 1, limits::kMaxRecurrentHidden);
    check_size("fixed_point.inputs", c.inputs, 0, limits::kMaxInputs);
    check_size("fixed_point.outputs (count)", c.outputs.size(), 1, c.units);
    for (std::size_t k = 0; k < c.outputs.size(); ++k) {
        if (c.outputs[k] >= c.units)  // the name is built only for the message
            check_size(("fixed_point.outputs[" + std::to_string(k) + "]").c_str(), c.outputs[k], 0, c.units - 1);
        for (std::size_t j = 0; j < k; ++j)
            if (c.outputs[j] == c.outputs[k])
                fail_arg("fixed_point.outputs: unit " + std::to_string(c.outputs[k]) + " is listed twice");
    }
    if (c.activation != Activation::Tanh && c.activation != Activation::Sigmoid)
        fail_arg(std::string("fixed_point.activation: '") + activation_name(c.activation) +
                 "' is not available; allowed: tanh, sigmoid");
    check_real("fixed_point.initScale", c.init_scale, 0.0, 100.0, false);
}

void validate_relax_options(const RelaxOptions& o) {
    check_real("relax.alpha", o.alpha, 0.0, 1.0, true);
    check_real("relax.beta", o.beta, 0.0, 1.0, true);
    check_real("relax.tol", o.tol, 0.0, 1.0, true);
    check_size("relax.maxIters", o.max_iters, 1, kMaxRelaxIterations);
}

// ---- the network ----------------------------------------------------------------------------------

void fixed_point_init(FixedPointNet& net, const FixedPointConfig& config, Rng& rng) {
    validate_fixed_point_config(config);
    const std::size_t n = config.units, m = config.inputs;
    net.config = config;
    const double rw = config.init_scale / std::sqrt(static_cast<double>(n));
    const double ru = config.init_scale / std::sqrt(static_cast<double>(m > 0 ? m : 1));
    net.W = Mat::from_shape({n, n});
    for (double& v : net.W) v = rng.uniform(-rw, rw);
    net.U = Mat::from_shape({n, m});
    for (double& v : net.U) v = rng.uniform(-ru, ru);
    net.b = zeros(1, n);
    net.dW = zeros(n, n);
    net.dU = zeros(n, m);
    net.db = zeros(1, n);
}

bool relax_forward(const FixedPointNet& net, const Vec& u, const Vec* x0, const RelaxOptions& options,
                   FixedPointCache& cache) {
    check_net(net);
    validate_relax_options(options);
    if (u.size() != net.config.inputs)
        fail_arg("relax_forward: u has " + std::to_string(u.size()) + " values, the network " +
                 std::to_string(net.config.inputs) + " inputs");
    check_finite("relax_forward: u", u.data(), u.size());
    if (x0) {
        if (x0->size() != net.config.units)
            fail_arg("relax_forward: x0 has " + std::to_string(x0->size()) + " values, the network " +
                     std::to_string(net.config.units) + " units");
        check_finite("relax_forward: x0", x0->data(), x0->size());
    }
    // u (or x0) may be cache.u (cache.x) itself: the copies inside are then element-wise no-ops
    return relax_forward_raw(net, u.data(), x0 ? x0->data() : nullptr, options, cache);
}

bool relax_backward(const FixedPointNet& net, const Vec& target, const RelaxOptions& options,
                    FixedPointCache& cache) {
    check_net(net);
    validate_relax_options(options);
    if (target.size() != net.config.outputs.size())
        fail_arg("relax_backward: target has " + std::to_string(target.size()) + " values for " +
                 std::to_string(net.config.outputs.size()) + " output units");
    check_finite("relax_backward: target", target.data(), target.size());
    if (cache.x.size() != net.config.units || cache.fprime.size() != net.config.units)
        fail_arg("relax_backward: run relax_forward first");
    return relax_backward_raw(net, target.data(), options, cache);
}

void fixed_point_accumulate(FixedPointNet& net, const FixedPointCache& cache, double scale) {
    const std::size_t n = net.config.units, m = net.config.inputs;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = scale * cache.delta(i);
        for (std::size_t j = 0; j < n; ++j) net.dW(i, j) += d * cache.x(j);  // δ x*ᵀ
        for (std::size_t j = 0; j < m; ++j) net.dU(i, j) += d * cache.u(j);  // δ uᵀ
        net.db(0, i) += d;                                                   // δ
    }
}

FixedPointStats fixed_point_forward_backward(FixedPointNet& net, const FixedPointData& data,
                                             const RelaxOptions& options, FixedPointWorkspace& ws) {
    check_net(net);
    validate_relax_options(options);
    check_data(net, data);
    const std::size_t P = rows(data.inputs);
    const bool has_x0 = rows(data.initial) != 0;
    ws.patterns.resize(P);
    FixedPointStats s;
    s.patterns = P;
    double loss_sum = 0.0;
    for (std::size_t p = 0; p < P; ++p) {
        FixedPointCache& c = ws.patterns[p];
        clear_relaxation(c.backward);  // no backward (yet) for this pattern; keeps the buffers
        if (!relax_forward_raw(net, row_ptr(data.inputs, p), has_x0 ? row_ptr(data.initial, p) : nullptr,
                               options, c)) {
            ++s.skipped_forward;  // never train on a state that did not settle
            s.skipped.push_back(p);
            continue;
        }
        if (!relax_backward_raw(net, row_ptr(data.targets, p), options, c)) {
            ++s.skipped_backward;
            s.skipped.push_back(p);
            continue;
        }
        ++s.used;
        loss_sum += c.error;
    }
    // the mean over the used patterns: each adds (1/used) of its gradient
    if (s.used > 0) {
        const double scale = 1.0 / static_cast<double>(s.used);
        for (std::size_t p = 0; p < P; ++p) {
            const FixedPointCache& c = ws.patterns[p];
            if (c.forward.converged && c.backward.converged) fixed_point_accumulate(net, c, scale);
        }
    }
    finish_stats(s, ws, loss_sum, true);
    return s;
}

FixedPointStats fixed_point_evaluate(const FixedPointNet& net, const FixedPointData& data,
                                     const RelaxOptions& options, FixedPointWorkspace& ws) {
    check_net(net);
    validate_relax_options(options);
    check_data(net, data);
    const std::size_t P = rows(data.inputs);
    const bool has_x0 = rows(data.initial) != 0;
    const auto& outs = net.config.outputs;
    ws.patterns.resize(P);
    FixedPointStats s;
    s.patterns = P;
    double loss_sum = 0.0;
    for (std::size_t p = 0; p < P; ++p) {
        FixedPointCache& c = ws.patterns[p];
        clear_relaxation(c.backward);  // no backward (yet) for this pattern; keeps the buffers
        if (!relax_forward_raw(net, row_ptr(data.inputs, p), has_x0 ? row_ptr(data.initial, p) : nullptr,
                               options, c)) {
            ++s.skipped_forward;
            s.skipped.push_back(p);
            continue;
        }
        double E = 0.0;
        for (std::size_t k = 0; k < outs.size(); ++k) {
            const double d = c.x(outs[k]) - data.targets(p, k);
            E += 0.5 * d * d;
        }
        c.error = E;
        ++s.used;
        loss_sum += E;
    }
    finish_stats(s, ws, loss_sum, false);
    return s;
}

double fixed_point_unrolled_backward(FixedPointNet& net, const Vec& u, const Vec* x0, const Vec& target,
                                     double alpha, std::size_t steps, double scale) {
    check_net(net);
    check_real("unrolled: alpha", alpha, 0.0, 1.0, true);
    check_size("unrolled: steps", steps, 1, kMaxRelaxIterations);
    const std::size_t n = net.config.units, m = net.config.inputs;
    if (u.size() != m) fail_arg("unrolled: u has " + std::to_string(u.size()) + " values, expected " + std::to_string(m));
    if (x0 && x0->size() != n) fail_arg("unrolled: x0 has " + std::to_string(x0->size()) + " values, expected " + std::to_string(n));
    if (target.size() != net.config.outputs.size()) fail_arg("unrolled: target size differs from the outputs");
    const Activation f = net.config.activation;
    // forward, keeping every state x_k (k = 0..steps) and pre-activation a_k (k < steps)
    Vec c;
    drive(net, u.data(), c);
    std::vector<Vec> xs(steps + 1, Vec::from_shape({n})), as(steps, Vec::from_shape({n}));
    for (std::size_t i = 0; i < n; ++i) xs[0](i) = x0 ? (*x0)(i) : 0.0;
    for (std::size_t k = 0; k < steps; ++k) {
        affine(net, xs[k], c, as[k]);  // a_k = W x_k + c
        for (std::size_t i = 0; i < n; ++i)
            xs[k + 1](i) = (1.0 - alpha) * xs[k](i) + alpha * act(f, as[k](i));
    }
    // E at the last state, g = ∂E/∂x_steps
    Vec g = vec_zeros(n), q = Vec::from_shape({n}), gnext = Vec::from_shape({n});
    Vec gc = vec_zeros(n);  // ∂E/∂c, summed over the steps (c = U u + b is shared)
    double E = 0.0;
    for (std::size_t k = 0; k < target.size(); ++k) {
        const std::size_t o = net.config.outputs[k];
        const double d = xs[steps](o) - target(k);
        g(o) = d;
        E += 0.5 * d * d;
    }
    // backward through x_{k+1} = (1−α) x_k + α f(W x_k + c)
    for (std::size_t k = steps; k-- > 0;) {
        for (std::size_t i = 0; i < n; ++i) q(i) = alpha * act_prime(f, as[k](i)) * g(i);  // ∂E/∂a_k
        for (std::size_t j = 0; j < n; ++j) gnext(j) = (1.0 - alpha) * g(j);
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                net.dW(i, j) += scale * q(i) * xs[k](j);  // dW += q x_kᵀ
                gnext(j) += net.W(i, j) * q(i);           // ∂E/∂x_k += Wᵀ q
            }
            gc(i) += q(i);
        }
        std::swap(g, gnext);
    }
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < m; ++j) net.dU(i, j) += scale * gc(i) * u(j);
        net.db(0, i) += scale * gc(i);
    }
    return E;
}

double fixed_point_contraction_bound(const FixedPointNet& net) {
    const double max_fprime = net.config.activation == Activation::Tanh ? 1.0 : 0.25;
    return max_fprime * largest_singular_value(net.W);
}

ParamList fixed_point_params(FixedPointNet& net) {
    return {{"W", &net.W, &net.dW}, {"U", &net.U, &net.dU}, {"b", &net.b, &net.db}};
}

void fixed_point_zero_grad(FixedPointNet& net) {
    net.dW.fill(0.0);
    net.dU.fill(0.0);
    net.db.fill(0.0);
}

}  // namespace bp
