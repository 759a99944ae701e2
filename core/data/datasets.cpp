// datasets.cpp: the generators, feature maps, target encodings, digits parser and sequence
// tasks declared in datasets.hpp. Each generator's recipe is written above its code; the
// same text, with pictures in words, is on docs/datasets.md.
//
// Conventions used by every generator below:
//   * ν is config.noise (0..1). U(a,b) is rng.uniform(a,b), N(0,1) is rng.normal().
//   * Random numbers are drawn in the same order whatever ν is (a draw multiplied by ν = 0 is
//     still drawn), so moving the noise slider moves the same points instead of making new ones.
//   * Point i (0..N-1, before shuffling) belongs to class i mod C, so classes are balanced to
//     within one point.
//   * Every coordinate is finally clamped to [-6, 6] (noise may push a point out).
#include "data/datasets.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "base/limits.hpp"
#include "base/mathfn.hpp"
#include "base/rng.hpp"
#include "base/validate.hpp"

namespace bp {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 2.0 * kPi;

// ---- messages ---------------------------------------------------------------------------------

std::string num(double v) { return format_number(v); }

bool is_finite(double v) { return v == v && v - v == 0.0; }  // false for NaN and ±inf

// A finite value in [lo, hi], or throw naming `field`.
void check_real(const std::string& field, double v, double lo, double hi) {
    if (!is_finite(v)) fail_arg(field + ": " + num(v) + " is not a finite number");
    if (v < lo || v > hi) fail_range(field + ": " + num(v) + " is outside " + num(lo) + ".." + num(hi));
}

void check_size(const std::string& field, std::size_t v, std::size_t lo, std::size_t hi) {
    check_count(field, v, lo, hi);
}

double clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }
double clamp_xy(double v) { return clamp(v, -kDataExtent, kDataExtent); }
double sqrt_ieee(double v) { return __builtin_sqrt(v); }  // correctly rounded, so deterministic

// ---- names --------------------------------------------------------------------------------------

constexpr const char* kDatasetNames[] = {"circle", "xor",    "gaussians",     "spiral", "moons",
                                         "spiral3", "plane", "multigaussian", "custom"};
constexpr std::size_t kDatasetCount = sizeof kDatasetNames / sizeof kDatasetNames[0];

constexpr const char* kFeatureNames[kFeatureCount] = {"x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"};

constexpr const char* kTaskNames[] = {"sine", "echo", "parity", "adding"};
constexpr std::size_t kTaskCount = sizeof kTaskNames / sizeof kTaskNames[0];

template <std::size_t M>
std::string join(const char* const (&names)[M]) {
    std::string s;
    for (std::size_t i = 0; i < M; ++i) s += (i ? " " : "") + std::string(names[i]);
    return s;
}

// ---- the 2-D generators -------------------------------------------------------------------------
// Each fills x (N,2) and y (N,1) for N = rows(x) and returns nothing; classes are set by the caller.

// Circle. Class 1: a disc of radius 2.5 around the origin; class 0: the ring 3.5 <= r <= 5.
//   r = sqrt(U(r0², r1²))  (uniform over the area, not crowded at the centre), θ = U(0, 2π),
//   (x, y) = (r cos θ, r sin θ) + ν·5·(U(-1,1), U(-1,1)).     scale: 5, the outer radius
// The label stays with the class the point was drawn for, so noise makes the classes overlap.
void gen_circle(Mat& x, Mat& y, double noise, Rng& rng) {
    for (std::size_t i = 0; i < rows(x); ++i) {
        const std::size_t c = i % 2;
        const double r0 = c == 1 ? 0.0 : 3.5, r1 = c == 1 ? 2.5 : 5.0;
        const double r = sqrt_ieee(rng.uniform(r0 * r0, r1 * r1));
        const double theta = rng.uniform(0.0, kTwoPi);
        const double jx = rng.uniform(-1.0, 1.0), jy = rng.uniform(-1.0, 1.0);
        x(i, 0) = clamp_xy(r * fn::cos(theta) + noise * 5.0 * jx);
        x(i, 1) = clamp_xy(r * fn::sin(theta) + noise * 5.0 * jy);
        y(i, 0) = static_cast<double>(c);
    }
}

