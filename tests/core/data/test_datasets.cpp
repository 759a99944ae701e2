// Tests of core/datasets.hpp: the 2-D generators, feature maps, target encodings, the digits
// parser and the sequence tasks, plus the pinned hashes that the wasm build must reproduce.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/datasets.hpp"
#include "base/limits.hpp"
#include "base/mathfn.hpp"
#include "test_util.hpp"

using namespace bp;
using bp::testing::fnv1a;
using bp::testing::require_throw;

namespace {

std::vector<double> flat(const Mat& m) { return std::vector<double>(m.begin(), m.end()); }  // row-major

// The train set as trainPoints() gives it to JS: [x, y, label, x, y, label, ...].
std::vector<double> points(const Mat& x, const Mat& y) {
    std::vector<double> v;
    for (std::size_t i = 0; i < rows(x); ++i) {
        v.push_back(x(i, 0));
        v.push_back(x(i, 1));
        v.push_back(y(i, 0));
    }
    return v;
}

DatasetConfig config(DatasetKind kind, std::size_t n = 500, double noise = 0.1, double ratio = 0.5,
                     std::uint64_t seed = 1) {
    DatasetConfig c;
    c.kind = kind;
    c.points = n;
    c.noise = noise;
    c.train_ratio = ratio;
    c.seed = seed;
    return c;
}

const std::vector<DatasetKind> kGenerated = {DatasetKind::Circle, DatasetKind::Xor,    DatasetKind::Gaussians,
                                             DatasetKind::Spiral, DatasetKind::Moons,  DatasetKind::Spiral3,
                                             DatasetKind::Plane,  DatasetKind::MultiGaussian};

}  // namespace

// ---- names ---------------------------------------------------------------------------------------

TEST_CASE("datasets: names round-trip and unknown names list the allowed ones", "[datasets]") {
    const char* names[] = {"circle", "xor", "gaussians", "spiral", "moons", "spiral3", "plane", "multigaussian", "custom"};
    for (const char* n : names) CHECK(std::string(dataset_name(dataset_from_name(n))) == n);
    CHECK(dataset_from_name("spiral3") == DatasetKind::Spiral3);
    require_throw<std::invalid_argument>([] { dataset_from_name("spirals"); },
                                         {"dataset.name", "spirals", "circle xor gaussians spiral moons spiral3 plane multigaussian custom"});

    const char* tasks[] = {"sine", "echo", "parity", "adding"};
    for (const char* n : tasks) CHECK(std::string(sequence_task_name(sequence_task_from_name(n))) == n);
    require_throw<std::invalid_argument>([] { sequence_task_from_name("copy"); }, {"sequence.task", "sine echo parity adding"});

    const char* features[] = {"x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"};
    for (const char* n : features) CHECK(std::string(feature_name(feature_from_name(n))) == n);
    require_throw<std::invalid_argument>([] { feature_from_name("x3"); }, {"features", "x3", "x1 x2 x1sq x2sq x1x2 sinx1 sinx2"});
}

// ---- the 2-D generators ---------------------------------------------------------------------------

TEST_CASE("datasets: same seed gives the same bits, another seed differs", "[datasets]") {
    for (DatasetKind k : kGenerated) {
        INFO(dataset_name(k));
        const Dataset a = make_dataset(config(k, 300, 0.2, 0.5, 11));
        const Dataset b = make_dataset(config(k, 300, 0.2, 0.5, 11));
        const Dataset c = make_dataset(config(k, 300, 0.2, 0.5, 12));
        CHECK(fnv1a(flat(a.x_train)) == fnv1a(flat(b.x_train)));   // bitwise equal
        CHECK(fnv1a(flat(a.y_test)) == fnv1a(flat(b.y_test)));
        CHECK(fnv1a(flat(a.x_test)) == fnv1a(flat(b.x_test)));
        CHECK(fnv1a(flat(a.x_train)) != fnv1a(flat(c.x_train)));
    }
}

TEST_CASE("datasets: sizes and the train/test split", "[datasets]") {
    for (DatasetKind k : kGenerated) {
        INFO(dataset_name(k));
        const Dataset d = make_dataset(config(k, 500, 0.1, 0.5));
        CHECK(rows(d.x_train) == 250);
        CHECK(rows(d.x_test) == 250);
        CHECK(cols(d.x_train) == 2);
        CHECK(cols(d.x_test) == 2);
        CHECK(rows(d.y_train) == 250);
        CHECK(cols(d.y_train) == 1);
        CHECK(rows(d.y_test) == 250);
    }
    // round(101 · 0.3) = round(30.3) = 30 train, 71 test
    Dataset d = make_dataset(config(DatasetKind::Circle, 101, 0.1, 0.3));
    CHECK(rows(d.x_train) == 30);
    CHECK(rows(d.x_test) == 71);
    // round(7 · 0.9) = 6: one point left to test
    d = make_dataset(config(DatasetKind::Xor, 7, 0.1, 0.9));
    CHECK(rows(d.x_train) == 6);
    CHECK(rows(d.x_test) == 1);
    // 2 points: round(0.2) = 0 is raised to 1 so training is never empty
    d = make_dataset(config(DatasetKind::Xor, 2, 0.1, 0.1));
    CHECK(rows(d.x_train) == 1);
    CHECK(rows(d.x_test) == 1);
    // 1 point: it trains, the test set is empty (0,2)
    d = make_dataset(config(DatasetKind::Spiral, 1, 0.1, 0.5));
    CHECK(rows(d.x_train) == 1);
    CHECK(rows(d.x_test) == 0);
    CHECK(cols(d.x_test) == 2);
    // the largest allowed size
    d = make_dataset(config(DatasetKind::Plane, limits::kMaxPoints, 0.1, 0.5));
    CHECK(rows(d.x_train) + rows(d.x_test) == limits::kMaxPoints);
}

