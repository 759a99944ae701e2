// Tests for core/pca.hpp: a 2-D case worked by hand, a 3-D case against an eigen-decomposition
// of the covariance computed here in closed form (not by pca.cpp's Jacobi), the identity
// "reconstruction error = sum of the dropped variances" (1/N normalization throughout),
// low-rank data, determinism and the messages for bad shapes.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "base/mathfn.hpp"
#include "data/pca.hpp"
#include "base/rng.hpp"
#include "test_util.hpp"

using bp::Mat;
using bp::Vec;
using bp::testing::mat;

namespace {

// The covariance (1/N) Xcᵀ Xc, computed directly.
Mat covariance(const Mat& x) {
    const std::size_t N = x.shape(0), D = x.shape(1);
    std::vector<double> mu(D, 0.0);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t d = 0; d < D; ++d) mu[d] += x(n, d) / static_cast<double>(N);
    Mat c = bp::zeros(D, D);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t i = 0; i < D; ++i)
            for (std::size_t j = 0; j < D; ++j) c(i, j) += (x(n, i) - mu[i]) * (x(n, j) - mu[j]) / static_cast<double>(N);
    return c;
}

// Eigenvalues of a symmetric 3×3 matrix in closed form (trigonometric solution of the
// characteristic cubic; O. K. Smith, "Eigenvalues of a symmetric 3×3 matrix", CACM 4(4), 1961),
// in decreasing order, and the unit eigenvector of each as the longest cross product of two
// rows of A − λI (those rows span the plane orthogonal to the eigenvector).
void eigen3(const Mat& a, double values[3], double vectors[3][3]) {
    const double p1 = a(0, 1) * a(0, 1) + a(0, 2) * a(0, 2) + a(1, 2) * a(1, 2);
    const double q = (a(0, 0) + a(1, 1) + a(2, 2)) / 3.0;
    const double p2 = (a(0, 0) - q) * (a(0, 0) - q) + (a(1, 1) - q) * (a(1, 1) - q) + (a(2, 2) - q) * (a(2, 2) - q) + 2.0 * p1;
    const double p = std::sqrt(p2 / 6.0);
    double b[3][3];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) b[i][j] = (a(i, j) - (i == j ? q : 0.0)) / p;
    const double det = b[0][0] * (b[1][1] * b[2][2] - b[1][2] * b[2][1]) - b[0][1] * (b[1][0] * b[2][2] - b[1][2] * b[2][0]) +
                       b[0][2] * (b[1][0] * b[2][1] - b[1][1] * b[2][0]);
    const double r = std::max(-1.0, std::min(1.0, det / 2.0));
    const double phi = std::acos(r) / 3.0;
    const double pi = 3.14159265358979323846;
    values[0] = q + 2.0 * p * std::cos(phi);
    values[2] = q + 2.0 * p * std::cos(phi + 2.0 * pi / 3.0);
    values[1] = 3.0 * q - values[0] - values[2];
    for (int k = 0; k < 3; ++k) {
        double m[3][3];
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) m[i][j] = a(i, j) - (i == j ? values[k] : 0.0);
        double best[3] = {0, 0, 0}, best_norm = -1.0;
        const int pairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
        for (const auto& pr : pairs) {
            const double* u = m[pr[0]];
            const double* v = m[pr[1]];
            const double c[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
            const double n = std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
            if (n > best_norm) { best_norm = n; for (int i = 0; i < 3; ++i) best[i] = c[i] / n; }
        }
        for (int i = 0; i < 3; ++i) vectors[k][i] = best[i];
    }
}

double row_dot(const Mat& a, std::size_t i, const double* v) {
    double s = 0.0;
    for (std::size_t d = 0; d < a.shape(1); ++d) s += a(i, d) * v[d];
    return s;
}

bool bit_equal(const Mat& a, const Mat& b) {
    if (a.shape(0) != b.shape(0) || a.shape(1) != b.shape(1)) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (bp::fn::bits_of(a.data()[i]) != bp::fn::bits_of(b.data()[i])) return false;
    return true;
}

// N points in D dimensions with very different spreads along the axes of a random rotation-ish
// mixing: x = Σ_j s_j g_j a_j + offset, g_j ~ N(0, 1).
Mat spread_data(std::uint64_t seed, std::size_t N, std::size_t D) {
    bp::Rng rng(seed);
    Mat mix = bp::zeros(D, D);
    for (std::size_t i = 0; i < D * D; ++i) mix.data()[i] = rng.uniform(-1.0, 1.0);
    Mat x = bp::zeros(N, D);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t j = 0; j < D; ++j) {
            const double g = rng.normal() * (3.0 / static_cast<double>(j + 1));
            for (std::size_t d = 0; d < D; ++d) x(n, d) += g * mix(j, d);
        }
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t d = 0; d < D; ++d) x(n, d) += 0.5 * static_cast<double>(d);
    return x;
}

}  // namespace

