#pragma once
// Checks that a model loaded from an f16 or q8 file holds the original's
// parameters within what each encoding promises, derived here from the
// documented format rather than from the library's codec.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "aerec/io/weight_encoding.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/model.h"

namespace aerec::testing {

// Each parameter's floats as model files hold them (W: inputs x outputs), with
// its rows and columns by the layer registry (the global kernel's: rows x taps).
struct stored_parameter {
  std::string name;
  std::size_t rows, cols;
  std::vector<float> values;
};

inline std::vector<stored_parameter> stored_parameters(model& m) {
  autoencoder& net = m.network();
  std::vector<stored_parameter> out;
  for (const layer_spec& s : net.specs())
    for (const parameter_shape& p : layer_kind(s.kind).parameters(s))
      out.push_back({p.name, p.rows, p.cols, {}});
  if (const global_kernel* g = net.global())
    out.push_back({"global kernel",
                   static_cast<std::size_t>(g->shape().rows),
                   static_cast<std::size_t>(g->shape().size * g->shape().size),
                   {}});
  const std::vector<parameter> params = net.parameters();
  REQUIRE(params.size() == out.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    std::vector<float> host(params[i].size);
    net.device().to_host(host.data(), params[i].value, host.size() * sizeof(float));
    out[i].values = params[i].transposed ? transposed(host, params[i].cols, params[i].rows) : host;
    REQUIRE(out[i].values.size() == out[i].rows * out[i].cols);
  }
  return out;
}

// f32 and vectors (one row or one column): exact. f16: within half a unit in
// the last place of a half (2^-11 relative, 2^-25 absolute among
// subnormals). q8: within half the row's scale, max |w| / 127. Returns how
// many entries changed, so that a caller can tell that the encoding was lossy.
inline std::size_t check_decoded(model& original, model& loaded, weight_encoding e) {
  const std::vector<stored_parameter> before = stored_parameters(original), after = stored_parameters(loaded);
  REQUIRE(before.size() == after.size());
  std::size_t changed = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    const stored_parameter& p = before[i];
    const bool vector = p.rows < 2 || p.cols < 2;
    for (std::size_t r = 0; r < p.rows; ++r) {
      float largest = 0;
      for (std::size_t c = 0; c < p.cols; ++c)
        largest = std::max(largest, std::fabs(p.values[r * p.cols + c]));
      for (std::size_t c = 0; c < p.cols; ++c) {
        const float w = p.values[r * p.cols + c], d = after[i].values[r * p.cols + c];
        CAPTURE(i, p.name, r, c, w, d);
        if (e == weight_encoding::f32 || vector)
          REQUIRE(std::memcmp(&w, &d, sizeof w) == 0);
        else if (e == weight_encoding::f16)
          REQUIRE(std::fabs(d - w) <= std::max(std::fabs(w) * std::ldexp(1.0f, -11), std::ldexp(1.0f, -25)));
        else
          REQUIRE(std::fabs(d - w) <= largest / 127 / 2 * (1 + 1e-5f));
        if (d != w) ++changed;
      }
    }
  }
  return changed;
}

}  // namespace aerec::testing