// XOR. Class 1 in the quadrants where x and y have the same sign, class 0 in the other two.
//   |x| = 0.3 + U(0,5), |y| = 0.3 + U(0,5)  (0.3 keeps a clean gap along the axes),
//   sign x = ±1 with probability ½, sign y = sign x for class 1 and -sign x for class 0,
//   then + ν·5·(U(-1,1), U(-1,1)).                              scale: 5, the quadrant size
void gen_xor(Mat& x, Mat& y, double noise, Rng& rng) {
    for (std::size_t i = 0; i < rows(x); ++i) {
        const std::size_t c = i % 2;
        const double sx = rng.uniform() < 0.5 ? -1.0 : 1.0;
        const double sy = c == 1 ? sx : -sx;
        const double ax = 0.3 + rng.uniform(0.0, 5.0), ay = 0.3 + rng.uniform(0.0, 5.0);
        const double jx = rng.uniform(-1.0, 1.0), jy = rng.uniform(-1.0, 1.0);
        x(i, 0) = clamp_xy(sx * ax + noise * 5.0 * jx);
        x(i, 1) = clamp_xy(sy * ay + noise * 5.0 * jy);
        y(i, 0) = static_cast<double>(c);
    }
}

// Two Gaussians. Class 1 around (2, 2), class 0 around (-2, -2), each coordinate
//   centre + σ·N(0,1),  σ = 0.7 + 2.6·ν.
// σ runs from 0.7 (ν = 0, TF Playground's √0.5) to 2.0 at ν = 0.5 (TF's largest) and 3.3 at 1.
void gen_gaussians(Mat& x, Mat& y, double noise, Rng& rng) {
    const double sd = 0.7 + 2.6 * noise;
    for (std::size_t i = 0; i < rows(x); ++i) {
        const std::size_t c = i % 2;
        const double centre = c == 1 ? 2.0 : -2.0;
        const double gx = rng.normal(), gy = rng.normal();
        x(i, 0) = clamp_xy(centre + sd * gx);
        x(i, 1) = clamp_xy(centre + sd * gy);
        y(i, 0) = static_cast<double>(c);
    }
}

// Spiral with `arms` arms (2: "spiral", 3: "spiral3"); class = arm a = i mod arms.
// The j-th of the n_a points of arm a sits at s = (j + U(0,1)) / n_a in [0,1) along the arm
// (evenly spread, jittered within its slot):
//   r = 5 s,   t = 1.75·2π·s + 2π a / arms   (1.75 turns, arms rotated evenly),
//   (x, y) = (r cos t, r sin t) + ν·(U(-1,1), U(-1,1)).   scale: 1 (neighbouring arms are
//   5/(1.75·arms) apart: 1.43 for two arms, 0.95 for three)
void gen_spiral(Mat& x, Mat& y, double noise, Rng& rng, std::size_t arms) {
    const std::size_t n = rows(x);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t a = i % arms, j = i / arms;
        const std::size_t n_a = (n - a + arms - 1) / arms;  // how many i < n have i mod arms = a
        const double s = (static_cast<double>(j) + rng.uniform()) / static_cast<double>(n_a);
        const double r = 5.0 * s;
        const double t = 1.75 * kTwoPi * s + kTwoPi * static_cast<double>(a) / static_cast<double>(arms);
        const double jx = rng.uniform(-1.0, 1.0), jy = rng.uniform(-1.0, 1.0);
        x(i, 0) = clamp_xy(r * fn::cos(t) + noise * jx);
        x(i, 1) = clamp_xy(r * fn::sin(t) + noise * jy);
        y(i, 0) = static_cast<double>(a);
    }
}

// Moons: two interleaved half circles of radius R = 3.5 (the shape of scikit-learn's
// make_moons, centred and scaled up). θ = U(0, π);
//   class 0 (upper moon):  (R(cos θ − ½), R(sin θ − ¼))
//   class 1 (lower moon):  the point reflection of the upper one, −(R(cos θ − ½), R(sin θ − ¼))
//   then + ν·R·(N(0,1), N(0,1)).                                 scale: R = 3.5
void gen_moons(Mat& x, Mat& y, double noise, Rng& rng) {
    constexpr double R = 3.5;
    for (std::size_t i = 0; i < rows(x); ++i) {
        const std::size_t c = i % 2;
        const double theta = rng.uniform(0.0, kPi);
        const double gx = rng.normal(), gy = rng.normal();
        const double sign = c == 0 ? 1.0 : -1.0;
        x(i, 0) = clamp_xy(sign * R * (fn::cos(theta) - 0.5) + noise * R * gx);
        x(i, 1) = clamp_xy(sign * R * (fn::sin(theta) - 0.25) + noise * R * gy);
        y(i, 0) = static_cast<double>(c);
    }
}

