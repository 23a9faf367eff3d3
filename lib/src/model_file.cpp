#include "aerec/model_file.h"

#include <bit>
#include <cstring>
#include <map>

#include "aerec/error.h"
#include "aerec/file_io.h"
#include "crc32.h"

namespace aerec {

static_assert(std::endian::native == std::endian::little,
              "model files are little-endian; add byte swapping for this platform");

namespace {

constexpr std::string_view magic = "AERECMDL";
// Bounds that no real model reaches; they keep a damaged header from asking
// for absurd work before the size checks run.
constexpr std::uint64_t max_width = 1u << 24;
constexpr std::uint32_t max_layers = 256;

class writer {
 public:
  template <class T>
  void put(const T& value) {
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void put_bytes(std::string_view b) { bytes_.append(b); }
  void section(std::string_view tag, const std::string& payload) {
    put_bytes(tag);
    put(static_cast<std::uint64_t>(payload.size()));
    put_bytes(payload);
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class reader {
 public:
  reader(std::string_view bytes, const std::string& where) : bytes_(bytes), where_(where) {}

  [[noreturn]] void fail(const std::string& reason) const {
    throw error(error_code::model_format, where_ + ": " + reason);
  }
  std::string_view take(std::size_t n) {
    if (n > bytes_.size()) fail("truncated: needs " + std::to_string(n) + " more bytes");
    const std::string_view out = bytes_.substr(0, n);
    bytes_.remove_prefix(n);
    return out;
  }
  template <class T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)).data(), sizeof(T));
    return value;
  }
  bool empty() const { return bytes_.empty(); }
  std::size_t size() const { return bytes_.size(); }

 private:
  std::string_view bytes_;
  std::string where_;
};

std::string shape_payload(const autoencoder& net) {
  writer w;
  w.put(static_cast<std::uint32_t>(net.items()));
  w.put(static_cast<std::uint32_t>(net.specs().size()));
  for (const layer_spec& s : net.specs()) {
    w.put(static_cast<std::uint32_t>(s.kind));
    w.put(static_cast<std::uint32_t>(s.inputs));
    w.put(static_cast<std::uint32_t>(s.outputs));
    w.put(static_cast<std::uint32_t>(s.act));
  }
  return w.bytes();
}

std::string weights_payload(autoencoder& net) {
  std::string out;
  backend& b = net.device();
  for (const parameter& p : net.parameters()) {
    const std::size_t offset = out.size();
    out.resize(offset + p.size * sizeof(float));
    b.to_host(out.data() + offset, p.value, p.size * sizeof(float));
  }
  return out;
}

std::vector<layer_spec> read_shape(reader r) {
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
    if (kind != static_cast<std::uint32_t>(layer_kind::dense))
      r.fail(which + "unknown layer kind " + std::to_string(kind));
    if (inputs == 0 || inputs > max_width || outputs == 0 || outputs > max_width)
      r.fail(which + "implausible width");
    if (act > static_cast<std::uint32_t>(activation::elu))
      r.fail(which + "unknown activation " + std::to_string(act));
    specs.push_back({layer_kind::dense, static_cast<int>(inputs), static_cast<int>(outputs),
                     static_cast<activation>(act)});
  }
  if (specs.front().inputs != static_cast<int>(items) || specs.back().outputs != static_cast<int>(items))
    r.fail("layers do not map the " + std::to_string(items) + " items back to themselves");
  for (std::size_t i = 1; i < specs.size(); ++i)
    if (specs[i].inputs != specs[i - 1].outputs)
      r.fail("layer " + std::to_string(i) + " does not fit the layer below it");
  return specs;
}

std::uint64_t parameter_floats(const std::vector<layer_spec>& specs) {
  std::uint64_t n = 0;
  for (const layer_spec& s : specs)
    n += static_cast<std::uint64_t>(s.inputs) * static_cast<std::uint64_t>(s.outputs) +
         static_cast<std::uint64_t>(s.outputs);
  return n;
}

}  // namespace

std::string serialize_model(model& m) {
  autoencoder& net = m.network();
  writer items;
  for (const std::int32_t id : m.items().ids()) items.put(id);
  writer scale;
  scale.put(m.scale().min);
  scale.put(m.scale().max);

  const std::pair<std::string_view, std::string> sections[] = {
      {"SHAP", shape_payload(net)},      {"ITEM", items.bytes()},
      {"SCAL", scale.bytes()},           {"WGHT", weights_payload(net)},
      {"META", m.metadata()}};

  writer w;
  w.put_bytes(magic);
  w.put(model_file_version);
  w.put(static_cast<std::uint32_t>(std::size(sections)));
  for (const auto& [tag, payload] : sections) w.section(tag, payload);
  w.put(crc32(w.bytes()));
  return std::move(w.bytes());
}

model deserialize_model(backend& b, std::string_view bytes, const std::string& source) {
  reader r(bytes, source);
  if (bytes.size() < magic.size() || bytes.substr(0, magic.size()) != magic)
    r.fail("not an aerec model file (no AERECMDL signature)");
  r.take(magic.size());
  const auto version = r.get<std::uint32_t>();
  if (version != model_file_version)
    r.fail("model file version " + std::to_string(version) + " is not supported (this aerec reads version " +
           std::to_string(model_file_version) + ")");
  if (bytes.size() < magic.size() + 12 ||
      crc32(bytes.substr(0, bytes.size() - 4)) !=
          reader(bytes.substr(bytes.size() - 4), source).get<std::uint32_t>())
    r.fail("checksum mismatch: the file is truncated or corrupted");

  const auto count = r.get<std::uint32_t>();
  std::map<std::string, std::string_view, std::less<>> sections;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string tag(r.take(4));
    const auto length = r.get<std::uint64_t>();
    if (length > r.size()) r.fail("section " + tag + " runs past the end of the file");
    sections[tag] = r.take(static_cast<std::size_t>(length));
  }
  if (r.size() != 4) r.fail("unexpected bytes after the last section");
  const auto payload = [&](const char* tag) {
    const auto it = sections.find(tag);
    if (it == sections.end()) r.fail(std::string("missing section ") + tag);
    return it->second;
  };
  const auto section = [&](const char* tag) {
    return reader(payload(tag), source + ": section " + tag);
  };

  const std::vector<layer_spec> specs = read_shape(section("SHAP"));
  const auto items_count = static_cast<std::size_t>(specs.front().inputs);

  reader item_reader = section("ITEM");
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

  reader scale_reader = section("SCAL");
  rating_scale scale{scale_reader.get<float>(), scale_reader.get<float>()};
  if (!(scale.min < scale.max)) scale_reader.fail("empty rating scale");

  reader weight_reader = section("WGHT");
  if (weight_reader.size() != parameter_floats(specs) * sizeof(float))
    weight_reader.fail("expected " + std::to_string(parameter_floats(specs)) +
                       " parameters for the layers in SHAP");
  auto net = std::make_unique<autoencoder>(b, specs);
  for (const parameter& p : net->parameters())
    b.to_device(p.value, weight_reader.take(p.size * sizeof(float)).data(), p.size * sizeof(float));

  return model(std::move(net), std::move(items), scale, std::string(payload("META")));
}

void save_model(const std::filesystem::path& path, model& m) {
  write_file_atomic(path, serialize_model(m));
}

model load_model(backend& b, const std::filesystem::path& path) {
  return deserialize_model(b, read_file(path), path.string());
}

}  // namespace aerec
