#include "aerec/io/model_file.h"

#include <algorithm>
#include <bit>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"
#include "aerec/nn/layer_registry.h"
#include "aerec/nn/layers/dense.h"
#include "aerec/nn/layers/local_kernel.h"
#include "io/binary_io.h"
#include "io/crc32.h"
#include "io/record.h"
#include "io/weight_codec.h"

namespace aerec {

static_assert(std::endian::native == std::endian::little,
              "model files are little-endian; add byte swapping for this platform");

namespace {

constexpr std::string_view magic = "AERECMDL";
// Bounds that no real model reaches; they keep a damaged header from asking
// for absurd work before the size checks run.
constexpr std::uint64_t max_width = 1u << 24;
constexpr std::uint32_t max_layers = 256;
constexpr std::uint32_t max_kernel_dim = 1024;
constexpr int max_global_kernel_size = 15;
// The model's own sections, in the order they are written (GLBK only with a
// global kernel; one of WGHT, WG16 and WGQ8, by the weights' encoding).
constexpr std::string_view model_tags[] = {"MEAN", "LAYR", "GLBK", "ITEM", "SCAL",
                                           "WGHT", "WG16", "WGQ8", "META"};
// Version 1's network section, which extra sections may not take either.
constexpr std::string_view v1_shape_tag = "SHAP";

bool is_model_tag(std::string_view tag) {
  return tag == v1_shape_tag ||
         std::find(std::begin(model_tags), std::end(model_tags), tag) != std::end(model_tags);
}

// A file's sections by tag, and errors that name the file.
class section_table {
 public:
  section_table(std::map<std::string, std::string_view, std::less<>> sections, const binary_reader& file,
                std::string source)
      : sections_(std::move(sections)), file_(file), source_(std::move(source)) {}
  std::optional<std::string_view> find(std::string_view tag) const {
    const auto it = sections_.find(tag);
    return it == sections_.end() ? std::nullopt : std::optional(it->second);
  }
  std::string_view payload(std::string_view tag) const {
    const auto found = find(tag);
    if (!found) file_.fail("missing section " + std::string(tag));
    return *found;
  }
  binary_reader reader(std::string_view tag) const { return binary_reader(payload(tag), where(tag)); }
  std::string where(std::string_view tag) const { return source_ + ": section " + std::string(tag); }
  const auto& all() const { return sections_; }

