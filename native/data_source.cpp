#include "data_source.h"

#include <cstdio>
#include <string>

#include "aerec/core/error.h"
#include "option_flags.h"
#include "output.h"

namespace aerec::cli {

void add_data_options(CLI::App& command, data_source& a) {
  add_target_flags(command, data_source_options(), a, [](const auto&) { return true; });
}

void add_format_options(CLI::App& command, data_source& a) {
  add_target_flags(command, data_source_options(), a, [](const auto& o) { return o.name != "data"; });
}

void default_data_from_metadata(data_source& a, const json& meta) {
  if (a.data.empty() && meta.contains("data_path") && meta["data_path"].is_string())
    a.data = meta["data_path"];
}

image_data load_images_for(const model& m, const std::string& model_path, const std::string& source) {
  if (!m.images())
    throw error(error_code::invalid_argument,
                model_path + " is not an image model (aerec train --preset conv)");
  image_data data = load_image_data(source);
  if (data.test.pixels_per_image() != m.items().size())
    throw error(error_code::invalid_argument, source + "'s images have " +
                                                  std::to_string(data.test.pixels_per_image()) + " pixels; " +
                                                  model_path + " takes " + std::to_string(m.items().size()));
  return data;
}

void report_left_out(const left_out& part, const char* name) {
  if (part.unknown_user + part.unknown_item == 0) return;
  std::fprintf(stderr,
               "aerec: note: %zu %s ratings left out: %zu of users with no input ratings, %zu of "
               "movies with no training rating\n",
               part.unknown_user + part.unknown_item, name, part.unknown_user, part.unknown_item);
}

void report_short_users(std::size_t users) {
  if (users == 0) return;
  std::fprintf(stderr, "aerec: note: %zu users with fewer than 3 ratings left out of the split last\n",
               users);
}

}  // namespace aerec::cli