// Four points t·(1,2) + s·(−2,1) + (3,−1) with t = −2, −1, 1, 2 and s = 0.1, −0.1, −0.1, 0.1:
//   (0.8, −4.9)  (2.2, −3.1)  (4.2, 0.9)  (4.8, 3.1)        mean (3, −1).
// Along u = (1,2)/√5 the centred points sit at t·√5 = −2√5, −√5, √5, 2√5; along w = (−2,1)/√5
// at s·√5 = ±0.1√5; Σ t s = −0.2 + 0.1 − 0.1 + 0.2 = 0, so u and w are the principal axes:
//   λ1 = (1/4) Σ (t√5)² = (5/4)(4 + 1 + 1 + 4) = 12.5      λ2 = (5/4)(4 · 0.01) = 0.05
//   tr C = var x + var y = (0.64·... ) = (4.84 + 0.64 + 1.44 + 3.24)/4 + (15.21 + 4.41 + 3.61 + 16.81)/4
//        = 2.54 + 10.01 = 12.55 = λ1 + λ2.
// Signs: u's largest entry 2/√5 is positive already; w = (−2,1)/√5 flips to (2,−1)/√5.
TEST_CASE("pca: the 2-D hand case, points near the line y = 2x", "[pca]") {
    const Mat x = mat(4, 2, {0.8, -4.9, 2.2, -3.1, 4.2, 0.9, 4.8, 3.1});
    const double r5 = std::sqrt(5.0);
    bp::PcaConfig cfg;
    cfg.k = 2;
    const bp::Pca pca = bp::pca_fit(x, cfg);
    CHECK(pca.converged);
    CHECK(pca.mean(0, 0) == Approx(3.0).margin(1e-15));
    CHECK(pca.mean(0, 1) == Approx(-1.0).margin(1e-15));
    CHECK(pca.components(0, 0) == Approx(1.0 / r5).margin(1e-12));
    CHECK(pca.components(0, 1) == Approx(2.0 / r5).margin(1e-12));
    CHECK(pca.components(1, 0) == Approx(2.0 / r5).margin(1e-12));
    CHECK(pca.components(1, 1) == Approx(-1.0 / r5).margin(1e-12));
    CHECK(pca.variances(0) == Approx(12.5).epsilon(1e-12));
    CHECK(pca.variances(1) == Approx(0.05).epsilon(1e-10));
    CHECK(pca.total_variance == Approx(12.55).epsilon(1e-14));

    // One component: codes are t√5, the reconstruction drops the ±0.1√5 along w, so the mean
    // squared error per entry is λ2 / D = 0.05 / 2 = 0.025.
    cfg.k = 1;
    const bp::Pca one = bp::pca_fit(x, cfg);
    const Mat codes = bp::pca_project(one, x);
    REQUIRE(codes.shape(0) == 4);
    REQUIRE(codes.shape(1) == 1);
    const double t[4] = {-2, -1, 1, 2};
    for (int n = 0; n < 4; ++n) CHECK(codes(n, 0) == Approx(t[n] * r5).margin(1e-12));
    // (0.8, −4.9) reconstructs to its foot on the line: (3, −1) − 2·(1, 2) = (1, −5).
    const Mat back = bp::pca_reconstruct(one, codes);
    CHECK(back(0, 0) == Approx(1.0).margin(1e-12));
    CHECK(back(0, 1) == Approx(-5.0).margin(1e-12));
    CHECK(bp::pca_reconstruction_mse(one, x) == Approx(0.025).epsilon(1e-10));
    // Both components: nothing is dropped.
    CHECK(bp::pca_reconstruction_mse(pca, x) == Approx(0.0).margin(1e-24));
}

TEST_CASE("pca: 3-D data against the closed-form eigenvectors of its covariance", "[pca]") {
    const Mat x = spread_data(7, 300, 3);
    double lam[3], vec[3][3];
    eigen3(covariance(x), lam, vec);
    REQUIRE(lam[0] > lam[1]);
    REQUIRE(lam[1] > lam[2]);

    for (std::size_t k = 1; k <= 3; ++k) {
        bp::PcaConfig cfg;
        cfg.k = k;
        const bp::Pca pca = bp::pca_fit(x, cfg);
        CHECK(pca.converged);
        double dropped = 0.0;
        for (std::size_t j = 0; j < 3; ++j) {
            if (j < k) {
                CHECK(pca.variances(j) == Approx(lam[j]).epsilon(1e-10));
                // the same direction: |v·e| = 1 (the reference has no sign convention)
                CHECK(std::abs(row_dot(pca.components, j, vec[j])) == Approx(1.0).epsilon(1e-10));
            } else {
                dropped += lam[j];
            }
        }
        // (1/N) Σ‖x − x̂‖² = Σ dropped λ, so the per-entry mean is that over D = 3.
        CHECK(bp::pca_reconstruction_mse(pca, x) * 3.0 == Approx(dropped).epsilon(1e-9).margin(1e-14));
        CHECK(pca.total_variance == Approx(lam[0] + lam[1] + lam[2]).epsilon(1e-12));
    }
}

