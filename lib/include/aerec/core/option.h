#pragma once
// Options declared once: a table of rows — name, help, value type and
// default, get, set — from which the command line's flags (--name, and
// --no-name for an on/off option), JSON files and stored descriptions (metrics,
// model metadata, checkpoints) are all made, as llama.cpp's common/arg.cpp
// declares each flag once. option<T> serves any struct T: the training
// configuration (train/options.h), a run (train/run.h), a data source
// (data/data_source.h).
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "aerec/core/error.h"

namespace aerec {

// Keys stay in the table's order, so that stored configurations read in it.
using json = nlohmann::ordered_json;

// A value of an option; which alternative it holds is the option's type.
using option_value = std::variant<bool, int, std::uint64_t, float, double, std::string, std::vector<int>>;

template <class T>
struct option {
  // The flag (--name) and the JSON key.
  std::string name;
  std::string help;
  // The option's value in a default-constructed T: its type, and what a
  // stored configuration without the key reads as where it may lack it.
  option_value default_value;
  // Whether a stored configuration must hold the key, given the target as
  // read so far: keys added later may be missing from older files.
  bool (*required)(const T&);
  std::function<option_value(const T&)> get;
  // Throws error_code::invalid_argument for a value it cannot take (an unknown name).
  std::function<void(T&, const option_value&)> set;
};

// `required` for keys that every stored T holds, and for keys added later.
template <class T>
bool always(const T&) {
  return true;
}
template <class T>
bool never(const T&) {
  return false;
}

// A row from a typed getter and setter; the getter's result type is the option's type.
template <class T, class Get, class Set>
option<T> make_option(std::string name, std::string help, bool (*required)(const T&), Get get, Set set) {
  using value = std::decay_t<std::invoke_result_t<Get, const T&>>;
  return {std::move(name),
          std::move(help),
          option_value(get(T{})),
          required,
          [get](const T& target) { return option_value(get(target)); },
          [set](T& target, const option_value& v) { set(target, std::get<value>(v)); }};
}

// A row for a field: `access` is a generic lambda returning a reference to
// it, so that one lambda serves to read and to write.
template <class T, class Access>
option<T> field_option(std::string name, std::string help, bool (*required)(const T&), Access access) {
  using value = std::decay_t<decltype(access(std::declval<const T&>()))>;
  return make_option<T>(
      std::move(name), std::move(help), required, [access](const T& t) { return access(t); },
      [access](T& t, const value& v) { access(t) = v; });
}

// A row for an enumeration written as its name (name_of) and read back by parse.
template <class T, class Access, class E>
option<T> named_option(std::string name, std::string help, bool (*required)(const T&), Access access,
                       const char* (*name_of)(E), E (*parse)(const std::string&)) {
  return make_option<T>(
      std::move(name), std::move(help), required,
      [access, name_of](const T& t) { return std::string(name_of(access(t))); },
      [access, parse](T& t, const std::string& v) { access(t) = parse(v); });
}

json option_value_to_json(const option_value& value);
// `j` as a value of the type `like` holds; throws nlohmann's exception for another type.
option_value option_value_from_json(const json& j, const option_value& like);

// Every option's value, keyed by name, in the table's order.
template <class T>
json options_to_json(const std::vector<option<T>>& table, const T& target) {
  json j = json::object();
  for (const option<T>& o : table) j[o.name] = option_value_to_json(o.get(target));
  return j;
}

// Sets each option in `j` on `target`, in the table's order (keys not in the
// table are ignored); a missing key that is not required sets the default.
// Throws error_code::invalid_argument starting with `source` and naming the
// key for a missing required key or a value of the wrong type.
template <class T>
void options_from_json(const std::vector<option<T>>& table, const json& j, T& target,
                       const std::string& source) {
  for (const option<T>& o : table) {
    if (!j.contains(o.name)) {
      if (o.required(target))
        throw error(error_code::invalid_argument, source + ": \"" + o.name + "\" is missing");
      o.set(target, o.default_value);
      continue;
    }
    option_value value;
    try {
      value = option_value_from_json(j.at(o.name), o.default_value);
    } catch (const json::exception& e) {
      throw error(error_code::invalid_argument, source + ": \"" + o.name + "\": " + e.what());
    }
    o.set(target, value);
  }
}

// The row `o` of an Inner struct as a row of an Outer struct holding one in `member`.
template <class Outer, class Inner>
option<Outer> nested_option(const option<Inner>& o, Inner Outer::*member, bool (*required)(const Outer&)) {
  return {o.name,
          o.help,
          o.default_value,
          required,
          [get = o.get, member](const Outer& outer) { return get(outer.*member); },
          [set = o.set, member](Outer& outer, const option_value& v) { set(outer.*member, v); }};
}

}  // namespace aerec