 private:
  std::map<std::string, std::string_view, std::less<>> sections_;
  const binary_reader& file_;
  std::string source_;
};

// What the network section(s) of a file describe.
struct network_shape {
  std::vector<layer_spec> layers;
  std::optional<std::size_t> code_layer;  // version 1: by the rule
  std::optional<global_kernel_shape> global;
  model_meaning meaning;
};

// --- writing (version 2) ----------------------------------------------------

std::string meaning_payload(model& m) {
  record_writer w;
  w.text("rows", row_kind_name(m.meaning().rows))
      .text("output", output_kind_name(m.meaning().output))
      .integer("code_layer", static_cast<std::int64_t>(m.network().code_layer()));
  return std::move(w.bytes());
}

std::string layers_payload(const autoencoder& net) {
  binary_writer out;
  out.put(static_cast<std::uint32_t>(net.specs().size()));
  for (const layer_spec& s : net.specs()) {
    record_writer w;
    w.text("kind", s.kind).shape_field("input", s.input).shape_field("output", s.output);
    w.text("activation", activation_name(s.act));
    for (const auto& [name, value] : s.attributes) w.integer(name, value);
    out.put(static_cast<std::uint32_t>(w.bytes().size()));
    out.put_bytes(w.bytes());
  }
  return std::move(out.bytes());
}

std::string global_kernel_payload(const global_kernel_shape& g) {
  record_writer w;
  w.integer("rows", g.rows).integer("size", g.size).real("dot_scale", g.dot_scale);
  return std::move(w.bytes());
}

// Every parameter as the file stores it, in file order: each layer's by its
// registry entry, then the global kernel's (rows x taps).
std::vector<parameter_shape> stored_parameters(const std::vector<layer_spec>& layers,
                                               const std::optional<global_kernel_shape>& global) {
  std::vector<parameter_shape> out;
  for (std::size_t i = 0; i < layers.size(); ++i)
    for (parameter_shape p : layer_kind(layers[i].kind).parameters(layers[i])) {
      p.name = "layer " + std::to_string(i) + " " + p.name;
      out.push_back(std::move(p));
    }
  if (global)
    out.push_back({"global kernel weights", static_cast<std::size_t>(global->rows),
                   static_cast<std::size_t>(global->size) * static_cast<std::size_t>(global->size)});
  return out;
}

std::vector<parameter_shape> stored_parameters(const autoencoder& net) {
  std::optional<global_kernel_shape> global;
  if (net.global()) global = net.global()->shape();
  return stored_parameters(net.specs(), global);
}

// The file holds every weight as W (inputs x outputs), whatever its layout in memory.
std::string weights_payload(autoencoder& net, weight_encoding encoding) {
  backend& b = net.device();
  std::vector<std::vector<float>> values;
  for (const parameter& p : net.parameters()) {
    std::vector<float> host(p.size);
    b.to_host(host.data(), p.value, p.size * sizeof(float));
    if (p.transposed) host = transposed(host, p.cols, p.rows);
    values.push_back(std::move(host));
  }
  return encode_weights(stored_parameters(net), values, encoding);
}

// --- reading version 2 -----------------------------------------------------

layer_spec read_layer(std::string_view bytes, const std::string& where) {
  record_reader r(bytes, where);
  layer_spec s;
  s.kind = r.text("kind");
  const layer_kind_info* kind = nullptr;
  try {
    kind = &layer_kind(s.kind);
  } catch (const error& e) {
    r.fail(e.what());
  }
  s.input = r.shape_field("input", max_width);
  s.output = r.shape_field("output", max_width);
  try {
    s.act = parse_activation(r.text("activation"));
  } catch (const error& e) {
    r.fail(e.what());
  }
  for (const layer_attribute& a : kind->attributes)
    s.attributes[std::string(a.name)] = r.integer(a.name, a.min, a.max);
  r.finish();
  if (const std::string problem = layer_problem(s); !problem.empty()) r.fail(problem);
  return s;
}

std::vector<layer_spec> read_layers(binary_reader r, const std::string& where) {
  const auto count = r.get<std::uint32_t>();
  if (count == 0 || count > max_layers) r.fail("implausible layer count " + std::to_string(count));
  std::vector<layer_spec> layers;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto length = r.get<std::uint32_t>();
    layers.push_back(read_layer(r.take(length), where + ": layer " + std::to_string(i)));
  }
  if (!r.empty()) r.fail("unexpected bytes after the last layer");
  return layers;
}

network_shape read_network_v2(const section_table& sections) {
  network_shape shape;
  shape.layers = read_layers(sections.reader("LAYR"), sections.where("LAYR"));
  record_reader meaning(sections.payload("MEAN"), sections.where("MEAN"));
  try {
    shape.meaning.rows = parse_row_kind(meaning.text("rows"));
    shape.meaning.output = parse_output_kind(meaning.text("output"));
  } catch (const error& e) {
    if (e.code() != error_code::invalid_argument) throw;
    meaning.fail(e.what());
  }
  shape.code_layer = static_cast<std::size_t>(
      meaning.integer("code_layer", 0, static_cast<std::int64_t>(shape.layers.size()) - 1));
  meaning.finish();
  if (const auto global_payload = sections.find("GLBK")) {
    record_reader g(*global_payload, sections.where("GLBK"));
    global_kernel_shape global;
    global.rows = static_cast<int>(g.integer("rows", 1, max_width));
    global.size = static_cast<int>(g.integer("size", 1, max_global_kernel_size));
    global.dot_scale = static_cast<float>(g.real("dot_scale"));
    g.finish();
    if (const std::string problem = global_kernel_problem(global); !problem.empty()) g.fail(problem);
    shape.global = global;
  }
  return shape;
}

// --- reading version 1 -----------------------------------------------------

// Version 1's layer kinds by their numbers.
layer_spec v1_layer(binary_reader& r, std::uint32_t kind, int inputs, int outputs, activation act,
                    const std::string& which) {
  if (kind == 1) return dense_spec(inputs, outputs, act);
  if (kind != 2) r.fail(which + "unknown layer kind " + std::to_string(kind));
  const auto kernel_dim = r.get<std::uint32_t>();
  if (kernel_dim == 0 || kernel_dim > max_kernel_dim)
    r.fail(which + "implausible kernel dimension " + std::to_string(kernel_dim));
  return local_kernel_spec(inputs, outputs, act, static_cast<int>(kernel_dim));
}

network_shape read_shape_v1(binary_reader r) {
  const auto items = r.get<std::uint32_t>();
  const auto count = r.get<std::uint32_t>();
  if (items == 0 || items > max_width) r.fail("implausible item count " + std::to_string(items));
  if (count == 0 || count > max_layers) r.fail("implausible layer count " + std::to_string(count));
  network_shape shape;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto kind = r.get<std::uint32_t>();
    const auto inputs = r.get<std::uint32_t>();
    const auto outputs = r.get<std::uint32_t>();
    const auto act = r.get<std::uint32_t>();
    const std::string which = "layer " + std::to_string(i) + ": ";
    if (kind != 1 && kind != 2) r.fail(which + "unknown layer kind " + std::to_string(kind));
    if (inputs == 0 || inputs > max_width || outputs == 0 || outputs > max_width)
      r.fail(which + "implausible width");
    if (act > static_cast<std::uint32_t>(activation::elu))
      r.fail(which + "unknown activation " + std::to_string(act));
    shape.layers.push_back(v1_layer(r, kind, static_cast<int>(inputs), static_cast<int>(outputs),
                                    static_cast<activation>(act), which));
  }
  if (shape.layers.front().inputs() != static_cast<int>(items) ||
      shape.layers.back().outputs() != static_cast<int>(items))
    r.fail("layers do not map the " + std::to_string(items) + " items back to themselves");
  if (r.size() == 0) return shape;
  global_kernel_shape global;
  const auto rows = r.get<std::uint32_t>();
  const auto size = r.get<std::uint32_t>();
  global.dot_scale = r.get<float>();
  if (rows > max_width || size > max_global_kernel_size) r.fail("implausible global kernel");
  global.rows = static_cast<int>(rows);
  global.size = static_cast<int>(size);
  if (const std::string problem = global_kernel_problem(global); !problem.empty()) r.fail(problem);
  if (r.size() != 0) r.fail("unexpected bytes after the global kernel");
  shape.global = global;
  return shape;
}