TEST_CASE("datasets: class counts and kinds", "[datasets]") {
    CHECK(make_dataset(config(DatasetKind::Circle)).classes == 2);
    CHECK(make_dataset(config(DatasetKind::Xor)).classes == 2);
    CHECK(make_dataset(config(DatasetKind::Gaussians)).classes == 2);
    CHECK(make_dataset(config(DatasetKind::Spiral)).classes == 2);
    CHECK(make_dataset(config(DatasetKind::Moons)).classes == 2);
    CHECK(make_dataset(config(DatasetKind::Spiral3)).classes == 3);
    CHECK(make_dataset(config(DatasetKind::Plane)).classes == 0);
    CHECK(make_dataset(config(DatasetKind::MultiGaussian)).classes == 0);
}

TEST_CASE("datasets: classes are balanced to within one point", "[datasets]") {
    for (DatasetKind k : kGenerated) {
        for (std::size_t n : {500u, 301u, 7u}) {
            const Dataset d = make_dataset(config(k, n, 0.3, 0.5, 5));
            if (d.classes == 0) continue;
            INFO(dataset_name(k) << " n=" << n);
            std::vector<std::size_t> count(d.classes, 0);
            for (double l : d.y_train) ++count[static_cast<std::size_t>(l)];
            for (double l : d.y_test) ++count[static_cast<std::size_t>(l)];
            for (std::size_t c : count) {
                CHECK(c >= n / d.classes);
                CHECK(c <= n / d.classes + 1);
            }
        }
    }
    // and the shuffled split keeps the classes roughly balanced in each half
    const Dataset d = make_dataset(config(DatasetKind::Spiral, 1000, 0.1, 0.5, 3));
    double ones = 0;
    for (double l : d.y_train) ones += l;
    CHECK(ones == Approx(250).margin(40));  // binomial sd ~ 11 (less without replacement)
}

TEST_CASE("datasets: every point is in the square -6..6 and every label is valid, at any noise", "[datasets]") {
    for (DatasetKind k : kGenerated) {
        for (double noise : {0.0, 0.1, 0.5, 1.0}) {
            INFO(dataset_name(k) << " noise " << noise);
            const Dataset d = make_dataset(config(k, 400, noise, 0.5, 2));
            for (const Mat* x : {&d.x_train, &d.x_test})
                for (double v : *x) {
                    REQUIRE(v >= -6.0);
                    REQUIRE(v <= 6.0);
                }
            for (const Mat* y : {&d.y_train, &d.y_test})
                for (double l : *y) {
                    if (d.classes == 0) {
                        REQUIRE(l >= -1.0);
                        REQUIRE(l <= 1.0);
                    } else {
                        REQUIRE(l >= 0.0);
                        REQUIRE(l < static_cast<double>(d.classes));
                        REQUIRE(l == static_cast<double>(static_cast<int>(l)));
                    }
                }
        }
    }
}

TEST_CASE("datasets: the noiseless shapes follow their formulas", "[datasets]") {
    // Without noise each class sits exactly where its recipe puts it.
    auto all = [](const Dataset& d, const std::function<void(double, double, double)>& f) {
        for (std::size_t i = 0; i < rows(d.x_train); ++i) f(d.x_train(i, 0), d.x_train(i, 1), d.y_train(i, 0));
        for (std::size_t i = 0; i < rows(d.x_test); ++i) f(d.x_test(i, 0), d.x_test(i, 1), d.y_test(i, 0));
    };
    all(make_dataset(config(DatasetKind::Circle, 400, 0.0)), [](double x, double y, double l) {
        const double r = __builtin_sqrt(x * x + y * y);
        if (l == 1) CHECK(r <= 2.5 + 1e-12);     // the disc
        else CHECK((r >= 3.5 - 1e-12 && r <= 5.0 + 1e-12));  // the ring
    });
    all(make_dataset(config(DatasetKind::Xor, 400, 0.0)), [](double x, double y, double l) {
        CHECK((x * y > 0) == (l == 1));
        CHECK(std::abs(x) >= 0.3);
        CHECK(std::abs(y) >= 0.3);
    });
    all(make_dataset(config(DatasetKind::Spiral, 400, 0.0)), [](double x, double y, double) {
        CHECK(x * x + y * y <= 25.0 + 1e-9);  // r = 5 s < 5
    });
    all(make_dataset(config(DatasetKind::Moons, 400, 0.0)), [](double x, double y, double l) {
        // undo the centring: the upper moon (class 0) is on the circle of radius 3.5 around
        // (-1.75, -0.875) with y above its centre; the lower one is its point reflection.
        const double s = l == 0 ? 1.0 : -1.0;
        const double u = s * x + 1.75, v = s * y + 0.875;
        CHECK(u * u + v * v == Approx(3.5 * 3.5).epsilon(1e-12));
        CHECK(v >= -1e-12);
    });
    all(make_dataset(config(DatasetKind::Plane, 400, 0.0)), [](double x, double y, double t) {
        CHECK(t == (x + y) / 12.0);  // same arithmetic, same bits
    });
    all(make_dataset(config(DatasetKind::MultiGaussian, 400, 0.0)), [](double x, double y, double t) {
        const double c[6][3] = {{-4, 2.5, 1}, {0, 2.5, -1}, {4, 2.5, 1}, {-4, -2.5, -1}, {0, -2.5, 1}, {4, -2.5, -1}};
        double f = 0;
        for (const auto& b : c) f += b[2] * fn::exp(-((x - b[0]) * (x - b[0]) + (y - b[1]) * (y - b[1])) / (2 * 1.2 * 1.2));
        CHECK(t == Approx(f).margin(1e-15));
    });
    // two gaussians: class means near (2,2) and (-2,-2), sd 0.7 at noise 0
    const Dataset g = make_dataset(config(DatasetKind::Gaussians, 4000, 0.0));
    double sx[2] = {0, 0}, n[2] = {0, 0};
    for (std::size_t i = 0; i < rows(g.x_train); ++i) {
        const auto c = static_cast<std::size_t>(g.y_train(i, 0));
        sx[c] += g.x_train(i, 0);
        n[c] += 1;
    }
    CHECK(sx[1] / n[1] == Approx(2.0).margin(0.06));   // sd of the mean 0.7/sqrt(1000) = 0.022
    CHECK(sx[0] / n[0] == Approx(-2.0).margin(0.06));
}

