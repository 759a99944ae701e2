// datasets.hpp: the data the playground trains on, all of it generated from a seed.
//
//   * 2-D toy data in the spirit of TensorFlow Playground (D. Smilkov and S. Carter,
//     https://playground.tensorflow.org, source src/dataset.ts): six classification sets
//     (circle, xor, gaussians, spiral, moons, spiral3) and two regression sets (plane,
//     multigaussian), plus user-supplied points (custom). Every generator's formula is written
//     above its code in datasets.cpp and on docs/datasets.md.
//   * Input feature maps x1 x2 x1² x2² x1·x2 sin x1 sin x2 (the playground's input column).
//   * Target encodings for training (0/1, -1/+1, one-hot) and an accuracy helper.
//   * The 8x8 handwritten digits (Alpaydin and Kaynak 1998) parsed from CSV text.
//   * Sequence tasks for recurrent networks: sine continuation, echo, temporal parity and the
//     adding problem (Hochreiter and Schmidhuber 1997).
//
// Determinism: every random draw comes from one bp::Rng seeded from the config, and the only
// transcendental functions used are bp::fn::sin/cos/exp/log (mathfn.hpp); sqrt is IEEE-754
// correctly rounded. So the same seed gives bit-identical data natively and in WebAssembly
// (docs/parity.md pins hashes of a few data sets).
//
// Coordinates: points are raw coordinates in [-6, 6]², like TensorFlow Playground, which feeds
// them to the network unscaled. We keep that so that the figures (and learning rates) compare.
// Noise that would push a point outside the square is clamped to its edge.
//
// Errors: a value outside its allowed range throws std::out_of_range (JS RangeError); NaN/inf,
// an unknown name or a wrong shape throws std::invalid_argument. Messages name the field with
// the config-file spelling (docs/wasm-api.md) and the allowed range, for example
// "dataset.noise: 2 is outside 0..1".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/tensor.hpp"

