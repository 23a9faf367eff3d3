#pragma once
// The CLI's outputs: JSON (metrics files, --json, model metadata) and text.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "aerec/core/shortest_decimal.h"
#include "aerec/core/thousands.h"
#include "aerec/eval/metrics.h"
#include "aerec/eval/ranking_metrics.h"
#include "aerec/eval/test_figures.h"
#include "aerec/train/image_trainer.h"

namespace aerec::cli {

using json = nlohmann::ordered_json;

// The test figures and the global-mean baseline, as text on stdout.
void print_test_figures(const rating_metrics& test, const rating_metrics& baseline);

// Writes `value` (pretty-printed) to `path` atomically.
void write_json(const std::string& path, const json& value);

// The top-N figures as a table on stdout, beside the popularity baseline's
// recall and NDCG (computed at the same cutoffs).
void print_ranking_figures(const ranking_metrics& m, const ranking_metrics& popularity);
// The split last's next-item figures, the model's beside its baselines'.
void print_next_item_figures(const next_item_test_figures& f);
// An image model's test figures (and the denoising gain, with noise).
void print_image_figures(const image_figures& f);

}  // namespace aerec::cli
