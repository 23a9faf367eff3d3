#include "aerec/map/parametric_map.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

#include "aerec/backend/device_array.h"
#include "aerec/core/error.h"
#include "aerec/core/shortest_decimal.h"
#include "aerec/nn/layer_registry.h"

namespace aerec {

namespace {

layer_spec dense_spec(int inputs, int outputs, activation act) {
  return {"dense", shape::features(inputs), shape::features(outputs), act, {}};
}

// Each float as its shortest decimal: JSON prints that in about half the
// characters of the float widened to double (the page's file carries the
// weights), and it reads back as the same float.
std::vector<double> short_decimals(std::span<const float> values) {
  std::vector<double> out(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) out[k] = shortest_decimal(values[k]);
  return out;
}

}  // namespace

parametric_map::parametric_map(backend& b, int code_size, std::span<const int> hidden)
    : backend_(&b),
      code_size_(code_size),
      mean_(static_cast<std::size_t>(code_size), 0),
      scale_(static_cast<std::size_t>(code_size), 1) {
  int inputs = code_size;
  for (const int width : hidden) {
    layers_.push_back(make_layer(b, dense_spec(inputs, width, activation::tanh)));
    inputs = width;
  }
  layers_.push_back(make_layer(b, dense_spec(inputs, 2, activation::identity)));
}

void parametric_map::set_standardisation(std::vector<float> mean, std::vector<float> scale, float map_scale) {
  mean_ = std::move(mean);
  scale_ = std::move(scale);
  map_scale_ = map_scale;
}

std::vector<layer*> parametric_map::layers() {
  std::vector<layer*> out;
  for (auto& l : layers_) out.push_back(l.get());
  return out;
}

std::vector<float> parametric_map::standardise(std::span<const float> codes) const {
  std::vector<float> out(codes.size());
  for (std::size_t k = 0; k < codes.size(); ++k) {
    const std::size_t d = k % static_cast<std::size_t>(code_size_);
    out[k] = (codes[k] - mean_[d]) / scale_[d];
  }
  return out;
}

const_matrix_view parametric_map::forward(const_matrix_view standardised) {
  inputs_.assign(1, standardised);
  for (auto& l : layers_) inputs_.push_back(l->forward(layer_input{nullptr, inputs_.back()}));
  return inputs_.back();
}

void parametric_map::backward(const_matrix_view d_places) {
  const_matrix_view grad = d_places;
  for (std::size_t k = layers_.size(); k-- > 0;)
    grad = layers_[k]->backward(layer_input{nullptr, inputs_[k]}, grad, 0, k > 0);
}

std::vector<float> parametric_map::place(std::span<const float> codes) {
  if (codes.size() % static_cast<std::size_t>(code_size_) != 0)
    throw error(error_code::invalid_argument, "the taste map places codes of " + std::to_string(code_size_) +
                                                  " numbers; " + std::to_string(codes.size()) +
                                                  " is not a whole number of them");
  for (const float v : codes)
    if (!std::isfinite(v))
      throw error(error_code::invalid_argument, "a code has a value that is not a number");
  const int rows = static_cast<int>(codes.size() / static_cast<std::size_t>(code_size_));
  if (rows == 0) return {};
  device_array<float> x(*backend_, codes.size());
  x.upload(standardise(codes));
  const const_matrix_view out = forward({x.data(), rows, code_size_});
  std::vector<float> places(static_cast<std::size_t>(rows) * 2);
  backend_->to_host(places.data(), out.data, places.size() * sizeof(float));
  for (float& v : places) v *= map_scale_;
  return places;
}

nlohmann::json parametric_map::to_json() {
  nlohmann::json layers = nlohmann::json::array();
  for (auto& l : layers_) {
    const layer_spec spec = l->spec();
    nlohmann::json entry = {{"kind", spec.kind},
                            {"inputs", spec.inputs()},
                            {"outputs", spec.outputs()},
                            {"activation", activation_name(spec.act)}};
    for (const parameter& p : l->parameters()) {
      std::vector<float> host(p.size);
      backend_->to_host(host.data(), p.value, p.size * sizeof(float));
      if (p.transposed) host = transposed(host, p.cols, p.rows);
      entry[p.name] = short_decimals(host);
    }
    layers.push_back(entry);
  }
  return {{"code_size", code_size_},
          {"mean", short_decimals(mean_)},
          {"scale", short_decimals(scale_)},
          {"map_scale", shortest_decimal(map_scale_)},
          {"layers", layers}};
}

parametric_map parametric_map::from_json(backend& b, const nlohmann::json& j, const std::string& source) {
  const auto bad = [&](const std::string& why) {
    return error(error_code::model_format, source + ": not a taste-map placer: " + why);
  };
  // A width as a whole number of units: nlohmann would cast 1e10 to int unchecked.
  const auto width = [&](const nlohmann::json& value, const std::string& what) {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
        value.get<std::int64_t>() > std::numeric_limits<int>::max())
      throw bad(what + " " + value.dump() + " is not a width");
    return value.get<int>();
  };
  try {
    const int code_size = width(j.at("code_size"), "code size");
    const auto& layers = j.at("layers");
    if (!layers.is_array() || layers.empty()) throw bad("no layers");
    // Every size is checked against the numbers the file holds before anything
    // is allocated, so that a damaged file cannot ask for gigabytes.
    if (!j.at("mean").is_array() || j.at("mean").size() != static_cast<std::size_t>(code_size) ||
        !j.at("scale").is_array() || j.at("scale").size() != static_cast<std::size_t>(code_size))
      throw bad("the standardisation has another size than the code");
    std::vector<int> hidden;
    int inputs = code_size;
    for (std::size_t k = 0; k < layers.size(); ++k) {
      const std::string which = "layer " + std::to_string(k + 1);
      const bool last = k + 1 == layers.size();
      const layer_spec spec =
          dense_spec(inputs, last ? 2 : width(layers[k].at("outputs"), which + "'s outputs"),
                     last ? activation::identity : activation::tanh);
      if (layers[k].at("inputs") != spec.inputs() || layers[k].at("kind") != spec.kind ||
          layers[k].at("activation") != activation_name(spec.act))
        throw bad(which + " does not follow the one below it");
      for (const parameter_shape& p : layer_kind(spec.kind).parameters(spec))
        if (!layers[k].at(p.name).is_array() || layers[k].at(p.name).size() != p.rows * p.cols)
          throw bad(which + "'s " + p.name + " has another size");
      if (!last) hidden.push_back(spec.outputs());
      inputs = spec.outputs();
    }
    parametric_map m(b, code_size, hidden);
    for (std::size_t k = 0; k < layers.size(); ++k)
      for (const parameter& p : m.layers_[k]->parameters()) {
        std::vector<float> host = layers[k].at(p.name).get<std::vector<float>>();
        if (p.transposed) host = transposed(host, p.rows, p.cols);
        b.to_device(p.value, host.data(), p.size * sizeof(float));
      }
    m.set_standardisation(j.at("mean").get<std::vector<float>>(), j.at("scale").get<std::vector<float>>(),
                          j.at("map_scale").get<float>());
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw bad(e.what());
  }
}

}  // namespace aerec
