// libFuzzer target: the taste map's page file (`aerec map --web`) as the
// wasm module's loadTasteMap reads it (map/place_user.h page_placer), then
// a code placed on it.
#include "aerec/backend/cpu_backend.h"
#include "aerec/map/place_user.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aerec;
  using namespace aerec::fuzz;
  static const std::unique_ptr<backend> cpu = make_cpu_backend(1);
  std::optional<parametric_map> placer;
  if (!accepted([&] { placer.emplace(page_placer(*cpu, as_text(data, size), "taste map")); })) return 0;
  check(placer->code_size() >= 1, "a map of codes of no numbers");
  const std::vector<float> code(static_cast<std::size_t>(placer->code_size()), 0.5f);
  if (!accepted([&] { check(placer->place(code).size() == 2, "a place that is not 2 numbers"); }))
    finding("a taste map that loads cannot place a code");
  return 0;
}
