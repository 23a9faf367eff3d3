#pragma once
// How a model file stores its weight matrices: f32 (every float as is, the
// default), f16 (IEEE half precision) or q8 (per row, 8-bit integers times a
// float32 scale). The compact encodings make the web demo's download smaller;
// loading decodes them to floats, so everything past the reader is the same.
#include <string>
#include <vector>

namespace aerec {

enum class weight_encoding { f32, f16, q8 };

const char* weight_encoding_name(weight_encoding e);
// Throws error_code::invalid_argument naming the known encodings.
weight_encoding parse_weight_encoding(const std::string& name);
const std::vector<weight_encoding>& all_weight_encodings();

}  // namespace aerec
