// test_util.hpp: helpers shared by the Catch2 tests in every folder of tests/core (included as
// "test_util.hpp": tests/core is on core_tests' include path). Folder-only helpers stay in their
// folder (recurrent/rnn_test_util.hpp) or file.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "base/param.hpp"
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

// Runs f, requires an exception of type E whose message contains every one of `parts`.
template <class E>
void require_throw(const std::function<void()>& f, const std::vector<std::string>& parts) {
    try {
        f();
    } catch (const E& e) {
        const std::string msg = e.what();
        INFO("message: " << msg);
        for (const std::string& p : parts) CHECK(msg.find(p) != std::string::npos);
        return;
    } catch (const std::exception& e) {
        FAIL("wrong exception type, message: " << e.what());
    }
    FAIL("no exception thrown");
}

// 64-bit FNV-1a over the bytes of the doubles of `values` (a Mat row-major, or a vector), each
// written little-endian (the byte order of both x86-64 and wasm). docs/parity.md describes the
// same hash for the JS side.
template <class Doubles>
std::uint64_t fnv1a(const Doubles& values) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (double v : values) {
        std::uint64_t u;
        std::memcpy(&u, &v, 8);
        for (int b = 0; b < 8; ++b) {
            h ^= (u >> (8 * b)) & 0xffu;
            h *= 0x100000001b3ULL;
        }
    }
    return h;
}

#ifdef BP_SOURCE_DIR
// The text of the shipped data/optdigits-8x8.csv.gz, decompressed by the gzip tool (the core does
// not link zlib; native only), or "" when gzip or the file is missing.
inline std::string shipped_digits_csv() {
    const std::string cmd = std::string("gzip -dc '") + BP_SOURCE_DIR + "/data/optdigits-8x8.csv.gz' 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "r");
    std::string text;
    if (pipe) {
        char buf[65536];
        std::size_t got;
        while ((got = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, got);
        pclose(pipe);
    }
    return text;
}
#endif

// A copy of every gradient in `ps`, in order: the analytic gradient, kept before the weights are
// perturbed.
inline std::vector<Mat> gradients_of(const ParamList& ps) {
    std::vector<Mat> grads;
    for (const ParamRef& p : ps) grads.push_back(*p.grad);
    return grads;
}

// The worst disagreement, over every entry of every parameter in `ps`, between the analytic
// gradient `grads` and the central difference n = (f(θ + h) − f(θ − h)) / 2h of `objective`,
// h = 1e-5: max |n − a| / max(1e-3, |n| + |a|). Each entry is put back exactly afterwards.
template <class Objective>
double worst_central_difference_error(const ParamList& ps, const std::vector<Mat>& grads, Objective objective) {
    const double h = 1e-5;
    double worst = 0;
    for (std::size_t p = 0; p < ps.size(); ++p) {
        for (std::size_t i = 0; i < ps[p].value->size(); ++i) {
            double& w = ps[p].value->data()[i];
            const double w0 = w;
            w = w0 + h;
            const double up = objective();
            w = w0 - h;
            const double down = objective();
            w = w0;
            const double numeric = (up - down) / (2 * h);
            const double analytic = grads[p].data()[i];
            worst = std::max(worst, std::abs(numeric - analytic) / std::max(1e-3, std::abs(numeric) + std::abs(analytic)));
        }
    }
    return worst;
}

// Everything a session's model file holds, finite: its weights and every optimizer slot.
template <class Session>
bool state_finite(Session& s) {
    for (const ParamRef& p : s.params())
        if (!all_finite(*p.value)) return false;
    for (const std::vector<Mat>& slot : s.optimizer().state().slots)
        for (const Mat& m : slot)
            if (!all_finite(m)) return false;
    return true;
}

}  // namespace bp::testing
