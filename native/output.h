#pragma once
// The CLI's outputs: JSON (metrics files, --json, model metadata) and text.
#include <nlohmann/json.hpp>
#include <string>

#include "aerec/metrics.h"
#include "aerec/train_config.h"
#include "aerec/trainer.h"

namespace aerec::cli {

using json = nlohmann::ordered_json;

// A float as the shortest decimal that reads back to the same float ("3.72",
// not "3.7200000286102295").
json shortest(float value);

json to_json(const train_config& config);
json to_json(const epoch_report& report);
// The test figures, keys prefixed with `prefix` ("test_rmse", ...).
void add_metrics(json& out, const std::string& prefix, const rating_metrics& m);

// The test figures and the global-mean baseline, as text on stdout.
void print_test_figures(const rating_metrics& test, const rating_metrics& baseline);

// Writes `value` (pretty-printed) to `path` atomically.
void write_json(const std::string& path, const json& value);

}  // namespace aerec::cli