// Plane (regression). (x, y) = (U(-6,6), U(-6,6)),
//   target = clamp((x + y)/12 + ν·U(-1,1), -1, 1)   ((x+y)/12 spans exactly [-1,1] on the square).
void gen_plane(Mat& x, Mat& y, double noise, Rng& rng) {
    for (std::size_t i = 0; i < rows(x); ++i) {
        const double px = rng.uniform(-kDataExtent, kDataExtent), py = rng.uniform(-kDataExtent, kDataExtent);
        const double e = rng.uniform(-1.0, 1.0);
        x(i, 0) = px;
        x(i, 1) = py;
        y(i, 0) = clamp((px + py) / 12.0 + noise * e, -1.0, 1.0);
    }
}

// Multi-Gaussian (regression). Six bumps in a 3x2 checkerboard of signs (TF Playground's
// centres): c_k in {-4, 0, 4} x {2.5, -2.5}, signs s_k = +1 - +1 / - + -:
//   f(p) = Σ_k s_k exp(−|p − c_k|² / (2·1.2²))          (|f| <= 1: bumps are 4+ apart)
//   (x, y) = (U(-6,6), U(-6,6)),  target = clamp(f(x, y) + ν·U(-1,1), -1, 1).
void gen_multigaussian(Mat& x, Mat& y, double noise, Rng& rng) {
    struct Bump { double cx, cy, sign; };
    constexpr Bump kBumps[6] = {{-4, 2.5, 1}, {0, 2.5, -1}, {4, 2.5, 1},
                                {-4, -2.5, -1}, {0, -2.5, 1}, {4, -2.5, -1}};
    constexpr double kTwoW2 = 2.0 * 1.2 * 1.2;
    for (std::size_t i = 0; i < rows(x); ++i) {
        const double px = rng.uniform(-kDataExtent, kDataExtent), py = rng.uniform(-kDataExtent, kDataExtent);
        const double e = rng.uniform(-1.0, 1.0);
        double f = 0.0;
        for (const Bump& b : kBumps) {
            const double dx = px - b.cx, dy = py - b.cy;
            f += b.sign * fn::exp(-(dx * dx + dy * dy) / kTwoW2);
        }
        x(i, 0) = px;
        x(i, 1) = py;
        y(i, 0) = clamp(f + noise * e, -1.0, 1.0);
    }
}

// ---- shuffle and split ---------------------------------------------------------------------

// Training set size: round(N·ratio), kept in 1..N-1 so that neither set is empty (N >= 2).
std::size_t train_count(std::size_t n, double ratio) {
    std::size_t k = static_cast<std::size_t>(static_cast<double>(n) * ratio + 0.5);
    if (k < 1) k = 1;
    if (n >= 2 && k > n - 1) k = n - 1;
    if (k > n) k = n;
    return k;
}

// Shuffles the rows of (x, y) with rng (Fisher-Yates over row indices) and splits them.
void shuffle_split(const Mat& x, const Mat& y, double ratio, Rng& rng, Dataset& out) {
    const std::size_t n = rows(x), d = cols(x);
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    rng.shuffle(order);
    const std::size_t n_train = train_count(n, ratio);
    out.x_train = zeros(n_train, d);
    out.y_train = zeros(n_train, 1);
    out.x_test = zeros(n - n_train, d);
    out.y_test = zeros(n - n_train, 1);
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t src = order[k];
        Mat& xs = k < n_train ? out.x_train : out.x_test;
        Mat& ys = k < n_train ? out.y_train : out.y_test;
        const std::size_t row = k < n_train ? k : k - n_train;
        for (std::size_t j = 0; j < d; ++j) xs(row, j) = x(src, j);
        ys(row, 0) = y(src, 0);
    }
}

