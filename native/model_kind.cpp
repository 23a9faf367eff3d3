#include "model_kind.h"

#include "aerec/core/error.h"
#include "output.h"

namespace aerec::cli {

namespace {
// The value of `key` in the configuration in `m`'s metadata; null when absent.
json config_value(const model& m, const char* key) {
  const json meta = json::parse(m.metadata(), nullptr, false);
  if (!meta.is_object() || !meta.contains("config") || !meta["config"].is_object()) return nullptr;
  const json& config = meta["config"];
  return config.contains(key) ? config[key] : json(nullptr);
}
}  // namespace

bool is_item_based(const model& m) { return config_value(m, "item-based") == true; }

bool is_ranking_model(const model& m) { return config_value(m, "objective") == "multinomial"; }

void refuse_unless_rating_model(const model& m, const std::string& path, const std::string& command) {
  if (is_item_based(m))
    throw error(error_code::invalid_argument,
                path + ": an item-based model (trained with --item-based): its columns are the "
                       "users it was trained on, not movies, so aerec " + command +
                       " cannot use it; aerec eval scores it");
  if (is_ranking_model(m))
    throw error(error_code::invalid_argument,
                path + ": a ranking model (trained with --objective multinomial): it scores "
                       "movies from implicit feedback rather than predicting ratings, so aerec " +
                       command + " cannot use it; aerec eval gives its top-N figures");
}

}  // namespace aerec::cli
