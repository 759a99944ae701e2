// Tests of core/rng.hpp: pinned outputs, determinism, and the moments of uniform and normal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/rng.hpp"

using bp::Rng;

// The first six outputs of Rng(1).next_u64(). They were computed with an independent Python
// transcription of the authors' reference C code (splitmix64.c and xoshiro256starstar.c from
// https://prng.di.unimi.it): seed the splitmix64 state with 1, take its first four outputs as
// the xoshiro256** state s[0..3], then call next() six times. The transcription was checked
// against splitmix64's known first output for seed 0, 0xe220a8397b1dcdaf. Rng gave the same six
// values. If this test fails, the generator changed: every pinned data set hash
// (docs/parity.md) and every seeded figure in the docs changes with it.
TEST_CASE("rng: first outputs for seed 1 are pinned", "[rng]") {
    const std::uint64_t expected[6] = {0xb3f2af6d0fc710c5ULL, 0x853b559647364ceaULL, 0x92f89756082a4514ULL,
                                       0x642e1c7bc266a3a7ULL, 0xb27a48e29a233673ULL, 0x24c123126ffda722ULL};
    Rng rng(1);
    for (std::uint64_t e : expected) CHECK(rng.next_u64() == e);
}

TEST_CASE("rng: uniform is the top 53 bits as a fraction", "[rng]") {
    // 0xb3f2af6d0fc710c5 >> 11 = 0x167e55eda1f8e2, times 2^-53 = 0.70292183315885048...
    Rng rng(1);
    CHECK(rng.uniform() == static_cast<double>(0xb3f2af6d0fc710c5ULL >> 11) * 0x1.0p-53);
    CHECK(rng.uniform() == static_cast<double>(0x853b559647364ceaULL >> 11) * 0x1.0p-53);
    Rng again(1);
    CHECK(again.uniform() == Approx(0.70292183315885048).epsilon(1e-15));
}

TEST_CASE("rng: first normals for seed 1 match Marsaglia's polar method by hand", "[rng]") {
    // The polar method on the first uniforms u1 = 0.70292..., u2 = 0.52043...:
    // u = 2u1-1, v = 2u2-1, s = u²+v², m = sqrt(-2 ln s / s); returns u·m, then v·m.
    // Python's math.log/sqrt gave 1.884396104787977, 0.18978089448693036, then from the next
    // pair 1.302090250702661, -1.9094343319583578 (our log may differ from libm in the last bit,
    // so these are compared to 1e-14 relative).
    Rng rng(1);
    CHECK(rng.normal() == Approx(1.884396104787977).epsilon(1e-14));
    CHECK(rng.normal() == Approx(0.18978089448693036).epsilon(1e-14));
    CHECK(rng.normal() == Approx(1.302090250702661).epsilon(1e-14));
    CHECK(rng.normal() == Approx(-1.9094343319583578).epsilon(1e-14));
}

TEST_CASE("rng: same seed gives the same bits, a different seed differs", "[rng]") {
    Rng a(42), b(42), c(43);
    int differ = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::uint64_t va = a.next_u64();
        CHECK(va == b.next_u64());
        differ += va != c.next_u64();
    }
    CHECK(differ == 1000);
    Rng d(7), e(7);
    for (int i = 0; i < 100; ++i) CHECK(d.normal() == e.normal());  // bit-identical, not approx
}

TEST_CASE("rng: uniform has mean 1/2 and variance 1/12", "[rng]") {
    // 1e5 draws: the sample mean has sd sqrt(1/12/1e5) = 9.1e-4; the sample variance has sd
    // about sqrt(1/180/1e5) = 2.4e-4. Tolerances are 5 sd.
    Rng rng(2024);
    const int n = 100000;
    double sum = 0, sum2 = 0, lo = 1, hi = 0;
    for (int i = 0; i < n; ++i) {
        const double u = rng.uniform();
        sum += u;
        sum2 += u * u;
        lo = std::min(lo, u);
        hi = std::max(hi, u);
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK(mean == Approx(0.5).margin(0.0046));
    CHECK(var == Approx(1.0 / 12.0).margin(0.0012));
    CHECK(lo >= 0.0);
    CHECK(hi < 1.0);
}

TEST_CASE("rng: uniform(lo, hi) stays in lo..hi, hi excluded", "[rng]") {
    Rng rng(3);
    for (int i = 0; i < 10000; ++i) {
        const double v = rng.uniform(-6.0, 6.0);
        REQUIRE(v >= -6.0);
        REQUIRE(v < 6.0);
    }
}

TEST_CASE("rng: normal has mean 0 and variance 1", "[rng]") {
    // 1e5 draws: sd of the mean 3.2e-3, sd of the variance sqrt(2/1e5) = 4.5e-3; 5 sd.
    Rng rng(2025);
    const int n = 100000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        const double z = rng.normal();
        sum += z;
        sum2 += z * z;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK(mean == Approx(0.0).margin(0.016));
    CHECK(var == Approx(1.0).margin(0.023));

    Rng shifted(2025);
    double s = 0;
    for (int i = 0; i < n; ++i) s += shifted.normal(3.0, 2.0);
    CHECK(s / n == Approx(3.0).margin(0.032));
}

TEST_CASE("rng: below(n) covers 0..n-1 evenly", "[rng]") {
    Rng rng(5);
    std::vector<int> count(10, 0);
    for (int i = 0; i < 100000; ++i) {
        const std::uint32_t k = rng.below(10);
        REQUIRE(k < 10);
        ++count[k];
    }
    // expected 10000 each, sd ~95
    for (int c : count) CHECK(c == Approx(10000).margin(500));
}

TEST_CASE("rng: shuffle is a permutation and depends on the seed", "[rng]") {
    std::vector<int> a(100), b(100), c(100);
    for (int i = 0; i < 100; ++i) a[i] = b[i] = c[i] = i;
    Rng r1(9), r2(9), r3(10);
    r1.shuffle(a);
    r2.shuffle(b);
    r3.shuffle(c);
    CHECK(a == b);
    CHECK(a != c);
    std::vector<int> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 100; ++i) CHECK(sorted[i] == i);
}
