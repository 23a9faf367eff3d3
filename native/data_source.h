#pragma once
// The CLI's data flags: --data (a folder, a file, or the name of a set in
// $MOVIELENS_DIR or the download folder), --format, --delimiter, --columns
// (resolved by the library: aerec/data/data_source.h).
#include <CLI/CLI.hpp>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "aerec/data/data_source.h"
#include "aerec/data/image_set.h"
#include "aerec/data/split.h"
#include "aerec/nn/model.h"

namespace aerec::cli {

// Adds --format, --delimiter and --columns to a command.
void add_format_options(CLI::App& command, data_source& source);
// Adds --data and the format options.
void add_data_options(CLI::App& command, data_source& source);

// For commands on a saved model: unless --data was given, the data the model
// was trained on (the "data_path" train stores in its metadata, `meta`).
void default_data_from_metadata(data_source& source, const nlohmann::ordered_json& meta);

// The image set `source` names (image_set.h), for `model_path`'s image model
// `m`: throws invalid_argument when it is not one, or its images have another size.
image_data load_images_for(const model& m, const std::string& model_path, const std::string& source);

// Says on stderr how many of a held-out part's ratings were left out (unknown user or movie).
void report_left_out(const left_out& part, const char* name);
// The split last's users with too few ratings for a training, validation and test part.
void report_short_users(std::size_t users);

}  // namespace aerec::cli
