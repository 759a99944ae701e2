// Tests of core/image_data.hpp: the BPIMG1 parser (a hand-made file, every error), the encoder,
// the seeded split, input noise and random shifts, and the real files that
// scripts/build-digits-data.mjs writes to web/data/ (skipped with a warning when absent).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/datasets.hpp"
#include "data/image_data.hpp"
#include "base/rng.hpp"
#include "test_util.hpp"

using namespace bp;
using bp::testing::fnv1a;
using bp::testing::require_throw;

namespace {

// A hand-made BPIMG1 file: 2 images of 2x3, pixel max 4.
//   header  'B' 'P' 'I' 'M' 'G' '1', M = 4, 0, N = 2 (02 00 00 00), R = 2 (02 00), C = 3 (03 00)
//   labels  7 0
//   image 0 0 1 2 / 3 4 0      -> 0, 0.25, 0.5 / 0.75, 1, 0
//   image 1 4 4 0 / 0 2 1      -> 1, 1, 0 / 0, 0.5, 0.25
std::vector<std::uint8_t> tiny_file() {
    return {'B', 'P', 'I', 'M', 'G', '1', 4, 0, 2, 0, 0, 0, 2, 0, 3, 0,
            7, 0,
            0, 1, 2, 3, 4, 0,
            4, 4, 0, 0, 2, 1};
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return {};
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// N images of 2x2 whose pixels say which image they are: pixel k of image i is (i·4 + k) / 4N,
// label i mod 10. Distinct images, so a split can be checked to be a partition.
ImageSet numbered_set(std::size_t n) {
    ImageSet s;
    s.rows = 2;
    s.cols = 2;
    s.pixels = zeros(n, 4);
    s.labels = zeros(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < 4; ++k) s.pixels(i, k) = static_cast<double>(i * 4 + k) / static_cast<double>(4 * n);
        s.labels(i, 0) = static_cast<double>(i % 10);
    }
    return s;
}

// The image index a row of numbered_set came from.
std::size_t image_id(const ImageSet& s, std::size_t row, std::size_t n) {
    return static_cast<std::size_t>(std::lround(s.pixels(row, 0) * static_cast<double>(4 * n))) / 4;
}

// The 4x4 image 1..16, row-major.
const std::vector<double> kFour = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

std::vector<double> shifted(int dy, int dx) {
    std::vector<double> out(16, -1.0);
    shift_image(kFour.data(), 4, 4, dy, dx, out.data());
    return out;
}

}  // namespace

// ---- the file ----------------------------------------------------------------------------------

TEST_CASE("image data: parse a hand-made BPIMG1 file", "[image_data]") {
    const ImageSet s = parse_image_set(tiny_file());
    CHECK(s.count() == 2);
    CHECK(s.rows == 2);
    CHECK(s.cols == 3);
    CHECK(s.classes == 10);
    CHECK(s.pixel_max == 4);
    REQUIRE(rows(s.pixels) == 2);
    REQUIRE(cols(s.pixels) == 6);
    CHECK(s.labels(0, 0) == 7);
    CHECK(s.labels(1, 0) == 0);
    const std::vector<double> want0 = {0, 0.25, 0.5, 0.75, 1, 0};   // 0/4 1/4 2/4 3/4 4/4 0/4
    const std::vector<double> want1 = {1, 1, 0, 0, 0.5, 0.25};      // 4/4 4/4 0 0 2/4 1/4
    for (std::size_t k = 0; k < 6; ++k) {
        CHECK(s.pixels(0, k) == want0[k]);
        CHECK(s.pixels(1, k) == want1[k]);
    }
}

