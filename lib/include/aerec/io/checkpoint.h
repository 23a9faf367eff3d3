#pragma once
// A checkpoint is a model file (so `aerec info` and `aerec eval` read it)
// with the training state in three more sections: TRNR (trainer), STOP
// (early stopping) and RUNJ (what the caller needs to resume: for the CLI,
// the data, split and configuration as JSON).
#include <filesystem>
#include <string>
#include <string_view>

#include "aerec/io/model_file.h"

namespace aerec {

struct checkpoint_state {
  std::string trainer;   // trainer::save_state()
  std::string stopping;  // early_stopping::save_state()
  std::string run;       // free-form, the caller's
};

// Written atomically, like a model file.
void save_checkpoint(const std::filesystem::path& path, model& m, const checkpoint_state& state);
// Throws error_code::model_format when the file is a model without training state.
model load_checkpoint(backend& b, const std::filesystem::path& path, checkpoint_state& state);
// The same from a file's bytes; `source` names them in messages (as deserialize_model's).
model deserialize_checkpoint(backend& b, std::string_view bytes, const std::string& source,
                             checkpoint_state& state);

}  // namespace aerec
