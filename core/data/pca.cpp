// pca.cpp: see pca.hpp for the math.
#include "data/pca.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/kernels.hpp"
#include "base/rng.hpp"
#include "base/validate.hpp"

namespace bp {

namespace {

constexpr std::size_t kOversample = 8;           // extra block vectors: faster convergence
constexpr std::size_t kMaxRows = 1000000;
constexpr std::size_t kMaxCols = 65536;
constexpr std::size_t kMaxIterations = 100000;

double abs_of(double v) { return v < 0.0 ? -v : v; }
// sqrt is correctly rounded by IEEE 754, so as deterministic as + and * (natively and in wasm).
double sqrt_of(double v) { return __builtin_sqrt(v); }

// Σ_r a[r,i] b[r,j]: the dot product of column i of a and column j of b, both (R, M).
double column_dot(const Mat& a, std::size_t i, const Mat& b, std::size_t j) {
    const std::size_t R = rows(a), M = cols(a);
    const double* pa = a.data();
    const double* pb = b.data();
    double s = 0.0;
    for (std::size_t r = 0; r < R; ++r) s += pa[r * M + i] * pb[r * M + j];
    return s;
}

// Makes the columns of v:(D,M) orthonormal, in order (modified Gram-Schmidt, run twice per
// column: "twice is enough" for orthogonality to working precision). A column that (almost)
// lies in the span of the earlier ones, which happens when the data spans fewer than M
// directions, is replaced by a fresh random one from rng: any unit vector orthogonal to the
// others serves there, its variance is 0.
void orthonormalize_columns(Mat& v, Rng& rng) {
    const std::size_t D = rows(v), M = cols(v);
    double* p = v.data();
    for (std::size_t j = 0; j < M; ++j) {
        for (int attempt = 0;; ++attempt) {
            const double before = sqrt_of(column_dot(v, j, v, j));
            for (int pass = 0; pass < 2; ++pass) {
                for (std::size_t i = 0; i < j; ++i) {
                    const double r = column_dot(v, i, v, j);
                    for (std::size_t d = 0; d < D; ++d) p[d * M + j] -= r * p[d * M + i];
                }
            }
            const double after = sqrt_of(column_dot(v, j, v, j));
            if (after > 1e-10 * before && after > 0.0) {
                for (std::size_t d = 0; d < D; ++d) p[d * M + j] /= after;
                break;
            }
            if (attempt == 20) throw std::logic_error("pca: could not complete an orthonormal basis");
            for (std::size_t d = 0; d < D; ++d) p[d * M + j] = rng.uniform(-1.0, 1.0);
        }
    }
}

}  // namespace

void symmetric_eigen(const Mat& a_in, Vec& values, Mat& vectors) {
    const std::size_t M = rows(a_in);
    if (cols(a_in) != M) throw std::invalid_argument("symmetric_eigen: the matrix must be square");
    Mat a = a_in;
    Mat q = zeros(M, M);
    for (std::size_t i = 0; i < M; ++i) q(i, i) = 1.0;

    // Each rotation J in the plane (p, q) is chosen to zero a[p,q]: A ← Jᵀ A J, Q ← Q J.
    // With θ = (a_qq − a_pp) / (2 a_pq), t = tan φ = sgn θ / (|θ| + √(θ² + 1)) is the smaller
    // root of t² + 2θt − 1 = 0, c = 1/√(t² + 1), s = t c (Golub and Van Loan, Algorithm 8.5.1).
    // The off-diagonal mass falls quadratically once small; 60 sweeps is far more than needed.
    for (int sweep = 0; sweep < 60; ++sweep) {
        double off = 0.0, all = 0.0;
        for (std::size_t i = 0; i < M; ++i)
            for (std::size_t j = 0; j < M; ++j) {
                all += a(i, j) * a(i, j);
                if (i != j) off += a(i, j) * a(i, j);
            }
        if (!(off > 1e-32 * all)) break;
        for (std::size_t p = 0; p + 1 < M; ++p) {
            for (std::size_t r = p + 1; r < M; ++r) {
                const double apq = a(p, r);
                if (abs_of(apq) < 1e-300) continue;
                const double theta = (a(r, r) - a(p, p)) / (2.0 * apq);
                const double t = (theta >= 0.0 ? 1.0 : -1.0) / (abs_of(theta) + sqrt_of(theta * theta + 1.0));
                const double c = 1.0 / sqrt_of(t * t + 1.0), s = t * c;
                for (std::size_t i = 0; i < M; ++i) {  // columns p, r of A J
                    const double aip = a(i, p), air = a(i, r);
                    a(i, p) = c * aip - s * air;
                    a(i, r) = s * aip + c * air;
                }
                for (std::size_t i = 0; i < M; ++i) {  // rows p, r of Jᵀ (A J)
                    const double api = a(p, i), ari = a(r, i);
                    a(p, i) = c * api - s * ari;
                    a(r, i) = s * api + c * ari;
                }
                for (std::size_t i = 0; i < M; ++i) {  // Q J
                    const double qip = q(i, p), qir = q(i, r);
                    q(i, p) = c * qip - s * qir;
                    q(i, r) = s * qip + c * qir;
                }
            }
        }
    }

    // Decreasing order (a stable selection, so equal eigenvalues keep their order).
    std::vector<std::size_t> order(M);
    for (std::size_t i = 0; i < M; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return a(x, x) > a(y, y); });
    values = vec_zeros(M);
    ensure_shape(vectors, M, M);
    for (std::size_t j = 0; j < M; ++j) {
        values(j) = a(order[j], order[j]);
        for (std::size_t i = 0; i < M; ++i) vectors(i, j) = q(i, order[j]);
    }
}