TEST_CASE("image data: encode is the inverse of parse", "[image_data]") {
    const std::vector<std::uint8_t> f = tiny_file();
    const ImageSet s = parse_image_set(f);
    CHECK(encode_image_set(s, 4) == f);  // byte for byte
    // At M = 255 the pixels are stored as round(v·255): 0.25 -> 64 (63.75), 0.5 -> 128 (127.5
    // rounds up), 0.75 -> 191 (191.25); so they parse back as 64/255, 128/255, 191/255.
    const std::vector<std::uint8_t> g = encode_image_set(s, 255);
    CHECK(g.size() == 16 + 2 + 12);
    CHECK(g[6] == 255);
    CHECK(g[16 + 2 + 1] == 64);
    CHECK(g[16 + 2 + 2] == 128);
    CHECK(g[16 + 2 + 3] == 191);
    const ImageSet t = parse_image_set(g);
    CHECK(t.pixels(0, 1) == 64.0 / 255.0);
    CHECK(t.pixels(0, 4) == 1.0);
    CHECK(t.labels(0, 0) == 7);

    ImageSet bad = s;
    bad.pixels(1, 2) = 1.5;
    require_throw<std::out_of_range>([&] { encode_image_set(bad, 255); }, {"images: image 1, pixel 2", "1.5", "0..1"});
    bad = s;
    bad.labels(0, 0) = 10;
    require_throw<std::out_of_range>([&] { encode_image_set(bad, 255); }, {"label of image 0", "10", "0..9"});
    require_throw<std::out_of_range>([&] { encode_image_set(s, 256); }, {"pixel max", "256", "1..255"});
}

TEST_CASE("image data: every malformed file is refused, naming what is wrong", "[image_data]") {
    const std::vector<std::uint8_t> good = tiny_file();
    auto with = [&](std::size_t at, std::uint8_t v) {
        std::vector<std::uint8_t> f = good;
        f[at] = v;
        return f;
    };
    using IA = std::invalid_argument;
    using OR = std::out_of_range;
    require_throw<IA>([&] { parse_image_set(std::vector<std::uint8_t>(good.begin(), good.begin() + 10)); },
                     {"image file", "10 bytes", "16-byte header"});
    require_throw<IA>([&] { parse_image_set(with(5, '2')); }, {"image file", "magic 'BPIMG2'", "is not 'BPIMG1'"});
    require_throw<IA>([&] { parse_image_set(with(0, 0x1f)); }, {"magic '\\x1fPIMG1'"});
    require_throw<OR>([&] { parse_image_set(with(6, 0)); }, {"image file: pixel max: 0 is outside 1..255"});
    require_throw<IA>([&] { parse_image_set(with(7, 3)); }, {"image file: reserved byte 7 is 3, expected 0"});
    require_throw<OR>([&] { parse_image_set(with(8, 0)); }, {"image file: count: 0 is outside 1..70000"});
    require_throw<OR>([&] { parse_image_set(with(12, 0)); }, {"image file: rows: 0 is outside 1..64"});
    require_throw<OR>([&] { parse_image_set(with(14, 65)); }, {"image file: cols: 65 is outside 1..64"});
    {   // 70000 images of 64x64: each field allowed, the product not
        std::vector<std::uint8_t> f = good;
        f[8] = 0x70; f[9] = 0x11; f[10] = 0x01;  // 70000 = 0x011170
        f[12] = 64; f[14] = 64;
        require_throw<OR>([&] { parse_image_set(f); },
                         {"image file: 70000 images of 64x64", "286720000 pixels", "more than 54880000"});
    }
    {   // one pixel missing: 29 bytes where 16 + 2 + 2·2·3 = 30 are needed
        std::vector<std::uint8_t> f = good;
        f.pop_back();
        require_throw<IA>([&] { parse_image_set(f); },
                         {"image file: truncated: 29 bytes, expected 30", "16 header + 2 labels + 2·2·3 pixels"});
    }
    {   // the count says 3 images: the size no longer adds up (16 + 3 + 3·6 = 37)
        require_throw<IA>([&] { parse_image_set(with(8, 3)); },
                         {"truncated: 30 bytes, expected 37", "16 header + 3 labels + 3·2·3 pixels"});
    }
    {   // two bytes after the last image
        std::vector<std::uint8_t> f = good;
        f.push_back(0);
        f.push_back(0);
        require_throw<IA>([&] { parse_image_set(f); }, {"image file: 32 bytes, expected 30", "2 bytes too many"});
    }
    require_throw<OR>([&] { parse_image_set(with(17, 10)); }, {"image file: label of image 1: 10 is outside 0..9"});
    // pixel 4 of image 1 is at 16 + 2 + 6 + 4 = 28: row 1, col 1
    require_throw<OR>([&] { parse_image_set(with(28, 5)); },
                     {"image file: image 1, row 1, col 1: 5 is outside 0..4 (the file's pixel max)"});
    CHECK_NOTHROW(parse_image_set(with(28, 4)));  // the max itself is allowed
}

// ---- split -----------------------------------------------------------------------------------------

