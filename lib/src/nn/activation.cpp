#include "aerec/nn/activation.h"

#include "core/names.h"

namespace aerec {

const std::vector<activation>& all_activations() {
  static const std::vector<activation> all = {activation::identity, activation::sigmoid,    activation::tanh,
                                              activation::relu,     activation::leaky_relu, activation::selu,
                                              activation::elu};
  return all;
}

const char* activation_name(activation a) {
  switch (a) {
    case activation::identity:
      return "identity";
    case activation::sigmoid:
      return "sigmoid";
    case activation::tanh:
      return "tanh";
    case activation::relu:
      return "relu";
    case activation::leaky_relu:
      return "leaky_relu";
    case activation::selu:
      return "selu";
    case activation::elu:
      return "elu";
  }
  return "identity";
}

activation parse_activation(const std::string& name) {
  return find_by_name("activation", name, all_activations(), activation_name);
}

}  // namespace aerec
