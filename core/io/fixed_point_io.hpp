// fixed_point_io.hpp: fixed-point session configurations and model files as JSON
// (docs/fixed-point-api.md). Same rules as model_io.hpp: parsing is strict (unknown fields, wrong
// types, non-finite numbers and values outside the limits are errors whose message names the
// field as a JSON pointer, e.g. `/relax/alpha`), and loading is all-or-nothing.
//
// Config (every field optional; missing fields take fixed_point_session_defaults(task.name)):
//   { "task": { "name": "xor" | "letters", "letters": "CHLTX", "damage": 3, "erase": false,
//               "cues": 4, "testCues": 20 },
//     "hidden": 3, "activation": "tanh", "initScale": 1,
//     "relax": { "alpha": 0.5, "beta": 0.5, "tol": 1e-10, "maxIters": 2000 },
//     "training": { "optimizer": "adam", "learningRate": 0.05, ... },   // as model_io's, without
//     "seed": 1 }                                    // batchSize, regularization and seed
#pragma once

#include <memory>
#include <string>

#include "session/fixed_point_session.hpp"

namespace bp {

constexpr const char* kFixedPointModelFormat = "backprop-playground-fixed-point-model";

FixedPointSessionConfig parse_fixed_point_config(const std::string& json_text);
std::string fixed_point_config_to_json(const FixedPointSessionConfig& config, int indent = 2);

// The live-changeable parts alone (the page's updateTraining): each on top of its base.
OptimizerConfig parse_fixed_point_training(const std::string& json_text, const OptimizerConfig& base);
RelaxOptions parse_relax_options(const std::string& json_text, const RelaxOptions& base);

// Model file: config + weights W, U, b + optimizer state + progress {step, skipped}.
std::string save_fixed_point_model(FixedPointSession& session, int indent = -1);
// Builds a complete new session from a model file; throws (changing nothing) on any error.
std::unique_ptr<FixedPointSession> load_fixed_point_model(const std::string& json_text);

}  // namespace bp