// Version 1 said what a model means only in the CLI's configuration in META.
model_meaning meaning_from_metadata(std::string_view metadata) {
  model_meaning m;
  const nlohmann::json meta = nlohmann::json::parse(metadata, nullptr, false);
  if (!meta.is_object() || !meta.contains("config") || !meta["config"].is_object()) return m;
  const nlohmann::json& config = meta["config"];
  if (config.value("item-based", nlohmann::json()) == true) m.rows = row_kind::items;
  if (config.value("objective", nlohmann::json()) == "multinomial") m.output = output_kind::ranking;
  return m;
}

// The one section holding the weights, and their encoding.
std::pair<std::string_view, weight_encoding> weight_section(const section_table& table,
                                                            const binary_reader& file) {
  std::optional<std::pair<std::string_view, weight_encoding>> found;
  for (const weight_encoding e : all_weight_encodings()) {
    const std::string_view tag = weight_section_tag(e);
    if (!table.find(tag)) continue;
    if (found)
      file.fail("sections " + std::string(found->first) + " and " + std::string(tag) +
                " both hold the weights");
    found = {tag, e};
  }
  if (!found) file.fail("missing section WGHT");
  return *found;
}

void load_weights(const std::vector<std::vector<float>>& values, autoencoder& net) {
  const std::vector<parameter> params = net.parameters();
  AEREC_ASSERT(params.size() == values.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const parameter& p = params[i];
    AEREC_ASSERT(values[i].size() == p.size);
    const std::vector<float> host = p.transposed ? transposed(values[i], p.rows, p.cols) : values[i];
    net.device().to_device(p.value, host.data(), p.size * sizeof(float));
  }
}

std::string serialize(model& m, weight_encoding encoding, const extra_sections& extra) {
  autoencoder& net = m.network();
  binary_writer items;
  for (const std::int32_t id : m.items().ids()) items.put(id);
  binary_writer scale;
  scale.put(m.scale().min);
  scale.put(m.scale().max);

  std::vector<std::pair<std::string_view, std::string>> sections = {{"MEAN", meaning_payload(m)},
                                                                    {"LAYR", layers_payload(net)}};
  if (const global_kernel* g = net.global()) sections.emplace_back("GLBK", global_kernel_payload(g->shape()));
  sections.emplace_back("ITEM", std::move(items.bytes()));
  sections.emplace_back("SCAL", std::move(scale.bytes()));
  sections.emplace_back(weight_section_tag(encoding), weights_payload(net, encoding));
  sections.emplace_back("META", m.metadata());

  binary_writer w;
  w.put_bytes(magic);
  w.put(encoding == weight_encoding::f32 ? model_file_version : compact_weights_version);
  w.put(static_cast<std::uint32_t>(sections.size() + extra.size()));
  for (const auto& [tag, payload] : sections) w.section(tag, payload);
  for (const auto& [tag, payload] : extra) {
    AEREC_ASSERT(tag.size() == 4 && !is_model_tag(tag));
    w.section(tag, payload);
  }
  w.put(crc32(w.bytes()));
  return std::move(w.bytes());
}

}  // namespace

std::string serialize_model(model& m, const extra_sections& extra) {
  return serialize(m, weight_encoding::f32, extra);
}

std::string serialize_model(model& m, weight_encoding weights) { return serialize(m, weights, {}); }

