// test_util.hpp: helpers shared by the Catch2 tests in every folder of tests/core (included as
// "test_util.hpp": tests/core is on core_tests' include path). Folder-only helpers stay in their
// folder (recurrent/rnn_test_util.hpp) or file.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>

#include "base/tensor.hpp"

namespace bp::testing {

// A (r, c) matrix from its values, row-major; missing values stay 0. (test_conv.cpp keeps its own
// mat, which also throws when the count is not r·c.)
inline Mat mat(std::size_t r, std::size_t c, std::initializer_list<double> values) {
    Mat m = zeros(r, c);
    std::size_t i = 0;
    for (double v : values) m.data()[i++] = v;
    return m;
}

// |a − n| / max(|a| + |n|, 1e-8): analytic a against numeric n (the formula of gradcheck.hpp's
// grad_rel_error; it is written with std::fabs and std::max here).
inline double rel_error(double a, double n) {
    return std::fabs(a - n) / std::max(std::fabs(a) + std::fabs(n), 1e-8);
}

// Every entry finite (no NaN, no ±∞).
inline bool all_finite(const Mat& m) {
    for (double v : m)
        if (!std::isfinite(v)) return false;
    return true;
}

}  // namespace bp::testing
