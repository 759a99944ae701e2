// losses.cpp: see losses.hpp for the math of each loss and its (fused) gradient.
#include "nn/losses.hpp"

#include <stdexcept>

#include "base/mathfn.hpp"

namespace bp {

namespace {

void check_shapes(const Mat& out, const Mat& target) {
    if (rows(out) != rows(target) || cols(out) != cols(target))
        throw std::invalid_argument(
            "loss: target shape (" + std::to_string(rows(target)) + "," +
            std::to_string(cols(target)) + ") must equal the output shape (" +
            std::to_string(rows(out)) + "," + std::to_string(cols(out)) + ")");
    if (rows(out) == 0) throw std::invalid_argument("loss: the batch is empty (N = 0)");
}

double safe_log(double p) {
    p = p < kProbClamp ? kProbClamp : (p > 1.0 - kProbClamp ? 1.0 - kProbClamp : p);
    return fn::log(p);
}

// Σ over all elements of the per-element loss (before the 1/N); writes (a − y)/N into dout
// when dout is non-null. One loop per loss so each stays a simple, vectorizable pass.
double loss_sum(Loss loss, const Mat& out, const Mat& target, double* dout) {
    const std::size_t size = out.size();
    const double inv_n = 1.0 / static_cast<double>(rows(out));
    const double* A = out.data();
    const double* Y = target.data();
    double s = 0.0;
    switch (loss) {
        case Loss::SquaredError:  // ½ (a − y)²
            for (std::size_t i = 0; i < size; ++i) {
                const double e = A[i] - Y[i];
                s += 0.5 * e * e;
                if (dout) dout[i] = e * inv_n;
            }
            return s;
        case Loss::SigmoidCrossEntropy:  // −[y log a + (1 − y) log(1 − a)]
            for (std::size_t i = 0; i < size; ++i) {
                // For the usual 0/1 targets one of the two terms is zero: skip its log.
                if (Y[i] == 1.0) s -= safe_log(A[i]);
                else if (Y[i] == 0.0) s -= safe_log(1.0 - A[i]);
                else s -= Y[i] * safe_log(A[i]) + (1.0 - Y[i]) * safe_log(1.0 - A[i]);
                if (dout) dout[i] = (A[i] - Y[i]) * inv_n;
            }
            return s;
        case Loss::SoftmaxCrossEntropy:  // −Y log P (only the true class contributes)
            for (std::size_t i = 0; i < size; ++i) {
                if (Y[i] != 0.0) s -= Y[i] * safe_log(A[i]);
                if (dout) dout[i] = (A[i] - Y[i]) * inv_n;
            }
            return s;
    }
    throw std::invalid_argument("loss: invalid Loss value");
}

}  // namespace

double loss_forward_backward(Loss loss, const Mat& out, const Mat& target, Mat& dout) {
    check_shapes(out, target);
    ensure_shape(dout, rows(out), cols(out));
    return loss_sum(loss, out, target, dout.data()) / static_cast<double>(rows(out));
}

double loss_value(Loss loss, const Mat& out, const Mat& target) {
    check_shapes(out, target);
    return loss_sum(loss, out, target, nullptr) / static_cast<double>(rows(out));
}

bool loss_is_fused(Loss loss) {
    return loss == Loss::SigmoidCrossEntropy || loss == Loss::SoftmaxCrossEntropy;
}

double weight_penalty(const Mat& W, Mat& dW, double l1, double l2, double scale) {
    const double* w = W.data();
    double* dw = dW.data();
    const std::size_t n = W.size();
    double abs_sum = 0.0, sq_sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double sign = w[i] > 0.0 ? 1.0 : (w[i] < 0.0 ? -1.0 : 0.0);  // d|w|/dw, 0 at 0
        abs_sum += w[i] * sign;
        sq_sum += w[i] * w[i];
        dw[i] += scale * (l1 * sign + l2 * w[i]);
    }
    return l1 * abs_sum + 0.5 * l2 * sq_sum;
}

const char* loss_name(Loss loss) {
    switch (loss) {
        case Loss::SquaredError: return "squared";
        case Loss::SigmoidCrossEntropy: return "sigmoid_ce";
        case Loss::SoftmaxCrossEntropy: return "softmax_ce";
    }
    throw std::invalid_argument("loss_name: invalid Loss value");
}

Loss loss_from_name(const std::string& name) {
    for (Loss l : {Loss::SquaredError, Loss::SigmoidCrossEntropy, Loss::SoftmaxCrossEntropy})
        if (name == loss_name(l)) return l;
    throw std::invalid_argument("unknown loss '" + name +
                                "'; allowed: squared, sigmoid_ce, softmax_ce");
}

}  // namespace bp