TEST_CASE("datasets: the noise level moves the same points", "[datasets]") {
    // Draws do not depend on the noise, so noise 0.1 jitters the noiseless points by at most
    // 0.1 · 5 = 0.5 per coordinate (circle), and the shuffle keeps the same order.
    const Dataset a = make_dataset(config(DatasetKind::Circle, 200, 0.0, 0.5, 4));
    const Dataset b = make_dataset(config(DatasetKind::Circle, 200, 0.1, 0.5, 4));
    for (std::size_t i = 0; i < rows(a.x_train); ++i) {
        CHECK(a.y_train(i, 0) == b.y_train(i, 0));
        CHECK(std::abs(a.x_train(i, 0) - b.x_train(i, 0)) <= 0.5);
        CHECK(std::abs(a.x_train(i, 1) - b.x_train(i, 1)) <= 0.5);
    }
}

TEST_CASE("datasets: custom points, the classification rule and regression", "[datasets]") {
    DatasetConfig c;
    c.kind = DatasetKind::Custom;
    c.custom = {{1, 1, 0}, {-1, 2, 1}, {3, -3, 1}, {0, 0, 0}};
    Dataset d = make_dataset(c);
    CHECK(d.classes == 2);
    CHECK(rows(d.x_train) == 2);
    CHECK(rows(d.x_test) == 2);
    // the points are the given ones, shuffled: their label sum survives
    double sum = 0;
    for (double l : d.y_train) sum += l;
    for (double l : d.y_test) sum += l;
    CHECK(sum == 2.0);

    c.custom.push_back({5, 5, 2});  // a 2 makes it 3 classes
    CHECK(make_dataset(c).classes == 3);

    c.custom = {{1, 1, 0.5}, {-1, 2, -1}, {3, -3, 1}};  // 0.5 is not a class: regression
    d = make_dataset(c);
    CHECK(d.classes == 0);
    CHECK(rows(d.x_train) + rows(d.x_test) == 3);

    c.custom = {{1, 1, -1}, {2, 2, 1}};  // -1/+1 labels are regression targets, not classes
    CHECK(make_dataset(c).classes == 0);

    c.custom = {{1, 1, 1}};  // a single point trains
    d = make_dataset(c);
    CHECK(rows(d.x_train) == 1);
    CHECK(d.x_train(0, 0) == 1.0);
}

TEST_CASE("datasets: every config field is validated and named", "[datasets]") {
    DatasetConfig c;
    c.points = 0;
    require_throw<std::out_of_range>([&] { make_dataset(c); }, {"dataset.points", "0", "1..20000"});
    c.points = limits::kMaxPoints + 1;
    require_throw<std::out_of_range>([&] { make_dataset(c); }, {"dataset.points", "20001", "1..20000"});
    c = DatasetConfig{};
    c.noise = 2;
    require_throw<std::out_of_range>([&] { make_dataset(c); }, {"dataset.noise: 2 is outside 0..1"});
    c.noise = -0.1;
    require_throw<std::out_of_range>([&] { make_dataset(c); }, {"dataset.noise", "0..1"});
    c.noise = 0.0 / 0.0;
    require_throw<std::invalid_argument>([&] { make_dataset(c); }, {"dataset.noise", "not a finite number"});
    c.noise = 1.0 / 0.0;
    require_throw<std::invalid_argument>([&] { make_dataset(c); }, {"dataset.noise", "not a finite number"});
    c = DatasetConfig{};
    c.train_ratio = 0.95;
    require_throw<std::out_of_range>([&] { make_dataset(c); }, {"dataset.trainRatio", "0.1..0.9"});
    c.train_ratio = 0.0 / 0.0;
    require_throw<std::invalid_argument>([&] { make_dataset(c); }, {"dataset.trainRatio"});
    c = DatasetConfig{};
    c.kind = static_cast<DatasetKind>(42);
    require_throw<std::invalid_argument>([&] { make_dataset(c); }, {"dataset.name"});

    c = DatasetConfig{};
    c.kind = DatasetKind::Custom;
    require_throw<std::out_of_range>([&] { make_dataset(c); }, {"dataset.custom", "0 points", "1..20000"});
    c.custom = {{1, 1, 0}, {7, 0, 1}};
    require_throw<std::out_of_range>([&] { make_dataset(c); }, {"dataset.custom[1].x", "7", "-6..6"});
    c.custom = {{1, 1, 0}, {0, 0.0 / 0.0, 1}};
    require_throw<std::invalid_argument>([&] { make_dataset(c); }, {"dataset.custom[1].y", "finite"});
    c.custom = {{1, 1, 0.5}, {0, 0, 3}};
    require_throw<std::out_of_range>([&] { make_dataset(c); }, {"dataset.custom[1].label", "3", "-1..1"});
    c.custom = {{1, 1, 0.5}, {0, 0, 1.0 / 0.0}};
    require_throw<std::invalid_argument>([&] { make_dataset(c); }, {"dataset.custom[1].label", "finite"});
    // custom points are ignored for the other kinds
    c.kind = DatasetKind::Circle;
    CHECK_NOTHROW(make_dataset(c));
}

// ---- features ------------------------------------------------------------------------------------

