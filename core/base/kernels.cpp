// kernels.cpp: see kernels.hpp for the math and the rules these loops follow.

// GCC at -O2 leaves these loops scalar for two reasons we can lift without changing a bit:
//  * its "very cheap" vectorizer cost model refuses loops whose trip count is not a known
//    multiple of the vector width (every loop here): "dynamic" is the -O3 model;
//  * with -ftrapping-math (the default) it will not if-convert the selects inside bp::fn::tanh
//    and sigmoid (the clamp of exp, the sign of tanh), so those loops keep their branches.
//    -fno-trapping-math only lets it ignore floating-point exception flags, which the core
//    never reads (clang, hence Emscripten, assumes this by default).
// A vectorized + − × ÷ is the same IEEE-754 operation in each lane and -ffp-contract=off still
// forbids fused multiply-adds, so results stay bit-identical to the scalar code and to the wasm
// build (tests/core/test_kernels.cpp compares bits). The pragma comes before the includes so
// that the inline functions of mathfn.hpp get the same options and can be inlined here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "base/kernels.hpp"

#include <stdexcept>
#include <string>

#include "base/mathfn.hpp"

// On x86-64 Linux with GCC, each kernel is also compiled for AVX2 and the best version is picked
// once at load time (function multiversioning through an ifunc): 4 doubles per instruction
// instead of SSE2's 2, about twice as fast for tanh. AVX2 without FMA (-ffp-contract=off) gives
// the same bits as SSE2 and as scalar code. Elsewhere (clang, Emscripten) this expands to nothing.
// BP_NO_MULTIVERSION (CMake -DBP_MULTIVERSION=OFF) keeps the baseline only: the benchmark's
// "native g++ -O2" figure, the same vector width (2 doubles) as wasm SIMD.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(BP_NO_MULTIVERSION)
#define BP_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define BP_KERNEL
#endif
// Helpers of the kernels must be inlined into each version (a separate copy would be compiled
// once, for the baseline target only).
#define BP_ALWAYS_INLINE inline __attribute__((always_inline))
// The loops over the compile-time sizes of a register tile are unrolled completely, so that its
// accumulators become registers (GCC at -O2 would keep them in memory).
#define BP_UNROLL _Pragma("GCC unroll 8")