bool is_custom_class(double l) { return l == 0.0 || l == 1.0 || l == 2.0; }

// The custom rule: regression when the task says so, or (auto) when some label is not exactly
// 0, 1 or 2; else 3 classes if a 2 occurs, 2 otherwise. Labels are checked by
// validate_dataset_config.
std::size_t custom_classes(const std::vector<std::array<double, 3>>& pts, DatasetTask task) {
    if (task == DatasetTask::Regress) return 0;
    bool all_classes = true, has_two = false;
    for (const auto& p : pts) {
        const double l = p[2];
        if (!is_custom_class(l)) all_classes = false;
        if (l == 2.0) has_two = true;
    }
    if (!all_classes && task == DatasetTask::Auto) return 0;
    return has_two ? 3 : 2;
}

constexpr const char* kTaskNamesDataset[] = {"auto", "classify", "regress"};

void check_label(const std::string& field, double label, std::size_t classes) {
    if (!is_finite(label)) fail_arg(field + ": " + num(label) + " is not a finite number");
    if (classes == 0) return;
    const double k = static_cast<double>(classes);
    if (label < 0.0 || label >= k || label != static_cast<double>(static_cast<std::size_t>(label)))
        fail_arg(field + ": " + num(label) + " is not a class index 0.." + std::to_string(classes - 1));
}

void check_classes(std::size_t classes) {
    if (classes == 1 || classes > limits::kMaxOutputs)
        fail_range("classes: " + std::to_string(classes) + " is outside 2.." +
                   std::to_string(limits::kMaxOutputs) + " (or 0 for regression)");
}

}  // namespace

// ---- names ----------------------------------------------------------------------------------------

const char* dataset_name(DatasetKind kind) {
    const auto i = static_cast<std::size_t>(kind);
    if (i >= kDatasetCount) fail_arg("dataset.name: unknown kind " + std::to_string(i));
    return kDatasetNames[i];
}

DatasetKind dataset_from_name(const std::string& name) {
    for (std::size_t i = 0; i < kDatasetCount; ++i)
        if (name == kDatasetNames[i]) return static_cast<DatasetKind>(i);
    fail_arg("dataset.name: '" + name + "' is not a data set; allowed: " + join(kDatasetNames));
}

const char* dataset_task_name(DatasetTask task) {
    const auto i = static_cast<std::size_t>(task);
    if (i >= 3) fail_arg("dataset.task: unknown task " + std::to_string(i));
    return kTaskNamesDataset[i];
}

DatasetTask dataset_task_from_name(const std::string& name) {
    for (std::size_t i = 0; i < 3; ++i)
        if (name == kTaskNamesDataset[i]) return static_cast<DatasetTask>(i);
    fail_arg("dataset.task: '" + name.substr(0, 40) + "' is not a task; allowed: " + join(kTaskNamesDataset));
}

const char* feature_name(Feature f) {
    for (std::size_t i = 0; i < kFeatureCount; ++i)
        if (static_cast<unsigned>(f) == (1u << i)) return kFeatureNames[i];
    fail_arg("features: flag value " + std::to_string(static_cast<unsigned>(f)) + " is not one feature; allowed: " +
             join(kFeatureNames));
}

Feature feature_from_name(const std::string& name) {
    for (std::size_t i = 0; i < kFeatureCount; ++i)
        if (name == kFeatureNames[i]) return static_cast<Feature>(1u << i);
    fail_arg("features: '" + name + "' is not a feature; allowed: " + join(kFeatureNames));
}

std::vector<std::string> feature_names(unsigned mask) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < kFeatureCount; ++i)
        if (mask & (1u << i)) names.emplace_back(kFeatureNames[i]);
    return names;
}

unsigned features_from_names(const std::vector<std::string>& names) {
    if (names.empty()) fail_arg("features: at least one feature is required; allowed: " + join(kFeatureNames));
    unsigned mask = 0;
    for (const std::string& name : names) {
        const unsigned bit = feature_from_name(name);
        if (mask & bit) fail_arg("features: '" + name + "' is listed twice");
        mask |= bit;
    }
    return mask;
}

std::size_t feature_count(unsigned mask) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < kFeatureCount; ++i) n += (mask >> i) & 1u;
    return n;
}

