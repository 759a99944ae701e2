// rng.hpp: the one source of randomness in the core, identical natively and in WebAssembly.
//
// The standard library's distributions (std::uniform_real_distribution, std::normal_distribution)
// are implementation-defined and differ between libstdc++ (native) and libc++ (Emscripten), so
// the same seed would give different data in the browser. This generator and its sampling are
// written out here and use only integer arithmetic and our own log (mathfn.hpp): the same seed
// gives the same bits everywhere.
//
// Generator: xoshiro256** (D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47(4), 2021), seeded through splitmix64 as its authors recommend.
// Normal samples: Marsaglia's polar method (G. Marsaglia and T. A. Bray, SIAM Review 6(3), 1964).
//
// There is no global generator: every function that needs randomness takes an `Rng&`.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/mathfn.hpp"

namespace bp {

class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        std::uint64_t z = seed;
        for (auto& s : state_) s = splitmix64(z);
    }

    // 64 random bits.
    std::uint64_t next_u64() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, 1): the top 53 bits as a fraction, every value a multiple of 2^-53.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

    // Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; the tiny bias for n far
    // below 2^32 does not matter for shuffling and sampling here).
    std::uint32_t below(std::uint32_t n) {
        return static_cast<std::uint32_t>(((next_u64() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
    }

    // Standard normal N(0, 1).
    double normal() {
        if (has_spare_) { has_spare_ = false; return spare_; }
        double u, v, s;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        // sqrt is correctly rounded by IEEE 754, so it is as deterministic as + and *.
        const double m = __builtin_sqrt(-2.0 * fn::log(s) / s);
        spare_ = v * m;
        has_spare_ = true;
        return u * m;
    }

    // N(mean, sd²).
    double normal(double mean, double sd) { return mean + sd * normal(); }

    // Fisher-Yates shuffle of any random-access container of indices.
    template <class Container>
    void shuffle(Container& c) {
        for (std::size_t i = c.size(); i > 1; --i) {
            const std::size_t j = below(static_cast<std::uint32_t>(i));
            auto tmp = c[i - 1]; c[i - 1] = c[j]; c[j] = tmp;
        }
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static std::uint64_t splitmix64(std::uint64_t& z) {
        z += 0x9e3779b97f4a7c15ULL;
        std::uint64_t r = z;
        r = (r ^ (r >> 30)) * 0xbf58476d1ce4e5b9ULL;
        r = (r ^ (r >> 27)) * 0x94d049bb133111ebULL;
        return r ^ (r >> 31);
    }

    std::uint64_t state_[4];
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace bp
