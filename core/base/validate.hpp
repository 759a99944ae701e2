// validate.hpp: the checks every entry point of the core makes, and the one wording of their
// messages: "field: 40 is outside 1..32" (std::out_of_range, a JS RangeError) for a value out
// of its range, "field: must be a finite number" (std::invalid_argument) for NaN or infinity.
// The field's name is built only when a check fails, so validating allocates nothing.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace bp {

// A number as it reads best in a message: 2, 0.25, 1e+30, nan. A whole number up to 2^53 (every
// integer a double holds exactly) is written out in full: 4294967296, not 4.29497e+09.
inline std::string format_number(double v) {
    char buf[40];
    if (v >= -9007199254740992.0 && v <= 9007199254740992.0 && v == std::floor(v))  // false for NaN
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    else
        std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

[[noreturn]] inline void fail_range(const std::string& msg) { throw std::out_of_range(msg); }
[[noreturn]] inline void fail_arg(const std::string& msg) { throw std::invalid_argument(msg); }

[[noreturn]] inline void fail_outside(const std::string& field, std::size_t v, std::size_t lo, std::size_t hi,
                                      const char* suffix = "") {
    fail_range(field + ": " + std::to_string(v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi) +
               suffix);
}
[[noreturn]] inline void fail_outside(const std::string& field, double v, double lo, double hi) {
    fail_range(field + ": " + format_number(v) + " is outside " + format_number(lo) + ".." + format_number(hi));
}

// `Field` is anything a std::string can be made from (a literal, a string).
template <class Field>
void check_count(const Field& field, std::size_t v, std::size_t lo, std::size_t hi, const char* suffix = "") {
    if (v < lo || v > hi) fail_outside(std::string(field), v, lo, hi, suffix);
}

template <class Field>
void check_finite(const Field& field, double v) {
    if (!(v - v == 0.0)) fail_arg(std::string(field) + ": must be a finite number");  // NaN or ±inf
}

// finite, and in [lo, hi]
template <class Field>
void check_range(const Field& field, double v, double lo, double hi) {
    check_finite(field, v);
    if (v < lo || v > hi) fail_outside(std::string(field), v, lo, hi);
}

// finite, and in an interval written the way mathematics writes it: "momentum: 1.5 is outside
// [0, 1)". lo_open / hi_open exclude the end; hi ≥ 1e300 means no upper end ("[0, inf)").
template <class Field>
void check_interval(const Field& field, double v, double lo, bool lo_open, double hi, bool hi_open) {
    check_finite(field, v);
    const bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (!ok) {
        const std::string upper = hi >= 1e300 ? std::string("inf)") : format_number(hi) + (hi_open ? ")" : "]");
        fail_range(std::string(field) + ": " + format_number(v) + " is outside " + (lo_open ? "(" : "[") +
                   format_number(lo) + ", " + upper);
    }
}

// A count with its unit, in [lo, hi]: "hidden[2]: 200 neurons is outside 1..128".
template <class Field>
void check_count_of(const Field& field, std::size_t v, std::size_t lo, std::size_t hi, const char* unit) {
    if (v < lo || v > hi)
        fail_range(std::string(field) + ": " + std::to_string(v) + unit + " is outside " + std::to_string(lo) + ".." +
                   std::to_string(hi));
}

// An index given as a number from outside (JS, a file): an integer in [0, size), returned as
// such, or std::out_of_range naming it. Taking a double is the point: Embind turns Infinity,
// 2**32 and 1.5 into some int without a word, so bindings take the double and check it here.
template <class Field>
std::size_t check_index(const Field& field, double v, std::size_t size) {
    if (!(v >= 0.0 && v < static_cast<double>(size) && v == static_cast<double>(static_cast<std::size_t>(v)))) {
        if (size == 0) fail_range(std::string(field) + ": " + format_number(v) + " is not an index (there are none)");
        fail_range(std::string(field) + ": " + format_number(v) + " is not an integer in 0.." +
                   std::to_string(size - 1));
    }
    return static_cast<std::size_t>(v);
}

}  // namespace bp
