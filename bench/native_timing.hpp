// native_timing.hpp: the timing procedure of native_bench.cpp (and native_images.hpp), the same
// as bench/common.mjs: warm up, calibrate a repeat to at least the target time, time R repeats,
// report the median (and min / max) over the repeats. Included by native_bench.cpp only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Timing {
    int repeats = 5;
    double target_ms = 300;
    double warmup_ms = 500;
};

inline double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

inline json summary(const std::vector<double>& samples, const char* unit) {
    std::vector<double> xs = samples;
    std::sort(xs.begin(), xs.end());
    const std::size_t n = xs.size();
    const double med = n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
    return {{"median", med}, {"min", xs.front()}, {"max", xs.back()}, {"n", n}, {"unit", unit},
            {"samples", samples}};
}

// chunk() does one unit of work and returns the items it processed; the figure is items/s.
inline json rate(const Timing& t, const std::function<double()>& chunk, const char* unit) {
    auto t0 = Clock::now();
    int warm = 0;
    while (warm < 2 || ms_since(t0) < t.warmup_ms) { chunk(); ++warm; }
    const double per = ms_since(t0) / warm;
    const int k = std::max(1, static_cast<int>(std::ceil(t.target_ms / per)));
    std::vector<double> rates;
    for (int r = 0; r < t.repeats; ++r) {
        double items = 0;
        const auto a = Clock::now();
        for (int i = 0; i < k; ++i) items += chunk();
        rates.push_back(items / (ms_since(a) / 1000.0));
    }
    json j = summary(rates, unit);
    j["chunks_per_repeat"] = k;
    return j;
}

// ms per call of fn: each repeat runs enough calls to last half the target time, and reports
// the mean of that repeat.
inline json per_call_ms(const Timing& t, const std::function<void()>& fn) {
    auto t0 = Clock::now();
    int warm = 0;
    while (warm < 2 || ms_since(t0) < t.warmup_ms / 2) { fn(); ++warm; }
    const double per = ms_since(t0) / warm;
    const int k = std::max(1, static_cast<int>(std::ceil(t.target_ms / 2 / per)));
    std::vector<double> ms;
    for (int r = 0; r < t.repeats; ++r) {
        const auto a = Clock::now();
        for (int i = 0; i < k; ++i) fn();
        ms.push_back(ms_since(a) / k);
    }
    json j = summary(ms, "ms");
    j["calls_per_repeat"] = k;
    return j;
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace bench
