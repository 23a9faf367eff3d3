#include "aerec/core/option.h"

#include <cmath>
#include <limits>

namespace aerec {

namespace {

// `j` as an integer type. nlohmann casts a number that does not fit unchecked
// (1e10 to int is undefined behaviour): here it is nlohmann's out_of_range.
template <class T>
T whole_number(const json& j) {
  if (!j.is_number()) return j.get<T>();  // nlohmann's type_error names the type
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  bool fits = false;
  if (j.is_number_unsigned()) {
    fits = j.get<std::uint64_t>() <= max;
  } else if (j.is_number_integer()) {
    const auto v = j.get<std::int64_t>();
    fits = v >= 0 ? static_cast<std::uint64_t>(v) <= max
                  : std::is_signed_v<T> && v >= static_cast<std::int64_t>(std::numeric_limits<T>::min());
  } else {
    const double v = j.get<double>(), bound = std::ldexp(1.0, std::numeric_limits<T>::digits);
    fits = v == std::floor(v) && v >= (std::is_signed_v<T> ? -bound : 0.0) && v < bound;
  }
  if (!fits) throw json::out_of_range::create(406, j.dump() + " is not a whole number that fits", &j);
  return j.get<T>();
}

}  // namespace

json option_value_to_json(const option_value& value) {
  return std::visit([](const auto& v) { return json(v); }, value);
}

option_value option_value_from_json(const json& j, const option_value& like) {
  return std::visit(
      [&j](const auto& v) -> option_value {
        using type = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<type, int> || std::is_same_v<type, std::uint64_t>) {
          return whole_number<type>(j);
        } else if constexpr (std::is_same_v<type, std::vector<int>>) {
          if (!j.is_array()) return j.get<type>();
          type out;
          for (const json& e : j) out.push_back(whole_number<int>(e));
          return out;
        } else {
          return j.get<type>();
        }
      },
      like);
}

}  // namespace aerec