TEST_CASE("pca: reconstruction error is the sum of the dropped variances (20-D)", "[pca]") {
    const std::size_t D = 20;
    const Mat x = spread_data(11, 500, D);
    // Reference spectrum: every eigenvalue of the full 20×20 covariance.
    Vec all;
    Mat vecs;
    bp::symmetric_eigen(covariance(x), all, vecs);
    double trace = 0.0;
    for (std::size_t j = 0; j < D; ++j) trace += all(j);
    for (std::size_t k : {1u, 2u, 5u}) {
        bp::PcaConfig cfg;
        cfg.k = k;
        const bp::Pca pca = bp::pca_fit(x, cfg);
        CHECK(pca.converged);
        double dropped = 0.0;
        for (std::size_t j = k; j < D; ++j) dropped += all(j);
        for (std::size_t j = 0; j < k; ++j) CHECK(pca.variances(j) == Approx(all(j)).epsilon(1e-9));
        CHECK(pca.total_variance == Approx(trace).epsilon(1e-12));
        CHECK(bp::pca_reconstruction_mse(pca, x) * D == Approx(dropped).epsilon(1e-9));
        // components orthonormal
        for (std::size_t i = 0; i < k; ++i)
            for (std::size_t j = 0; j < k; ++j) {
                double s = 0.0;
                for (std::size_t d = 0; d < D; ++d) s += pca.components(i, d) * pca.components(j, d);
                CHECK(s == Approx(i == j ? 1.0 : 0.0).margin(1e-12));
            }
    }
}

TEST_CASE("pca: data spanning fewer directions than the block", "[pca]") {
    // 5 points in 10-D span at most 4 directions (after centring); ask for 6.
    bp::Rng rng(3);
    Mat x = bp::zeros(5, 10);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform(0.0, 1.0);
    bp::PcaConfig cfg;
    cfg.k = 6;
    const bp::Pca pca = bp::pca_fit(x, cfg);
    CHECK(pca.converged);
    CHECK(pca.variances(3) > 1e-6);
    CHECK(pca.variances(4) == Approx(0.0).margin(1e-14));
    CHECK(pca.variances(5) == Approx(0.0).margin(1e-14));
    CHECK(bp::pca_reconstruction_mse(pca, x) == Approx(0.0).margin(1e-26));
    for (std::size_t i = 0; i < 6; ++i) {
        double s = 0.0;
        for (std::size_t d = 0; d < 10; ++d) s += pca.components(i, d) * pca.components(i, d);
        CHECK(s == Approx(1.0).margin(1e-12));
    }
    // All rows equal: no variance at all, done at once, nothing to reconstruct wrongly.
    const Mat same = mat(3, 2, {1, 2, 1, 2, 1, 2});
    const bp::Pca flat = bp::pca_fit(same);
    CHECK(flat.converged);
    CHECK(flat.iterations == 1);
    CHECK(flat.variances(0) == 0.0);
    CHECK(bp::pca_reconstruction_mse(flat, same) == 0.0);
}

TEST_CASE("pca: decode any point of the code plane", "[pca]") {
    const Mat x = spread_data(5, 100, 4);
    const bp::Pca pca = bp::pca_fit(x);  // k = 2 by default
    REQUIRE(pca.components.shape(0) == 2);
    // code (0, 0) is the mean; code (2, −1) is μ + 2 v1 − v2
    const Mat back = bp::pca_reconstruct(pca, mat(2, 2, {0, 0, 2, -1}));
    for (std::size_t d = 0; d < 4; ++d) {
        CHECK(back(0, d) == pca.mean(0, d));
        CHECK(back(1, d) == Approx(pca.mean(0, d) + 2 * pca.components(0, d) - pca.components(1, d)).margin(1e-14));
    }
}

