#pragma once
#include <string>
#include <vector>

namespace aerec {

// Element-wise activations, with PyTorch's definitions and default constants
// (leaky_relu slope 0.01, elu alpha 1, selu's fixed alpha and scale).
// The numbers are stored in model files: never renumber.
enum class activation { identity = 0, sigmoid = 1, tanh = 2, relu = 3, leaky_relu = 4, selu = 5, elu = 6 };

const char* activation_name(activation a);
// Throws error_code::invalid_argument listing the known names.
activation parse_activation(const std::string& name);
const std::vector<activation>& all_activations();

}  // namespace aerec
