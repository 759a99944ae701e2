// fixed_point_tasks.hpp: the pattern sets the fixed-point (Almeida-Pineda) networks learn: XOR
// and the completion of damaged 5×5 letters. Data only; the networks are recurrent/fixed_point.
#pragma once

#include <cstddef>
#include <string>

#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

// A set of patterns: row p of each matrix is pattern p.
struct FixedPointData {
    Mat inputs;   // (P,m)
    Mat targets;  // (P,K), K = the number of output units, in config.outputs order
    Mat initial;  // (P,n) start states, or empty (0 rows): start from zeros
};

// XOR: inputs (4,2) of ±1, targets (4,1): +0.9 when the inputs differ, −0.9 when they agree
// (tanh units cannot reach ±1). Use with outputs = {one unit}, inputs = 2.
FixedPointData fixed_point_xor();

// 5×5 binary letters from a built-in font of A C E H L O T X: one row of 25 values per letter,
// +1 for ink and −1 for background, pixel (r, c) at column 5r + c. Throws std::invalid_argument
// for a letter outside the font.
constexpr std::size_t kLetterPixels = 25;
Mat letter_patterns(const std::string& letters);
const char* letter_font();  // "ACEHLOTX"

// Pattern completion data: for each pattern (row of `patterns`, ±1 values) `copies` cues, each
// a copy with `damage` distinct pixels chosen at random and either flipped (erase = false) or
// set to 0 (erase = true: unknown). inputs = the cue (P·copies, 25); initial = the cue on units
// 0..24 and 0 on the `units − 25` hidden units; targets = 0.9 · the clean pattern. Use with
// outputs = {0, ..., 24}, inputs = 25.
FixedPointData pattern_completion_data(const Mat& patterns, std::size_t copies, std::size_t damage,
                                       bool erase, std::size_t units, Rng& rng);

}  // namespace bp
