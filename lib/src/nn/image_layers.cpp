#include "aerec/nn/image_layers.h"

#include <charconv>

#include "aerec/core/error.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/conv2d.h"
#include "aerec/nn/layers/conv_transpose2d.h"
#include "aerec/nn/layers/max_pool2d.h"
#include "aerec/nn/layers/upsample2d.h"

namespace aerec {

namespace {

// One token of a description: its letter, number and suffix ("c16v").
struct conv_token {
  char letter;
  int number;
  std::string_view suffix;
};

conv_token parse_token(std::string_view token) {
  const auto bad = [&] {
    return error(error_code::invalid_argument,
                 "'" + std::string(token) +
                     "' is not a layer (c16: a 3x3 convolution to 16 channels, c16v: one without padding, "
                     "p2: 2x2 max pooling, u2: 2x nearest upsampling, t16: a 2x2 transposed convolution "
                     "to 16 channels)");
  };
  if (token.size() < 2 || std::string_view("cput").find(token[0]) == std::string_view::npos) throw bad();
  conv_token t{token[0], 0, {}};
  const char* end = token.data() + token.size();
  const auto [rest, ec] = std::from_chars(token.data() + 1, end, t.number);
  if (ec != std::errc() || t.number < 1 || t.number > 4096) throw bad();
  t.suffix = std::string_view(rest, static_cast<std::size_t>(end - rest));
  if (!(t.suffix.empty() || (t.letter == 'c' && t.suffix == "v"))) throw bad();
  return t;
}

layer_spec token_layer(const conv_token& t, shape in, activation act) {
  switch (t.letter) {
    case 'c':
      return conv2d_spec(in, t.number, 3, 1, t.suffix == "v" ? 0 : 1, act);
    case 'p':
      return max_pool2d_spec(in, t.number, t.number);
    case 'u':
      return upsample2d_spec(in, t.number);
    default:  // 't', as parse_token checked
      return conv_transpose2d_spec(in, t.number, 2, 2, 0, act);
  }
}

}  // namespace

std::vector<layer_spec> conv_layers(shape image, std::string_view description, activation hidden_act,
                                    activation output_act) {
  if (image.kind() != shape_kind::image)
    throw error(error_code::invalid_argument, "convolutions need images");
  std::vector<layer_spec> specs;
  shape at = image;
  const auto add = [&](layer_spec s, const std::string& what) {
    if (const std::string problem = layer_problem(s); !problem.empty() || s.output.size() <= 0)
      throw error(error_code::invalid_argument,
                  what + " cannot take " + at.text() + (problem.empty() ? "" : ": " + problem));
    at = s.output;
    specs.push_back(std::move(s));
  };
  std::size_t start = 0;
  while (start <= description.size() && !description.empty()) {
    const std::size_t comma = std::min(description.find(',', start), description.size());
    const std::string_view token = description.substr(start, comma - start);
    add(token_layer(parse_token(token), at, hidden_act), "layer '" + std::string(token) + "'");
    start = comma + 1;
  }
  add(conv2d_spec(at, image.dim(0), 3, 1, 1, output_act), "the output convolution");
  if (at != image)
    throw error(error_code::invalid_argument, "the layers '" + std::string(description) + "' end at " +
                                                  at.text() + ", not the image's " + image.text());
  return specs;
}

std::vector<layer_spec> dense_image_layers(shape image, std::span<const int> hidden, activation hidden_act,
                                           activation output_act) {
  std::vector<layer_spec> specs = stacked_layers(image.size(), hidden, hidden_act, output_act);
  specs.front().input = image;
  specs.back().output = image;
  return specs;
}

}  // namespace aerec
