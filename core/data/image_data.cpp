// image_data.cpp: the BPIMG1 parser and encoder, the seeded split, input noise and random
// shifts declared in image_data.hpp.
#include "data/image_data.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "base/validate.hpp"

namespace bp {

namespace {

constexpr char kMagic[6] = {'B', 'P', 'I', 'M', 'G', '1'};

std::uint32_t read_u32le(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t read_u16le(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

// The first bytes of a file as text: printable ASCII as is, the rest as \xNN.
std::string quote_bytes(const std::uint8_t* p, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'' && p[i] != '\\') {
            s += static_cast<char>(p[i]);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", p[i]);
            s += buf;
        }
    }
    return s;
}

// "16 header + 1797 labels + 1797·8·8 pixels": how the expected size is made up.
std::string size_breakdown(std::size_t n, std::size_t r, std::size_t c) {
    return "16 header + " + std::to_string(n) + " labels + " + std::to_string(n) + "·" + std::to_string(r) + "·" +
           std::to_string(c) + " pixels";
}

// An ImageSet's shapes agree with each other: pixels (N, R·C), labels (N, 1), N >= 1.
void check_image_set(const ImageSet& s, const char* what) {
    const std::string w = what;
    if (s.rows == 0 || s.cols == 0) fail_arg(w + ": rows and cols must be at least 1");
    if (cols(s.pixels) != s.rows * s.cols)
        fail_arg(w + ": pixels have " + std::to_string(cols(s.pixels)) + " columns, expected rows·cols = " +
                 std::to_string(s.rows * s.cols));
    if (bp::rows(s.labels) != bp::rows(s.pixels) || cols(s.labels) != 1)
        fail_arg(w + ": labels are (" + std::to_string(bp::rows(s.labels)) + "," + std::to_string(cols(s.labels)) +
                 "), expected (" + std::to_string(bp::rows(s.pixels)) + ",1), one per image");
    if (s.count() == 0) fail_range(w + ": no images");
}

// The images at `idx[begin..end)` of `s`, in that order.
ImageSet take(const ImageSet& s, const std::vector<std::size_t>& idx, std::size_t begin, std::size_t end) {
    ImageSet out;
    out.rows = s.rows;
    out.cols = s.cols;
    out.classes = s.classes;
    out.pixel_max = s.pixel_max;
    const std::size_t d = s.rows * s.cols;
    out.pixels = zeros(end - begin, d);
    out.labels = zeros(end - begin, 1);
    for (std::size_t i = begin; i < end; ++i) {
        const double* src = &s.pixels(idx[i], 0);
        std::copy(src, src + d, &out.pixels(i - begin, 0));
        out.labels(i - begin, 0) = s.labels(idx[i], 0);
    }
    return out;
}

}  // namespace

// ---- file ----------------------------------------------------------------------------------------

ImageSet parse_image_set(const std::uint8_t* p, std::size_t size) {
    if (size < kImageHeaderBytes)
        fail_arg("image file: " + std::to_string(size) + " bytes, shorter than the 16-byte header");
    if (std::memcmp(p, kMagic, sizeof kMagic) != 0)
        fail_arg("image file: magic '" + quote_bytes(p, 6) + "' is not 'BPIMG1' (not an image file of this format)");
    const std::size_t pixel_max = p[6];
    check_count("image file: pixel max", pixel_max, 1, 255);
    if (p[7] != 0) fail_arg("image file: reserved byte 7 is " + std::to_string(p[7]) + ", expected 0");
    const std::size_t n = read_u32le(p + 8);
    const std::size_t r = read_u16le(p + 12);
    const std::size_t c = read_u16le(p + 14);
    check_count("image file: count", n, 1, kMaxImages);
    check_count("image file: rows", r, 1, kMaxImageSide);
    check_count("image file: cols", c, 1, kMaxImageSide);
    const std::size_t d = r * c;
    if (n * d > kMaxImagePixels)
        fail_range("image file: " + std::to_string(n) + " images of " + std::to_string(r) + "x" + std::to_string(c) +
                   " are " + std::to_string(n * d) + " pixels, more than " + std::to_string(kMaxImagePixels) +
                   " (the limit)");
    const std::size_t expected = kImageHeaderBytes + n + n * d;
    if (size < expected)
        fail_arg("image file: truncated: " + std::to_string(size) + " bytes, expected " + std::to_string(expected) +
                 " (" + size_breakdown(n, r, c) + ")");
    if (size > expected)
        fail_arg("image file: " + std::to_string(size) + " bytes, expected " + std::to_string(expected) + " (" +
                 size_breakdown(n, r, c) + "): " + std::to_string(size - expected) + " bytes too many");

    ImageSet s;
    s.rows = r;
    s.cols = c;
    s.pixel_max = pixel_max;
    s.labels = zeros(n, 1);
    s.pixels = zeros(n, d);
    const std::uint8_t* labels = p + kImageHeaderBytes;
    const std::uint8_t* pixels = labels + n;
    for (std::size_t i = 0; i < n; ++i) {
        if (labels[i] >= kImageClasses)
            fail_outside("image file: label of image " + std::to_string(i), std::size_t{labels[i]}, 0, kImageClasses - 1);
        s.labels(i, 0) = labels[i];
    }
    const double m = static_cast<double>(pixel_max);
    double* out = s.pixels.data();
    for (std::size_t k = 0; k < n * d; ++k) {
        if (pixels[k] > pixel_max) {
            const std::size_t i = k / d, rc = k % d;
            fail_outside("image file: image " + std::to_string(i) + ", row " + std::to_string(rc / c) + ", col " +
                             std::to_string(rc % c),
                         std::size_t{pixels[k]}, 0, pixel_max, " (the file's pixel max)");
        }
        out[k] = static_cast<double>(pixels[k]) / m;  // one correctly rounded division
    }
    return s;
}

ImageSet parse_image_set(const std::vector<std::uint8_t>& bytes) { return parse_image_set(bytes.data(), bytes.size()); }

std::vector<std::uint8_t> encode_image_set(const ImageSet& s, std::size_t pixel_max) {
    check_image_set(s, "images");
    check_count("pixel max", pixel_max, 1, 255);
    const std::size_t n = s.count(), d = s.rows * s.cols;
    check_count("images: count", n, 1, kMaxImages);
    check_count("images: rows", s.rows, 1, kMaxImageSide);
    check_count("images: cols", s.cols, 1, kMaxImageSide);
    std::vector<std::uint8_t> f(kImageHeaderBytes + n + n * d);
    std::memcpy(f.data(), kMagic, sizeof kMagic);
    f[6] = static_cast<std::uint8_t>(pixel_max);
    f[7] = 0;
    for (int b = 0; b < 4; ++b) f[8 + b] = static_cast<std::uint8_t>(n >> (8 * b));
    for (int b = 0; b < 2; ++b) f[12 + b] = static_cast<std::uint8_t>(s.rows >> (8 * b));
    for (int b = 0; b < 2; ++b) f[14 + b] = static_cast<std::uint8_t>(s.cols >> (8 * b));
    for (std::size_t i = 0; i < n; ++i) {
        const double l = s.labels(i, 0);
        if (!(l >= 0.0 && l <= 9.0 && l == static_cast<double>(static_cast<int>(l))))
            fail_range("images: label of image " + std::to_string(i) + ": " + format_number(l) +
                       " is not a digit 0..9");
        f[kImageHeaderBytes + i] = static_cast<std::uint8_t>(l);
    }
    const double m = static_cast<double>(pixel_max);
    const double* px = s.pixels.data();
    for (std::size_t k = 0; k < n * d; ++k) {
        const double v = px[k];
        if (!(v >= 0.0 && v <= 1.0))
            fail_range("images: image " + std::to_string(k / d) + ", pixel " + std::to_string(k % d) + ": " +
                       format_number(v) + " is outside 0..1");
        f[kImageHeaderBytes + n + k] = static_cast<std::uint8_t>(v * m + 0.5);  // floor, v*m+0.5 >= 0
    }
    return f;
}

// ---- split ----------------------------------------------------------------------------------------

std::size_t default_test_count(std::size_t n) {
    if (n < 2) return 0;                 // nothing to split
    const std::size_t t = (2 * n + 5) / 10;  // floor(n/5 + 1/2); n/5 is never exactly x.5
    return t < 1 ? 1 : (t > n - 1 ? n - 1 : t);
}

ImageSplit split_image_set(const ImageSet& s, std::size_t test_count, std::uint64_t seed) {
    check_image_set(s, "images");
    const std::size_t n = s.count();
    if (n < 2) fail_range("images: 1 image cannot be split; at least 2 are needed");
    check_count("split.testCount", test_count, 1, n - 1);
    std::vector<std::size_t> idx(n);
    for (std::size_t i = 0; i < n; ++i) idx[i] = i;
    Rng rng(seed);
    rng.shuffle(idx);
    ImageSplit out;
    out.train = take(s, idx, 0, n - test_count);
    out.test = take(s, idx, n - test_count, n);
    return out;
}

Dataset to_dataset(const ImageSplit& split) {
    Dataset d;
    d.x_train = split.train.pixels;
    d.y_train = split.train.labels;
    d.x_test = split.test.pixels;
    d.y_test = split.test.labels;
    d.classes = split.train.classes;
    return d;
}

// ---- noise ----------------------------------------------------------------------------------------

const char* noise_kind_name(NoiseKind kind) {
    switch (kind) {
        case NoiseKind::SaltPepper: return "saltpepper";
        case NoiseKind::Gaussian: return "gaussian";
    }
    fail_arg("noise.kind: " + std::to_string(static_cast<int>(kind)) + " is not a noise kind");
}

NoiseKind noise_kind_from_name(const std::string& name) {
    if (name == "saltpepper") return NoiseKind::SaltPepper;
    if (name == "gaussian") return NoiseKind::Gaussian;
    fail_arg("noise.kind: '" + name + "' is not a noise kind; allowed: saltpepper gaussian");
}

void add_input_noise(const Mat& x, NoiseKind kind, double level, Rng& rng, Mat& out) {
    noise_kind_name(kind);  // throws for a kind outside the enum
    check_range("noise.level", level, 0.0, 1.0);
    const std::size_t n = bp::rows(x), d = cols(x);
    ensure_shape(out, n, d);  // a no-op when out is x
    const double* in = x.data();
    double* o = out.data();
    if (kind == NoiseKind::SaltPepper) {
        for (std::size_t k = 0; k < n * d; ++k) {
            const std::uint64_t u = rng.next_u64();
            const double hit = static_cast<double>(u >> 11) * 0x1.0p-53;  // as Rng::uniform
            o[k] = hit < level ? static_cast<double>(u & 1u) : in[k];
        }
    } else {
        for (std::size_t k = 0; k < n * d; ++k) {
            const double v = in[k] + level * rng.normal();
            o[k] = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
        }
    }
}

// ---- shifts ---------------------------------------------------------------------------------------

void shift_image(const double* in, std::size_t rows, std::size_t cols, int dy, int dx, double* out) {
    const long R = static_cast<long>(rows), C = static_cast<long>(cols);
    for (long r = 0; r < R; ++r) {
        const long sr = r - dy;  // source row
        for (long c = 0; c < C; ++c) {
            const long sc = c - dx;
            out[r * C + c] = (sr >= 0 && sr < R && sc >= 0 && sc < C) ? in[sr * C + sc] : 0.0;
        }
    }
}

void random_shifts(const Mat& x, std::size_t rows, std::size_t cols, std::size_t max_shift, Rng& rng, Mat& out) {
    if (rows == 0 || cols == 0) fail_arg("augment: rows and cols must be at least 1");
    if (bp::cols(x) != rows * cols)
        fail_arg("augment: images have " + std::to_string(bp::cols(x)) + " columns, expected rows·cols = " +
                 std::to_string(rows * cols) + " (" + std::to_string(rows) + "x" + std::to_string(cols) + ")");
    check_count("augment.shift", max_shift, 0, (rows < cols ? rows : cols) - 1);
    if (&out == &x) fail_arg("augment: out must not be the input (shifting reads other pixels)");
    const std::size_t n = bp::rows(x), d = rows * cols;
    ensure_shape(out, n, d);
    const std::uint32_t span = static_cast<std::uint32_t>(2 * max_shift + 1);
    const int s = static_cast<int>(max_shift);
    for (std::size_t i = 0; i < n; ++i) {
        const int dy = static_cast<int>(rng.below(span)) - s;
        const int dx = static_cast<int>(rng.below(span)) - s;
        shift_image(x.data() + i * d, rows, cols, dy, dx, out.data() + i * d);
    }
}

}  // namespace bp
