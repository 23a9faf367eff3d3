#include "model_kind.h"

#include "aerec/core/error.h"

namespace aerec::cli {

void refuse_unless_rating_model(const model& m, const std::string& path, const std::string& command) {
  const std::string problem = m.rating_prediction_problem();
  if (problem.empty()) return;
  // The flag it was trained with, and what eval offers instead.
  const bool item_based = m.meaning().rows == row_kind::items;
  const std::string trained = item_based ? "--item-based" : "--objective multinomial";
  const std::string first = problem.substr(0, problem.find(':'));
  throw error(error_code::invalid_argument, path + ": " + first + " (trained with " + trained + ")" +
                                                problem.substr(first.size()) + ", so aerec " + command +
                                                " cannot use it; aerec eval " +
                                                (item_based ? "scores it" : "gives its top-N figures"));
}

}  // namespace aerec::cli