namespace bp {

namespace {

std::string shape_str(const Mat& m) {
    return "(" + std::to_string(rows(m)) + "," + std::to_string(cols(m)) + ")";
}

[[noreturn]] void shape_error(const char* kernel, const char* what, const Mat& a, const Mat& b) {
    throw std::invalid_argument(std::string(kernel) + ": " + what + " " + shape_str(a) + " vs " +
                                shape_str(b));
}

}  // namespace

// Two doubles side by side: the width of an SSE2 register and of wasm's f64x2. + and × act on
// each lane separately, as the same IEEE-754 operations as on two scalars (GCC and clang vector
// extensions), so a loop written with it gives the bits of the scalar loop.
typedef double Pair __attribute__((vector_size(16)));
BP_ALWAYS_INLINE Pair load_pair(const double* p) {
    Pair v;
    __builtin_memcpy(&v, p, sizeof v);  // an unaligned load
    return v;
}
BP_ALWAYS_INLINE void store_pair(double* p, Pair v) { __builtin_memcpy(p, &v, sizeof v); }

// Rows n0 .. n0+R−1 of Y, columns h0 .. h0+C−1:  Y[n,h] = Σ_d X[n,d] W[d,h] (+ b[h]).
// R and C are compile-time sizes, so the R·C accumulators live in registers for the whole d loop
// (a loop over a row of Y in memory would store and reload it at every d), as C/2 pairs of
// columns. Each Y[n,h] is still summed from 0.0 in increasing d, then the bias added: the order,
// hence the bits, of the naive loop, whatever R and C. (The pairs are written out because GCC
// at -O2 left the plain loops of this tile scalar: 3 GMAC/s instead of 10 on the conv shapes.)
template <std::size_t R, std::size_t C, bool kBias>
BP_ALWAYS_INLINE void matmul_tile(const double* __restrict X, const double* __restrict W,
                                  const double* __restrict B, double* __restrict Y, std::size_t n0,
                                  std::size_t h0, std::size_t D, std::size_t H) {
    static_assert(C % 2 == 0, "C counts pairs of columns");
    constexpr std::size_t P = C / 2;
    Pair acc[R][P];
    BP_UNROLL for (std::size_t r = 0; r < R; ++r)
        BP_UNROLL for (std::size_t c = 0; c < P; ++c) acc[r][c] = Pair{0.0, 0.0};
    for (std::size_t d = 0; d < D; ++d) {
        const double* __restrict wrow = W + d * H + h0;
        Pair w[P];
        BP_UNROLL for (std::size_t c = 0; c < P; ++c) w[c] = load_pair(wrow + 2 * c);
        BP_UNROLL for (std::size_t r = 0; r < R; ++r) {
            const double xv = X[(n0 + r) * D + d];
            const Pair x = {xv, xv};
            BP_UNROLL for (std::size_t c = 0; c < P; ++c) acc[r][c] += x * w[c];
        }
    }
    BP_UNROLL for (std::size_t r = 0; r < R; ++r)
        BP_UNROLL for (std::size_t c = 0; c < P; ++c) {
            Pair y = acc[r][c];
            if (kBias) y += load_pair(B + h0 + 2 * c);
            store_pair(Y + (n0 + r) * H + h0 + 2 * c, y);
        }
}

// The last column of an odd H: one scalar sum per row.
template <std::size_t R, bool kBias>
BP_ALWAYS_INLINE void matmul_last_column(const double* __restrict X, const double* __restrict W,
                                         const double* __restrict B, double* __restrict Y,
                                         std::size_t n0, std::size_t h, std::size_t D, std::size_t H) {
    double acc[R];
    BP_UNROLL for (std::size_t r = 0; r < R; ++r) acc[r] = 0.0;
    for (std::size_t d = 0; d < D; ++d) {
        const double wv = W[d * H + h];
        BP_UNROLL for (std::size_t r = 0; r < R; ++r) acc[r] += X[(n0 + r) * D + d] * wv;
    }
    BP_UNROLL for (std::size_t r = 0; r < R; ++r) Y[(n0 + r) * H + h] = kBias ? acc[r] + B[h] : acc[r];
}

// R rows of Y = X W (+ b), the columns in blocks of 8, then 4, 2, 1 for the rest of H.
template <std::size_t R, bool kBias>
BP_ALWAYS_INLINE void matmul_row_tiles(const double* X, const double* W, const double* B, double* Y,
                                       std::size_t n0, std::size_t D, std::size_t H) {
    std::size_t h0 = 0;
    for (; h0 + 8 <= H; h0 += 8) matmul_tile<R, 8, kBias>(X, W, B, Y, n0, h0, D, H);
    if (H - h0 >= 4) { matmul_tile<R, 4, kBias>(X, W, B, Y, n0, h0, D, H); h0 += 4; }
    if (H - h0 >= 2) { matmul_tile<R, 2, kBias>(X, W, B, Y, n0, h0, D, H); h0 += 2; }
    if (H - h0 >= 1) matmul_last_column<R, kBias>(X, W, B, Y, n0, h0, D, H);
}

// Rows of Y per tile: two rows share every load of W and give twice the independent chains of
// additions: 1.4x on the conv shapes in wasm (12.5 vs 9 GMAC/s; four rows need more registers
// than x86-64 has for 2-lane vectors). The bits do not depend on it.
constexpr std::size_t kTileRows = 2;

// Y = X W (+ b): kTileRows rows at a time, then the rows left over one by one.
template <bool kBias>
BP_ALWAYS_INLINE void matmul_rows(const double* __restrict X, const double* __restrict W,
                                  const double* __restrict B, double* __restrict Y, std::size_t N,
                                  std::size_t D, std::size_t H) {
    std::size_t n = 0;
    for (; n + kTileRows <= N; n += kTileRows) matmul_row_tiles<kTileRows, kBias>(X, W, B, Y, n, D, H);
    for (; n < N; ++n) matmul_row_tiles<1, kBias>(X, W, B, Y, n, D, H);
}

BP_KERNEL void matmul(const Mat& x, const Mat& w, Mat& y) {
    const std::size_t N = rows(x), D = cols(x), H = cols(w);
    if (rows(w) != D) shape_error("matmul", "X columns must equal W rows:", x, w);
    ensure_shape(y, N, H);
    matmul_rows<false>(x.data(), w.data(), nullptr, y.data(), N, D, H);
}

BP_KERNEL void matmul_add_bias(const Mat& x, const Mat& w, const Mat& b, Mat& y) {
    const std::size_t N = rows(x), D = cols(x), H = cols(w);
    if (rows(w) != D) shape_error("matmul_add_bias", "X columns must equal W rows:", x, w);
    if (rows(b) != 1 || cols(b) != H)
        shape_error("matmul_add_bias", "b must be (1, cols W):", b, w);
    ensure_shape(y, N, H);
    matmul_rows<true>(x.data(), w.data(), b.data(), y.data(), N, D, H);
}

// dW[d, h] += Σ_n X[n,d] G[n,h] for rows d0 .. d0+R−1 and columns h0 .. h0+C−1, with the R·C
// sums in registers: each entry starts from its old value and adds the samples in increasing n
// (the naive loop's order). Two rows of dW share every load of G: faster under both compilers
// (wasm 12.6 vs 9.2 GMAC/s, g++ -O2 8.8 vs 2.5, with AVX2 13 vs 12.4 on the conv shapes).
template <std::size_t R, std::size_t C>
BP_ALWAYS_INLINE void at_b_tile(const double* __restrict X, const double* __restrict G,
                                double* __restrict dW, std::size_t d0, std::size_t h0,
                                std::size_t N, std::size_t D, std::size_t H) {
    double acc[R][C];
    BP_UNROLL for (std::size_t r = 0; r < R; ++r)
        BP_UNROLL for (std::size_t c = 0; c < C; ++c) acc[r][c] = dW[(d0 + r) * H + h0 + c];
    for (std::size_t n = 0; n < N; ++n) {
        const double* __restrict grow = G + n * H + h0;
        BP_UNROLL for (std::size_t r = 0; r < R; ++r) {
            const double xv = X[n * D + d0 + r];
            BP_UNROLL for (std::size_t c = 0; c < C; ++c) acc[r][c] += xv * grow[c];
        }
    }
    BP_UNROLL for (std::size_t r = 0; r < R; ++r)
        BP_UNROLL for (std::size_t c = 0; c < C; ++c) dW[(d0 + r) * H + h0 + c] = acc[r][c];
}

template <std::size_t R>
BP_ALWAYS_INLINE void at_b_row_tiles(const double* X, const double* G, double* dW, std::size_t d0,
                                     std::size_t N, std::size_t D, std::size_t H) {
    std::size_t h0 = 0;
    for (; h0 + 8 <= H; h0 += 8) at_b_tile<R, 8>(X, G, dW, d0, h0, N, D, H);
    if (H - h0 >= 4) { at_b_tile<R, 4>(X, G, dW, d0, h0, N, D, H); h0 += 4; }
    if (H - h0 >= 2) { at_b_tile<R, 2>(X, G, dW, d0, h0, N, D, H); h0 += 2; }
    if (H - h0 >= 1) at_b_tile<R, 1>(X, G, dW, d0, h0, N, D, H);
}

BP_KERNEL void matmul_at_b_add(const Mat& x, const Mat& g, Mat& dw) {
    const std::size_t N = rows(x), D = cols(x), H = cols(g);
    if (rows(g) != N) shape_error("matmul_at_b_add", "X and G must have the same rows:", x, g);
    if (rows(dw) != D || cols(dw) != H)
        shape_error("matmul_at_b_add", "dW must be (cols X, cols G):", dw, x);
    const double* X = x.data();
    const double* G = g.data();
    double* dW = dw.data();
    std::size_t d = 0;
    for (; d + 2 <= D; d += 2) at_b_row_tiles<2>(X, G, dW, d, N, D, H);
    if (d < D) at_b_row_tiles<1>(X, G, dW, d, N, D, H);
}

BP_KERNEL void matmul_a_bt(const Mat& g, const Mat& w, Mat& dx) {
    const std::size_t N = rows(g), H = cols(g), D = rows(w);
    if (cols(w) != H) shape_error("matmul_a_bt", "G and W must have the same columns:", g, w);
    ensure_shape(dx, N, D);
    const double* W = w.data();
    // Small W (every layer the page builds, and the RNN's 32x32): transpose it once into a
    // stack buffer, then dX = G Wᵀ is an ordinary product run by the register-blocked rows
    // above, vectorized across d. Each dX[n,d] is still Σ_h G[n,h] W[d,h] summed from 0.0 in
    // increasing h, so the bits are those of the dot-product loop below (tested).
    constexpr std::size_t kStackDoubles = 4096;  // 32 KB
    if (D * H <= kStackDoubles) {
        double WT[kStackDoubles];  // (H, D)
        for (std::size_t d = 0; d < D; ++d)
            for (std::size_t h = 0; h < H; ++h) WT[h * D + d] = W[d * H + h];
        matmul_rows<false>(g.data(), WT, nullptr, dx.data(), N, H, D);
        return;
    }
    // Larger W: dX[n,d] is the dot product of two contiguous rows, G[n,:] and W[d,:], summed
    // from 0.0 in increasing h. Four of them at a time, in four scalar registers: four
    // independent chains of additions instead of one, and each of the five rows is read with
    // stride 1.
    for (std::size_t n = 0; n < N; ++n) {
        const double* __restrict grow = g.data() + n * H;  // (H)
        double* __restrict dxrow = dx.data() + n * D;      // (D)
        std::size_t d = 0;
        for (; d + 4 <= D; d += 4) {
            const double* __restrict w0 = W + d * H;
            const double* __restrict w1 = w0 + H;
            const double* __restrict w2 = w1 + H;
            const double* __restrict w3 = w2 + H;
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            for (std::size_t h = 0; h < H; ++h) {
                const double gv = grow[h];
                s0 += gv * w0[h];
                s1 += gv * w1[h];
                s2 += gv * w2[h];
                s3 += gv * w3[h];
            }
            dxrow[d] = s0;
            dxrow[d + 1] = s1;
            dxrow[d + 2] = s2;
            dxrow[d + 3] = s3;
        }
        for (; d < D; ++d) {
            const double* __restrict wrow = W + d * H;
            double s = 0.0;
            for (std::size_t h = 0; h < H; ++h) s += grow[h] * wrow[h];
            dxrow[d] = s;
        }
    }
}

BP_KERNEL void add_bias(Mat& y, const Mat& b) {
    const std::size_t N = rows(y), H = cols(y);
    if (rows(b) != 1 || cols(b) != H) shape_error("add_bias", "b must be (1, cols Y):", b, y);
    double* __restrict Y = y.data();
    const double* __restrict B = b.data();
    for (std::size_t n = 0; n < N; ++n) {
        double* __restrict yrow = Y + n * H;
        for (std::size_t h = 0; h < H; ++h) yrow[h] += B[h];
    }
}

// db[h0..h0+C−1] += Σ_n G[n, h0..h0+C−1], sums in registers, increasing n.
template <std::size_t C>
BP_ALWAYS_INLINE void sum_rows_block(const double* __restrict G, double* __restrict dB,
                                     std::size_t h0, std::size_t N, std::size_t H) {
    double acc[C];
    for (std::size_t c = 0; c < C; ++c) acc[c] = dB[h0 + c];
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t c = 0; c < C; ++c) acc[c] += G[n * H + h0 + c];
    for (std::size_t c = 0; c < C; ++c) dB[h0 + c] = acc[c];
}