TEST_CASE("pca: deterministic, and the answer does not depend on the start", "[pca]") {
    const Mat x = spread_data(21, 400, 30);
    bp::PcaConfig cfg;
    cfg.k = 3;
    const bp::Pca a = bp::pca_fit(x, cfg);
    const bp::Pca b = bp::pca_fit(x, cfg);
    CHECK(bit_equal(a.components, b.components));
    CHECK(bit_equal(a.mean, b.mean));
    CHECK(a.iterations == b.iterations);
    for (std::size_t j = 0; j < 3; ++j) CHECK(bp::fn::bits_of(a.variances(j)) == bp::fn::bits_of(b.variances(j)));
    cfg.seed = 99;
    const bp::Pca c = bp::pca_fit(x, cfg);
    for (std::size_t i = 0; i < a.components.size(); ++i)
        CHECK(c.components.data()[i] == Approx(a.components.data()[i]).margin(1e-8));
}

TEST_CASE("pca: the iteration cap is respected and reported", "[pca]") {
    const Mat x = spread_data(21, 400, 30);
    bp::PcaConfig cfg;
    cfg.max_iterations = 1;
    cfg.tolerance = 0.0;  // never reached: runs to the cap
    const bp::Pca p = bp::pca_fit(x, cfg);
    CHECK(p.iterations == 1);
    CHECK_FALSE(p.converged);
}

TEST_CASE("pca: symmetric_eigen on a hand 2×2", "[pca]") {
    // [2 1; 1 2] has eigenvalues 3 (vector (1,1)/√2) and 1 (vector (1,−1)/√2).
    Vec values;
    Mat vectors;
    bp::symmetric_eigen(mat(2, 2, {2, 1, 1, 2}), values, vectors);
    CHECK(values(0) == Approx(3.0).epsilon(1e-15));
    CHECK(values(1) == Approx(1.0).epsilon(1e-15));
    CHECK(std::abs(vectors(0, 0)) == Approx(1 / std::sqrt(2.0)).epsilon(1e-15));
    CHECK(vectors(0, 0) * vectors(1, 0) > 0);  // (1, 1) direction
    CHECK(vectors(0, 1) * vectors(1, 1) < 0);  // (1, −1) direction
}

TEST_CASE("pca: bad shapes and values give messages naming the field", "[pca]") {
    const Mat x = mat(3, 2, {1, 2, 3, 4, 5, 7});
    bp::PcaConfig cfg;
    cfg.k = 3;
    CHECK_THROWS_AS(bp::pca_fit(x, cfg), std::out_of_range);
    CHECK_THROWS_WITH(bp::pca_fit(x, cfg), "k: 3 is outside 1..2");
    cfg.k = 0;
    CHECK_THROWS_WITH(bp::pca_fit(x, cfg), "k: 0 is outside 1..2");
    CHECK_THROWS_WITH(bp::pca_fit(bp::zeros(0, 4)), "x rows: 0 is outside 1..1000000");
    CHECK_THROWS_WITH(bp::pca_fit(bp::zeros(5, 0)), "x columns: 0 is outside 1..65536");
    Mat bad = x;
    bad(1, 0) = std::nan("");
    CHECK_THROWS_AS(bp::pca_fit(bad), std::invalid_argument);
    CHECK_THROWS_WITH(bp::pca_fit(bad), "x[1][0]: must be a finite number");
    bp::PcaConfig tol;
    tol.tolerance = -1;
    CHECK_THROWS_WITH(bp::pca_fit(x, tol), "tolerance: -1 is outside 0..1");
    const bp::Pca pca = bp::pca_fit(x);
    CHECK_THROWS_WITH(bp::pca_project(pca, bp::zeros(2, 3)), "x columns: 3 is outside 2..2");
    CHECK_THROWS_WITH(bp::pca_reconstruct(pca, bp::zeros(2, 1)), "codes columns: 1 is outside 2..2");
}

// The bits of a fit, pinned: a change in the order of any sum shows here, and the wasm build
// must give the same (seen equal from em++ -O2 -msimd128 in Node, and for the MNIST training
// split natively and in wasm: 8000×784, k = 2, components FNV-1a 894567cd159db5e6).
TEST_CASE("pca: pinned bits of a fit (native = wasm)", "[pca]") {
    const Mat x = spread_data(21, 400, 30);
    bp::PcaConfig cfg;
    cfg.k = 3;
    const bp::Pca p = bp::pca_fit(x, cfg);
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the 64-bit patterns
    auto mix = [&h](double v) { h ^= bp::fn::bits_of(v); h *= 1099511628211ULL; };
    for (std::size_t i = 0; i < p.components.size(); ++i) mix(p.components.data()[i]);
    for (std::size_t j = 0; j < 3; ++j) mix(p.variances(j));
    mix(p.total_variance);
    INFO("hash " << std::hex << h << std::dec << ", iterations " << p.iterations);
    CHECK(p.iterations == 8);
    CHECK(h == 0xe97bf390b2fb5d75ULL);
}
