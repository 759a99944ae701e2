// rnn.cpp: see rnn.hpp for the equations and docs/bptt.md for their derivation.
#include "recurrent/rnn.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "base/kernels.hpp"
#include "base/limits.hpp"
#include "base/validate.hpp"
#include "base/mathfn.hpp"

namespace bp {

namespace {


std::string shape_str(std::size_t r, std::size_t c) {
    return "(" + std::to_string(r) + "," + std::to_string(c) + ")";
}
std::string shape_str(const Mat& m) { return shape_str(rows(m), cols(m)); }

// A field name for error messages, built only when a check fails, so that validating a batch
// allocates nothing: base + suffix + "[index]" (no index when index < 0).
struct Field {
    const char* base;
    const char* suffix = "";
    long index = -1;
    std::string str() const {
        std::string s = std::string(base) + suffix;
        if (index >= 0) s += "[" + std::to_string(index) + "]";
        return s;
    }
};

void check_size(const Field& field, std::size_t v, std::size_t lo, std::size_t hi) {
    if (v < lo || v > hi) fail_outside(field.str(), v, lo, hi);
}

void check_shape(const Field& field, const Mat& m, std::size_t r, std::size_t c) {
    if (rows(m) != r || cols(m) != c)
        fail_arg(field.str() + ": shape " + shape_str(m) + " should be " + shape_str(r, c));
}

void check_finite(const Field& field, const Mat& m) {
    const double* p = m.data();
    for (std::size_t i = 0; i < m.size(); ++i)
        if (!std::isfinite(p[i]))
            fail_arg(field.str() + ": element " + std::to_string(i) + " is not a finite number");
}

// dst = src, keeping dst's buffer when the shape is unchanged (no allocation in steady state).
void copy_into(const Mat& src, Mat& dst) {
    ensure_shape(dst, rows(src), cols(src));
    std::copy(src.data(), src.data() + src.size(), dst.data());
}

void zero_into(Mat& m, std::size_t r, std::size_t c) {
    ensure_shape(m, r, c);
    m.fill(0.0);
}

// a += b, element-wise, same shapes.
void add_inplace(Mat& a, const Mat& b) {
    double* A = a.data();
    const double* B = b.data();
    for (std::size_t i = 0; i < a.size(); ++i) A[i] += B[i];
}

void scale_inplace(Mat& a, double s) {
    double* A = a.data();
    for (std::size_t i = 0; i < a.size(); ++i) A[i] *= s;
}

double frobenius(const Mat& m) {
    const double* p = m.data();
    double s = 0.0;
    for (std::size_t i = 0; i < m.size(); ++i) s += p[i] * p[i];
    return std::sqrt(s);
}

bool is_output_loss_supported(Loss loss) {
    return loss == Loss::SquaredError || loss == Loss::SigmoidCrossEntropy;
}

// Checks the parameter shapes against the config: a network assembled by hand (or loaded)
// fails here with a clear message instead of inside a kernel. G = 1 (Elman) or 4 (LSTM).
template <class Net>
void check_net(const Net& net, std::size_t G, const char* who) {
    validate_rnn_config(net.config);
    const std::size_t D = net.config.inputs, H = net.config.hidden, K = net.config.outputs;
    check_shape({who, ".Wx"}, net.Wx, D, G * H);
    check_shape({who, ".Wh"}, net.Wh, H, G * H);
    check_shape({who, ".b"}, net.b, 1, G * H);
    check_shape({who, ".Wy"}, net.Wy, H, K);
    check_shape({who, ".by"}, net.by, 1, K);
}

// Inputs: 1..kMaxSequenceLength steps, each (N,D) with the same N, finite. Returns N.
std::size_t check_inputs(const std::vector<Mat>& x, std::size_t D, const char* field) {
    check_size({field, " length T"}, x.size(), 1, limits::kMaxSequenceLength);
    const std::size_t N = rows(x[0]);
    check_size({field, " sequences N"}, N, 1, limits::kMaxSequences);
    for (std::size_t t = 0; t < x.size(); ++t) {
        check_shape({field, "", static_cast<long>(t)}, x[t], N, D);
        check_finite({field, "", static_cast<long>(t)}, x[t]);
    }
    return N;
}

// Targets: T steps of (N,K), finite where they enter the loss.
void check_targets(const SequenceData& data, std::size_t N, std::size_t K) {
    const std::size_t T = data.x.size();
    if (data.y.size() != T)
        fail_arg("sequence.y: " + std::to_string(data.y.size()) + " steps for " + std::to_string(T) +
                 " input steps");
    for (std::size_t t = 0; t < T; ++t) {
        const Field at{"sequence.y", "", static_cast<long>(t)};
        check_shape(at, data.y[t], N, K);
        if (data.loss_every_step || t + 1 == T) check_finite(at, data.y[t]);
    }
}

bool has_loss(const SequenceData& data, std::size_t t) {
    return data.loss_every_step || t + 1 == data.x.size();
}

double loss_steps(const SequenceData& data) {
    return data.loss_every_step ? static_cast<double>(data.x.size()) : 1.0;
}

// The loss L = (1/S) Σ_{t∈S} L_t over the step records (each with a .y), writing
// dy_t = dL/dy_t = (1/S) dL_t/dy_t into steps[t].dy (zeros at steps without loss).
template <class Step>
double sequence_loss_and_dy(std::vector<Step>& steps, const SequenceData& data, Loss loss) {
    const std::size_t T = data.x.size();
    const double inv_s = 1.0 / loss_steps(data);
    double total = 0.0;
    for (std::size_t t = 0; t < T; ++t) {
        Step& s = steps[t];
        if (has_loss(data, t)) {
            total += loss_forward_backward(loss, s.y, data.y[t], s.dy);
            scale_inplace(s.dy, inv_s);
        } else {
            zero_into(s.dy, rows(s.y), cols(s.y));
        }
    }
    return total * inv_s;
}

template <class Step>
double sequence_loss_only(const std::vector<Step>& steps, const SequenceData& data, Loss loss) {
    double total = 0.0;
    for (std::size_t t = 0; t < data.x.size(); ++t)
        if (has_loss(data, t)) total += loss_value(loss, steps[t].y, data.y[t]);
    return total / loss_steps(data);
}

// After a forward over data.x: the caches must hold T steps of N rows.
template <class Cache>
void check_cache_matches(const Cache& cache, const SequenceData& data, const char* who) {
    const std::size_t T = data.x.size();
    if (cache.steps.size() != T || rows(cache.steps[0].h) != rows(data.x[0]))
        fail_arg(std::string(who) + ": the cache does not hold a forward pass over these sequences "
                 "(call the forward first)");
}

// Is the backward pass cut between step t−1 and step t? Windows of k steps counted from the end.
bool cut_before(std::size_t t, std::size_t T, std::size_t k) { return k > 0 && (T - t) % k == 0; }

// y = h Wy + by (then σ for sigmoid_ce).
void output_layer(const Mat& h, const Mat& Wy, const Mat& by, Loss loss, Mat& y) {
    matmul(h, Wy, y);
    add_bias(y, by);
    if (loss == Loss::SigmoidCrossEntropy) sigmoid_inplace(y);
}

// ---- Elman: one forward step from s.x and s.h_prev ---------------------------------------------
void elman_step(const Elman& net, RnnStep& s, Mat& tmp) {
    matmul(s.x, net.Wx, s.h);        // a = x_t Wx            (N,H)
    matmul(s.h_prev, net.Wh, tmp);   //   + h_{t−1} Wh
    add_inplace(s.h, tmp);
    add_bias(s.h, net.b);            //   + b
    tanh_inplace(s.h);               // h_t = tanh(a)
    output_layer(s.h, net.Wy, net.by, net.config.loss, s.y);
}

// ---- LSTM: one forward step from s.x, s.h_prev, s.c_prev -----------------------------------------
void lstm_step(const Lstm& net, LstmStep& s, Mat& z, Mat& tmp) {
    const std::size_t N = rows(s.x), H = net.config.hidden;
    matmul(s.x, net.Wx, z);          // z = x_t Wx + h_{t−1} Wh + b     (N,4H)
    matmul(s.h_prev, net.Wh, tmp);
    add_inplace(z, tmp);
    add_bias(z, net.b);
    for (Mat* m : {&s.i, &s.f, &s.o, &s.g, &s.c, &s.tanh_c, &s.h}) ensure_shape(*m, N, H);
    const double* Z = z.data();
    const double* Cp = s.c_prev.data();
    double *I = s.i.data(), *F = s.f.data(), *O = s.o.data(), *G = s.g.data();
    double *C = s.c.data(), *TC = s.tanh_c.data(), *Hh = s.h.data();
    for (std::size_t n = 0; n < N; ++n) {
        const double* zr = Z + n * 4 * H;
        for (std::size_t j = 0; j < H; ++j) {
            const std::size_t e = n * H + j;
            I[e] = fn::sigmoid(zr[kGateI * H + j]);
            F[e] = fn::sigmoid(zr[kGateF * H + j]);
            O[e] = fn::sigmoid(zr[kGateO * H + j]);
            G[e] = fn::tanh(zr[kGateG * H + j]);
            C[e] = F[e] * Cp[e] + I[e] * G[e];   // c_t = f ⊙ c_{t−1} + i ⊙ g
            TC[e] = fn::tanh(C[e]);
            Hh[e] = O[e] * TC[e];                // h_t = o ⊙ tanh(c_t)
        }
    }
    output_layer(s.h, net.Wy, net.by, net.config.loss, s.y);
}

void check_free_run(std::size_t D, std::size_t K, const std::vector<Mat>& prime, std::size_t M) {
    if (D != K)
        fail_arg("free run: the output is fed back as the input, so outputs (" + std::to_string(K) +
                 ") must equal inputs (" + std::to_string(D) + ")");
    check_inputs(prime, D, "free run prime");
    if (M > limits::kMaxSequenceLength || prime.size() + M > limits::kMaxSequenceLength)
        fail_range("free run: prime " + std::to_string(prime.size()) + " + steps " + std::to_string(M) +
                   " is over the limit of " + std::to_string(limits::kMaxSequenceLength) + " steps");
}

void fill_uniform(Mat& m, std::size_t r, std::size_t c, double limit, Rng& rng) {
    m = Mat::from_shape({r, c});
    for (double& v : m) v = rng.uniform(-limit, limit);
}

template <class Net>
void init_common(Net& net, const RnnConfig& config, std::size_t G, Rng& rng) {
    validate_rnn_config(config);
    const std::size_t D = config.inputs, H = config.hidden, K = config.outputs;
    net.config = config;
    const double rx = std::sqrt(6.0 / static_cast<double>(D + H));
    const double rh = 1.0 / std::sqrt(static_cast<double>(H));
    const double ry = std::sqrt(6.0 / static_cast<double>(H + K));
    fill_uniform(net.Wx, D, G * H, rx, rng);
    fill_uniform(net.Wh, H, G * H, rh, rng);
    fill_uniform(net.Wy, H, K, ry, rng);
    net.b = zeros(1, G * H);
    net.by = zeros(1, K);
    net.dWx = zeros(D, G * H);
    net.dWh = zeros(H, G * H);
    net.db = zeros(1, G * H);
    net.dWy = zeros(H, K);
    net.dby = zeros(1, K);
}

template <class Net>
ParamList params_of(Net& net) {
    return {{"Wx", &net.Wx, &net.dWx}, {"Wh", &net.Wh, &net.dWh}, {"b", &net.b, &net.db},
            {"Wy", &net.Wy, &net.dWy}, {"by", &net.by, &net.dby}};
}

template <class Net>
void zero_grad_of(Net& net) {
    for (Mat* g : {&net.dWx, &net.dWh, &net.db, &net.dWy, &net.dby}) g->fill(0.0);
}

template <class Cache>
double accuracy_of(const Cache& cache, const SequenceData& data, double tolerance) {
    const std::size_t T = data.x.size();
    check_cache_matches(cache, data, "sequence_accuracy");
    std::size_t hit = 0, total = 0;
    for (std::size_t t = 0; t < T; ++t) {
        if (!has_loss(data, t)) continue;
        const Mat& y = cache.steps[t].y;
        check_shape({"sequence.y", "", static_cast<long>(t)}, data.y[t], rows(y), cols(y));
        for (std::size_t i = 0; i < y.size(); ++i) {
            if (std::fabs(y.data()[i] - data.y[t].data()[i]) < tolerance) ++hit;
            ++total;
        }
    }
    return static_cast<double>(hit) / static_cast<double>(total);
}

}  // namespace

// ---- config ----------------------------------------------------------------------------------------

void validate_rnn_config(const RnnConfig& c) {
    check_size({"rnn.inputs"}, c.inputs, 1, limits::kMaxInputs);
    check_size({"rnn.hidden"}, c.hidden, 1, limits::kMaxRecurrentHidden);
    check_size({"rnn.outputs"}, c.outputs, 1, limits::kMaxOutputs);
    if (!is_output_loss_supported(c.loss))
        fail_arg(std::string("rnn.loss: '") + loss_name(c.loss) +
                 "' is not available for recurrent networks; allowed: squared, sigmoid_ce");
}

// ---- Elman -----------------------------------------------------------------------------------------

void elman_init(Elman& net, const RnnConfig& config, Rng& rng) { init_common(net, config, 1, rng); }

void elman_forward(const Elman& net, const std::vector<Mat>& x, RnnCache& cache, const Mat* h0) {
    check_net(net, 1, "elman");
    const std::size_t D = net.config.inputs, H = net.config.hidden;
    const std::size_t N = check_inputs(x, D, "sequence.x");
    if (h0) {
        check_shape({"h0"}, *h0, N, H);
        check_finite({"h0"}, *h0);
    }
    const std::size_t T = x.size();
    cache.steps.resize(T);
    for (std::size_t t = 0; t < T; ++t) {
        RnnStep& s = cache.steps[t];
        copy_into(x[t], s.x);
        if (t > 0) copy_into(cache.steps[t - 1].h, s.h_prev);
        else if (h0) copy_into(*h0, s.h_prev);
        else zero_into(s.h_prev, N, H);
        elman_step(net, s, cache.tmp);
    }
}

double elman_backward(Elman& net, const SequenceData& data, RnnCache& cache, const BpttOptions& opts) {
    check_net(net, 1, "elman");
    const std::size_t N = check_inputs(data.x, net.config.inputs, "sequence.x");
    check_targets(data, N, net.config.outputs);
    check_cache_matches(cache, data, "elman_backward");
    const std::size_t T = data.x.size(), H = net.config.hidden, k = opts.truncation;

    cache.loss = sequence_loss_and_dy(cache.steps, data, net.config.loss);
    cache.dh_norm.resize(T);
    zero_into(cache.dh_carry, N, H);  // dL/dh_{T−1} from a step T that does not exist
    for (std::size_t t = T; t-- > 0;) {
        RnnStep& s = cache.steps[t];
        // dh_t = dy_t Wyᵀ + (what step t+1 sent back)
        if (has_loss(data, t)) {
            matmul_a_bt(s.dy, net.Wy, s.dh);
            add_inplace(s.dh, cache.dh_carry);
            matmul_at_b_add(s.h, s.dy, net.dWy);   // dWy += h_tᵀ dy_t
            sum_rows_add(s.dy, net.dby);           // dby += Σ_n dy_t
        } else {
            copy_into(cache.dh_carry, s.dh);
        }
        cache.dh_norm[t] = frobenius(s.dh);
        // da_t = dh_t ⊙ tanh'(a_t) = dh_t ⊙ (1 − h_t²)
        ensure_shape(cache.da, N, H);
        const double* dh = s.dh.data();
        const double* h = s.h.data();
        double* da = cache.da.data();
        for (std::size_t i = 0; i < N * H; ++i) da[i] = dh[i] * (1.0 - h[i] * h[i]);
        matmul_at_b_add(s.x, cache.da, net.dWx);       // dWx += x_tᵀ da_t
        matmul_at_b_add(s.h_prev, cache.da, net.dWh);  // dWh += h_{t−1}ᵀ da_t
        sum_rows_add(cache.da, net.db);                // db  += Σ_n da_t
        // what step t−1 receives: da_t Whᵀ, unless a truncation window starts at t
        if (t > 0 && !cut_before(t, T, k)) matmul_a_bt(cache.da, net.Wh, cache.dh_carry);
        else cache.dh_carry.fill(0.0);
    }
    return cache.loss;
}

double elman_forward_backward(Elman& net, const SequenceData& data, RnnCache& cache,
                              const BpttOptions& opts) {
    elman_forward(net, data.x, cache);
    return elman_backward(net, data, cache, opts);
}

double elman_loss(const Elman& net, const SequenceData& data, RnnCache& cache) {
    elman_forward(net, data.x, cache);
    check_targets(data, rows(data.x[0]), net.config.outputs);
    cache.loss = sequence_loss_only(cache.steps, data, net.config.loss);
    return cache.loss;
}

void elman_free_run(const Elman& net, const std::vector<Mat>& prime, std::size_t M, RnnCache& cache) {
    check_net(net, 1, "elman");
    check_free_run(net.config.inputs, net.config.outputs, prime, M);
    const std::size_t P = prime.size(), N = rows(prime[0]), H = net.config.hidden;
    cache.steps.resize(P + M);
    for (std::size_t t = 0; t < P + M; ++t) {
        RnnStep& s = cache.steps[t];
        copy_into(t < P ? prime[t] : cache.steps[t - 1].y, s.x);  // feed the output back
        if (t > 0) copy_into(cache.steps[t - 1].h, s.h_prev);
        else zero_into(s.h_prev, N, H);
        elman_step(net, s, cache.tmp);
    }
}

ParamList elman_params(Elman& net) { return params_of(net); }
void elman_zero_grad(Elman& net) { zero_grad_of(net); }

// ---- LSTM ------------------------------------------------------------------------------------------

void lstm_init(Lstm& net, const RnnConfig& config, Rng& rng) {
    init_common(net, config, 4, rng);
    const std::size_t H = config.hidden;
    for (std::size_t j = 0; j < H; ++j) net.b(0, kGateF * H + j) = 1.0;  // forget bias 1
}

void lstm_forward(const Lstm& net, const std::vector<Mat>& x, LstmCache& cache, const Mat* h0,
                  const Mat* c0) {
    check_net(net, 4, "lstm");
    const std::size_t D = net.config.inputs, H = net.config.hidden;
    const std::size_t N = check_inputs(x, D, "sequence.x");
    if (h0) { check_shape({"h0"}, *h0, N, H); check_finite({"h0"}, *h0); }
    if (c0) { check_shape({"c0"}, *c0, N, H); check_finite({"c0"}, *c0); }
    const std::size_t T = x.size();
    cache.steps.resize(T);
    for (std::size_t t = 0; t < T; ++t) {
        LstmStep& s = cache.steps[t];
        copy_into(x[t], s.x);
        if (t > 0) {
            copy_into(cache.steps[t - 1].h, s.h_prev);
            copy_into(cache.steps[t - 1].c, s.c_prev);
        } else {
            if (h0) copy_into(*h0, s.h_prev); else zero_into(s.h_prev, N, H);
            if (c0) copy_into(*c0, s.c_prev); else zero_into(s.c_prev, N, H);
        }
        lstm_step(net, s, cache.z, cache.tmp);
    }
}

double lstm_backward(Lstm& net, const SequenceData& data, LstmCache& cache, const BpttOptions& opts) {
    check_net(net, 4, "lstm");
    const std::size_t N = check_inputs(data.x, net.config.inputs, "sequence.x");
    check_targets(data, N, net.config.outputs);
    check_cache_matches(cache, data, "lstm_backward");
    const std::size_t T = data.x.size(), H = net.config.hidden, k = opts.truncation;

    cache.loss = sequence_loss_and_dy(cache.steps, data, net.config.loss);
    cache.dh_norm.resize(T);
    cache.dc_norm.resize(T);
    zero_into(cache.dh_carry, N, H);
    zero_into(cache.dc_carry, N, H);
    ensure_shape(cache.dz, N, 4 * H);
    for (std::size_t t = T; t-- > 0;) {
        LstmStep& s = cache.steps[t];
        if (has_loss(data, t)) {
            matmul_a_bt(s.dy, net.Wy, s.dh);       // dh_t = dy_t Wyᵀ + dh from step t+1
            add_inplace(s.dh, cache.dh_carry);
            matmul_at_b_add(s.h, s.dy, net.dWy);
            sum_rows_add(s.dy, net.dby);
        } else {
            copy_into(cache.dh_carry, s.dh);
        }
        ensure_shape(s.dc, N, H);
        const double *I = s.i.data(), *F = s.f.data(), *O = s.o.data(), *G = s.g.data();
        const double *TC = s.tanh_c.data(), *Cp = s.c_prev.data(), *dH = s.dh.data();
        const double* dCin = cache.dc_carry.data();
        double* dC = s.dc.data();
        double* dZ = cache.dz.data();
        for (std::size_t n = 0; n < N; ++n) {
            double* dzr = dZ + n * 4 * H;
            for (std::size_t j = 0; j < H; ++j) {
                const std::size_t e = n * H + j;
                // h = o ⊙ tanh(c):  do = dh ⊙ tanh(c),  dc += dh ⊙ o ⊙ (1 − tanh²(c))
                const double d_o = dH[e] * TC[e];
                const double dc = dCin[e] + dH[e] * O[e] * (1.0 - TC[e] * TC[e]);
                dC[e] = dc;
                // c = f ⊙ c_prev + i ⊙ g
                const double d_i = dc * G[e];
                const double d_g = dc * I[e];
                const double d_f = dc * Cp[e];
                // through the gate nonlinearities: σ' = s(1 − s), tanh' = 1 − g²
                dzr[kGateI * H + j] = d_i * I[e] * (1.0 - I[e]);
                dzr[kGateF * H + j] = d_f * F[e] * (1.0 - F[e]);
                dzr[kGateO * H + j] = d_o * O[e] * (1.0 - O[e]);
                dzr[kGateG * H + j] = d_g * (1.0 - G[e] * G[e]);
            }
        }
        cache.dh_norm[t] = frobenius(s.dh);
        cache.dc_norm[t] = frobenius(s.dc);
        matmul_at_b_add(s.x, cache.dz, net.dWx);       // dWx += x_tᵀ dz_t
        matmul_at_b_add(s.h_prev, cache.dz, net.dWh);  // dWh += h_{t−1}ᵀ dz_t
        sum_rows_add(cache.dz, net.db);                // db  += Σ_n dz_t
        if (t > 0 && !cut_before(t, T, k)) {
            matmul_a_bt(cache.dz, net.Wh, cache.dh_carry);  // dh_{t−1} = dz_t Whᵀ
            double* dCout = cache.dc_carry.data();          // dc_{t−1} = dc_t ⊙ f_t
            for (std::size_t e = 0; e < N * H; ++e) dCout[e] = dC[e] * F[e];
        } else {
            cache.dh_carry.fill(0.0);
            cache.dc_carry.fill(0.0);
        }
    }
    return cache.loss;
}

double lstm_forward_backward(Lstm& net, const SequenceData& data, LstmCache& cache,
                             const BpttOptions& opts) {
    lstm_forward(net, data.x, cache);
    return lstm_backward(net, data, cache, opts);
}

double lstm_loss(const Lstm& net, const SequenceData& data, LstmCache& cache) {
    lstm_forward(net, data.x, cache);
    check_targets(data, rows(data.x[0]), net.config.outputs);
    cache.loss = sequence_loss_only(cache.steps, data, net.config.loss);
    return cache.loss;
}

void lstm_free_run(const Lstm& net, const std::vector<Mat>& prime, std::size_t M, LstmCache& cache) {
    check_net(net, 4, "lstm");
    check_free_run(net.config.inputs, net.config.outputs, prime, M);
    const std::size_t P = prime.size(), N = rows(prime[0]), H = net.config.hidden;
    cache.steps.resize(P + M);
    for (std::size_t t = 0; t < P + M; ++t) {
        LstmStep& s = cache.steps[t];
        copy_into(t < P ? prime[t] : cache.steps[t - 1].y, s.x);
        if (t > 0) {
            copy_into(cache.steps[t - 1].h, s.h_prev);
            copy_into(cache.steps[t - 1].c, s.c_prev);
        } else {
            zero_into(s.h_prev, N, H);
            zero_into(s.c_prev, N, H);
        }
        lstm_step(net, s, cache.z, cache.tmp);
    }
}

ParamList lstm_params(Lstm& net) { return params_of(net); }
void lstm_zero_grad(Lstm& net) { zero_grad_of(net); }

// ---- mini-batches ----------------------------------------------------------------------------------

void sequence_rows(const SequenceData& src, std::size_t first, std::size_t count, SequenceData& out) {
    if (src.x.empty() || src.y.size() != src.x.size())
        fail_arg("sequence_rows: the source has " + std::to_string(src.x.size()) + " input and " +
                 std::to_string(src.y.size()) + " target steps");
    const std::size_t N = rows(src.x[0]);
    if (count == 0 || first >= N || count > N - first)
        fail_range("sequence_rows: rows " + std::to_string(first) + ".." + std::to_string(first + count) +
                   " are outside the " + std::to_string(N) + " sequences");
    const std::size_t T = src.x.size();
    out.x.resize(T);
    out.y.resize(T);
    out.loss_every_step = src.loss_every_step;
    out.classes = src.classes;
    for (std::size_t t = 0; t < T; ++t) {
        for (auto [from, to] : {std::pair<const Mat*, Mat*>{&src.x[t], &out.x[t]}, {&src.y[t], &out.y[t]}}) {
            if (rows(*from) != N)
                fail_arg("sequence_rows: step " + std::to_string(t) + " has " + std::to_string(rows(*from)) +
                         " rows, step 0 has " + std::to_string(N));
            const std::size_t C = cols(*from);
            ensure_shape(*to, count, C);
            std::copy(from->data() + first * C, from->data() + (first + count) * C, to->data());
        }
    }
}

// ---- diagnostics -----------------------------------------------------------------------------------

double largest_singular_value(const Mat& W, std::size_t max_iters) {
    const std::size_t R = rows(W), C = cols(W);
    if (R == 0 || C == 0) return 0.0;
    check_finite({"largest_singular_value: W"}, W);
    // Iterate on the smaller Gram matrix: v ← normalize(WᵀW v) when C ≤ R, else with Wᵀ.
    const bool tr = C > R;
    const std::size_t n = tr ? R : C, m = tr ? C : R;
    auto at = [&](std::size_t i, std::size_t j) { return tr ? W(j, i) : W(i, j); };  // A = W or Wᵀ, (m,n)
    std::vector<double> v(n), u(m), w(n);
    Rng rng(0x5eed5eedULL);  // a fixed start vector: same bits in every build
    double norm = 0.0;
    for (double& e : v) { e = rng.uniform(-1.0, 1.0); norm += e * e; }
    norm = std::sqrt(norm);
    for (double& e : v) e /= norm;
    double sigma = 0.0;
    for (std::size_t it = 0; it < max_iters; ++it) {
        double uu = 0.0;  // u = A v, σ ≈ ‖A v‖ for unit v
        for (std::size_t i = 0; i < m; ++i) {
            double s = 0.0;
            for (std::size_t j = 0; j < n; ++j) s += at(i, j) * v[j];
            u[i] = s;
            uu += s * s;
        }
        const double next = std::sqrt(uu);
        if (next == 0.0) return 0.0;
        double ww = 0.0;  // w = Aᵀ u, the next direction
        for (std::size_t j = 0; j < n; ++j) {
            double s = 0.0;
            for (std::size_t i = 0; i < m; ++i) s += at(i, j) * u[i];
            w[j] = s;
            ww += s * s;
        }
        const double wn = std::sqrt(ww);
        for (std::size_t j = 0; j < n; ++j) v[j] = w[j] / wn;
        const bool done = std::fabs(next - sigma) <= 1e-12 * next;
        sigma = next;
        if (done) break;
    }
    return sigma;
}

double sequence_accuracy(const RnnCache& cache, const SequenceData& data, double tolerance) {
    return accuracy_of(cache, data, tolerance);
}
double sequence_accuracy(const LstmCache& cache, const SequenceData& data, double tolerance) {
    return accuracy_of(cache, data, tolerance);
}

}  // namespace bp
