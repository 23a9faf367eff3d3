#pragma once
// Maps external ids (MovieLens user or movie ids) to dense indices 0..n-1 and back.
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace aerec {

class id_map {
 public:
  id_map() = default;
  // Indices follow the order of `ids`, which must hold no duplicates.
  explicit id_map(std::vector<std::int32_t> ids);

  // The index of `id`, adding it at the end when new.
  std::int32_t insert(std::int32_t id);
  std::optional<std::int32_t> find(std::int32_t id) const;
  // The index of `id`; throws error_code::unknown_id naming `what` ("movie", "user").
  std::int32_t index_of(std::int32_t id, const char* what) const;
  std::int32_t id(std::int32_t index) const { return ids_[static_cast<std::size_t>(index)]; }

  std::span<const std::int32_t> ids() const { return ids_; }
  std::int32_t size() const { return static_cast<std::int32_t>(ids_.size()); }

 private:
  std::vector<std::int32_t> ids_;
  std::unordered_map<std::int32_t, std::int32_t> index_;
};

}  // namespace aerec
