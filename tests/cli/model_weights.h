#pragma once
// The parameters of a model file the CLI wrote, in order, for comparing runs.
#include <filesystem>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/io/model_file.h"

namespace aerec::testing {

inline std::vector<float> weights(const std::filesystem::path& model_path) {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = aerec::load_model(*b, model_path);
  std::vector<float> out;
  for (const aerec::parameter& p : m.network().parameters()) {
    const std::size_t at = out.size();
    out.resize(at + p.size);
    b->to_host(out.data() + at, p.value, p.size * sizeof(float));
  }
  return out;
}

}  // namespace aerec::testing
