#include "aerec/io/model_file.h"

#include <algorithm>
#include <bit>
#include <map>
#include <optional>

#include "aerec/core/error.h"
#include "aerec/io/file_io.h"
#include "io/binary_io.h"
#include "io/crc32.h"

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
// The model's own sections, in the order they are written.
constexpr std::string_view model_tags[] = {"SHAP", "ITEM", "SCAL", "WGHT", "META"};

bool is_model_tag(std::string_view tag) {
  return std::find(std::begin(model_tags), std::end(model_tags), tag) != std::end(model_tags);
}

std::string shape_payload(const autoencoder& net) {
  binary_writer w;
  w.put(static_cast<std::uint32_t>(net.items()));
  w.put(static_cast<std::uint32_t>(net.specs().size()));
  for (const layer_spec& s : net.specs()) {
    w.put(static_cast<std::uint32_t>(s.kind));
    w.put(static_cast<std::uint32_t>(s.inputs));
    w.put(static_cast<std::uint32_t>(s.outputs));
    w.put(static_cast<std::uint32_t>(s.act));
    // Only kernel layers have a fifth field, so that files of dense layers read as before.
    if (s.kind == layer_kind::local_kernel) w.put(static_cast<std::uint32_t>(s.kernel_dim));
  }
  // A global kernel follows the layers; files without one end here.
  if (const global_kernel* g = net.global()) {
    w.put(static_cast<std::uint32_t>(g->shape().rows));
    w.put(static_cast<std::uint32_t>(g->shape().size));
    w.put(g->shape().dot_scale);
  }
  return w.bytes();
}

// The file holds every weight as W (inputs x outputs), whatever its layout in memory.
std::string weights_payload(autoencoder& net) {
  binary_writer out;
  backend& b = net.device();
  for (const parameter& p : net.parameters()) {
    std::vector<float> host(p.size);
    b.to_host(host.data(), p.value, p.size * sizeof(float));
    if (p.transposed) host = transposed(host, p.cols, p.rows);
    out.put_array(std::span<const float>(host));
  }
  return std::move(out.bytes());
}

void load_weights(binary_reader& r, autoencoder& net) {
  for (const parameter& p : net.parameters()) {
    std::vector<float> host = r.get_array<float>(p.size);
    if (p.transposed) host = transposed(host, p.rows, p.cols);
    net.device().to_device(p.value, host.data(), p.size * sizeof(float));
  }
}

struct network_shape {
  std::vector<layer_spec> layers;
  std::optional<global_kernel_shape> global;
};

network_shape read_shape(binary_reader r) {
  const auto items = r.get<std::uint32_t>();
  const auto count = r.get<std::uint32_t>();
  if (items == 0 || items > max_width) r.fail("implausible item count " + std::to_string(items));
  if (count == 0 || count > max_layers) r.fail("implausible layer count " + std::to_string(count));
  std::vector<layer_spec> specs;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto kind = r.get<std::uint32_t>();
    const auto inputs = r.get<std::uint32_t>();
    const auto outputs = r.get<std::uint32_t>();
    const auto act = r.get<std::uint32_t>();
    const std::string which = "layer " + std::to_string(i) + ": ";
    if (kind != static_cast<std::uint32_t>(layer_kind::dense) && kind != static_cast<std::uint32_t>(layer_kind::local_kernel))
      r.fail(which + "unknown layer kind " + std::to_string(kind));
    const bool kernel = kind == static_cast<std::uint32_t>(layer_kind::local_kernel);
    const auto kernel_dim = kernel ? r.get<std::uint32_t>() : 0u;
    if (kernel && (kernel_dim == 0 || kernel_dim > max_kernel_dim))
      r.fail(which + "implausible kernel dimension " + std::to_string(kernel_dim));
    if (inputs == 0 || inputs > max_width || outputs == 0 || outputs > max_width)
      r.fail(which + "implausible width");
    if (act > static_cast<std::uint32_t>(activation::elu))
      r.fail(which + "unknown activation " + std::to_string(act));
    specs.push_back({static_cast<layer_kind>(kind), static_cast<int>(inputs), static_cast<int>(outputs),
                     static_cast<activation>(act), static_cast<int>(kernel_dim)});
  }
  if (specs.front().inputs != static_cast<int>(items) || specs.back().outputs != static_cast<int>(items))
    r.fail("layers do not map the " + std::to_string(items) + " items back to themselves");
  if (const std::string problem = layer_chain_problem(specs); !problem.empty()) r.fail(problem);
  if (r.size() == 0) return {specs, std::nullopt};
  global_kernel_shape global;
  const auto rows = r.get<std::uint32_t>();
  const auto size = r.get<std::uint32_t>();
  global.dot_scale = r.get<float>();
  if (rows > max_width || size > 15) r.fail("implausible global kernel");
  global.rows = static_cast<int>(rows);
  global.size = static_cast<int>(size);
  if (const std::string problem = global_kernel_problem(global); !problem.empty()) r.fail(problem);
  if (r.size() != 0) r.fail("unexpected bytes after the global kernel");
  return {specs, global};
}