model deserialize_model(backend& b, std::string_view bytes, const std::string& source,
                        model_file_details* details) {
  binary_reader r(bytes, source);
  if (bytes.size() < magic.size() || bytes.substr(0, magic.size()) != magic)
    r.fail("not an aerec model file (no AERECMDL signature)");
  r.take(magic.size());
  const auto version = r.get<std::uint32_t>();
  if (version < 1 || version > compact_weights_version)
    r.fail("model file version " + std::to_string(version) +
           " is not supported (this aerec reads versions 1 to " + std::to_string(compact_weights_version) +
           ")");
  if (bytes.size() < magic.size() + 12 ||
      crc32(bytes.substr(0, bytes.size() - 4)) !=
          binary_reader(bytes.substr(bytes.size() - 4), source).get<std::uint32_t>())
    r.fail("checksum mismatch: the file is truncated or corrupted");

  const auto count = r.get<std::uint32_t>();
  std::map<std::string, std::string_view, std::less<>> sections;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string tag(r.take(4));
    const auto length = r.get<std::uint64_t>();
    if (length > r.size()) r.fail("section " + tag + " runs past the end of the file");
    // A repeated tag would silently replace the first one's payload.
    if (!sections.emplace(tag, r.take(static_cast<std::size_t>(length))).second)
      r.fail("section " + tag + " appears twice");
  }
  if (r.size() != 4) r.fail("unexpected bytes after the last section");
  const section_table table(std::move(sections), r, source);
  const auto section = [&](const char* tag) { return table.reader(tag); };

  if (details) {
    details->version = version;
    details->extra.clear();
    for (const auto& [tag, bytes_of_tag] : table.all())
      if (!is_model_tag(tag)) details->extra[tag] = std::string(bytes_of_tag);
  }

  network_shape shape;
  if (version == 1) {
    shape = read_shape_v1(section("SHAP"));
    shape.meaning = meaning_from_metadata(table.payload("META"));
  } else {
    shape = read_network_v2(table);
  }
  if (const std::string problem = layer_chain_problem(shape.layers); !problem.empty())
    r.fail(std::string(version == 1 ? "section SHAP" : "section LAYR") + ": " + problem);
  if ((shape.meaning.rows == row_kind::sequences) != reads_sequences(shape.layers))
    r.fail("section MEAN: a sequence model's rows need layers that read movie ids, and only it has them");
  const auto items_count = static_cast<std::size_t>(scored_columns(shape.layers));

  binary_reader item_reader = section("ITEM");
  if (item_reader.size() != items_count * sizeof(std::int32_t))
    item_reader.fail("expected " + std::to_string(items_count) + " movie ids");
  std::vector<std::int32_t> ids(items_count);
  for (std::int32_t& id : ids) id = item_reader.get<std::int32_t>();
  id_map items;
  try {
    items = id_map(std::move(ids));
  } catch (const error& e) {
    item_reader.fail(e.what());
  }

  binary_reader scale_reader = section("SCAL");
  rating_scale scale{scale_reader.get<float>(), scale_reader.get<float>()};
  if (!(scale.min < scale.max)) scale_reader.fail("empty rating scale");

  const auto [weight_tag, encoding] = weight_section(table, r);
  const std::vector<parameter_shape> stored = stored_parameters(shape.layers, shape.global);
  const std::string_view weight_payload = table.payload(weight_tag);
  // Checked before the network is allocated, so a damaged shape cannot ask for much.
  if (weight_payload.size() != encoded_weight_bytes(stored, encoding)) {
    std::uint64_t floats = 0;
    for (const parameter_shape& p : stored) floats += p.rows * p.cols;
    table.reader(weight_tag)
        .fail("expected " + std::to_string(encoded_weight_bytes(stored, encoding)) + " bytes for the " +
              std::to_string(floats) + " parameters of the layers in " + (version == 1 ? "SHAP" : "LAYR") +
              " as " + weight_encoding_name(encoding) + ", found " + std::to_string(weight_payload.size()));
  }
  const std::vector<std::vector<float>> weights =
      decode_weights(weight_payload, stored, encoding, table.where(weight_tag));
  std::unique_ptr<autoencoder> net;
  try {
    net = std::make_unique<autoencoder>(b, shape.layers, shape.code_layer);
  } catch (const error& e) {
    if (e.code() != error_code::invalid_argument) throw;
    r.fail(std::string("section MEAN: ") + e.what());
  }
  if (shape.global) net->add_global_kernel(*shape.global);
  load_weights(weights, *net);
  if (details) details->weights = encoding;

  return model(std::move(net), std::move(items), scale, shape.meaning, std::string(table.payload("META")));
}

void save_model(const std::filesystem::path& path, model& m, weight_encoding weights) {
  write_file_atomic(path, serialize_model(m, weights));
}

model load_model(backend& b, const std::filesystem::path& path) {
  return deserialize_model(b, read_file(path), path.string());
}

}  // namespace aerec
