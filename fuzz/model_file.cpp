// libFuzzer target: model files of versions 1 to 3 (io/model_file.h), as
// deserialize_model reads them for load_model and the wasm module. What
// loads must survive a round trip; a version-3 file's compact weights must
// encode again.
#include "model_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aerec::fuzz;
  std::unique_ptr<aerec::model> m;
  aerec::model_file_details details;
  if (!accepted([&] {
        m = std::make_unique<aerec::model>(
            deserialize_model(cpu(), as_text(data, size), "model bytes", &details));
      }))
    return 0;
  check(details.version >= 1 && details.version <= aerec::compact_weights_version, "a version outside 1..3");
  check_round_trip(*m);
  if (details.weights != aerec::weight_encoding::f32) {
    std::string compact;
    // Refusing to encode is allowed (a weight out of range); what is written must load.
    if (accepted([&] { compact = serialize_model(*m, details.weights); }))
      if (!accepted([&] { deserialize_model(cpu(), compact, "compact round trip"); }))
        finding("compact weights that were read do not load once written");
  }
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  return aerec::fuzz::mutate_with_checksum(data, size, max_size, seed);
}