BP_KERNEL void sum_rows_add(const Mat& g, Mat& db) {
    const std::size_t N = rows(g), H = cols(g);
    if (rows(db) != 1 || cols(db) != H)
        shape_error("sum_rows_add", "db must be (1, cols G):", db, g);
    const double* G = g.data();
    double* dB = db.data();
    std::size_t h0 = 0;
    for (; h0 + 8 <= H; h0 += 8) sum_rows_block<8>(G, dB, h0, N, H);
    if (H - h0 >= 4) { sum_rows_block<4>(G, dB, h0, N, H); h0 += 4; }
    if (H - h0 >= 2) { sum_rows_block<2>(G, dB, h0, N, H); h0 += 2; }
    if (H - h0 >= 1) sum_rows_block<1>(G, dB, h0, N, H);
}

// in == out (in place) and disjoint arrays get separate loops: with the two pointers declared
// non-overlapping the compiler vectorizes without a run-time overlap check (which an in-place
// call would fail, falling back to scalar code).
BP_KERNEL void tanh_array(const double* in, double* out, std::size_t n) {
    if (in == out) {
        for (std::size_t i = 0; i < n; ++i) out[i] = fn::tanh(out[i]);
        return;
    }
    const double* __restrict src = in;
    double* __restrict dst = out;
    for (std::size_t i = 0; i < n; ++i) dst[i] = fn::tanh(src[i]);
}

BP_KERNEL void sigmoid_array(const double* in, double* out, std::size_t n) {
    if (in == out) {
        for (std::size_t i = 0; i < n; ++i) out[i] = fn::sigmoid(out[i]);
        return;
    }
    const double* __restrict src = in;
    double* __restrict dst = out;
    for (std::size_t i = 0; i < n; ++i) dst[i] = fn::sigmoid(src[i]);
}

BP_KERNEL void fill_zero(double* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) p[i] = 0.0;
}

void fill_zero(Mat& m) { fill_zero(m.data(), m.size()); }

void tanh_inplace(Mat& a) { tanh_array(a.data(), a.data(), a.size()); }

void sigmoid_inplace(Mat& a) { sigmoid_array(a.data(), a.data(), a.size()); }

}  // namespace bp
