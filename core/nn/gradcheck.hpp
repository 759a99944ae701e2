// gradcheck.hpp: is backpropagation right? Compare its gradients with finite differences.
//
// For one weight w with analytic gradient a = ∂L/∂w (from backward), the numeric estimate is the
// central difference
//   n = (L(w + ε) − L(w − ε)) / (2ε)
// whose error is O(ε²) from truncation (the ε³ L''' / 6 term) plus about 1e-16 |L| / ε from
// rounding; ε = 1e-5 balances the two in double precision, so a correct backward agrees to
// roughly 1e-8 or better. We report the relative error
//   rel = |a − n| / max(|a| + |n|, 1e-8)
// (the floor keeps two tiny gradients that agree from looking wrong). In double precision a
// correct implementation gives rel < 1e-6 for smooth losses; a bug gives something near 1.
// Caveat: the floor 1e-8 is below the rounding noise of n (~1e-11 for |L| ~ 1), so an entry
// whose gradient is itself tiny (under ~1e-5, e.g. deep in a network with saturated units) can
// show rel of a few 1e-6 with a correct backward. Look at `analytic` and `numeric` of the worst
// entry before suspecting a bug.
// Kinks (ReLU at 0, |w| at 0 for L1) can give large errors when ±ε crosses them.
// Reference: CS231n notes, "Gradient checks"; Goodfellow, Bengio & Courville, Deep Learning, §11.5.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "base/param.hpp"  // ParamRef, ParamList
#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

// NaN anywhere is a failure, never hidden: an entry whose analytic or numeric gradient is NaN
// or ±inf (weights so large that the loss overflows, for example) counts as non-finite, its
// relative error is NaN, and the NaN is carried up into every maximum (a plain max would drop
// it and report 0). The worst entry of a parameter is then its first non-finite one.
struct GradCheckEntry {
    std::string name;          // the parameter's name ("W1")
    double max_rel_error = 0;  // worst relative error over the checked entries; NaN if any is non-finite
    std::size_t checked = 0;   // how many entries were checked
    std::size_t nonfinite = 0; // how many of them had a NaN or ±inf gradient (analytic or numeric)
    std::size_t worst_index = 0;  // flat (row-major) index of the worst entry
    double analytic = 0;       // the two gradients at the worst entry
    double numeric = 0;
};

struct GradCheckResult {
    double max_rel_error = 0;  // worst over all parameters; NaN if any entry is non-finite
    std::size_t nonfinite = 0; // non-finite entries over all parameters
    double loss = 0;           // the loss loss_and_grad() returned
    std::vector<GradCheckEntry> per_param;  // in the order of the ParamList
    // The verdict: a finite loss, no non-finite entry, and max_rel_error < tolerance.
    bool passed(double tolerance = 1e-6) const;
};

// |a − n| / max(|a| + |n|, 1e-8)
double grad_rel_error(double analytic, double numeric);

// (L(w + ε) − L(w − ε)) / (2ε) for w = value.data()[index] (flat row-major index). The entry is
// restored to its exact original bits afterwards.
double numeric_gradient(Mat& value, std::size_t index, const std::function<double()>& loss_only,
                        double eps = 1e-5);

// Calls loss_and_grad() once (it must zero the gradients, then compute the loss and the
// analytic gradients into each ParamRef's grad), keeps a copy of those gradients, then compares
// them entry by entry with numeric_gradient (loss_only must compute the same loss, without
// touching anything the check reads). max_per_param = 0 checks every entry; otherwise at most
// that many entries per parameter, drawn without replacement from rng (or evenly spaced when
// rng is null). The parameters' values are left exactly as they were; their grads hold the
// analytic gradients.
GradCheckResult gradcheck(ParamList params, const std::function<double()>& loss_and_grad,
                          const std::function<double()>& loss_only, double eps = 1e-5,
                          std::size_t max_per_param = 0, Rng* rng = nullptr);

}  // namespace bp
