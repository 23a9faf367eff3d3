#pragma once
// The model file: versioned, checksummed, little-endian binary.
//
//   "AERECMDL"  magic (8 bytes)
//   u32 version (2; 3 with compact weights), u32 section count
//   sections:   4-byte tag, u64 length, payload
//     MEAN  what the model means, a record (see below): rows ("users" or
//           "items"), output ("rating" or "ranking"), code_layer (integer)
//     LAYR  u32 layer count, then per layer a u32 length and a record: kind
//           (text, a layer registry name), input and output (shapes),
//           activation (text), and the kind's own settings (integers)
//     GLBK  only with GLocal-K's global kernel, a record: rows, size (integers), dot_scale (real)
//     ITEM  i32 id of each column (movies; users for an item-based model)
//     SCAL  f32 lowest and highest rating
//     WGHT  f32 parameters, layer by layer in each kind's order (weights as W,
//           inputs x outputs), then the global kernel's
//     WG16 or WGQ8 instead of WGHT: the same parameters with each matrix's
//           entries as IEEE halves, or per row as 8-bit integers and a f32
//           scale; vectors stay f32 (lib/src/io/weight_codec.h). Such a file
//           is version 3, so that an older aerec refuses it by its version
//           rather than by a missing WGHT.
//     META  UTF-8 text (JSON written by the CLI)
//     (checkpoints add sections of training state; readers skip tags they do not need)
//   u32 CRC-32 of every byte before it
//
// A record is a run of named, typed fields (lib/src/io/record.h): per field
// u8 type, u8 name length, name, value (1 i64; 2 f64; 3 u32 length + UTF-8;
// 4 shape: u8 kind, u8 rank, rank x i64). A field a reader does not know is
// an error, not something to skip.
//
// Version 1 (still read) had SHAP instead of MEAN, LAYR and GLBK: u32 items,
// u32 layers, per layer u32 kind (1 dense, 2 local kernel), inputs, outputs,
// activation (activation.h's numbers), a local-kernel layer then its point
// dimension; after the layers, a global kernel's u32 rows, u32 size, f32 dot
// scale. What such a model means comes from its META's "config" (the CLI's
// "item-based" and "objective"), and its code layer from the rule of
// autoencoder::code_layer_of.
//
// Readers check sizes against the bytes actually present before allocating,
// so a damaged file is an error, never a crash or a huge allocation.
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "aerec/io/weight_encoding.h"
#include "aerec/nn/model.h"

namespace aerec {

// The version written with f32 weights; versions 1 to 3 are read.
inline constexpr std::uint32_t model_file_version = 2;
// The version written with f16 or q8 weights.
inline constexpr std::uint32_t compact_weights_version = 3;

// Sections beyond the model's own, by 4-character tag.
using extra_sections = std::map<std::string, std::string, std::less<>>;

// What a file held besides the model.
struct model_file_details {
  std::uint32_t version = 0;
  weight_encoding weights = weight_encoding::f32;
  extra_sections extra;  // the sections other than the model's own
};

// With f32 weights: a model's, or with `extra` a checkpoint's (training
// resumes from the exact floats, so checkpoints have no other encoding).
std::string serialize_model(model& m, const extra_sections& extra = {});
// The model alone, its weight matrices in `weights` (lossy unless f32).
std::string serialize_model(model& m, weight_encoding weights);
// `source` names the bytes in error messages (a path, or "model bytes").
model deserialize_model(backend& b, std::string_view bytes, const std::string& source,
                        model_file_details* details = nullptr);

// Writes atomically: a failure leaves any earlier file at `path` untouched.
void save_model(const std::filesystem::path& path, model& m, weight_encoding weights = weight_encoding::f32);
model load_model(backend& b, const std::filesystem::path& path);

}  // namespace aerec
