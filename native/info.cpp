// aerec info: what a model file holds: its shape, its rating scale, and the
// metadata train stored (data, final figures, resolved configuration).
#include <algorithm>
#include <cstdio>

#include "aerec/backend/cpu_backend.h"
#include "aerec/io/file_io.h"
#include "aerec/io/model_file.h"
#include "aerec/io/weight_encoding.h"
#include "aerec/nn/layer_registry.h"
#include "commands.h"
#include "output.h"

namespace aerec::cli {

namespace {

struct info_args {
  std::string model;
  bool json_output = false;
};

// The metadata as JSON: {} when there is none, the text itself when it is not JSON
// (a model written by another program; also JSON with a number beyond a double, "1e309",
// which nlohmann reports as out_of_range), so that info still shows it.
json parse_metadata(const std::string& text) {
  if (text.empty()) return json::object();
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return text;
  }
}

// A layer as its registry entry describes it: kind, widths (and shapes that
// are not plain features), activation, the kind's own settings.
json describe_layer(const layer_spec& s) {
  json layer = {{"kind", s.kind},
                {"inputs", s.inputs()},
                {"outputs", s.outputs()},
                {"activation", activation_name(s.act)}};
  for (const auto& [name, shape_of] :
       {std::pair{"input_shape", s.input}, std::pair{"output_shape", s.output}})
    if (shape_of.kind() != shape_kind::features) layer[name] = shape_of.text();
  for (const auto& [name, value] : s.attributes) layer[name] = value;
  if (const std::string words = layer_kind(s.kind).describe(s); !words.empty()) layer["description"] = words;
  return layer;
}

json describe(const std::string& path, std::size_t bytes, model& m, const model_file_details& details) {
  autoencoder& net = m.network();
  json layers = json::array();
  json shape = {net.items()};
  for (const layer_spec& s : net.specs()) {
    layers.push_back(describe_layer(s));
    shape.push_back(s.outputs());
  }
  json out = {
      {"file", path},
      {"format_version", details.version},
      {"weights", weight_encoding_name(details.weights)},
      {"bytes", bytes},
      {"rows", row_kind_name(m.meaning().rows)},
      {"output", output_kind_name(m.meaning().output)},
      {"items", net.columns()},
      {"shape", shape},
      {"layers", layers},
      {"code_layer", net.code_layer()},
      {"code_size", net.code_size()},
      {"parameters", net.parameter_count()},
      {"scale", {{"min", shortest_decimal(m.scale().min)}, {"max", shortest_decimal(m.scale().max)}}}};
  if (const global_kernel* g = net.global())
    out["global_kernel"] = {
        {"rows", g->shape().rows}, {"size", g->shape().size}, {"dot_scale", g->shape().dot_scale}};
  if (!details.extra.empty()) {
    json sizes = json::object();
    for (const auto& [tag, payload] : details.extra) sizes[tag] = payload.size();
    out["extra_sections"] = sizes;
  }
  out["metadata"] = parse_metadata(m.metadata());
  return out;
}

// A metadata value as text: strings bare, fractions to 6 significant digits.
std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v.get<double>());
    return buffer;
  }
  return v.dump();
}

bool is_figure(const std::string& key) {
  for (const char* prefix : {"test_", "validation_", "val_", "baseline_"})
    if (key.starts_with(prefix)) return true;
  return false;
}

// Prints `keys` of `object` as an indented "key  value" block under `title`.
void print_block(const char* title, const json& object, const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  std::size_t width = 0;
  for (const std::string& k : keys) width = std::max(width, k.size());
  std::printf("%s\n", title);
  for (const std::string& k : keys)
    std::printf("  %-*s  %s\n", static_cast<int>(width), k.c_str(), text_of(object[k]).c_str());
}

// Scalars go under "training" or, for figures, "figures"; each object gets a
// block of its own ("config" is the resolved configuration). Keys that train
// does not write yet show up the same way.
void print_metadata(const json& meta) {
  if (!meta.is_object()) {
    std::printf("metadata (not JSON) %s\n", text_of(meta).c_str());
    return;
  }
  std::vector<std::string> training, figures;
  for (const auto& item : meta.items())
    if (!item.value().is_object()) (is_figure(item.key()) ? figures : training).push_back(item.key());
  print_block("training", meta, training);
  print_block("figures", meta, figures);
  for (const auto& item : meta.items()) {
    if (!item.value().is_object()) continue;
    std::vector<std::string> keys;
    for (const auto& inner : item.value().items()) keys.push_back(inner.key());
    print_block(item.key() == "config" ? "configuration" : item.key().c_str(), item.value(), keys);
  }
}

