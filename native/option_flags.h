#pragma once
// Command-line flags made from the library's option tables (aerec/core/option.h):
// --name for each row, --name,!--no-name for an on/off one, a list's values
// separated by commas, the row's help.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <type_traits>
#include <vector>

#include "aerec/core/option.h"

namespace aerec::cli {

// Declares `o`'s flag on `cmd`; `on_value(value)` runs when it is given.
template <class T, class OnValue>
CLI::Option* add_option_flag(CLI::App& cmd, const option<T>& o, OnValue on_value) {
  return std::visit(
      [&](const auto& like) {
        using value_type = std::decay_t<decltype(like)>;
        auto value = std::make_shared<value_type>();
        CLI::Option* flag = nullptr;
        if constexpr (std::is_same_v<value_type, bool>)
          flag = cmd.add_flag("--" + o.name + ",!--no-" + o.name, *value, o.help);
        else
          flag = cmd.add_option("--" + o.name, *value, o.help);
        if constexpr (std::is_same_v<value_type, std::vector<int>>) flag->delimiter(',');
        on_value(flag, value);
        return flag;
      },
      o.default_value);
}

// A flag for each row of `table` that, when given (on the command line or in
// a --config file), adds to `overrides` a step setting it: the steps apply in
// the table's order, after the caller chose where they start from (a preset).
// `flags` lists the flags (for --resume to refuse). The table must outlive the command.
template <class T>
void add_option_flags(CLI::App& cmd, const std::vector<option<T>>& table,
                      std::vector<std::function<void(T&)>>& overrides, std::vector<CLI::Option*>& flags) {
  for (const option<T>& o : table)
    add_option_flag(cmd, o, [&](CLI::Option* flag, const auto& value) {
      overrides.push_back([flag, value, &o](T& target) {
        if (flag->count() > 0) o.set(target, *value);
      });
      flags.push_back(flag);
    });
}

// A flag for each row of `table` that `keep` keeps, setting `target` as soon
// as it is parsed. The table and target must outlive the command.
template <class T, class Keep>
void add_target_flags(CLI::App& cmd, const std::vector<option<T>>& table, T& target, Keep keep) {
  for (const option<T>& o : table) {
    if (!keep(o)) continue;
    std::visit(
        [&](const auto& like) {
          using value_type = std::decay_t<decltype(like)>;
          const auto set = [&o, &target](const value_type& v) { o.set(target, v); };
          if constexpr (std::is_same_v<value_type, bool>)
            cmd.add_flag_function(
                "--" + o.name + ",!--no-" + o.name, [set](std::int64_t count) { set(count > 0); }, o.help);
          else if constexpr (std::is_same_v<value_type, std::vector<int>>)
            cmd.add_option_function<value_type>("--" + o.name, set, o.help)->delimiter(',');
          else
            cmd.add_option_function<value_type>("--" + o.name, set, o.help);
        },
        o.default_value);
  }
}

}  // namespace aerec::cli