TEST_CASE("features: values for (1, 2) and (-3, 0.5) by hand", "[datasets]") {
    Mat xy = zeros(2, 2);
    xy(0, 0) = 1; xy(0, 1) = 2;
    xy(1, 0) = -3; xy(1, 1) = 0.5;
    Mat out;
    feature_map(xy, kAllFeatures, out);
    REQUIRE(rows(out) == 2);
    REQUIRE(cols(out) == 7);
    // columns: x1 x2 x1sq x2sq x1x2 sinx1 sinx2
    CHECK(out(0, 0) == 1);
    CHECK(out(0, 1) == 2);
    CHECK(out(0, 2) == 1);      // 1²
    CHECK(out(0, 3) == 4);      // 2²
    CHECK(out(0, 4) == 2);      // 1·2
    CHECK(out(0, 5) == Approx(0.8414709848078965).epsilon(1e-15));   // sin 1
    CHECK(out(0, 6) == Approx(0.9092974268256817).epsilon(1e-15));   // sin 2
    CHECK(out(1, 2) == 9);      // (-3)²
    CHECK(out(1, 3) == 0.25);   // 0.5²
    CHECK(out(1, 4) == -1.5);   // -3·0.5
    CHECK(out(1, 5) == Approx(-0.1411200080598672).epsilon(1e-15));  // sin(-3)
    CHECK(out(1, 6) == Approx(0.479425538604203).epsilon(1e-15));    // sin 0.5

    // a subset keeps the fixed column order whatever order the names came in
    const unsigned mask = features_from_names({"sinx2", "x1", "x1x2"});
    CHECK(mask == (X1 | X1X2 | SinX2));
    CHECK(feature_count(mask) == 3);
    CHECK(feature_names(mask) == std::vector<std::string>{"x1", "x1x2", "sinx2"});
    feature_map(xy, mask, out);
    REQUIRE(cols(out) == 3);
    CHECK(out(0, 0) == 1);
    CHECK(out(0, 1) == 2);
    CHECK(out(0, 2) == Approx(0.9092974268256817).epsilon(1e-15));
    CHECK(feature_names(kAllFeatures).size() == kFeatureCount);
}

TEST_CASE("features: validation", "[datasets]") {
    Mat xy = zeros(3, 2), out;
    require_throw<std::invalid_argument>([&] { feature_map(xy, 0, out); }, {"features", "at least one"});
    require_throw<std::invalid_argument>([&] { feature_map(xy, 0x80, out); }, {"features", "128"});
    Mat wide = zeros(3, 3);
    require_throw<std::invalid_argument>([&] { feature_map(wide, X1, out); }, {"features", "3 columns", "expected 2"});
    require_throw<std::invalid_argument>([] { features_from_names({}); }, {"features", "at least one"});
    require_throw<std::invalid_argument>([] { features_from_names({"x1", "x2", "x1"}); }, {"features", "x1", "twice"});
    require_throw<std::invalid_argument>([] { features_from_names({"x1", "cosx1"}); }, {"features", "cosx1"});
}

// ---- targets and accuracy ------------------------------------------------------------------------

TEST_CASE("targets: encodings by hand", "[datasets]") {
    Mat labels = zeros(3, 1);
    labels(0, 0) = 1; labels(1, 0) = 0; labels(2, 0) = 1;
    Mat t;
    encode_targets(labels, 2, TargetEncoding::ZeroOne, t);
    REQUIRE(cols(t) == 1);
    CHECK(t(0, 0) == 1); CHECK(t(1, 0) == 0); CHECK(t(2, 0) == 1);
    encode_targets(labels, 2, TargetEncoding::PlusMinusOne, t);
    REQUIRE(cols(t) == 1);
    CHECK(t(0, 0) == 1); CHECK(t(1, 0) == -1); CHECK(t(2, 0) == 1);
    encode_targets(labels, 2, TargetEncoding::OneHot, t);
    REQUIRE(cols(t) == 2);
    CHECK(t(0, 0) == 0); CHECK(t(0, 1) == 1);
    CHECK(t(1, 0) == 1); CHECK(t(1, 1) == 0);

    labels(1, 0) = 2;  // 3 classes: one-hot whatever the encoding asked for
    encode_targets(labels, 3, TargetEncoding::ZeroOne, t);
    REQUIRE(cols(t) == 3);
    CHECK(t(1, 0) == 0); CHECK(t(1, 1) == 0); CHECK(t(1, 2) == 1);
    CHECK(t(0, 1) == 1);

    Mat targets = zeros(2, 1);
    targets(0, 0) = 0.25; targets(1, 0) = -0.75;
    encode_targets(targets, 0, TargetEncoding::ZeroOne, t);  // regression: identity
    CHECK(t(0, 0) == 0.25); CHECK(t(1, 0) == -0.75);

    require_throw<std::invalid_argument>([&] { encode_targets(targets, 2, TargetEncoding::ZeroOne, t); },
                                         {"labels[0]", "0.25", "0..1"});
    require_throw<std::out_of_range>([&] { encode_targets(labels, 1, TargetEncoding::ZeroOne, t); }, {"classes", "1"});
    require_throw<std::out_of_range>([&] { encode_targets(labels, 17, TargetEncoding::OneHot, t); }, {"classes", "17", "2..16"});
    require_throw<std::invalid_argument>([&] { encode_targets(zeros(2, 2), 2, TargetEncoding::OneHot, t); }, {"labels", "expected 1"});
}

