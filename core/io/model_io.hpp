// model_io.hpp: configurations and model files as JSON (docs/model-format.md).
//
// A configuration is the JSON object the page, the CLI (`run.json`) and model files share; a
// model file adds the weights, the optimizer state and the progress, so loading it reproduces a
// run exactly. Parsing is strict: unknown fields, wrong types, non-finite numbers and sizes over
// the limits are errors whose message names the field (a JSON pointer such as
// `/network/hidden/2`). Loading is all-or-nothing: a file that fails anywhere changes nothing.
#pragma once

#include <memory>
#include <string>

#include "session/sequence_session.hpp"
#include "session/session.hpp"

namespace bp {

constexpr const char* kModelFormat = "backprop-playground-model";
constexpr int kModelVersion = 1;

// Configuration <-> JSON text. Missing fields take the defaults of SessionConfig.
SessionConfig parse_config(const std::string& json_text);
std::string config_to_json(const SessionConfig& config, int indent = 2);

// The training part alone (for live updates from the page).
TrainingSpec parse_training(const std::string& json_text, const TrainingSpec& base);

// Model file: config + weights + optimizer state + progress.
std::string save_model(const TrainingSession& session, int indent = -1);
// Builds a complete new session from a model file; throws (changing nothing) on any error.
std::unique_ptr<TrainingSession> load_model(const std::string& json_text);

// Recurrent sessions: the same rules, their own configuration and file format
// ("backprop-playground-sequence-model"; weights by parameter name).
constexpr const char* kSequenceModelFormat = "backprop-playground-sequence-model";
SequenceSessionConfig parse_sequence_config(const std::string& json_text);
std::string sequence_config_to_json(const SequenceSessionConfig& config, int indent = 2);
std::string save_sequence_model(SequenceSession& session, int indent = -1);
std::unique_ptr<SequenceSession> load_sequence_model(const std::string& json_text);

}  // namespace bp
