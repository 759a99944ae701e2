// pca.hpp: principal component analysis, the linear baseline of the autoencoder.
//
// Data X:(N,D), one example per row. With the mean μ = (1/N) Σ_n X[n,:] and the centred data
// Xc = X − 1μ, the covariance is
//     C = (1/N) Xcᵀ Xc                      (D,D)   (the 1/N "population" normalization, see below)
// PCA keeps the K unit directions v_1..v_K along which the data varies most: the eigenvectors of C
// with the K largest eigenvalues λ_1 ≥ ... ≥ λ_K (λ_j is the variance of the data along v_j).
// With V:(K,D) holding them as rows:
//     codes  Z = Xc Vᵀ                       (N,K)   encode
//     X̂ = Z V + 1μ                           (N,D)   decode
// and the reconstruction error is what the dropped directions held:
//     (1/N) Σ_n ‖X[n,:] − X̂[n,:]‖² = λ_{K+1} + ... + λ_D = tr C − Σ_{j≤K} λ_j.
// That identity is why the normalization is 1/N everywhere here (not the sample 1/(N−1)): the
// variances then add up exactly to the mean squared error. pca_reconstruction_mse reports that
// error per entry, divided by N·D, the same mean as the autoencoder's squared-error loss.
//
// A linear autoencoder D -> K -> D trained on squared error learns the same subspace (P. Baldi and
// K. Hornik, "Neural networks and principal component analysis", Neural Networks 2(1), 1989), so
// this is the yardstick for what the nonlinear one gains.
//
// How the directions are found: orthogonal (subspace) iteration with Rayleigh-Ritz, on the data
// itself (C is never formed: C V = (1/N) Xcᵀ (Xc V), two products of the blocked kernels;
// memory: two N·D copies, Xc and Xcᵀ, while it runs):
//     V ← orth(C V),   H = Vᵀ C V (M×M),   H = Q Θ Qᵀ (Jacobi),   Ritz vectors U = V Q
// with a block of M = min(D, K + 8) vectors: the extra vectors make the error shrink like
// (λ_{M+1}/λ_K)^t instead of (λ_{K+1}/λ_K)^t (G. H. Golub and C. F. Van Loan, Matrix
// Computations, 4th ed., §8.2.4 and §8.1.3). It stops when every kept Ritz pair has
// ‖C u − θ u‖ ≤ tolerance · θ_1, or after max_iterations. The start block comes from Rng(seed),
// and every sum runs in a fixed order: the same bits natively and in WebAssembly.
// Each direction's sign is fixed so that its entry of largest magnitude is positive.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/tensor.hpp"

namespace bp {

constexpr std::size_t kMaxPcaComponents = 32;

struct PcaConfig {
    std::size_t k = 2;                  // components kept, 1..min(D, kMaxPcaComponents)
    std::size_t max_iterations = 500;   // subspace iterations, 1..100000
    double tolerance = 1e-10;           // relative residual ‖C u − θ u‖ / θ_1 to stop at, 0..1
    std::uint64_t seed = 1;             // of the start block
};

struct Pca {
    Mat mean;                 // (1,D) μ
    Mat components;           // (K,D) v_1..v_K as orthonormal rows, by decreasing variance
    Vec variances;            // (K)   λ_1 ≥ ... ≥ λ_K ≥ 0, variances along the components (1/N)
    double total_variance = 0;  // tr C = (1/N) Σ ‖Xc[n,:]‖², the variance of all D directions
    std::size_t iterations = 0; // iterations made
    bool converged = false;     // the residual reached the tolerance (else max_iterations ran out)
};

// Fits the mean and the top config.k directions of x:(N,D). Throws std::out_of_range for N = 0,
// D = 0, k outside 1..min(D, 32), max_iterations or tolerance out of range, and
// std::invalid_argument for a value of x that is not finite ("x[3][5]: must be a finite number").
Pca pca_fit(const Mat& x, const PcaConfig& config = {});

// Codes Z = (X − 1μ) Vᵀ.   x:(N,D) -> (N,K).  Throws std::out_of_range if x has not D columns.
Mat pca_project(const Pca& pca, const Mat& x);

// X̂ = Z V + 1μ.   codes:(N,K) -> (N,D), any point of the code plane decodes.
Mat pca_reconstruct(const Pca& pca, const Mat& codes);

// (1/(N·D)) Σ_{n,d} (X[n,d] − X̂[n,d])², X̂ = reconstruct(project(x)). Equals
// (total_variance − Σ variances) / D on the data the PCA was fitted to.
double pca_reconstruction_mse(const Pca& pca, const Mat& x);

// The eigen-decomposition of a small symmetric matrix a:(M,M) by cyclic Jacobi rotations
// (C. G. J. Jacobi 1846; Golub and Van Loan §8.5): eigenvalues in decreasing order, and the
// eigenvectors as the COLUMNS of `vectors` (M,M). Used for the Rayleigh-Ritz step.
void symmetric_eigen(const Mat& a, Vec& values, Mat& vectors);

}  // namespace bp