TEST_CASE("targets: accuracy by hand", "[datasets]") {
    Mat labels = zeros(4, 1);
    labels(0, 0) = 1; labels(1, 0) = 0; labels(2, 0) = 1; labels(3, 0) = 0;
    Mat out = zeros(4, 1);
    // sigmoid outputs: 0.9 -> 1 ok, 0.2 -> 0 ok, 0.5 -> 1 ok (ties go to class 1), 0.7 -> 1 wrong
    out(0, 0) = 0.9; out(1, 0) = 0.2; out(2, 0) = 0.5; out(3, 0) = 0.7;
    CHECK(accuracy(out, labels, 2, TargetEncoding::ZeroOne) == 0.75);
    // tanh outputs: 0.3 -> 1 ok, -0.1 -> 0 ok, -0.4 -> 0 wrong, 0 -> 1 wrong
    out(0, 0) = 0.3; out(1, 0) = -0.1; out(2, 0) = -0.4; out(3, 0) = 0.0;
    CHECK(accuracy(out, labels, 2, TargetEncoding::PlusMinusOne) == 0.5);

    Mat l3 = zeros(3, 1);
    l3(0, 0) = 2; l3(1, 0) = 0; l3(2, 0) = 1;
    Mat p = zeros(3, 3);
    p(0, 0) = 0.1; p(0, 1) = 0.2; p(0, 2) = 0.7;   // argmax 2 ok
    p(1, 0) = 0.4; p(1, 1) = 0.4; p(1, 2) = 0.2;   // tie: the first, 0 ok
    p(2, 0) = 0.5; p(2, 1) = 0.3; p(2, 2) = 0.2;   // argmax 0, label 1: wrong
    CHECK(accuracy(p, l3, 3, TargetEncoding::OneHot) == Approx(2.0 / 3.0));

    CHECK(std::isnan(accuracy(out, labels, 0, TargetEncoding::ZeroOne)));  // regression
    CHECK(std::isnan(accuracy(zeros(0, 1), zeros(0, 1), 2, TargetEncoding::ZeroOne)));  // no points
    require_throw<std::invalid_argument>([&] { accuracy(p, l3, 2, TargetEncoding::ZeroOne); }, {"outputs", "columns"});
    require_throw<std::invalid_argument>([&] { accuracy(zeros(2, 1), labels, 2, TargetEncoding::ZeroOne); }, {"outputs", "rows"});
}

// ---- digits --------------------------------------------------------------------------------------

namespace {
std::string digit_line(int pixel_base, int label) {
    std::string s;
    for (int j = 0; j < 64; ++j) s += std::to_string((pixel_base + j) % 17) + ",";
    return s + std::to_string(label);
}
}  // namespace

TEST_CASE("digits: parse, scale and split a small CSV", "[datasets]") {
    // three images with a blank line and a CRLF ending in between
    const std::string csv = digit_line(0, 3) + "\n\n" + digit_line(5, 7) + "\r\n" + digit_line(16, 0) + "\n";
    const Dataset d = load_digits_csv(csv, 0.5, 1);
    CHECK(d.classes == 10);
    CHECK(rows(d.x_train) == 2);   // round(1.5) = 2
    CHECK(rows(d.x_test) == 1);
    CHECK(cols(d.x_train) == 64);
    // find the image labelled 7 and check two pixels: (5+0)%17/16 and (5+63)%17/16 = 0/16
    bool found = false;
    for (const Mat* x : {&d.x_train, &d.x_test}) {
        const Mat& y = x == &d.x_train ? d.y_train : d.y_test;
        for (std::size_t i = 0; i < rows(*x); ++i)
            if (y(i, 0) == 7) {
                found = true;
                CHECK((*x)(i, 0) == 5.0 / 16.0);
                CHECK((*x)(i, 11) == 16.0 / 16.0);
                CHECK((*x)(i, 63) == 0.0);
            }
    }
    CHECK(found);
    // deterministic
    CHECK(fnv1a(flat(load_digits_csv(csv, 0.5, 1).x_train)) == fnv1a(flat(d.x_train)));
}

TEST_CASE("digits: every field is validated and named", "[datasets]") {
    const std::string good = digit_line(0, 3);
    require_throw<std::invalid_argument>([&] { load_digits_csv(good + "\n" + good.substr(0, good.rfind(',')), 0.5, 1); },
                                         {"digits line 2", "64 fields", "expected 65"});
    require_throw<std::invalid_argument>([&] { load_digits_csv(good + ",1", 0.5, 1); }, {"digits line 1", "more than 65"});
    std::string bad = good;
    bad.replace(0, 1, "17");
    require_throw<std::out_of_range>([&] { load_digits_csv(bad, 0.5, 1); }, {"digits line 1, pixel 1", "17", "0..16"});
    bad = good;
    bad.replace(0, 1, "x");
    require_throw<std::invalid_argument>([&] { load_digits_csv(bad, 0.5, 1); }, {"digits line 1, field 1", "'x'", "not a number"});
    bad = good;
    bad.replace(0, 1, "nan");
    require_throw<std::invalid_argument>([&] { load_digits_csv(bad, 0.5, 1); }, {"pixel 1", "finite"});
    require_throw<std::out_of_range>([&] { load_digits_csv(digit_line(0, 10), 0.5, 1); }, {"digits line 1, label", "10", "0..9"});
    bad = good.substr(0, good.rfind(',')) + ",2.5";
    require_throw<std::invalid_argument>([&] { load_digits_csv(bad, 0.5, 1); }, {"label", "2.5", "0..9"});
    require_throw<std::out_of_range>([&] { load_digits_csv("\n\n", 0.5, 1); }, {"digits", "no rows"});
    require_throw<std::out_of_range>([&] { load_digits_csv(good, 1.5, 1); }, {"digits.trainRatio", "0.1..0.9"});
}