const char* sequence_task_name(SequenceTask task) {
    const auto i = static_cast<std::size_t>(task);
    if (i >= kTaskCount) fail_arg("sequence.task: unknown task " + std::to_string(i));
    return kTaskNames[i];
}

SequenceTask sequence_task_from_name(const std::string& name) {
    for (std::size_t i = 0; i < kTaskCount; ++i)
        if (name == kTaskNames[i]) return static_cast<SequenceTask>(i);
    fail_arg("sequence.task: '" + name + "' is not a task; allowed: " + join(kTaskNames));
}

// ---- 2-D data sets -----------------------------------------------------------------------------

void validate_dataset_config(const DatasetConfig& c) {
    dataset_name(c.kind);  // throws for a kind outside the enum
    dataset_task_name(c.task);
    check_size("dataset.points", c.points, 1, limits::kMaxPoints);
    check_real("dataset.noise", c.noise, 0.0, 1.0);
    check_real("dataset.trainRatio", c.train_ratio, 0.1, 0.9);
    if (c.kind != DatasetKind::Custom) {
        // A built-in set has its own task: auto, or that one.
        const bool regression = c.kind == DatasetKind::Plane || c.kind == DatasetKind::MultiGaussian;
        const DatasetTask own = regression ? DatasetTask::Regress : DatasetTask::Classify;
        if (c.task != DatasetTask::Auto && c.task != own)
            fail_arg(std::string("dataset.task: ") + dataset_task_name(c.task) + " does not fit the " +
                     dataset_name(c.kind) + " data set; allowed: auto, " + dataset_task_name(own));
        return;
    }
    if (c.custom.empty() || c.custom.size() > limits::kMaxPoints)
        fail_range("dataset.custom: " + std::to_string(c.custom.size()) + " points is outside 1.." +
                   std::to_string(limits::kMaxPoints));
    // Under auto, the first label that is not a class makes every label a regression target:
    // name it in the message, so a class label found out of range later says why.
    std::size_t first_target = c.custom.size();
    if (c.task == DatasetTask::Auto)
        for (std::size_t i = 0; i < c.custom.size() && first_target == c.custom.size(); ++i)
            if (!is_custom_class(c.custom[i][2])) first_target = i;
    const std::size_t classes = custom_classes(c.custom, c.task);
    for (std::size_t i = 0; i < c.custom.size(); ++i) {
        const std::string at = "dataset.custom[" + std::to_string(i) + "]";
        check_real(at + ".x", c.custom[i][0], -kDataExtent, kDataExtent);
        check_real(at + ".y", c.custom[i][1], -kDataExtent, kDataExtent);
        const double t = c.custom[i][2];
        if (!is_finite(t)) fail_arg(at + ".label: " + num(t) + " is not a finite number");
        if (classes > 0) {
            if (!is_custom_class(t))
                fail_range(at + ".label: " + num(t) + " is not a class; with dataset.task classify a label is 0, 1 or 2");
        } else if (t < -1.0 || t > 1.0) {
            if (c.task == DatasetTask::Regress)
                fail_range(at + ".label: " + num(t) + " is outside -1..1 (a regression target, dataset.task regress)");
            fail_range(at + ".label: " + num(t) + " is outside -1..1: the labels are regression targets, since " +
                       "dataset.custom[" + std::to_string(first_target) + "].label " + num(c.custom[first_target][2]) +
                       " is not a class 0, 1 or 2 (set dataset.task to say which you mean)");
        }
    }
}

