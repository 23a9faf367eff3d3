#include "config_file.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"

namespace aerec::cli {

namespace {

using json = nlohmann::ordered_json;  // keys in file order, so errors name the first bad one

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw error(error_code::invalid_argument, path + ": " + reason);
}

std::string quoted(const std::string& key) { return "\"" + key + "\""; }

json read_object(std::string_view text, const std::string& path) {
  json values;
  try {
    values = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann says "[json.exception.parse_error.101] parse error at line L,
    // column C: reason"; keep the reason and give the line as "path:line:".
    const std::string what = e.what();
    const std::size_t colon = what.find(": ", what.find("column"));
    const std::size_t end = std::min(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n');
    throw error(error_code::invalid_argument,
                path + ":" + std::to_string(line) +
                    ": invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  } catch (const json::out_of_range& e) {
    // A number beyond a double ("1e309") is no parse_error and has no position:
    // "[json.exception.out_of_range.406] number overflow parsing '1e309'".
    const std::string what = e.what();
    const std::size_t id_end = what.find("] ");
    fail(path, "invalid JSON: " + (id_end == std::string::npos ? what : what.substr(id_end + 2)));
  }
  if (!values.is_object())
    fail(path, std::string("expected a JSON object of flag values, not ") +
                   (values.is_array() ? "an " : "a ") + values.type_name());
  return values;
}

// What an option's values must be in JSON, by CLI11's name for their type.
struct value_kind {
  const char* type;
  const char* description;
  bool (*fits)(const json&);
};

constexpr value_kind value_kinds[] = {
    {"INT", "an integer", [](const json& v) { return v.is_number_integer(); }},
    {"UINT", "a non-negative integer", [](const json& v) { return v.is_number_unsigned(); }},
    {"FLOAT", "a number", [](const json& v) { return v.is_number(); }},
    {"TEXT", "a string", [](const json& v) { return v.is_string(); }},
};
// Other types: CLI11 converts the text and reports what it cannot.
constexpr value_kind any_scalar = {"", "a string or a number",
                                   [](const json& v) { return v.is_string() || v.is_number(); }};

const value_kind& kind_of(const CLI::Option& option) {
  for (const value_kind& k : value_kinds)
    if (option.get_type_name() == k.type) return k;
  return any_scalar;
}

// The command-line words equivalent to `value` for `option`.
std::vector<std::string> option_words(const CLI::Option& option, const std::string& key, const json& value,
                                      const std::string& path) {
  if (option.get_expected_max() == 0) {  // a flag
    if (!value.is_boolean()) fail(path, quoted(key) + ": " + value.dump() + " is not true or false");
    return {option.get_flag_value(key, value.get<bool>() ? "true" : "false")};
  }
  const value_kind& kind = kind_of(option);
  const auto word = [&](const json& v) {
    if (!kind.fits(v)) fail(path, quoted(key) + ": " + v.dump() + " is not " + kind.description);
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  if (!value.is_array()) return {word(value)};
  if (option.get_items_expected_max() < 2)
    fail(path, quoted(key) + " takes one value (" + kind.description + "), not a list");
  if (value.empty()) fail(path, quoted(key) + " needs at least one value");
  std::vector<std::string> words;
  for (const json& v : value) words.push_back(word(v));
  return words;
}

}  // namespace

void apply_config_text(CLI::App& command, std::string_view text, const std::string& path) {
  const json values = read_object(text, path);
  std::set<const CLI::Option*> from_file;
  for (const auto& item : values.items()) {
    const std::string& key = item.key();
    CLI::Option* option = command.get_option_no_throw("--" + key);
    if (option == nullptr)
      fail(path,
           "unknown key " + quoted(key) + " (aerec " + command.get_name() + " has no flag --" + key + ")");
    if (!option->get_configurable()) fail(path, quoted(key) + " cannot be set in a config file");
    if (!from_file.insert(option).second) fail(path, quoted(key) + " sets the same flag as an earlier key");
    const std::vector<std::string> words = option_words(*option, key, item.value(), path);
    if (option->count() > 0) continue;  // given on the command line, which wins
    option->add_result(words);
    // Converted here, not later by CLI11, so that a bad value names the file and key.
    try {
      option->run_callback();
    } catch (const CLI::Error& e) {
      fail(path, quoted(key) + ": " + e.what());
    }
  }
}

void add_config_option(CLI::App& command) {
  command
      .add_option_function<std::string>(
          "--config",
          [&command](const std::string& path) { apply_config_text(command, read_file(path), path); },
          "A JSON object of this command's flags without the dashes, e.g. {\"epochs\": 100, "
          "\"layers\": [20, 10, 20], \"shuffle\": false}; flags given on the command line win")
      ->type_name("FILE.json")
      ->configurable(false);
}

}  // namespace aerec::cli
