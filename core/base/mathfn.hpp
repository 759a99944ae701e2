// mathfn.hpp: our own exp, log, sin, cos, tanh and sigmoid.
//
// Why not <cmath>? Two reasons.
//  1. Determinism across builds. The native build links glibc's libm and the WebAssembly build
//     links musl's; they may differ in the last bit. Datasets and initial weights must be
//     bit-identical natively and in the browser, so everything that feeds them uses these
//     functions, which are plain IEEE-754 double arithmetic (+ - * / and bit moves) and so give
//     the same bits on every conforming machine (compiled with -ffp-contract=off).
//  2. Speed. tanh dominates the time of small networks. These functions have no branches and
//     no calls, so the compiler can vectorize a loop over them.
//
// Accuracy (checked in tests/core/test_mathfn.cpp against <cmath>):
//   exp, log, sin, cos: relative error below 1e-15 on the ranges used here;
//   tanh, sigmoid: absolute error below 1e-15 (tanh near 0 loses relative, not absolute, accuracy).
//
// Method: range reduction plus a short polynomial, the textbook way
// (J.-M. Muller, "Elementary Functions: Algorithms and Implementation", 3rd ed., 2016, ch. 11).
#pragma once

#include <cstdint>
#include <cstring>

namespace bp::fn {

inline std::uint64_t bits_of(double x) { std::uint64_t u; std::memcpy(&u, &x, 8); return u; }
inline double double_of(std::uint64_t u) { double x; std::memcpy(&x, &u, 8); return x; }

// Round to the nearest integer without a libm call: adding 1.5·2^52 pushes the fraction out of
// the mantissa (valid for |x| < 2^51).
constexpr double kRoundMagic = 6755399441055744.0;  // 1.5 * 2^52

// exp(x) = 2^n · e^r,  n = round(x / ln 2),  r = x − n ln 2,  |r| ≤ ln2/2 ≈ 0.347.
// e^r by its Taylor series to degree 13: the remainder r^14/14! < 5e-18.
inline double exp(double x) {
    x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
    constexpr double kLog2e = 1.4426950408889634;
    constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2 split in two so n·ln2Hi is exact
    constexpr double kLn2Lo = 1.90821492927058770002e-10;
    const double t = x * kLog2e + kRoundMagic;
    const double n = t - kRoundMagic;
    const double r = (x - n * kLn2Hi) - n * kLn2Lo;
    // Horner form of sum r^k / k!, k = 0..13
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // 2^n built directly in the exponent field: n + 1023 is in [1, 2046] after the clamp.
    // n is read from t's low mantissa bits rather than converted with a cast: converting NaN to
    // an integer is undefined behaviour, bit moves are not (NaN in gives NaN out through p).
    const std::uint64_t ni = bits_of(t) - bits_of(kRoundMagic);
    return p * double_of((ni + 1023) << 52);
}

// log(x) for normal x > 0:  x = m · 2^e with m in [√½, √2),
// log m = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + …),  s = (m − 1)/(m + 1),  |s| ≤ 0.1716.
// Not for 0, negative, NaN or infinite x: the result is then meaningless (but defined).
inline double log(double x) {
    const std::uint64_t u = bits_of(x);
    std::int64_t e = static_cast<std::int64_t>((u >> 52) & 0x7ff) - 1023;
    double m = double_of((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // in [1, 2)
    if (m > 1.4142135623730951) { m *= 0.5; e += 1; }
    const double s = (m - 1.0) / (m + 1.0);
    const double s2 = s * s;
    double p = 1.0 / 23;
    p = p * s2 + 1.0 / 21;
    p = p * s2 + 1.0 / 19;
    p = p * s2 + 1.0 / 17;
    p = p * s2 + 1.0 / 15;
    p = p * s2 + 1.0 / 13;
    p = p * s2 + 1.0 / 11;
    p = p * s2 + 1.0 / 9;
    p = p * s2 + 1.0 / 7;
    p = p * s2 + 1.0 / 5;
    p = p * s2 + 1.0 / 3;
    p = p * s2 + 1.0;
    constexpr double kLn2 = 0.6931471805599453;
    return 2.0 * s * p + static_cast<double>(e) * kLn2;
}

namespace detail {
// Taylor polynomials on |r| ≤ π/4; remainders below 1e-17.
inline double sin_poly(double r) {
    const double r2 = r * r;
    double p = -1.0 / 1307674368000.0;          // -1/15!
    p = p * r2 + 1.0 / 6227020800.0;            //  1/13!
    p = p * r2 - 1.0 / 39916800.0;              // -1/11!
    p = p * r2 + 1.0 / 362880.0;                //  1/9!
    p = p * r2 - 1.0 / 5040.0;                  // -1/7!
    p = p * r2 + 1.0 / 120.0;                   //  1/5!
    p = p * r2 - 1.0 / 6.0;                     // -1/3!
    return r + r * r2 * p;
}
inline double cos_poly(double r) {
    const double r2 = r * r;
    double p = 1.0 / 20922789888000.0;          //  1/16!
    p = p * r2 - 1.0 / 87178291200.0;           // -1/14!
    p = p * r2 + 1.0 / 479001600.0;             //  1/12!
    p = p * r2 - 1.0 / 3628800.0;               // -1/10!
    p = p * r2 + 1.0 / 40320.0;                 //  1/8!
    p = p * r2 - 1.0 / 720.0;                   // -1/6!
    p = p * r2 + 1.0 / 24.0;                    //  1/4!
    p = p * r2 - 0.5;                           // -1/2!
    return 1.0 + r2 * p;
}
// x = k·π/2 + r; returns r and k mod 4. Accurate for |x| < 1e5 (three-part π/2).
inline double reduce_half_pi(double x, int& quadrant) {
    constexpr double k2OverPi = 0.63661977236758134308;
    constexpr double kPio2_1 = 1.57079632673412561417e+00;
    constexpr double kPio2_2 = 6.07710050650619224932e-11;
    constexpr double kPio2_3 = 2.02226624879595063154e-21;
    const double t = x * k2OverPi + kRoundMagic;
    const double k = t - kRoundMagic;
    quadrant = static_cast<int>((bits_of(t) - bits_of(kRoundMagic)) & 3);  // no cast of a NaN
    return ((x - k * kPio2_1) - k * kPio2_2) - k * kPio2_3;
}
}  // namespace detail

inline double sin(double x) {
    int q;
    const double r = detail::reduce_half_pi(x, q);
    switch (q) {
        case 0: return detail::sin_poly(r);
        case 1: return detail::cos_poly(r);
        case 2: return -detail::sin_poly(r);
        default: return -detail::cos_poly(r);
    }
}

inline double cos(double x) {
    int q;
    const double r = detail::reduce_half_pi(x, q);
    switch (q) {
        case 0: return detail::cos_poly(r);
        case 1: return -detail::sin_poly(r);
        case 2: return -detail::cos_poly(r);
        default: return detail::sin_poly(r);
    }
}

// tanh(x) = sign(x) · (1 − 2 / (e^{2|x|} + 1)). Saturates cleanly: exp is clamped, so
// |x| > 354 gives exactly ±1, never NaN.
inline double tanh(double x) {
    const double ax = x < 0 ? -x : x;
    const double t = 1.0 - 2.0 / (fn::exp(2.0 * ax) + 1.0);
    return x < 0 ? -t : t;
}

// σ(x) = 1 / (1 + e^{−x}); the exp clamp keeps it in [0, 1] with no overflow.
inline double sigmoid(double x) { return 1.0 / (1.0 + fn::exp(-x)); }

}  // namespace bp::fn
