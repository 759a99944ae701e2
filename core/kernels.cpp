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

#include "kernels.hpp"

#include <stdexcept>
#include <string>

#include "mathfn.hpp"

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

void matmul(const Mat& x, const Mat& w, Mat& y) {
    const std::size_t N = rows(x), D = cols(x), H = cols(w);
    if (rows(w) != D) shape_error("matmul", "X columns must equal W rows:", x, w);
    ensure_shape(y, N, H);
    const double* __restrict X = x.data();
    const double* __restrict W = w.data();
    double* __restrict Y = y.data();
    for (std::size_t n = 0; n < N; ++n) {
        double* __restrict yrow = Y + n * H;  // (H)
        for (std::size_t h = 0; h < H; ++h) yrow[h] = 0.0;
        for (std::size_t d = 0; d < D; ++d) {
            const double xv = X[n * D + d];
            const double* __restrict wrow = W + d * H;  // (H)
            for (std::size_t h = 0; h < H; ++h) yrow[h] += xv * wrow[h];
        }
    }
}

void matmul_at_b_add(const Mat& x, const Mat& g, Mat& dw) {
    const std::size_t N = rows(x), D = cols(x), H = cols(g);
    if (rows(g) != N) shape_error("matmul_at_b_add", "X and G must have the same rows:", x, g);
    if (rows(dw) != D || cols(dw) != H)
        shape_error("matmul_at_b_add", "dW must be (cols X, cols G):", dw, x);
    const double* __restrict X = x.data();
    const double* __restrict G = g.data();
    double* __restrict dW = dw.data();
    // Loop order n-d-h: for each sample, add the outer product X[n,:]ᵀ G[n,:] row by row.
    for (std::size_t n = 0; n < N; ++n) {
        const double* __restrict grow = G + n * H;  // (H)
        for (std::size_t d = 0; d < D; ++d) {
            const double xv = X[n * D + d];
            double* __restrict dwrow = dW + d * H;  // (H)
            for (std::size_t h = 0; h < H; ++h) dwrow[h] += xv * grow[h];
        }
    }
}

void matmul_a_bt(const Mat& g, const Mat& w, Mat& dx) {
    const std::size_t N = rows(g), H = cols(g), D = rows(w);
    if (cols(w) != H) shape_error("matmul_a_bt", "G and W must have the same columns:", g, w);
    ensure_shape(dx, N, D);
    const double* __restrict G = g.data();
    const double* __restrict W = w.data();
    double* __restrict dX = dx.data();
    // dX[n,d] is the dot product of two contiguous rows, G[n,:] and W[d,:]. Summed left to
    // right: a fixed order, so the bits do not depend on the compiler or the machine.
    for (std::size_t n = 0; n < N; ++n) {
        const double* __restrict grow = G + n * H;  // (H)
        for (std::size_t d = 0; d < D; ++d) {
            const double* __restrict wrow = W + d * H;  // (H)
            double s = 0.0;
            for (std::size_t h = 0; h < H; ++h) s += grow[h] * wrow[h];
            dX[n * D + d] = s;
        }
    }
}

void add_bias(Mat& y, const Mat& b) {
    const std::size_t N = rows(y), H = cols(y);
    if (rows(b) != 1 || cols(b) != H) shape_error("add_bias", "b must be (1, cols Y):", b, y);
    double* __restrict Y = y.data();
    const double* __restrict B = b.data();
    for (std::size_t n = 0; n < N; ++n) {
        double* __restrict yrow = Y + n * H;
        for (std::size_t h = 0; h < H; ++h) yrow[h] += B[h];
    }
}

void sum_rows_add(const Mat& g, Mat& db) {
    const std::size_t N = rows(g), H = cols(g);
    if (rows(db) != 1 || cols(db) != H) shape_error("sum_rows_add", "db must be (1, cols G):", db, g);
    const double* __restrict G = g.data();
    double* __restrict dB = db.data();
    for (std::size_t n = 0; n < N; ++n) {
        const double* __restrict grow = G + n * H;
        for (std::size_t h = 0; h < H; ++h) dB[h] += grow[h];
    }
}

// No __restrict here: in == out is allowed.
void tanh_array(const double* in, double* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = fn::tanh(in[i]);
}

void sigmoid_array(const double* in, double* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = fn::sigmoid(in[i]);
}

void tanh_inplace(Mat& a) { tanh_array(a.data(), a.data(), a.size()); }

void sigmoid_inplace(Mat& a) { sigmoid_array(a.data(), a.data(), a.size()); }

}  // namespace bp