TEST_CASE("image data: the default test counts", "[image_data]") {
    CHECK(default_test_count(10000) == 2000);  // MNIST 10k: 8,000 / 2,000
    CHECK(default_test_count(1797) == 359);    // UCI: round(359.4) -> 1,438 / 359
    CHECK(default_test_count(7) == 1);         // round(1.4)
    CHECK(default_test_count(8) == 2);         // round(1.6)
    CHECK(default_test_count(2) == 1);         // round(0.4) = 0, kept at 1
    CHECK(default_test_count(1) == 0);         // cannot be split
}

TEST_CASE("image data: the split is a seeded partition", "[image_data]") {
    const std::size_t n = 10000;
    const ImageSet s = numbered_set(n);
    const ImageSplit a = split_image_set(s, 2000, 1);
    REQUIRE(a.train.count() == 8000);
    REQUIRE(a.test.count() == 2000);
    CHECK(a.train.rows == 2);
    CHECK(a.test.cols == 2);
    // every image exactly once, its label and pixels kept together
    std::vector<int> seen(n, 0);
    for (const ImageSet* part : {&a.train, &a.test})
        for (std::size_t i = 0; i < part->count(); ++i) {
            const std::size_t id = image_id(*part, i, n);
            REQUIRE(id < n);
            ++seen[id];
            CHECK(part->labels(i, 0) == static_cast<double>(id % 10));
            CHECK(part->pixels(i, 3) == static_cast<double>(id * 4 + 3) / static_cast<double>(4 * n));
        }
    for (int c : seen) REQUIRE(c == 1);
    // shuffled: the test set is not just the last 2,000
    std::size_t tail = 0;
    for (std::size_t i = 0; i < 2000; ++i) tail += image_id(a.test, i, n) >= 8000;
    CHECK(tail < 600);  // about 400 expected

    const ImageSplit b = split_image_set(s, 2000, 1);
    CHECK(fnv1a(a.train.pixels) == fnv1a(b.train.pixels));
    CHECK(fnv1a(a.test.labels) == fnv1a(b.test.labels));
    const ImageSplit c = split_image_set(s, 2000, 2);
    CHECK(fnv1a(a.test.pixels) != fnv1a(c.test.pixels));

    const Dataset d = to_dataset(a);
    CHECK(rows(d.x_train) == 8000);
    CHECK(cols(d.x_test) == 4);
    CHECK(d.classes == 10);
    CHECK(fnv1a(d.y_test) == fnv1a(a.test.labels));

    require_throw<std::out_of_range>([&] { split_image_set(s, 0, 1); }, {"split.testCount: 0 is outside 1..9999"});
    require_throw<std::out_of_range>([&] { split_image_set(s, n, 1); }, {"split.testCount: 10000 is outside 1..9999"});
    ImageSet bad = s;
    bad.cols = 3;
    require_throw<std::invalid_argument>([&] { split_image_set(bad, 1, 1); }, {"images", "4 columns", "rows·cols = 6"});
}

// ---- noise -----------------------------------------------------------------------------------------

TEST_CASE("image data: salt-and-pepper noise, its level and its seed", "[image_data]") {
    Mat x = zeros(100, 100);
    x.fill(0.5);
    const Mat clean = x;
    auto noisy = [&](double level, std::uint64_t seed) {
        Rng rng(seed);
        Mat out;
        add_input_noise(x, NoiseKind::SaltPepper, level, rng, out);
        return out;
    };
    const Mat lo = noisy(0.1, 3), hi = noisy(0.3, 3);
    CHECK(fnv1a(x) == fnv1a(clean));  // the input, the clean target, is untouched
    std::size_t hit_lo = 0, hit_hi = 0, salt = 0, subset_ok = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        const double l = lo.data()[k], h = hi.data()[k];
        REQUIRE((l == 0.5 || l == 0.0 || l == 1.0));
        hit_lo += l != 0.5;
        hit_hi += h != 0.5;
        salt += h == 1.0;
        subset_ok += l == 0.5 || l == h;  // hit at 0.1 => hit at 0.3, with the same value
    }
    // 10,000 pixels: a binomial count has sd sqrt(10000·p(1-p)) = 30 (p = 0.1), 46 (p = 0.3)
    CHECK(hit_lo > 850);
    CHECK(hit_lo < 1150);
    CHECK(hit_hi > 2800);
    CHECK(hit_hi < 3200);
    CHECK(salt > hit_hi / 2 - 150);
    CHECK(salt < hit_hi / 2 + 150);
    CHECK(subset_ok == x.size());
    CHECK(fnv1a(noisy(0.0, 3)) == fnv1a(clean));               // level 0: unchanged
    const Mat all = noisy(1.0, 3);
    for (double v : all) REQUIRE((v == 0.0 || v == 1.0));      // level 1: every pixel hit
    CHECK(fnv1a(noisy(0.3, 3)) == fnv1a(hi));                  // same seed, same noise
    CHECK(fnv1a(noisy(0.3, 4)) != fnv1a(hi));                  // another seed, other noise
    // in place gives the same as into another matrix
    Mat inplace = x;
    Rng rng(3);
    add_input_noise(inplace, NoiseKind::SaltPepper, 0.3, rng, inplace);
    CHECK(fnv1a(inplace) == fnv1a(hi));
}

