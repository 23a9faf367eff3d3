#pragma once
// The model file: versioned, checksummed, little-endian binary.
//
//   "AERECMDL"  magic (8 bytes)
//   u32 version, u32 section count
//   sections:   4-byte tag, u64 length, payload
//     SHAP  u32 items, u32 layers, per layer u32 kind, inputs, outputs, activation
//     ITEM  i32 movie id of each column
//     SCAL  f32 lowest and highest rating
//     WGHT  f32 parameters, layer by layer (weight inputs x outputs, then bias)
//     META  UTF-8 text (JSON written by the CLI)
//     (checkpoints add sections of training state; readers skip tags they do not need)
//   u32 CRC-32 of every byte before it
//
// Readers check sizes against the bytes actually present before allocating,
// so a damaged file is an error, never a crash or a huge allocation.
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "aerec/nn/model.h"

namespace aerec {

inline constexpr std::uint32_t model_file_version = 1;

// Sections beyond the model's own, by 4-character tag.
using extra_sections = std::map<std::string, std::string, std::less<>>;

std::string serialize_model(model& m, const extra_sections& extra = {});
// `source` names the bytes in error messages (a path, or "model bytes").
// Sections other than the model's own are copied into `extra` when given.
model deserialize_model(backend& b, std::string_view bytes, const std::string& source,
                        extra_sections* extra = nullptr);

// Writes atomically: a failure leaves any earlier file at `path` untouched.
void save_model(const std::filesystem::path& path, model& m);
model load_model(backend& b, const std::filesystem::path& path);

}  // namespace aerec
