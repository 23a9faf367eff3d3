#pragma once
// A model file's weight section in each encoding (internal).
//
//   WGHT (f32)  every parameter's floats, in order
//   WG16 (f16)  parameter by parameter: a matrix's entries as IEEE halves (u16)
//   WGQ8 (q8)   parameter by parameter: a matrix's rows x f32 scales, then its
//               rows x cols i8 entries in -127..127; entry = integer x its row's
//               scale, scale = max |w| / 127 over the row (0 for a row of zeros)
//
// A matrix is a parameter of more than one row and column (rows x cols,
// row-major, as the layer registry lays parameters out: W is inputs x
// outputs, so a row is one input's weights to every output). Vectors
// (biases) stay f32 in every encoding: as f16 they would save about 1% of
// the demo model's file.
#include <string>
#include <string_view>
#include <vector>

#include "aerec/io/weight_encoding.h"
#include "aerec/nn/layer_registry.h"

namespace aerec {

const char* weight_section_tag(weight_encoding e);

// `values[i]` holds shapes[i]'s rows x cols floats. Throws
// error_code::invalid_argument, naming the parameter, for a weight a compact
// encoding cannot hold (not finite, or beyond half precision's range).
std::string encode_weights(const std::vector<parameter_shape>& shapes,
                           const std::vector<std::vector<float>>& values, weight_encoding e);

// The payload's bytes for these shapes in this encoding.
std::uint64_t encoded_weight_bytes(const std::vector<parameter_shape>& shapes, weight_encoding e);

// Throws error_code::model_format, prefixed with `where`, for a payload of
// another size or holding what the encoder never writes (a scale that is
// negative or not finite, the integer -128, a half that is not finite).
std::vector<std::vector<float>> decode_weights(std::string_view payload,
                                               const std::vector<parameter_shape>& shapes, weight_encoding e,
                                               const std::string& where);

}  // namespace aerec
