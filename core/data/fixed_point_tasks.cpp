// fixed_point_tasks.cpp: see fixed_point_tasks.hpp.
#include "data/fixed_point_tasks.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "base/limits.hpp"
#include "base/validate.hpp"

namespace bp {

FixedPointData fixed_point_xor() {
    FixedPointData d;
    d.inputs = zeros(4, 2);
    d.targets = zeros(4, 1);
    const double in[4][2] = {{-1, -1}, {-1, 1}, {1, -1}, {1, 1}};
    for (std::size_t p = 0; p < 4; ++p) {
        d.inputs(p, 0) = in[p][0];
        d.inputs(p, 1) = in[p][1];
        d.targets(p, 0) = in[p][0] != in[p][1] ? 0.9 : -0.9;
    }
    return d;
}

namespace {
// 5×5 letters, '#' ink, '.' background, rows top to bottom.
struct Glyph { char letter; const char* rows; };
constexpr Glyph kFont[] = {
    {'A', ".###." "#...#" "#####" "#...#" "#...#"},
    {'C', ".####" "#...." "#...." "#...." ".####"},
    {'E', "#####" "#...." "####." "#...." "#####"},
    {'H', "#...#" "#...#" "#####" "#...#" "#...#"},
    {'L', "#...." "#...." "#...." "#...." "#####"},
    {'O', ".###." "#...#" "#...#" "#...#" ".###."},
    {'T', "#####" "..#.." "..#.." "..#.." "..#.."},
    {'X', "#...#" ".#.#." "..#.." ".#.#." "#...#"},
};
}  // namespace

const char* letter_font() { return "ACEHLOTX"; }

Mat letter_patterns(const std::string& letters) {
    check_count("letters (count)", letters.size(), 1, sizeof(kFont) / sizeof(kFont[0]));
    Mat out = zeros(letters.size(), kLetterPixels);
    for (std::size_t p = 0; p < letters.size(); ++p) {
        const Glyph* g = nullptr;
        for (const Glyph& candidate : kFont)
            if (candidate.letter == letters[p]) g = &candidate;
        if (!g)
            fail_arg(std::string("letters: '") + letters[p] + "' is not in the font; allowed: " + letter_font());
        for (std::size_t i = 0; i < kLetterPixels; ++i) out(p, i) = g->rows[i] == '#' ? 1.0 : -1.0;
    }
    return out;
}

FixedPointData pattern_completion_data(const Mat& patterns, std::size_t copies, std::size_t damage,
                                       bool erase, std::size_t units, Rng& rng) {
    const std::size_t L = rows(patterns);
    check_count("completion: patterns", L, 1, limits::kMaxPoints);
    if (cols(patterns) != kLetterPixels)
        fail_arg("completion: patterns: " + std::to_string(cols(patterns)) + " columns, not " +
                 std::to_string(kLetterPixels) + " (one 5×5 letter per row)");
    check_count("completion: copies", copies, 1, limits::kMaxPoints / L);
    check_count("completion: damage", damage, 0, kLetterPixels);
    check_count("completion: units", units, kLetterPixels, limits::kMaxRecurrentHidden);
    FixedPointData d;
    d.inputs = zeros(L * copies, kLetterPixels);
    d.targets = zeros(L * copies, kLetterPixels);
    d.initial = zeros(L * copies, units);
    std::size_t order[kLetterPixels];
    for (std::size_t p = 0; p < L; ++p) {
        for (std::size_t k = 0; k < copies; ++k) {
            const std::size_t row = p * copies + k;
            for (std::size_t i = 0; i < kLetterPixels; ++i) {
                d.inputs(row, i) = patterns(p, i);
                d.targets(row, i) = 0.9 * patterns(p, i);
                order[i] = i;
            }
            // `damage` distinct pixels: the first picks of a Fisher-Yates shuffle
            for (std::size_t i = 0; i < damage; ++i) {
                const std::size_t j = i + rng.below(static_cast<std::uint32_t>(kLetterPixels - i));
                std::swap(order[i], order[j]);
                d.inputs(row, order[i]) = erase ? 0.0 : -patterns(p, order[i]);
            }
            for (std::size_t i = 0; i < kLetterPixels; ++i) d.initial(row, i) = d.inputs(row, i);
        }
    }
    return d;
}

}  // namespace bp
