#include "model_kind.h"

#include "aerec/core/error.h"

namespace aerec::cli {

void refuse_unless_user_model(const model& m, const std::string& path, const std::string& command) {
  const std::string problem = m.user_input_problem();
  if (problem.empty()) return;
  if (m.meaning().rows != row_kind::items)
    throw error(error_code::invalid_argument,
                path + ": " + problem + ", so aerec " + command + " cannot use it");
  const std::string first = problem.substr(0, problem.find(':'));
  throw error(error_code::invalid_argument, path + ": " + first + " (trained with --item-based)" +
                                                problem.substr(first.size()) + ", so aerec " + command +
                                                " cannot use it; aerec eval scores it");
}

}  // namespace aerec::cli