TEST_CASE("image data: Gaussian noise, its level and its seed", "[image_data]") {
    Mat x = zeros(100, 100);
    x.fill(0.5);
    auto noisy = [&](double level, std::uint64_t seed) {
        Rng rng(seed);
        Mat out;
        add_input_noise(x, NoiseKind::Gaussian, level, rng, out);
        return out;
    };
    const Mat g = noisy(0.1, 9);
    double sum = 0, sq = 0;
    for (double v : g) {
        sum += v - 0.5;
        sq += (v - 0.5) * (v - 0.5);
    }
    const double mean = sum / 10000.0, sd = std::sqrt(sq / 10000.0 - mean * mean);
    // ±0.5 is 5 sd from the mean at level 0.1, so clamping is negligible: sd ≈ 0.1 (its
    // estimate from 10,000 samples has sd 0.1/sqrt(20000) ≈ 0.0007), mean ≈ 0 (sd 0.001)
    CHECK(std::fabs(mean) < 0.005);
    CHECK(sd > 0.097);
    CHECK(sd < 0.103);
    CHECK(fnv1a(noisy(0.0, 9)) == fnv1a(x));
    CHECK(fnv1a(noisy(0.1, 9)) == fnv1a(g));
    CHECK(fnv1a(noisy(0.1, 10)) != fnv1a(g));
    const Mat big = noisy(1.0, 9);  // sd 1: clamped to [0, 1], both ends reached
    std::size_t zeros_ = 0, ones = 0;
    for (double v : big) {
        REQUIRE(v >= 0.0);
        REQUIRE(v <= 1.0);
        zeros_ += v == 0.0;
        ones += v == 1.0;
    }
    CHECK(zeros_ > 2500);  // P(N(0,1) < -0.5) = 0.31
    CHECK(ones > 2500);
}

TEST_CASE("image data: noise settings are checked", "[image_data]") {
    const Mat x = zeros(2, 4);
    Mat out;
    Rng rng(1);
    require_throw<std::out_of_range>([&] { add_input_noise(x, NoiseKind::Gaussian, 1.5, rng, out); },
                                    {"noise.level: 1.5 is outside 0..1"});
    require_throw<std::invalid_argument>([&] { add_input_noise(x, NoiseKind::SaltPepper, std::nan(""), rng, out); },
                                        {"noise.level: must be a finite number"});
    CHECK(noise_kind_from_name("saltpepper") == NoiseKind::SaltPepper);
    CHECK(noise_kind_from_name("gaussian") == NoiseKind::Gaussian);
    CHECK(std::string(noise_kind_name(NoiseKind::Gaussian)) == "gaussian");
    require_throw<std::invalid_argument>([&] { noise_kind_from_name("speckle"); },
                                        {"noise.kind: 'speckle' is not a noise kind; allowed: saltpepper gaussian"});
}

// ---- shifts ----------------------------------------------------------------------------------------

