// image_io.hpp: the digits page's configuration and model files as JSON (docs/image-models.md).
//
// The same rules as model_io.hpp: strict parsing (unknown fields, wrong types, non-finite numbers
// and sizes over the limits are errors naming the field as a JSON pointer, "/model/layers/3/units"),
// and all-or-nothing loading. The image model file is its own kind,
// "backprop-playground-image-model", version 1: the files of the 2-D playground
// ("backprop-playground-model") and of the recurrent page are untouched and keep loading, and
// each reader refuses the others' files by their format field.
//
// The images themselves are not in the file (a few MB): the config names the data set and the
// number of images, and loading takes the ImageSet again; the seeded split makes the same
// train/test sets.
#pragma once

#include <memory>
#include <string>

#include "session/image_session.hpp"

namespace bp {

constexpr const char* kImageModelFormat = "backprop-playground-image-model";
constexpr int kImageModelVersion = 1;

// Configuration <-> JSON text. Missing fields take the defaults of default_image_config for the
// model kind and data set; "layers" absent builds the default network from "hidden",
// "activation" and "code". The result is validated (validate_image_config).
ImageSessionConfig parse_image_config(const std::string& json_text);
std::string image_config_to_json(const ImageSessionConfig& config, int indent = 2);

// A layer list alone, "[{"type":"conv2d",...}, ...]", for the page's layer editor.
std::vector<LayerSpec> parse_layer_specs(const std::string& json_text);

// Model file: config + weights by parameter name + optimizer state + progress. Throws
// std::length_error when the text would be over limits::kMaxModelBytes (it could not be loaded).
std::string save_image_model(ImageSession& session, int indent = -1);
// Builds a complete new session on `data` from a model file; throws (changing nothing) on any
// error, including data of another kind or size than the file's.
std::unique_ptr<ImageSession> load_image_model(const std::string& json_text, const ImageSet& data);

}  // namespace bp
