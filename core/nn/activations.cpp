// activations.cpp: see activations.hpp for the math of each forward/backward pair.
#include "nn/activations.hpp"

#include <stdexcept>

#include "base/kernels.hpp"
#include "base/mathfn.hpp"

namespace bp {

namespace {

void check_same_shape(const Mat& a, const Mat& b, const char* what) {
    if (rows(a) != rows(b) || cols(a) != cols(b))
        throw std::invalid_argument(std::string("activation_backward: ") + what +
                                    " must have the shape of z");
}

// Softmax over each row of z (N,K) into a (N,K); a may alias z.
void softmax_rows(const Mat& z, Mat& a) {
    const std::size_t N = rows(z), K = cols(z);
    const double* Z = z.data();
    double* A = a.data();
    for (std::size_t n = 0; n < N; ++n) {
        const double* zr = Z + n * K;
        double* ar = A + n * K;
        double m = zr[0];
        for (std::size_t k = 1; k < K; ++k) m = zr[k] > m ? zr[k] : m;
        double s = 0.0;
        for (std::size_t k = 0; k < K; ++k) {
            ar[k] = fn::exp(zr[k] - m);
            s += ar[k];
        }
        // s ≥ 1 (the maximum contributes e^0), so the division is safe.
        for (std::size_t k = 0; k < K; ++k) ar[k] /= s;
    }
}

}  // namespace

void activation_forward(Activation f, const Mat& z, Mat& a) {
    const std::size_t N = rows(z), H = cols(z), size = N * H;
    ensure_shape(a, N, H);
    const double* Z = z.data();
    double* A = a.data();
    switch (f) {
        case Activation::Linear:  // a = z
            if (A != Z) for (std::size_t i = 0; i < size; ++i) A[i] = Z[i];
            return;
        case Activation::Sigmoid:  // a = σ(z)
            sigmoid_array(Z, A, size);
            return;
        case Activation::Tanh:  // a = tanh z
            tanh_array(Z, A, size);
            return;
        case Activation::Relu:  // a = max(0, z)
            for (std::size_t i = 0; i < size; ++i) A[i] = Z[i] > 0.0 ? Z[i] : 0.0;
            return;
        case Activation::LeakyRelu:  // a = z > 0 ? z : 0.01 z
            for (std::size_t i = 0; i < size; ++i)
                A[i] = Z[i] > 0.0 ? Z[i] : kLeakyReluSlope * Z[i];
            return;
        case Activation::Softmax:  // a = softmax(z) per row
            if (H > 0) softmax_rows(z, a);
            return;
    }
    throw std::invalid_argument("activation_forward: invalid Activation value");
}

void activation_backward(Activation f, const Mat& z, const Mat& a, const Mat& da, Mat& dz) {
    check_same_shape(a, z, "a");
    check_same_shape(da, z, "da");
    const std::size_t N = rows(z), H = cols(z), size = N * H;
    ensure_shape(dz, N, H);
    const double* Z = z.data();
    const double* A = a.data();
    const double* dA = da.data();
    double* dZ = dz.data();
    switch (f) {
        case Activation::Linear:  // dz = da
            if (dZ != dA) for (std::size_t i = 0; i < size; ++i) dZ[i] = dA[i];
            return;
        case Activation::Sigmoid:  // dz = da ⊙ a (1 − a)
            for (std::size_t i = 0; i < size; ++i) dZ[i] = dA[i] * (A[i] * (1.0 - A[i]));
            return;
        case Activation::Tanh:  // dz = da ⊙ (1 − a²)
            for (std::size_t i = 0; i < size; ++i) dZ[i] = dA[i] * (1.0 - A[i] * A[i]);
            return;
        case Activation::Relu:  // dz = da ⊙ [z > 0]
            for (std::size_t i = 0; i < size; ++i) dZ[i] = Z[i] > 0.0 ? dA[i] : 0.0;
            return;
        case Activation::LeakyRelu:  // dz = da ⊙ (z > 0 ? 1 : 0.01)
            for (std::size_t i = 0; i < size; ++i)
                dZ[i] = Z[i] > 0.0 ? dA[i] : kLeakyReluSlope * dA[i];
            return;
        case Activation::Softmax:  // dz_j = a_j (da_j − Σ_k da_k a_k), per row
            for (std::size_t n = 0; n < N; ++n) {
                const double* ar = A + n * H;
                const double* dar = dA + n * H;
                double* dzr = dZ + n * H;
                double s = 0.0;
                for (std::size_t k = 0; k < H; ++k) s += dar[k] * ar[k];
                for (std::size_t k = 0; k < H; ++k) dzr[k] = ar[k] * (dar[k] - s);
            }
            return;
    }
    throw std::invalid_argument("activation_backward: invalid Activation value");
}

const char* activation_name(Activation f) {
    switch (f) {
        case Activation::Linear: return "linear";
        case Activation::Sigmoid: return "sigmoid";
        case Activation::Tanh: return "tanh";
        case Activation::Relu: return "relu";
        case Activation::LeakyRelu: return "leaky_relu";
        case Activation::Softmax: return "softmax";
    }
    throw std::invalid_argument("activation_name: invalid Activation value");
}

Activation activation_from_name(const std::string& name) {
    for (Activation f : {Activation::Linear, Activation::Sigmoid, Activation::Tanh,
                         Activation::Relu, Activation::LeakyRelu, Activation::Softmax})
        if (name == activation_name(f)) return f;
    throw std::invalid_argument("unknown activation '" + name +
                                "'; allowed: linear, sigmoid, tanh, relu, leaky_relu, softmax");
}

}  // namespace bp
