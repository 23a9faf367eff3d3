#include "aerec/io/checkpoint.h"

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"

namespace aerec {

void save_checkpoint(const std::filesystem::path& path, model& m, const checkpoint_state& state) {
  write_file_atomic(
      path, serialize_model(m, {{"TRNR", state.trainer}, {"STOP", state.stopping}, {"RUNJ", state.run}}));
}

model load_checkpoint(backend& b, const std::filesystem::path& path, checkpoint_state& state) {
  return deserialize_checkpoint(b, read_file(path), path.string(), state);
}

model deserialize_checkpoint(backend& b, std::string_view bytes, const std::string& source,
                             checkpoint_state& state) {
  model_file_details details;
  model m = deserialize_model(b, bytes, source, &details);
  extra_sections& extra = details.extra;
  for (const char* tag : {"TRNR", "STOP", "RUNJ"})
    if (!extra.contains(tag))
      throw error(error_code::model_format,
                  source + ": a model file, not a checkpoint (no training state to resume)");
  state = {extra["TRNR"], extra["STOP"], extra["RUNJ"]};
  return m;
}

}  // namespace aerec