TEST_CASE("image data: shifting a 4x4 image, by hand", "[image_data]") {
    //  in:  1  2  3  4
    //       5  6  7  8
    //       9 10 11 12
    //      13 14 15 16
    // down 1, left 2: out[r][c] = in[r-1][c+2]; row 0 and the last two columns are zero fill
    CHECK(shifted(1, -2) == std::vector<double>{0, 0, 0, 0,
                                                3, 4, 0, 0,
                                                7, 8, 0, 0,
                                                11, 12, 0, 0});
    // up 2, right 1: out[r][c] = in[r+2][c-1]
    CHECK(shifted(-2, 1) == std::vector<double>{0, 9, 10, 11,
                                                0, 13, 14, 15,
                                                0, 0, 0, 0,
                                                0, 0, 0, 0});
    CHECK(shifted(0, 0) == kFour);
    CHECK(shifted(4, 0) == std::vector<double>(16, 0.0));  // moved out entirely
    CHECK(shifted(0, -4) == std::vector<double>(16, 0.0));
}

TEST_CASE("image data: random shifts per batch, within the range, seeded", "[image_data]") {
    const std::size_t n = 2500;
    Mat x = zeros(n, 16);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < 16; ++k) x(i, k) = kFour[k];
    Mat out;
    Rng rng(5);
    random_shifts(x, 4, 4, 2, rng, out);
    REQUIRE(rows(out) == n);
    REQUIRE(cols(out) == 16);
    // every output is the image shifted by some (dy, dx) in -2..2 (the 25 shifts of 1..16 are
    // all different), and each of the 25 occurs about 2500/25 = 100 times (sd 9.8)
    std::vector<int> count(25, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const std::vector<double> row(&out(i, 0), &out(i, 0) + 16);
        int which = -1;
        for (int dy = -2; dy <= 2; ++dy)
            for (int dx = -2; dx <= 2; ++dx)
                if (row == shifted(dy, dx)) which = (dy + 2) * 5 + (dx + 2);
        REQUIRE(which >= 0);
        ++count[which];
    }
    for (int c : count) {
        CHECK(c > 60);
        CHECK(c < 140);
    }
    // the same seed shifts the same way; another seed differently
    Mat again, other;
    Rng r1(5), r2(6);
    random_shifts(x, 4, 4, 2, r1, again);
    random_shifts(x, 4, 4, 2, r2, other);
    CHECK(fnv1a(again) == fnv1a(out));
    CHECK(fnv1a(other) != fnv1a(out));
    // max shift 0: unchanged
    Mat same;
    Rng r3(5);
    random_shifts(x, 4, 4, 0, r3, same);
    CHECK(fnv1a(same) == fnv1a(x));

    require_throw<std::out_of_range>([&] { random_shifts(x, 4, 4, 4, rng, out); }, {"augment.shift: 4 is outside 0..3"});
    require_throw<std::invalid_argument>([&] { random_shifts(x, 3, 4, 1, rng, out); },
                                        {"augment", "16 columns", "rows·cols = 12", "3x4"});
    require_throw<std::invalid_argument>([&] { random_shifts(x, 4, 4, 1, rng, x); }, {"augment: out must not be the input"});
}

// ---- the real files (built by scripts/build-digits-data.mjs) ---------------------------------------

