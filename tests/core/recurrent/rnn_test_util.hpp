// rnn_test_util.hpp: helpers shared by the recurrent-network tests (test_rnn.cpp, test_lstm.cpp);
// the ones every folder uses (mat, ...) are in ../test_util.hpp.
#pragma once

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include "data/datasets.hpp"
#include "base/rng.hpp"
#include "base/tensor.hpp"
#include "test_util.hpp"  // mat, rel_error, all_finite (same namespace)

namespace bp::testing {

// Central-difference step (gradcheck.hpp's default is 1e-5). Over a loss summed across several
// steps, rounding adds about 1e-16·L/ε to each numeric gradient: at 1e-5 that dominates for the
// smallest entries here (~1e-6); at 1e-4 the truncation error (~ε² relative) dominates for the
// largest. 3e-5 balances the two: every entry checked agrees to better than 4e-7 (deterministic:
// fixed seeds, and the same bits on every build).
constexpr double kEps = 3e-5;

inline bool same_bits(const Mat& a, const Mat& b) {
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Random sequences: x ~ U(−1, 1), targets ~ U(−1, 1) (or 0/1 for sigmoid_ce).
inline SequenceData random_sequences(std::size_t T, std::size_t N, std::size_t D, std::size_t K,
                                     bool every_step, bool binary, Rng& rng) {
    SequenceData d;
    d.loss_every_step = every_step;
    d.classes = binary ? 2 : 0;
    for (std::size_t t = 0; t < T; ++t) {
        Mat x = zeros(N, D), y = zeros(N, K);
        for (double& v : x) v = rng.uniform(-1.0, 1.0);
        for (double& v : y) v = binary ? (rng.uniform() < 0.5 ? 0.0 : 1.0) : rng.uniform(-1.0, 1.0);
        d.x.push_back(x);
        d.y.push_back(y);
    }
    return d;
}

}  // namespace bp::testing