std::string weights_text(const std::string& encoding) {
  switch (parse_weight_encoding(encoding)) {
    case weight_encoding::f32:
      return "f32 (32-bit floats, exact)";
    case weight_encoding::f16:
      return "f16 (matrices as 16-bit floats)";
    case weight_encoding::q8:
      return "q8 (matrices as 8-bit integers with a scale per row)";
  }
  return encoding;
}

// A shape's dimensions without the words naming them: "16x28x28".
std::string dimensions(const json& shape_text) {
  const std::string text = shape_text.get<std::string>();
  return text.substr(0, text.find(' '));
}

// A layer's output as its shape when it has one, else its width.
std::string width_text(const json& layer) {
  return layer.contains("output_shape") ? dimensions(layer["output_shape"])
                                        : std::to_string(layer["outputs"].get<int>());
}

// What the model's columns are: movies, users (an item-based model's rows are
// movies) or an image's pixels.
std::string columns_text(const json& d) {
  const std::string n = std::to_string(d["items"].get<int>());
  if (d["rows"] == row_kind_name(row_kind::images))
    return n + " pixels (" + d["layers"].front()["input_shape"].get<std::string>() + ")";
  if (d["rows"] == row_kind_name(row_kind::items)) return n + " users (item-based: its rows are movies)";
  if (d["rows"] == row_kind_name(row_kind::sequences))
    return n + " movies (a sequence model: its rows are the movies a user rated, in order)";
  return n + " movies";
}

std::string output_text(const json& d) {
  if (d["output"] == output_kind_name(output_kind::rating)) return "predicted ratings";
  if (d["output"] == output_kind_name(output_kind::pixels)) return "reconstructed pixels in [0, 1]";
  if (d["rows"] == row_kind_name(row_kind::sequences)) return "scores of the next movies, one set a step";
  return "ranking scores (implicit feedback), not ratings";
}

void print_text(const json& d) {
  const json& first = d["layers"].front();
  std::string network = first.contains("input_shape") ? dimensions(first["input_shape"])
                                                      : std::to_string(d["items"].get<int>());
  for (const json& layer : d["layers"])
    network += " -> " + width_text(layer) + " " + layer["activation"].get<std::string>() +
               (layer.contains("description") ? " (" + layer["description"].get<std::string>() + ")" : "");
  if (d.contains("global_kernel"))
    network += ", global kernel " + std::to_string(d["global_kernel"]["size"].get<int>()) + "x" +
               std::to_string(d["global_kernel"]["size"].get<int>());
  std::printf("file        %s\n", d["file"].get<std::string>().c_str());
  std::printf("format      aerec model file, version %u\n", d["format_version"].get<unsigned>());
  std::printf("size        %zu bytes\n", d["bytes"].get<std::size_t>());
  std::printf("network     %s\n", network.c_str());
  std::printf("parameters  %zu\n", d["parameters"].get<std::size_t>());
  std::printf("weights     %s\n", weights_text(d["weights"].get<std::string>()).c_str());
  std::printf("scale       %s..%s\n", text_of(d["scale"]["min"]).c_str(), text_of(d["scale"]["max"]).c_str());
  std::printf("items       %s\n", columns_text(d).c_str());
  std::printf("output      %s\n", output_text(d).c_str());
  std::printf("code        layer %d, %d units\n", d["code_layer"].get<int>(), d["code_size"].get<int>());
  if (d.contains("extra_sections")) {
    std::string sections;
    for (const auto& item : d["extra_sections"].items())
      sections += (sections.empty() ? "" : ", ") + item.key() + " (" + item.value().dump() + " bytes)";
    std::printf("extra       %s\n", sections.c_str());
  }
  print_metadata(d["metadata"]);
}

void run(const info_args& a) {
  const std::string bytes = read_file(a.model);
  const std::unique_ptr<backend> device = make_cpu_backend(1);
  model_file_details details;
  model m = deserialize_model(*device, bytes, a.model, &details);
  const json d = describe(a.model, bytes.size(), m, details);
  if (a.json_output)
    std::printf("%s\n", d.dump(2).c_str());
  else
    print_text(d);
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto args = std::make_shared<info_args>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Describe a model file: shape, scale, training data, figures, configuration");
  cmd->add_option("model", args->model, "Model file (or checkpoint) written by aerec train")->required();
  cmd->add_flag("--json", args->json_output, "Print one JSON object");
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