Pca pca_fit(const Mat& x, const PcaConfig& config) {
    const std::size_t N = rows(x), D = cols(x);
    check_count("x rows", N, 1, kMaxRows);
    check_count("x columns", D, 1, kMaxCols);
    check_count("k", config.k, 1, std::min(D, kMaxPcaComponents));
    check_count("max_iterations", config.max_iterations, 1, kMaxIterations);
    check_range("tolerance", config.tolerance, 0.0, 1.0);
    const double* px = x.data();
    for (std::size_t i = 0; i < N * D; ++i) {
        if (!(px[i] - px[i] == 0.0))
            fail_arg("x[" + std::to_string(i / D) + "][" + std::to_string(i % D) + "]: must be a finite number");
    }
    const std::size_t K = config.k;
    const std::size_t M = std::min(D, K + kOversample);  // block size
    const double inv_n = 1.0 / static_cast<double>(N);

    Pca pca;
    // μ = (1/N) Σ_n X[n,:]; Xc = X − 1μ                                        (N,D)
    pca.mean = zeros(1, D);
    double* mu = pca.mean.data();
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t d = 0; d < D; ++d) mu[d] += px[n * D + d];
    for (std::size_t d = 0; d < D; ++d) mu[d] *= inv_n;
    Mat xc = zeros(N, D);
    double* pc = xc.data();
    double total = 0.0;
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t d = 0; d < D; ++d) {
            const double v = px[n * D + d] - mu[d];
            pc[n * D + d] = v;
            total += v * v;
        }
    pca.total_variance = total * inv_n;  // tr C
    // Xcᵀ as well (D,N), so that both products of an iteration are plain matmuls whose inner
    // loop runs along a row: Z = Xcᵀ Y by matmul_at_b_add(Xc, Y) is 8x slower for M = 10
    // (measured at N = 8000, D = 784: 145 ms against 17 ms). Costs a second N·D copy.
    Mat xct = zeros(D, N);
    double* pt = xct.data();
    constexpr std::size_t kTile = 32;  // a tiled transpose: both sides stay in cache
    for (std::size_t n0 = 0; n0 < N; n0 += kTile)
        for (std::size_t d0 = 0; d0 < D; d0 += kTile)
            for (std::size_t n = n0; n < std::min(N, n0 + kTile); ++n)
                for (std::size_t d = d0; d < std::min(D, d0 + kTile); ++d) pt[d * N + n] = pc[n * D + d];

    Rng rng(config.seed);
    Mat v = zeros(D, M);  // the block, orthonormal columns
    for (std::size_t i = 0; i < D * M; ++i) v.data()[i] = rng.uniform(-1.0, 1.0);
    orthonormalize_columns(v, rng);

    Mat y, h = zeros(M, M), q, u, w;
    Vec theta;
    Mat z;
    for (std::size_t it = 1; it <= config.max_iterations; ++it) {
        matmul(xc, v, y);                   // Y = Xc V                 (N,M)
        matmul(xct, y, z);                  // Z = Xcᵀ Y = N · C V      (D,M)
        for (std::size_t i = 0; i < D * M; ++i) z.data()[i] *= inv_n;
        // Rayleigh-Ritz: H = Vᵀ C V (symmetrized against rounding), H = Q Θ Qᵀ
        for (std::size_t i = 0; i < M; ++i)
            for (std::size_t j = 0; j <= i; ++j) {
                const double hij = 0.5 * (column_dot(v, i, z, j) + column_dot(v, j, z, i));
                h(i, j) = hij;
                h(j, i) = hij;
            }
        symmetric_eigen(h, theta, q);
        matmul(v, q, u);                    // Ritz vectors U = V Q     (D,M)
        matmul(z, q, w);                    // C U = Z Q                (D,M)
        pca.iterations = it;
        // Residuals ‖C u_j − θ_j u_j‖ of the kept pairs, against θ_1.
        double worst = 0.0;
        for (std::size_t j = 0; j < K; ++j) {
            double r2 = 0.0;
            for (std::size_t d = 0; d < D; ++d) {
                const double e = w(d, j) - theta(j) * u(d, j);
                r2 += e * e;
            }
            worst = std::max(worst, sqrt_of(r2));
        }
        if (!(theta(0) > 0.0) || worst <= config.tolerance * theta(0)) {  // θ_1 = 0: all rows equal
            pca.converged = true;
            break;
        }
        v = w;                              // the power step V ← orth(C U)
        orthonormalize_columns(v, rng);
    }

    pca.components = zeros(K, D);
    pca.variances = vec_zeros(K);
    for (std::size_t j = 0; j < K; ++j) {
        pca.variances(j) = std::max(theta(j), 0.0);  // a null direction may come out at −1e-17
        // Sign: the entry of largest magnitude positive (the first such entry on a tie).
        std::size_t arg = 0;
        for (std::size_t d = 1; d < D; ++d)
            if (abs_of(u(d, j)) > abs_of(u(arg, j))) arg = d;
        const double sign = u(arg, j) < 0.0 ? -1.0 : 1.0;
        for (std::size_t d = 0; d < D; ++d) pca.components(j, d) = sign * u(d, j);
    }
    return pca;
}

