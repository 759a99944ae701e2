// limits.hpp: the documented size limits, checked by every entry point (core API, wasm
// bindings, CLI, model files, URL state). A value outside them is rejected with a message that
// names the field and the allowed range; nothing is half-applied.
#pragma once

#include <cstddef>

namespace bp::limits {

constexpr std::size_t kMaxHiddenLayers = 8;       // hidden layers of an MLP
constexpr std::size_t kMaxNeurons = 128;          // neurons in one hidden layer (page offers 32; digits use 128)
constexpr std::size_t kMaxInputs = 256;           // input width (digits use 64)
constexpr std::size_t kMaxOutputs = 16;           // output width / classes
constexpr std::size_t kMaxPoints = 20000;         // dataset points, train + test
constexpr std::size_t kMaxBatch = 1024;           // mini-batch size
constexpr std::size_t kMaxGrid = 400;             // decision-boundary grid side G (G*G points)
constexpr std::size_t kMaxSteps = 1000000;        // steps in one step(n) call
constexpr std::size_t kMaxSequenceLength = 400;   // T for recurrent networks
constexpr std::size_t kMaxRecurrentHidden = 128;  // hidden units of an RNN / LSTM
constexpr std::size_t kMaxSequences = 4096;       // sequences in a sequence data set
constexpr std::size_t kMaxModelBytes = 16u << 20; // a model file (16 MiB)

}  // namespace bp::limits