#ifdef BP_SOURCE_DIR
// The shipped file is gzip-compressed; the core does not link zlib, so the test lets the
// gzip tool decompress it (native only). Skipped with a warning when gzip is missing.
TEST_CASE("digits: the shipped data/optdigits-8x8.csv.gz parses to 1,797 images", "[datasets]") {
    const std::string text = bp::testing::shipped_digits_csv();
    if (text.empty()) {
        WARN("gzip or data/optdigits-8x8.csv.gz not available: skipped");
        return;
    }
    const Dataset d = load_digits_csv(text, 0.8, 1);
    CHECK(rows(d.x_train) + rows(d.x_test) == 1797);
    CHECK(rows(d.x_train) == 1438);  // round(1797 · 0.8) = round(1437.6)
    std::vector<int> count(10, 0);
    for (double l : d.y_train) ++count[static_cast<int>(l)];
    for (double l : d.y_test) ++count[static_cast<int>(l)];
    CHECK(count[0] == 178);   // class counts of the file (zcat | cut -d, -f65 | sort | uniq -c)
    CHECK(count[8] == 174);
    for (double v : d.x_train) {
        REQUIRE(v >= 0.0);
        REQUIRE(v <= 1.0);
    }
}
#endif

// ---- sequence tasks ------------------------------------------------------------------------------

namespace {
SequenceConfig seq(SequenceTask task, std::size_t T = 20, std::size_t N = 64, std::uint64_t seed = 1) {
    SequenceConfig c;
    c.task = task;
    c.length = T;
    c.sequences = N;
    c.seed = seed;
    return c;
}
}  // namespace

TEST_CASE("sequences: shapes and loss placement", "[datasets]") {
    for (SequenceTask task : {SequenceTask::Sine, SequenceTask::Echo, SequenceTask::Parity, SequenceTask::Adding}) {
        INFO(sequence_task_name(task));
        const SequenceData s = make_sequences(seq(task, 15, 33));
        REQUIRE(s.x.size() == 15);
        REQUIRE(s.y.size() == 15);
        const std::size_t D = task == SequenceTask::Adding ? 2 : 1;
        for (std::size_t t = 0; t < 15; ++t) {
            CHECK(rows(s.x[t]) == 33);
            CHECK(cols(s.x[t]) == D);
            CHECK(rows(s.y[t]) == 33);
            CHECK(cols(s.y[t]) == 1);
        }
        CHECK(s.loss_every_step == (task != SequenceTask::Adding));
        CHECK(s.classes == (task == SequenceTask::Parity ? 2u : 0u));
    }
}

TEST_CASE("sequences: echo target is the input delayed by d, exactly", "[datasets]") {
    for (std::size_t d : {0u, 1u, 3u, 19u}) {
        SequenceConfig c = seq(SequenceTask::Echo);
        c.delay = d;
        const SequenceData s = make_sequences(c);
        for (std::size_t n = 0; n < 64; ++n)
            for (std::size_t t = 0; t < 20; ++t) {
                const double x = s.x[t](n, 0);
                REQUIRE((x == 1.0 || x == -1.0));
                REQUIRE(s.y[t](n, 0) == (t >= d ? s.x[t - d](n, 0) : 0.0));
            }
    }
    // Seed 1, d = 3, sequence 0 by hand: inputs 1 1 1 -1 1 -1 -1 -1 -> targets 0 0 0 1 1 1 -1 1
    SequenceConfig c = seq(SequenceTask::Echo, 8, 2);
    const SequenceData s = make_sequences(c);
    const double x[8] = {1, 1, 1, -1, 1, -1, -1, -1}, y[8] = {0, 0, 0, 1, 1, 1, -1, 1};
    for (std::size_t t = 0; t < 8; ++t) {
        CHECK(s.x[t](0, 0) == x[t]);
        CHECK(s.y[t](0, 0) == y[t]);
    }
}

TEST_CASE("sequences: parity target is the running XOR of the bits", "[datasets]") {
    // Seed 1, sequence 0 by hand: bits 1 1 1 0 1 0 0 0
    //   parity 1, 1^1=0, 0^1=1, 1^0=1, 1^1=0, 0, 0, 0
    const SequenceData h = make_sequences(seq(SequenceTask::Parity, 8, 2));
    const double bits[8] = {1, 1, 1, 0, 1, 0, 0, 0}, par[8] = {1, 0, 1, 1, 0, 0, 0, 0};
    for (std::size_t t = 0; t < 8; ++t) {
        CHECK(h.x[t](0, 0) == bits[t]);
        CHECK(h.y[t](0, 0) == par[t]);
    }
    // every sequence: y_0 = b_0, y_t = y_{t-1} XOR b_t
    const SequenceData s = make_sequences(seq(SequenceTask::Parity, 30, 100, 9));
    for (std::size_t n = 0; n < 100; ++n) {
        int p = 0;
        for (std::size_t t = 0; t < 30; ++t) {
            const double b = s.x[t](n, 0);
            REQUIRE((b == 0.0 || b == 1.0));
            p ^= static_cast<int>(b);
            REQUIRE(s.y[t](n, 0) == static_cast<double>(p));
        }
    }
}

TEST_CASE("sequences: adding problem has two markers and targets their sum", "[datasets]") {
    // Seed 1, T = 8, sequence 0: markers at t = 3 and t = 6 (one in each half),
    // target 0.39132860204190445 + 0.071045216069212325 = 0.46237381811111677.
    const SequenceData h = make_sequences(seq(SequenceTask::Adding, 8, 2));
    CHECK(h.x[3](0, 1) == 1.0);
    CHECK(h.x[6](0, 1) == 1.0);
    CHECK(h.y[7](0, 0) == h.x[3](0, 0) + h.x[6](0, 0));
    CHECK(h.y[7](0, 0) == Approx(0.46237381811111677).epsilon(1e-15));

    for (std::size_t T : {2u, 3u, 50u}) {
        const SequenceData s = make_sequences(seq(SequenceTask::Adding, T, 200, 4));
        for (std::size_t n = 0; n < 200; ++n) {
            int markers = 0, first_half = 0;
            double sum = 0;
            for (std::size_t t = 0; t < T; ++t) {
                const double v = s.x[t](n, 0), m = s.x[t](n, 1);
                REQUIRE(v >= 0.0);
                REQUIRE(v < 1.0);
                REQUIRE((m == 0.0 || m == 1.0));
                if (m == 1.0) {
                    ++markers;
                    sum += v;
                    first_half += t < T / 2;
                }
                if (t + 1 < T) REQUIRE(s.y[t](n, 0) == 0.0);  // only the last step has a target
            }
            REQUIRE(markers == 2);
            REQUIRE(first_half == 1);
            REQUIRE(s.y[T - 1](n, 0) == sum);
        }
    }
}

