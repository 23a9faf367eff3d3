#include "io/weight_codec.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>

#include "aerec/core/error.h"
#include "core/names.h"
#include "io/binary_io.h"
#include "io/half.h"

namespace aerec {

const char* weight_encoding_name(weight_encoding e) {
  switch (e) {
    case weight_encoding::f32:
      return "f32";
    case weight_encoding::f16:
      return "f16";
    case weight_encoding::q8:
      return "q8";
  }
  return "?";
}

const std::vector<weight_encoding>& all_weight_encodings() {
  static const std::vector<weight_encoding> all = {weight_encoding::f32, weight_encoding::f16,
                                                   weight_encoding::q8};
  return all;
}

weight_encoding parse_weight_encoding(const std::string& name) {
  return find_by_name("weight encoding", name, all_weight_encodings(), weight_encoding_name);
}

const char* weight_section_tag(weight_encoding e) {
  switch (e) {
    case weight_encoding::f32:
      return "WGHT";
    case weight_encoding::f16:
      return "WG16";
    case weight_encoding::q8:
      return "WGQ8";
  }
  return "?";
}

namespace {

constexpr float q8_levels = 127.0f;

// Stored as floats whatever the encoding: f32 files, and vectors.
bool stays_f32(const parameter_shape& p, weight_encoding e) {
  return e == weight_encoding::f32 || p.rows < 2 || p.cols < 2;
}

[[noreturn]] void unencodable(const parameter_shape& p, weight_encoding e, float value, const char* why) {
  throw error(error_code::invalid_argument, "parameter " + p.name + " holds " + std::to_string(value) + ", " +
                                                why + ": it cannot be stored as " + weight_encoding_name(e));
}

void put_f16(binary_writer& out, const parameter_shape& p, std::span<const float> w) {
  for (const float v : w) {
    if (!std::isfinite(v)) unencodable(p, weight_encoding::f16, v, "which is not finite");
    const std::uint16_t h = half_from_float(v);
    if (std::isinf(float_from_half(h)))
      unencodable(p, weight_encoding::f16, v, "beyond half precision's 65504");
    out.put(h);
  }
}

void put_q8(binary_writer& out, const parameter_shape& p, std::span<const float> w) {
  std::vector<float> scales(p.rows);
  std::vector<std::int8_t> levels(w.size());
  for (std::size_t r = 0; r < p.rows; ++r) {
    const std::span<const float> row = w.subspan(r * p.cols, p.cols);
    float largest = 0;
    for (const float v : row) {
      if (!std::isfinite(v)) unencodable(p, weight_encoding::q8, v, "which is not finite");
      largest = std::max(largest, std::fabs(v));
    }
    scales[r] = largest / q8_levels;
    // The largest entry becomes +-127; the clamp keeps a rounding error of
    // largest / scale from stepping past it.
    for (std::size_t c = 0; c < p.cols; ++c)
      levels[r * p.cols + c] =
          scales[r] == 0
              ? 0
              : static_cast<std::int8_t>(std::clamp(std::nearbyint(row[c] / scales[r]), -127.0f, 127.0f));
  }
  out.put_array(std::span<const float>(scales));
  out.put_array(std::span<const std::int8_t>(levels));
}

std::vector<float> get_f16(binary_reader& in, const parameter_shape& p) {
  std::vector<float> w(p.rows * p.cols);
  for (float& v : w) {
    v = float_from_half(in.get<std::uint16_t>());
    if (!std::isfinite(v))
      in.fail("parameter " + p.name + ": a half that is not finite (the writer stores none)");
  }
  return w;
}

std::vector<float> get_q8(binary_reader& in, const parameter_shape& p) {
  const std::vector<float> scales = in.get_array<float>(p.rows);
  const std::vector<std::int8_t> levels = in.get_array<std::int8_t>(p.rows * p.cols);
  std::vector<float> w(levels.size());
  for (std::size_t r = 0; r < p.rows; ++r) {
    if (!(std::isfinite(scales[r]) && scales[r] >= 0))
      in.fail("parameter " + p.name + ", row " + std::to_string(r) + ": scale " + std::to_string(scales[r]) +
              " is not a finite non-negative number");
    for (std::size_t c = 0; c < p.cols; ++c) {
      const std::int8_t level = levels[r * p.cols + c];
      if (level == -128)
        in.fail("parameter " + p.name + ", row " + std::to_string(r) + ": -128 is outside -127..127");
      w[r * p.cols + c] = static_cast<float>(level) * scales[r];
    }
  }
  return w;
}

}  // namespace

std::uint64_t encoded_weight_bytes(const std::vector<parameter_shape>& shapes, weight_encoding e) {
  std::uint64_t n = 0;
  for (const parameter_shape& p : shapes) {
    const std::uint64_t entries = static_cast<std::uint64_t>(p.rows) * p.cols;
    if (stays_f32(p, e))
      n += entries * sizeof(float);
    else if (e == weight_encoding::f16)
      n += entries * sizeof(std::uint16_t);
    else
      n += p.rows * sizeof(float) + entries;
  }
  return n;
}

std::string encode_weights(const std::vector<parameter_shape>& shapes,
                           const std::vector<std::vector<float>>& values, weight_encoding e) {
  AEREC_ASSERT(shapes.size() == values.size());
  binary_writer out;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const parameter_shape& p = shapes[i];
    const std::span<const float> w(values[i]);
    AEREC_ASSERT(w.size() == p.rows * p.cols);
    if (stays_f32(p, e))
      out.put_array(w);
    else if (e == weight_encoding::f16)
      put_f16(out, p, w);
    else
      put_q8(out, p, w);
  }
  return std::move(out.bytes());
}

std::vector<std::vector<float>> decode_weights(std::string_view payload,
                                               const std::vector<parameter_shape>& shapes, weight_encoding e,
                                               const std::string& where) {
  binary_reader in(payload, where);
  std::vector<std::vector<float>> values;
  for (const parameter_shape& p : shapes) {
    if (stays_f32(p, e))
      values.push_back(in.get_array<float>(p.rows * p.cols));
    else if (e == weight_encoding::f16)
      values.push_back(get_f16(in, p));
    else
      values.push_back(get_q8(in, p));
  }
  if (!in.empty()) in.fail("unexpected bytes after the last parameter");
  return values;
}

}  // namespace aerec