Dataset make_dataset(const DatasetConfig& c) {
    validate_dataset_config(c);
    Rng rng(c.seed);
    const std::size_t n = c.kind == DatasetKind::Custom ? c.custom.size() : c.points;
    Mat x = zeros(n, 2);  // (N,2) all points before the split
    Mat y = zeros(n, 1);  // (N,1) labels or targets
    Dataset out;
    switch (c.kind) {
        case DatasetKind::Circle: gen_circle(x, y, c.noise, rng); out.classes = 2; break;
        case DatasetKind::Xor: gen_xor(x, y, c.noise, rng); out.classes = 2; break;
        case DatasetKind::Gaussians: gen_gaussians(x, y, c.noise, rng); out.classes = 2; break;
        case DatasetKind::Spiral: gen_spiral(x, y, c.noise, rng, 2); out.classes = 2; break;
        case DatasetKind::Moons: gen_moons(x, y, c.noise, rng); out.classes = 2; break;
        case DatasetKind::Spiral3: gen_spiral(x, y, c.noise, rng, 3); out.classes = 3; break;
        case DatasetKind::Plane: gen_plane(x, y, c.noise, rng); out.classes = 0; break;
        case DatasetKind::MultiGaussian: gen_multigaussian(x, y, c.noise, rng); out.classes = 0; break;
        case DatasetKind::Custom:
            for (std::size_t i = 0; i < n; ++i) {
                x(i, 0) = c.custom[i][0];
                x(i, 1) = c.custom[i][1];
                y(i, 0) = c.custom[i][2];
            }
            out.classes = custom_classes(c.custom, c.task);
            break;
    }
    shuffle_split(x, y, c.train_ratio, rng, out);
    return out;
}

// ---- features -----------------------------------------------------------------------------------

void feature_map(const Mat& xy, unsigned mask, Mat& out) {
    if (mask == 0) fail_arg("features: at least one feature is required; allowed: " + join(kFeatureNames));
    if (mask & ~kAllFeatures) fail_arg("features: mask " + std::to_string(mask) + " has bits beyond the 7 features");
    if (cols(xy) != 2) fail_arg("features: input has " + std::to_string(cols(xy)) + " columns, expected 2 (x, y)");
    const std::size_t n = rows(xy), f = feature_count(mask);
    ensure_shape(out, n, f);
    // Raw pointers: this runs over every grid point each frame, and this file is compiled for
    // size in the wasm build, where xtensor's operator() would stay a call.
    const double* in = xy.data();
    double* o = out.data();
    for (std::size_t i = 0; i < n; ++i, in += 2, o += f) {
        const double x1 = in[0], x2 = in[1];
        std::size_t k = 0;
        if (mask & X1) o[k++] = x1;
        if (mask & X2) o[k++] = x2;
        if (mask & X1Sq) o[k++] = x1 * x1;
        if (mask & X2Sq) o[k++] = x2 * x2;
        if (mask & X1X2) o[k++] = x1 * x2;
        if (mask & SinX1) o[k++] = fn::sin(x1);
        if (mask & SinX2) o[k++] = fn::sin(x2);
    }
}

// ---- targets and accuracy ------------------------------------------------------------------------

void encode_targets(const Mat& labels, std::size_t classes, TargetEncoding enc, Mat& out) {
    check_classes(classes);
    if (cols(labels) != 1)
        fail_arg("labels: " + std::to_string(cols(labels)) + " columns, expected 1 (N,1)");
    const std::size_t n = rows(labels);
    for (std::size_t i = 0; i < n; ++i) check_label("labels[" + std::to_string(i) + "]", labels(i, 0), classes);
    if (classes == 0) {                          // regression: the target is the value
        ensure_shape(out, n, 1);
        for (std::size_t i = 0; i < n; ++i) out(i, 0) = labels(i, 0);
    } else if (classes == 2 && enc != TargetEncoding::OneHot) {
        const double lo = enc == TargetEncoding::ZeroOne ? 0.0 : -1.0;
        ensure_shape(out, n, 1);
        for (std::size_t i = 0; i < n; ++i) out(i, 0) = labels(i, 0) == 1.0 ? 1.0 : lo;
    } else {                                     // one-hot (N,K)
        ensure_shape(out, n, classes);
        out.fill(0.0);
        for (std::size_t i = 0; i < n; ++i) out(i, static_cast<std::size_t>(labels(i, 0))) = 1.0;
    }
}