namespace bp {

// ---- 2-D data sets -------------------------------------------------------------------------

// Half-width of the square the points live in: x, y in [-kDataExtent, kDataExtent].
constexpr double kDataExtent = 6.0;

enum class DatasetKind { Circle, Xor, Gaussians, Spiral, Moons, Spiral3, Plane, MultiGaussian, Custom };

// Names: circle xor gaussians spiral moons spiral3 plane multigaussian custom.
const char* dataset_name(DatasetKind kind);
DatasetKind dataset_from_name(const std::string& name);  // throws std::invalid_argument

// Whether the labels are classes or regression targets. Auto infers it from the labels (the
// built-in sets know their own; custom points: classification when every label is exactly 0, 1
// or 2). Classify and Regress say it, so that targets that happen to be only 0 and 1 are still
// a regression. A built-in set takes auto or its own task.
enum class DatasetTask { Auto, Classify, Regress };

// Names: auto classify regress.
const char* dataset_task_name(DatasetTask task);
DatasetTask dataset_task_from_name(const std::string& name);  // throws std::invalid_argument

struct DatasetConfig {
    DatasetKind kind = DatasetKind::Spiral;
    std::size_t points = 500;     // train + test, 1..limits::kMaxPoints (ignored for Custom)
    double noise = 0.1;           // 0..1, a fraction of the data set's scale (docs/datasets.md)
    double train_ratio = 0.5;     // 0.1..0.9 of the points go to the training set
    std::uint64_t seed = 1;
    DatasetTask task = DatasetTask::Auto;
    // For Custom only: (x, y, label or target), x and y in [-6, 6]. Classification (task
    // classify, or auto when every label is exactly 0, 1 or 2): 3 classes if a 2 occurs, else
    // 2. Regression (task regress, or auto otherwise): every target must lie in [-1, 1].
    std::vector<std::array<double, 3>> custom;
};

struct Dataset {
    Mat x_train, x_test;   // (N,2) raw coordinates in [-6,6]² (digits: (N,64) pixels in [0,1])
    Mat y_train, y_test;   // (N,1) class index 0..C-1, or the regression target
    std::size_t classes = 0;   // 0 = regression, else the number of classes (2, 3; digits 10)
};

// Checks every field; throws as described at the top. make_dataset calls it first.
void validate_dataset_config(const DatasetConfig& config);

// Generates config.points points (or takes the custom ones), shuffles them and splits off
// round(points · train_ratio) for training (at least 1, and at least 1 left for testing when
// there are 2 or more points).
Dataset make_dataset(const DatasetConfig& config);

// ---- input features --------------------------------------------------------------------------
// The network sees a feature vector per point instead of (x, y). Bit flags, combined with |.
// The columns of feature_map's output follow the bit order below, whatever order the names
// were given in. Inputs are NOT rescaled (as in TensorFlow Playground): x1sq and x1x2 reach 36.
enum Feature : unsigned {
    X1 = 1u << 0,      // x
    X2 = 1u << 1,      // y
    X1Sq = 1u << 2,    // x²
    X2Sq = 1u << 3,    // y²
    X1X2 = 1u << 4,    // x·y
    SinX1 = 1u << 5,   // sin x
    SinX2 = 1u << 6,   // sin y
};
constexpr unsigned kAllFeatures = 0x7fu;
constexpr std::size_t kFeatureCount = 7;

// Names: x1 x2 x1sq x2sq x1x2 sinx1 sinx2.
const char* feature_name(Feature f);
Feature feature_from_name(const std::string& name);                  // throws std::invalid_argument
std::vector<std::string> feature_names(unsigned mask);              // in column order
unsigned features_from_names(const std::vector<std::string>& names);  // at least one, no repeats
std::size_t feature_count(unsigned mask);                           // F, the number of set bits

// out (N,F) = the selected features of each row of xy (N,2). Resizes out only when its shape
// differs. Throws std::invalid_argument for mask 0, unknown bits or xy not (N,2).
void feature_map(const Mat& xy, unsigned mask, Mat& out);

// ---- targets and accuracy -------------------------------------------------------------------
// How class labels become training targets:
//   ZeroOne      2 classes -> (N,1) 0/1, for a sigmoid output (sigmoid cross-entropy)
//   PlusMinusOne 2 classes -> (N,1) -1/+1, for a tanh output (squared error), as in TF Playground
//   OneHot       2 classes -> (N,2) one-hot, for a softmax output
// 3 or more classes are always one-hot (N,K); regression (classes 0) is copied unchanged.
enum class TargetEncoding { ZeroOne, PlusMinusOne, OneHot };

void encode_targets(const Mat& labels /*(N,1)*/, std::size_t classes, TargetEncoding enc, Mat& out);

// Fraction of rows whose predicted class equals the label. Prediction: for (N,1) outputs,
// class 1 when the output is >= 0.5 (ZeroOne) or >= 0 (PlusMinusOne); for (N,K) outputs the
// argmax (the first one on ties). NaN for regression (classes 0) or N = 0.
double accuracy(const Mat& outputs, const Mat& labels /*(N,1)*/, std::size_t classes, TargetEncoding enc);

// ---- handwritten digits ---------------------------------------------------------------------
// One image per line: 64 pixel values 0..16 (8x8, row-major) then the label 0..9, separated by
// commas; blank lines are skipped. Pixels are scaled by 1/16 to [0,1]. x_* is (N,64),
// classes = 10. Shuffled with `seed` and split like make_dataset. The file shipped in data/ is
// gzip-compressed: decompress it before calling (the page uses DecompressionStream).
Dataset load_digits_csv(const std::string& csv_text, double train_ratio, std::uint64_t seed);

// ---- sequence tasks for recurrent networks -------------------------------------------------
enum class SequenceTask { Sine, Echo, Parity, Adding };

// Names: sine echo parity adding.
const char* sequence_task_name(SequenceTask task);
SequenceTask sequence_task_from_name(const std::string& name);  // throws std::invalid_argument

struct SequenceConfig {
    SequenceTask task = SequenceTask::Echo;
    std::size_t length = 20;      // T, 1..limits::kMaxSequenceLength (adding: at least 2)
    std::size_t sequences = 256;  // N, 1..limits::kMaxSequences
    std::size_t delay = 3;        // echo only: d, 0..T-1
    std::uint64_t seed = 1;
    double noise = 0.0;           // 0..1: sd of Gaussian noise added to the signal inputs;
                                  // targets always come from the clean signal
};

// x[t] is the input at step t for all N sequences (row n = sequence n), y[t] its target.
// Both have T entries. When loss_every_step is false only y[T-1] is a target (the earlier y[t]
// are zero and must not enter the loss).
struct SequenceData {
    std::vector<Mat> x;           // T of (N,D)
    std::vector<Mat> y;           // T of (N,K)
    bool loss_every_step = true;
    std::size_t classes = 0;      // 0: real targets (squared error); 2: 0/1 targets (sigmoid CE)
};

void validate_sequence_config(const SequenceConfig& config);
SequenceData make_sequences(const SequenceConfig& config);

}  // namespace bp