Mat pca_project(const Pca& pca, const Mat& x) {
    const std::size_t D = cols(pca.mean);
    check_count("x columns", cols(x), D, D);
    const std::size_t N = rows(x);
    Mat xc = zeros(N, D);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t d = 0; d < D; ++d) xc(n, d) = x(n, d) - pca.mean(0, d);
    Mat codes;
    matmul_a_bt(xc, pca.components, codes);  // Z = Xc Vᵀ     (N,K)
    return codes;
}

Mat pca_reconstruct(const Pca& pca, const Mat& codes) {
    const std::size_t K = rows(pca.components);
    check_count("codes columns", cols(codes), K, K);
    Mat out;
    matmul_add_bias(codes, pca.components, pca.mean, out);  // X̂ = Z V + 1μ     (N,D)
    return out;
}

double pca_reconstruction_mse(const Pca& pca, const Mat& x) {
    const Mat back = pca_reconstruct(pca, pca_project(pca, x));
    const std::size_t N = rows(x), D = cols(x);
    if (N == 0) return 0.0;
    double s = 0.0;
    for (std::size_t i = 0; i < N * D; ++i) {
        const double e = x.data()[i] - back.data()[i];
        s += e * e;
    }
    return s / static_cast<double>(N * D);
}

}  // namespace bp