double accuracy(const Mat& outputs, const Mat& labels, std::size_t classes, TargetEncoding enc) {
    check_classes(classes);
    const std::size_t n = rows(labels);
    if (cols(labels) != 1) fail_arg("labels: " + std::to_string(cols(labels)) + " columns, expected 1 (N,1)");
    if (rows(outputs) != n)
        fail_arg("outputs: " + std::to_string(rows(outputs)) + " rows for " + std::to_string(n) + " labels");
    if (classes == 0 || n == 0) return 0.0 / 0.0;  // NaN: no accuracy for regression or no points
    const bool single = classes == 2 && enc != TargetEncoding::OneHot;
    const std::size_t k_expected = single ? 1 : classes;
    if (cols(outputs) != k_expected)
        fail_arg("outputs: " + std::to_string(cols(outputs)) + " columns, expected " + std::to_string(k_expected));
    const double threshold = enc == TargetEncoding::ZeroOne ? 0.5 : 0.0;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < n; ++i) {
        check_label("labels[" + std::to_string(i) + "]", labels(i, 0), classes);
        std::size_t predicted = 0;
        if (single) {
            predicted = outputs(i, 0) >= threshold ? 1 : 0;
        } else {
            for (std::size_t k = 1; k < classes; ++k)
                if (outputs(i, k) > outputs(i, predicted)) predicted = k;
        }
        if (static_cast<double>(predicted) == labels(i, 0)) ++correct;
    }
    return static_cast<double>(correct) / static_cast<double>(n);
}

// ---- digits ----------------------------------------------------------------------------------------

Dataset load_digits_csv(const std::string& text, double train_ratio, std::uint64_t seed) {
    constexpr std::size_t kPixels = 64;
    check_real("digits.trainRatio", train_ratio, 0.1, 0.9);
    std::vector<double> values;   // row-major (N, 65) as read
    std::size_t line_no = 0, n = 0, pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
        if (n == limits::kMaxPoints)
            fail_range("digits: more than " + std::to_string(limits::kMaxPoints) + " rows (the limit)");
        const std::string at = "digits line " + std::to_string(line_no);
        std::size_t field = 0, start = 0;
        while (true) {
            std::size_t comma = line.find(',', start);
            const std::string token = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            ++field;
            if (field > kPixels + 1) fail_arg(at + ": more than 65 fields (64 pixels and a label)");
            const char* b = token.c_str();
            char* e = nullptr;
            const double v = std::strtod(b, &e);
            while (e && (*e == ' ' || *e == '\t' || *e == '\r')) ++e;
            if (e == b || *e != '\0')
                fail_arg(at + ", field " + std::to_string(field) + ": '" + token + "' is not a number");
            if (field <= kPixels) {
                check_real(at + ", pixel " + std::to_string(field), v, 0.0, 16.0);
            } else {
                check_real(at + ", label", v, 0.0, 9.0);
                if (v != static_cast<double>(static_cast<int>(v)))
                    fail_arg(at + ", label: " + num(v) + " is not a digit 0..9");
            }
            values.push_back(v);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        if (field != kPixels + 1)
            fail_arg(at + ": " + std::to_string(field) + " fields, expected 65 (64 pixels and a label)");
        ++n;
    }
    if (n == 0) fail_range("digits: no rows; expected 1.." + std::to_string(limits::kMaxPoints));
    Mat x = zeros(n, kPixels);  // (N,64) pixels scaled to [0,1]
    Mat y = zeros(n, 1);        // (N,1) digit 0..9
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < kPixels; ++j) x(i, j) = values[i * (kPixels + 1) + j] / 16.0;
        y(i, 0) = values[i * (kPixels + 1) + kPixels];
    }
    Rng rng(seed);
    Dataset out;
    out.classes = 10;
    shuffle_split(x, y, train_ratio, rng, out);
    return out;
}

// ---- sequence tasks ---------------------------------------------------------------------------------

void validate_sequence_config(const SequenceConfig& c) {
    sequence_task_name(c.task);  // throws for a task outside the enum
    const std::size_t min_length = c.task == SequenceTask::Adding ? 2 : 1;
    if (c.length < min_length || c.length > limits::kMaxSequenceLength)
        fail_range("sequence.length: " + std::to_string(c.length) + " is outside " + std::to_string(min_length) +
                   ".." + std::to_string(limits::kMaxSequenceLength) +
                   (c.task == SequenceTask::Adding ? " for the adding task" : ""));
    check_size("sequence.sequences", c.sequences, 1, limits::kMaxSequences);
    if (c.task == SequenceTask::Echo) check_size("sequence.delay", c.delay, 0, c.length - 1);
    check_real("sequence.noise", c.noise, 0.0, 1.0);
}