TEST_CASE("sequences: sine target is the next input", "[datasets]") {
    const SequenceData s = make_sequences(seq(SequenceTask::Sine, 40, 50, 3));
    for (std::size_t n = 0; n < 50; ++n)
        for (std::size_t t = 0; t < 40; ++t) {
            REQUIRE(std::abs(s.x[t](n, 0)) <= 1.0);
            if (t + 1 < 40) REQUIRE(s.y[t](n, 0) == s.x[t + 1](n, 0));  // same expression, same bits
        }
    // with input noise the targets stay clean: the noisy input differs, the target does not
    SequenceConfig c = seq(SequenceTask::Sine, 40, 50, 3);
    c.noise = 0.2;
    const SequenceData noisy = make_sequences(c);
    CHECK(fnv1a(flat(noisy.y[5])) == fnv1a(flat(s.y[5])));
    CHECK(fnv1a(flat(noisy.x[5])) != fnv1a(flat(s.x[5])));
}

TEST_CASE("sequences: determinism", "[datasets]") {
    for (SequenceTask task : {SequenceTask::Sine, SequenceTask::Echo, SequenceTask::Parity, SequenceTask::Adding}) {
        INFO(sequence_task_name(task));
        const SequenceData a = make_sequences(seq(task, 12, 16, 5));
        const SequenceData b = make_sequences(seq(task, 12, 16, 5));
        const SequenceData c = make_sequences(seq(task, 12, 16, 6));
        std::vector<double> va, vb, vc;
        for (std::size_t t = 0; t < 12; ++t) {
            for (double v : a.x[t]) va.push_back(v);
            for (double v : b.x[t]) vb.push_back(v);
            for (double v : c.x[t]) vc.push_back(v);
        }
        CHECK(fnv1a(va) == fnv1a(vb));
        CHECK(fnv1a(va) != fnv1a(vc));
    }
}

TEST_CASE("sequences: every config field is validated and named", "[datasets]") {
    SequenceConfig c = seq(SequenceTask::Echo);
    c.length = 0;
    require_throw<std::out_of_range>([&] { make_sequences(c); }, {"sequence.length", "0", "1..400"});
    c.length = limits::kMaxSequenceLength + 1;
    require_throw<std::out_of_range>([&] { make_sequences(c); }, {"sequence.length", "401", "1..400"});
    c = seq(SequenceTask::Adding, 1);
    require_throw<std::out_of_range>([&] { make_sequences(c); }, {"sequence.length", "2..400", "adding"});
    c = seq(SequenceTask::Echo);
    c.sequences = 0;
    require_throw<std::out_of_range>([&] { make_sequences(c); }, {"sequence.sequences", "1..4096"});
    c.sequences = limits::kMaxSequences + 1;
    require_throw<std::out_of_range>([&] { make_sequences(c); }, {"sequence.sequences", "4097"});
    c = seq(SequenceTask::Echo, 20);
    c.delay = 20;
    require_throw<std::out_of_range>([&] { make_sequences(c); }, {"sequence.delay", "20", "0..19"});
    c.delay = 25;
    c.task = SequenceTask::Sine;  // the delay matters only for echo
    CHECK_NOTHROW(make_sequences(c));
    c = seq(SequenceTask::Parity);
    c.noise = 1.5;
    require_throw<std::out_of_range>([&] { make_sequences(c); }, {"sequence.noise", "1.5", "0..1"});
    c.noise = 0.0 / 0.0;
    require_throw<std::invalid_argument>([&] { make_sequences(c); }, {"sequence.noise", "finite"});
    c = seq(static_cast<SequenceTask>(9));
    require_throw<std::invalid_argument>([&] { make_sequences(c); }, {"sequence.task"});
}

// ---- native / wasm parity ---------------------------------------------------------------------------
// These hashes are recorded in docs/parity.md; the wasm module must give the same ones. They were
// computed once by this very code (and by the same code compiled with em++ -O3 and run in Node,
// which gave identical values). A failure here means the data changed: if that was intended,
// update docs/parity.md and the wasm test together.

TEST_CASE("parity: pinned FNV-1a hashes of make_dataset({kind, 500, 0.1, 0.5, seed 7})", "[datasets][parity]") {
    // x_train: the (250,2) training coordinates, row-major; points: [x, y, label] per training
    // point, as trainPoints() returns them to JS.
    struct Golden { DatasetKind kind; std::uint64_t x_train, points; };
    const Golden golden[] = {
        {DatasetKind::Spiral, 0x77efb2f5a26e2574ULL, 0x66351a423d6e2b1cULL},
        {DatasetKind::Circle, 0x5074db683bb9a2caULL, 0x8a532771c45382d7ULL},
        {DatasetKind::Xor, 0xf4481972e30b7edbULL, 0x08ebf894c5a1ca7aULL},
        {DatasetKind::Gaussians, 0x3e38e1f311695ef0ULL, 0xef2fe970956937b0ULL},
        {DatasetKind::Moons, 0xa3b135ee6d0536a5ULL, 0x702b0a32b9ce0c7cULL},
        {DatasetKind::Spiral3, 0x1f453dcd14dbab65ULL, 0xdb108da8cd1c04a0ULL},
        {DatasetKind::Plane, 0xd3985ef380a83793ULL, 0xf188289d3949c8d5ULL},
        {DatasetKind::MultiGaussian, 0xd3985ef380a83793ULL, 0xb8a2a2394d452180ULL},  // same x as plane
    };
    for (const Golden& g : golden) {
        INFO(dataset_name(g.kind));
        const Dataset d = make_dataset(config(g.kind, 500, 0.1, 0.5, 7));
        CHECK(fnv1a(flat(d.x_train)) == g.x_train);
        CHECK(fnv1a(points(d.x_train, d.y_train)) == g.points);
    }
    // the first training point of the spiral, for a human reading a failure
    const Dataset s = make_dataset(config(DatasetKind::Spiral, 500, 0.1, 0.5, 7));
    CHECK(s.x_train(0, 0) == -3.6456173369849787);
    CHECK(s.x_train(0, 1) == -2.5243072409010026);
    CHECK(s.y_train(0, 0) == 0);
}