std::uint64_t total_parameter_floats(const network_shape& shape) {
  std::uint64_t n = 0;
  for (const layer_spec& s : shape.layers) n += parameter_floats(s);
  if (shape.global)
    n += static_cast<std::uint64_t>(shape.global->rows) * static_cast<std::uint64_t>(shape.global->size * shape.global->size);
  return n;
}

}  // namespace

std::string serialize_model(model& m, const extra_sections& extra) {
  autoencoder& net = m.network();
  binary_writer items;
  for (const std::int32_t id : m.items().ids()) items.put(id);
  binary_writer scale;
  scale.put(m.scale().min);
  scale.put(m.scale().max);

  const std::string sections[] = {shape_payload(net), items.bytes(), scale.bytes(),
                                  weights_payload(net), m.metadata()};

  binary_writer w;
  w.put_bytes(magic);
  w.put(model_file_version);
  w.put(static_cast<std::uint32_t>(std::size(sections) + extra.size()));
  for (std::size_t i = 0; i < std::size(sections); ++i) w.section(model_tags[i], sections[i]);
  for (const auto& [tag, payload] : extra) {
    AEREC_ASSERT(tag.size() == 4 && !is_model_tag(tag));
    w.section(tag, payload);
  }
  w.put(crc32(w.bytes()));
  return std::move(w.bytes());
}

model deserialize_model(backend& b, std::string_view bytes, const std::string& source,
                        extra_sections* extra) {
  binary_reader r(bytes, source);
  if (bytes.size() < magic.size() || bytes.substr(0, magic.size()) != magic)
    r.fail("not an aerec model file (no AERECMDL signature)");
  r.take(magic.size());
  const auto version = r.get<std::uint32_t>();
  if (version != model_file_version)
    r.fail("model file version " + std::to_string(version) + " is not supported (this aerec reads version " +
           std::to_string(model_file_version) + ")");
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
  const auto payload = [&](const char* tag) {
    const auto it = sections.find(tag);
    if (it == sections.end()) r.fail(std::string("missing section ") + tag);
    return it->second;
  };
  const auto section = [&](const char* tag) {
    return binary_reader(payload(tag), source + ": section " + tag);
  };

  if (extra)
    for (const auto& [tag, bytes_of_tag] : sections)
      if (!is_model_tag(tag)) (*extra)[tag] = std::string(bytes_of_tag);

  const network_shape shape = read_shape(section("SHAP"));
  const auto items_count = static_cast<std::size_t>(shape.layers.front().inputs);

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

  binary_reader weight_reader = section("WGHT");
  if (weight_reader.size() != total_parameter_floats(shape) * sizeof(float))
    weight_reader.fail("expected " + std::to_string(total_parameter_floats(shape)) +
                       " parameters for the layers in SHAP");
  auto net = std::make_unique<autoencoder>(b, shape.layers);
  if (shape.global) net->add_global_kernel(*shape.global);
  load_weights(weight_reader, *net);

  return model(std::move(net), std::move(items), scale, std::string(payload("META")));
}

void save_model(const std::filesystem::path& path, model& m) {
  write_file_atomic(path, serialize_model(m));
}

model load_model(backend& b, const std::filesystem::path& path) {
  return deserialize_model(b, read_file(path), path.string());
}

}  // namespace aerec
