#include "aerec/data/id_map.h"

#include <string>

#include "aerec/core/error.h"

namespace aerec {

id_map::id_map(std::vector<std::int32_t> ids) : ids_(std::move(ids)) {
  index_.reserve(ids_.size());
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (!index_.emplace(ids_[i], static_cast<std::int32_t>(i)).second)
      throw error(error_code::invalid_argument, "duplicate id " + std::to_string(ids_[i]));
  }
}

std::int32_t id_map::insert(std::int32_t id) {
  const auto [it, added] = index_.emplace(id, size());
  if (added) ids_.push_back(id);
  return it->second;
}

std::optional<std::int32_t> id_map::find(std::int32_t id) const {
  const auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::int32_t id_map::index_of(std::int32_t id, const char* what) const {
  if (const auto index = find(id)) return *index;
  throw error(error_code::unknown_id, std::string("unknown ") + what + " id " + std::to_string(id));
}

}  // namespace aerec
