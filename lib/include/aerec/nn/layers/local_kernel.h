#pragma once
// Local-kernel layers (Sparse FC, Muller et al. 2018; GLocal-K's local kernel,
// Han et al. 2021): a dense layer whose every input i and output j has a
// learned point u_i, v_j in R^kernel_dim, and which uses W * max(0, 1 -
// |u_i - v_j|^2) element by element, so that learning the points learns which
// weights exist.
#include <string_view>

#include "aerec/nn/layer.h"

namespace aerec {

inline constexpr std::string_view local_kernel_kind_name = "local_kernel";

// A local-kernel layer from `inputs` features to `outputs`, its points in R^kernel_dim.
layer_spec local_kernel_spec(int inputs, int outputs, activation act, int kernel_dim);

}  // namespace aerec