// Layout: x[t](n, :) is step t of sequence n. Sequences are generated one after the other
// (all draws of sequence 0, then sequence 1, ...), so a longer data set starts with the same
// sequences as a shorter one with the same seed. Input noise ε = noise·N(0,1) is drawn for every
// input value whatever the noise level.
SequenceData make_sequences(const SequenceConfig& c) {
    validate_sequence_config(c);
    Rng rng(c.seed);
    const std::size_t T = c.length, N = c.sequences;
    const std::size_t D = c.task == SequenceTask::Adding ? 2 : 1;
    SequenceData out;
    out.x.assign(T, zeros(N, D));
    out.y.assign(T, zeros(N, 1));
    out.loss_every_step = c.task != SequenceTask::Adding;
    out.classes = c.task == SequenceTask::Parity ? 2 : 0;
    std::vector<double> clean(T);
    for (std::size_t n = 0; n < N; ++n) {
        switch (c.task) {
            // Sine continuation: s_t = A sin(ω t + φ), ω = U(0.15, 0.6) rad/step (periods of 10
            // to 42 steps), φ = U(0, 2π), A = U(0.5, 1).  x_t = s_t + ε,  y_t = s_{t+1}.
            case SequenceTask::Sine: {
                const double omega = rng.uniform(0.15, 0.6);
                const double phi = rng.uniform(0.0, kTwoPi);
                const double amp = rng.uniform(0.5, 1.0);
                for (std::size_t t = 0; t < T; ++t) {
                    const double s = amp * fn::sin(omega * static_cast<double>(t) + phi);
                    out.x[t](n, 0) = s + c.noise * rng.normal();
                    out.y[t](n, 0) = amp * fn::sin(omega * static_cast<double>(t + 1) + phi);
                }
                break;
            }
            // Echo: b_t = ±1 with probability ½ each.  x_t = b_t + ε,  y_t = b_{t−d} (0 for t < d).
            case SequenceTask::Echo: {
                for (std::size_t t = 0; t < T; ++t) clean[t] = rng.uniform() < 0.5 ? -1.0 : 1.0;
                for (std::size_t t = 0; t < T; ++t) {
                    out.x[t](n, 0) = clean[t] + c.noise * rng.normal();
                    out.y[t](n, 0) = t >= c.delay ? clean[t - c.delay] : 0.0;
                }
                break;
            }
            // Temporal parity: bits b_t in {0,1} with probability ½ each.  x_t = b_t + ε,
            // y_t = b_0 XOR b_1 XOR ... XOR b_t (the running parity: a two-state machine that
            // flips on every 1; it needs memory over the whole sequence).
            case SequenceTask::Parity: {
                for (std::size_t t = 0; t < T; ++t) clean[t] = rng.uniform() < 0.5 ? 0.0 : 1.0;
                double parity = 0.0;
                for (std::size_t t = 0; t < T; ++t) {
                    parity = parity == clean[t] ? 0.0 : 1.0;  // parity XOR b_t
                    out.x[t](n, 0) = clean[t] + c.noise * rng.normal();
                    out.y[t](n, 0) = parity;
                }
                break;
            }
            // Adding problem (Hochreiter and Schmidhuber 1997, in the form of Le, Jaitly and
            // Hinton 2015): two inputs per step, a value v_t = U(0,1) and a marker m_t in {0,1}.
            // Exactly two markers: one at a = U{0..⌊T/2⌋−1}, one at b = U{⌊T/2⌋..T−1}.
            //   x_t = (v_t + ε, m_t),  y_{T−1} = v_a + v_b;  loss at the last step only.
            case SequenceTask::Adding: {
                for (std::size_t t = 0; t < T; ++t) clean[t] = rng.uniform();
                const std::size_t half = T / 2;
                const std::size_t a = rng.below(static_cast<std::uint32_t>(half));
                const std::size_t b = half + rng.below(static_cast<std::uint32_t>(T - half));
                for (std::size_t t = 0; t < T; ++t) {
                    out.x[t](n, 0) = clean[t] + c.noise * rng.normal();
                    out.x[t](n, 1) = (t == a || t == b) ? 1.0 : 0.0;
                }
                out.y[T - 1](n, 0) = clean[a] + clean[b];
                break;
            }
        }
    }
    return out;
}

}  // namespace bp