TEST_CASE("parity: pinned FNV-1a hashes of make_sequences({task, T 20, N 8, delay 3, seed 7, noise 0.1})",
          "[datasets][parity]") {
    // Hash of x[0], x[1], ..., x[T-1] in turn (each row-major), and likewise of y. The noise
    // makes the sequences go through Rng::normal and so through fn::log.
    struct Golden { SequenceTask task; std::uint64_t x, y; };
    const Golden golden[] = {
        {SequenceTask::Sine, 0xa9dd0e47a8baaae8ULL, 0x1a20376a3714faf6ULL},
        {SequenceTask::Echo, 0xf00d9f7f18176370ULL, 0xa0400c51cf8817a5ULL},
        {SequenceTask::Parity, 0x28aee8d5c5975f58ULL, 0xc9cdc2aee0b43258ULL},
        {SequenceTask::Adding, 0x44e254d7f8fbe256ULL, 0x6c6f67584b2badf5ULL},
    };
    for (const Golden& g : golden) {
        INFO(sequence_task_name(g.task));
        SequenceConfig c = seq(g.task, 20, 8, 7);
        c.delay = 3;
        c.noise = 0.1;
        const SequenceData s = make_sequences(c);
        std::vector<double> x, y;
        for (const Mat& m : s.x) x.insert(x.end(), m.begin(), m.end());
        for (const Mat& m : s.y) y.insert(y.end(), m.begin(), m.end());
        CHECK(fnv1a(x) == g.x);
        CHECK(fnv1a(y) == g.y);
    }
}

// issue 12, items 3 and 14: dataset.task says whether custom labels are classes or targets.
TEST_CASE("datasets: dataset.task auto, classify and regress for custom points", "[datasets][task]") {
    CHECK(std::string(dataset_task_name(DatasetTask::Auto)) == "auto");
    CHECK(dataset_task_from_name("regress") == DatasetTask::Regress);
    CHECK(dataset_task_from_name("classify") == DatasetTask::Classify);
    require_throw<std::invalid_argument>([] { dataset_task_from_name("regression"); },
                                         {"dataset.task", "'regression'", "auto classify regress"});
    DatasetConfig c;
    c.kind = DatasetKind::Custom;
    c.custom = {{1, 1, 1}, {2, 2, 0}, {-1, 3, 1}, {0, -2, 0}};  // targets that happen to be 0 and 1
    CHECK(make_dataset(c).classes == 2);  // auto: today's inference
    c.task = DatasetTask::Regress;
    Dataset d = make_dataset(c);
    CHECK(d.classes == 0);
    double sum = 0;
    for (double l : d.y_train) sum += l;
    for (double l : d.y_test) sum += l;
    CHECK(sum == 2.0);  // the targets as given
    c.custom.push_back({0, 0, 2});  // 2 is outside the targets' -1..1
    require_throw<std::out_of_range>([&] { make_dataset(c); },
                                     {"dataset.custom[4].label", "2 is outside -1..1", "dataset.task regress"});
    c.task = DatasetTask::Classify;
    CHECK(make_dataset(c).classes == 3);
    c.custom.push_back({0, 0, 0.5});
    require_throw<std::out_of_range>([&] { make_dataset(c); },
                                     {"dataset.custom[5].label", "0.5 is not a class", "0, 1 or 2"});
    // built-in sets: auto or their own task
    c = DatasetConfig{};
    c.kind = DatasetKind::Plane;
    c.task = DatasetTask::Regress;
    CHECK(make_dataset(c).classes == 0);
    c.task = DatasetTask::Classify;
    require_throw<std::invalid_argument>([&] { make_dataset(c); }, {"dataset.task", "plane", "allowed: auto, regress"});
    c.kind = DatasetKind::Circle;
    CHECK(make_dataset(c).classes == 2);
    c.task = DatasetTask::Regress;
    require_throw<std::invalid_argument>([&] { make_dataset(c); }, {"dataset.task", "circle", "allowed: auto, classify"});
}

// Mixed labels under auto: before, "2 is neither a class (0, 1 or 2) nor a regression target",
// which reads as if 2 were not a class. Now the message names the label that made the set a
// regression and the field that decides.
TEST_CASE("datasets: mixed custom labels say which label made them targets", "[datasets][task]") {
    DatasetConfig c;
    c.kind = DatasetKind::Custom;
    c.custom = {{1, 1, 0}, {2, 2, 0.5}, {0, 0, 1}, {0, 1, 2}};
    require_throw<std::out_of_range>([&] { make_dataset(c); },
                                     {"dataset.custom[3].label: 2 is outside -1..1", "dataset.custom[1].label 0.5",
                                      "not a class 0, 1 or 2", "dataset.task"});
    try {
        make_dataset(c);
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find("neither") == std::string::npos);
        CHECK(std::string(e.what()).size() < 200);
    }
}