#ifdef BP_SOURCE_DIR
TEST_CASE("image data: web/data/mnist-10k.bpimg, class balance and the default split", "[image_data]") {
    const std::vector<std::uint8_t> bytes = read_bytes(std::string(BP_SOURCE_DIR) + "/web/data/mnist-10k.bpimg");
    if (bytes.empty()) {
        WARN("web/data/mnist-10k.bpimg not found (scripts/build.sh makes it): skipped");
        return;
    }
    CHECK(bytes.size() == 7850016u);  // 16 + 10000 + 10000·784
    const ImageSet s = parse_image_set(bytes);
    REQUIRE(s.count() == 10000);
    CHECK(s.rows == 28);
    CHECK(s.cols == 28);
    CHECK(s.pixel_max == 255);
    // class counts of the mnist package (the lengths of its digits/0..9.json divided by 784)
    const std::vector<int> want = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
    std::vector<int> all(10, 0);
    for (double l : s.labels) ++all[static_cast<int>(l)];
    CHECK(all == want);
    double sum = 0;
    for (double v : s.pixels) sum += v;
    const double mean = sum / static_cast<double>(s.pixels.size());
    CHECK(mean > 0.12);  // MNIST's mean intensity is 0.1307 (training set)
    CHECK(mean < 0.14);

    const ImageSplit split = split_image_set(s, default_test_count(s.count()), 1);
    REQUIRE(split.train.count() == 8000);
    REQUIRE(split.test.count() == 2000);
    std::vector<int> test(10, 0);
    for (double l : split.test.labels) ++test[static_cast<int>(l)];
    std::string report = "MNIST 10k, class: all / test (seed 1)";
    for (int c = 0; c < 10; ++c) {
        report += "\n  " + std::to_string(c) + ": " + std::to_string(all[c]) + " / " + std::to_string(test[c]);
        // hypergeometric: expected all/5 (about 200), sd about 12.6; 5 sd either side
        CHECK(test[c] > all[c] / 5 - 64);
        CHECK(test[c] < all[c] / 5 + 64);
    }
    char hex[40];
    std::snprintf(hex, sizeof hex, "0x%016llx", static_cast<unsigned long long>(fnv1a(split.test.labels)));
    report += std::string("\n  test labels FNV-1a: ") + hex;
    WARN(report);  // the class balance report
    // Pinned hashes (docs/parity.md's FNV-1a over the doubles). The same values came out of this
    // code compiled with em++ -O3 -msimd128 and run in Node (a throwaway probe program, before a
    // binding existed): the parse, split, noise and shifts are bit-identical in wasm.
    CHECK(fnv1a(s.pixels) == 0x95509d7a47b89c77ULL);
    CHECK(fnv1a(split.train.pixels) == 0xc7a8288eed7aabedULL);
    CHECK(fnv1a(split.test.labels) == 0x54b88eb6bcb8b9a3ULL);
    Rng rng(42);
    Mat noisy, moved;
    add_input_noise(split.test.pixels, NoiseKind::Gaussian, 0.3, rng, noisy);
    CHECK(fnv1a(noisy) == 0x1444db82dd7c0f52ULL);
    add_input_noise(split.test.pixels, NoiseKind::SaltPepper, 0.25, rng, noisy);  // same rng, continued
    CHECK(fnv1a(noisy) == 0x1086fa849940be44ULL);
    random_shifts(split.test.pixels, 28, 28, 2, rng, moved);                       // continued
    CHECK(fnv1a(moved) == 0x3a04aa7fd3ce154dULL);
}

TEST_CASE("image data: web/data/optdigits-8x8.bpimg holds exactly the CSV's digits", "[image_data]") {
    const std::vector<std::uint8_t> bytes = read_bytes(std::string(BP_SOURCE_DIR) + "/web/data/optdigits-8x8.bpimg");
    if (bytes.empty()) {
        WARN("web/data/optdigits-8x8.bpimg not found (scripts/build.sh makes it): skipped");
        return;
    }
    const ImageSet s = parse_image_set(bytes);
    REQUIRE(s.count() == 1797);
    CHECK(s.rows == 8);
    CHECK(s.cols == 8);
    CHECK(s.pixel_max == 16);
    std::vector<int> all(10, 0);
    for (double l : s.labels) ++all[static_cast<int>(l)];
    CHECK(all == std::vector<int>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180});  // data/README.md
    // An independent reference: the CSV parser of datasets.hpp over the shipped .csv.gz. Same
    // images, same pixel values p/16, in the same (file) order before any shuffle.
    const std::string text = bp::testing::shipped_digits_csv();
    if (text.empty()) {
        WARN("gzip not available: CSV comparison skipped");
        return;
    }
    // load_digits_csv shuffles; compare as multisets of (label, pixels) rows
    const Dataset d = load_digits_csv(text, 0.5, 1);
    std::multiset<std::vector<double>> from_csv, from_bin;
    for (const auto* xy : {&d.x_train, &d.x_test}) {
        const Mat& y = xy == &d.x_train ? d.y_train : d.y_test;
        for (std::size_t i = 0; i < rows(*xy); ++i) {
            std::vector<double> r = {y(i, 0)};
            r.insert(r.end(), &(*xy)(i, 0), &(*xy)(i, 0) + 64);
            from_csv.insert(r);
        }
    }
    for (std::size_t i = 0; i < s.count(); ++i) {
        std::vector<double> r = {s.labels(i, 0)};
        r.insert(r.end(), &s.pixels(i, 0), &s.pixels(i, 0) + 64);
        from_bin.insert(r);
    }
    CHECK(from_csv == from_bin);
    const ImageSplit split = split_image_set(s, default_test_count(s.count()), 1);
    CHECK(split.train.count() == 1438);
    CHECK(split.test.count() == 359);
    CHECK(fnv1a(split.test.labels) == 0x4bd584eb784d7b18ULL);  // pinned for the wasm build
}
#endif
