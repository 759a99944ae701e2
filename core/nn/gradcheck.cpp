// gradcheck.cpp: see gradcheck.hpp for the formulas.
#include "nn/gradcheck.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

namespace bp {

double grad_rel_error(double analytic, double numeric) {
    const double diff = analytic > numeric ? analytic - numeric : numeric - analytic;
    const double scale = (analytic < 0 ? -analytic : analytic) + (numeric < 0 ? -numeric : numeric);
    return diff / (scale > 1e-8 ? scale : 1e-8);
}

double numeric_gradient(Mat& value, std::size_t index, const std::function<double()>& loss_only,
                        double eps) {
    if (index >= value.size())
        throw std::out_of_range("numeric_gradient: index " + std::to_string(index) +
                                " is outside 0.." + std::to_string(value.size()) + "-1");
    if (!(eps > 0.0)) throw std::invalid_argument("numeric_gradient: eps must be > 0");
    double& w = value.data()[index];
    const double w0 = w;
    w = w0 + eps;
    const double plus = loss_only();
    w = w0 - eps;
    const double minus = loss_only();
    w = w0;
    // Divide by the step actually taken: (w0 + eps) − (w0 − eps) is not exactly 2 eps in floating
    // point, and using the true difference removes that rounding from the estimate.
    const double h = (w0 + eps) - (w0 - eps);
    return (plus - minus) / h;
}

namespace {

bool finite(double v) { return v - v == 0.0; }  // false for NaN and ±inf

}  // namespace

bool GradCheckResult::passed(double tolerance) const {
    return finite(loss) && nonfinite == 0 && max_rel_error < tolerance;  // NaN < t is false too
}

GradCheckResult gradcheck(ParamList params, const std::function<double()>& loss_and_grad,
                          const std::function<double()>& loss_only, double eps,
                          std::size_t max_per_param, Rng* rng) {
    GradCheckResult result;
    result.loss = loss_and_grad();
    std::vector<Mat> analytic;  // a copy: loss_only may not, but could, touch the grads
    analytic.reserve(params.size());
    for (const ParamRef& p : params) analytic.push_back(*p.grad);

    for (std::size_t i = 0; i < params.size(); ++i) {
        Mat& value = *params[i].value;
        const std::size_t size = value.size();
        std::vector<std::size_t> indices;
        if (max_per_param == 0 || max_per_param >= size) {
            for (std::size_t j = 0; j < size; ++j) indices.push_back(j);
        } else if (rng) {
            // Partial Fisher-Yates: the first max_per_param entries of a random permutation.
            std::vector<std::size_t> all(size);
            for (std::size_t j = 0; j < size; ++j) all[j] = j;
            for (std::size_t j = 0; j < max_per_param; ++j) {
                const std::size_t r = j + rng->below(static_cast<std::uint32_t>(size - j));
                std::swap(all[j], all[r]);
                indices.push_back(all[j]);
            }
        } else {
            for (std::size_t j = 0; j < max_per_param; ++j)
                indices.push_back(j * size / max_per_param);
        }

        GradCheckEntry entry;
        entry.name = params[i].name;
        for (std::size_t j : indices) {
            const double a = analytic[i].data()[j];
            const double n = numeric_gradient(value, j, loss_only, eps);
            const bool bad = !finite(a) || !finite(n);
            const double rel = bad ? std::numeric_limits<double>::quiet_NaN() : grad_rel_error(a, n);
            // The first non-finite entry is the worst and stays so; else the largest error.
            const bool worse = entry.nonfinite == 0 && (bad || entry.checked == 0 || rel > entry.max_rel_error);
            if (worse) {
                entry.max_rel_error = rel;
                entry.worst_index = j;
                entry.analytic = a;
                entry.numeric = n;
            }
            if (bad) ++entry.nonfinite;
            ++entry.checked;
        }
        result.nonfinite += entry.nonfinite;
        if (entry.nonfinite > 0 || !finite(result.max_rel_error))
            result.max_rel_error = std::numeric_limits<double>::quiet_NaN();
        else if (entry.max_rel_error > result.max_rel_error)
            result.max_rel_error = entry.max_rel_error;
        result.per_param.push_back(entry);
    }
    return result;
}

}  // namespace bp
