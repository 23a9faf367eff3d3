#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/core/rng.h"
#include "aerec/io/file_io.h"
#include "aerec/io/model_file.h"
#include "aerec/nn/autoencoder.h"
#include "aerec/nn/model.h"
#include "compact_weights.h"
#include "expect_error.h"
#include "io/half.h"
#include "model_file_v1.h"
#include "small_model.h"
#include "temp_dir.h"

using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

// CRC-32 as zlib computes it, bit by bit: independent of the library's table version.
std::uint32_t crc32(std::string_view bytes) { return aerec::testing::crc32_of(bytes); }

// Little-endian fields, written byte by byte so the test does not rely on the host order.
std::uint64_t get_le(const std::string& bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes.at(at + i))) << (8 * i);
  return v;
}
void put_le(std::string& bytes, std::size_t at, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) bytes.at(at + i) = static_cast<char>((value >> (8 * i)) & 0xFFu);
}
std::uint32_t get_u32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(get_le(b, at, 4));
}
void put_u32(std::string& b, std::size_t at, std::uint32_t v) { put_le(b, at, v, 4); }

// Replaces the trailing CRC-32 with the right one for the (edited) bytes before it.
void fix_crc(std::string& bytes) {
  put_u32(bytes, bytes.size() - 4, crc32(std::string_view(bytes).substr(0, bytes.size() - 4)));
}

// A record's fields (type, name, value bytes) as the documented format lays
// them out, read and written here independently of the library.
struct test_field {
  std::uint8_t type;
  std::string name;
  std::string value;
};

std::vector<test_field> parse_record(const std::string& bytes) {
  std::vector<test_field> fields;
  std::size_t at = 0;
  while (at < bytes.size()) {
    test_field f{static_cast<std::uint8_t>(bytes.at(at)),
                 bytes.substr(at + 2, static_cast<unsigned char>(bytes.at(at + 1))),
                 {}};
    at += 2 + f.name.size();
    std::size_t length = 8;
    if (f.type == 3) length = 4 + static_cast<std::size_t>(get_le(bytes, at, 4));
    if (f.type == 4) length = 2 + 8 * static_cast<std::size_t>(static_cast<unsigned char>(bytes.at(at + 1)));
    f.value = bytes.substr(at, length);
    REQUIRE(f.value.size() == length);
    at += length;
    fields.push_back(f);
  }
  return fields;
}

std::string encode_record(const std::vector<test_field>& fields) {
  std::string out;
  for (const test_field& f : fields) {
    out += static_cast<char>(f.type);
    out += static_cast<char>(f.name.size());
    out += f.name + f.value;
  }
  return out;
}

test_field* field_named(std::vector<test_field>& fields, const std::string& name) {
  for (test_field& f : fields)
    if (f.name == name) return &f;
  FAIL("no field " << name);
  return nullptr;
}

std::string text_value(const std::string& s) {
  std::string v(4, '\0');
  put_le(v, 0, s.size(), 4);
  return v + s;
}
std::string integer_value(std::int64_t x) {
  std::string v(8, '\0');
  put_le(v, 0, static_cast<std::uint64_t>(x), 8);
  return v;
}

struct section_at {
  std::size_t header;   // offset of the 4-byte tag
  std::size_t payload;  // offset of the payload
  std::uint64_t length;
};

// Walks the documented layout: magic, version, count, then tag + u64 length + payload.
std::map<std::string, section_at> sections_of(const std::string& bytes) {
  std::map<std::string, section_at> out;
  const std::uint32_t count = get_u32(bytes, 12);
  std::size_t at = 16;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string tag = bytes.substr(at, 4);
    const std::uint64_t length = get_le(bytes, at + 4, 8);
    out[tag] = {at, at + 12, length};
    at += 12 + static_cast<std::size_t>(length);
  }
  REQUIRE(at + 4 == bytes.size());
  return out;
}

// The file with section `tag`'s payload replaced (lengths and CRC fixed).
std::string with_section(const std::string& bytes, const std::string& tag, const std::string& payload) {
  const section_at s = sections_of(bytes).at(tag);
  std::string out = bytes.substr(0, s.header + 4);
  std::string length(8, '\0');
  put_le(length, 0, payload.size(), 8);
  out += length + payload + bytes.substr(s.payload + static_cast<std::size_t>(s.length));
  fix_crc(out);
  return out;
}

// LAYR's layer records.
std::vector<std::vector<test_field>> layer_records(const std::string& bytes) {
  const section_at s = sections_of(bytes).at("LAYR");
  std::vector<std::vector<test_field>> layers;
  const std::uint32_t count = get_u32(bytes, s.payload);
  std::size_t at = s.payload + 4;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t length = get_u32(bytes, at);
    layers.push_back(parse_record(bytes.substr(at + 4, length)));
    at += 4 + length;
  }
  REQUIRE(at == s.payload + s.length);
  return layers;
}

std::string with_layers(const std::string& bytes, const std::vector<std::vector<test_field>>& layers) {
  std::string payload(4, '\0');
  put_u32(payload, 0, static_cast<std::uint32_t>(layers.size()));
  for (const auto& fields : layers) {
    const std::string record = encode_record(fields);
    std::string length(4, '\0');
    put_u32(length, 0, static_cast<std::uint32_t>(record.size()));
    payload += length + record;
  }
  return with_section(bytes, "LAYR", payload);
}

std::vector<test_field> meaning_record(const std::string& bytes) {
  const section_at s = sections_of(bytes).at("MEAN");
  return parse_record(bytes.substr(s.payload, static_cast<std::size_t>(s.length)));
}

using aerec::testing::make_small_model;
const auto& movie_ids = aerec::testing::small_model_movie_ids;

aerec::model make_model(aerec::backend& b, std::uint64_t seed = 7) {
  return make_small_model(b, seed, aerec::rating_scale{1, 5});
}

// A few users: two with ratings, one with none (output = biases only).
aerec::sparse_batch sample_batch() {
  aerec::sparse_batch batch;
  batch.cols = 6;
  const std::int32_t c0[] = {0, 3};
  const float v0[] = {5.0f, 2.0f};
  batch.append_row(c0, v0);
  batch.append_row({}, {});
  const std::int32_t c2[] = {1, 2, 5};
  const float v2[] = {1.0f, 3.0f, 4.5f};
  batch.append_row(c2, v2);
  return batch;
}

// Predictions as bit patterns, so equality is exact (and -0 differs from 0).
std::vector<std::uint32_t> prediction_bits(aerec::model& m) {
  std::vector<std::uint32_t> bits;
  for (const float v : m.network().predict(sample_batch())) bits.push_back(std::bit_cast<std::uint32_t>(v));
  return bits;
}

void require_same_model(aerec::model& a, aerec::model& b) {
  const auto& sa = a.network().specs();
  const auto& sb = b.network().specs();
  REQUIRE(sa.size() == sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    CAPTURE(i);
    CHECK(sa[i].kind == sb[i].kind);
    CHECK(sa[i].inputs() == sb[i].inputs());
    CHECK(sa[i].outputs() == sb[i].outputs());
    CHECK(sa[i].act == sb[i].act);
    CHECK(sa[i] == sb[i]);
  }
  CHECK(a.meaning() == b.meaning());
  CHECK(a.network().code_layer() == b.network().code_layer());
  CHECK(std::vector<std::int32_t>(b.items().ids().begin(), b.items().ids().end()) ==
        std::vector<std::int32_t>(a.items().ids().begin(), a.items().ids().end()));
  CHECK(b.scale().min == a.scale().min);
  CHECK(b.scale().max == a.scale().max);
  CHECK(b.metadata() == a.metadata());
  CHECK(prediction_bits(b) == prediction_bits(a));
}

// Deserializes `bytes` expecting a model_format error, and returns its message.
std::string format_error(aerec::backend& b, const std::string& bytes) {
  const auto e = error_from([&] { aerec::deserialize_model(b, bytes, "model bytes"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "model_format");
  CHECK_THAT(e->what(), Contains("model bytes"));
  return e->what();
}

}  // namespace

TEST_CASE("model_file: local CRC-32 matches the zlib check value", "[model_file]") {
  CHECK(crc32("123456789") == 0xCBF43926u);
  CHECK(crc32("") == 0u);
}

TEST_CASE("model_file: serialized bytes follow the documented layout", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m);
  REQUIRE(bytes.size() > 20);
  CHECK(bytes.substr(0, 8) == "AERECMDL");
  CHECK(get_u32(bytes, 8) == aerec::model_file_version);
  CHECK(aerec::model_file_version == 2);
  CHECK(get_u32(bytes, 12) == 6);
  CHECK(get_u32(bytes, bytes.size() - 4) == crc32(std::string_view(bytes).substr(0, bytes.size() - 4)));

  const auto s = sections_of(bytes);
  REQUIRE(s.size() == 6);
  CHECK(s.at("MEAN").header < s.at("LAYR").header);
  // What the model means: rows, output, code layer.
  const auto meaning = meaning_record(bytes);
  REQUIRE(meaning.size() == 3);
  CHECK(meaning[0].name == "rows");
  CHECK(meaning[0].value == text_value("users"));
  CHECK(meaning[1].name == "output");
  CHECK(meaning[1].value == text_value("rating"));
  CHECK(meaning[2].name == "code_layer");
  CHECK(meaning[2].type == 1);
  CHECK(meaning[2].value == integer_value(1));  // 4-3-4's middle layer
  // Four layer records: kind, input and output shapes, activation.
  const auto layers = layer_records(bytes);
  REQUIRE(layers.size() == 4);
  const std::vector<std::string> names = {"kind", "input", "output", "activation"};
  for (const auto& fields : layers) {
    REQUIRE(fields.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) CHECK(fields[i].name == names[i]);
    CHECK(fields[0].value == text_value("dense"));
  }
  // A shape: u8 kind (1 features), u8 rank, the widths as i64.
  CHECK(layers[0][1].type == 4);
  CHECK(layers[0][1].value == std::string("\x01\x01", 2) + integer_value(6));
  CHECK(layers[0][2].value == std::string("\x01\x01", 2) + integer_value(4));
  CHECK(layers[0][3].value == text_value("sigmoid"));
  CHECK(layers[3][3].value == text_value("identity"));
  CHECK(s.at("ITEM").length == 6 * 4);
  CHECK(get_u32(bytes, s.at("ITEM").payload + 4 * 4) == 1000);
  CHECK(s.at("SCAL").length == 8);
  // 6*4+4 + 4*3+3 + 3*4+4 + 4*6+6 parameters.
  CHECK(s.at("WGHT").length == 89 * 4);
  // The output layer keeps W^T in memory; the file holds W (inputs x outputs) like every layer.
  const aerec::parameter out = m.network().parameters()[6];
  REQUIRE(out.transposed);
  std::vector<float> file_w(24);
  std::memcpy(file_w.data(), bytes.data() + s.at("WGHT").payload + 59 * 4, 24 * 4);
  CHECK(file_w == aerec::transposed(std::span<const float>(out.value, 24), 6, 4));
  CHECK(bytes.substr(s.at("META").payload) == std::string("{\"k\":1}") + bytes.substr(bytes.size() - 4));
}

TEST_CASE("model_file: serialize/deserialize round trip", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const auto bits = prediction_bits(m);
  // Guard against a vacuous comparison: outputs are neither all zero nor row-independent.
  REQUIRE(bits.size() == 18);
  CHECK(std::count(bits.begin(), bits.end(), 0u) == 0);
  CHECK(std::vector(bits.begin(), bits.begin() + 6) != std::vector(bits.begin() + 6, bits.begin() + 12));

  const std::string bytes = aerec::serialize_model(m);
  aerec::model loaded = aerec::deserialize_model(*b, bytes, "model bytes");
  require_same_model(m, loaded);
  CHECK(loaded.items().index_of(1000, "movie") == 4);
  CHECK(aerec::serialize_model(loaded) == bytes);

  // A model with other weights must not compare equal (the check above can fail).
  aerec::model other = make_model(*b, 8);
  CHECK(prediction_bits(other) != bits);
}

TEST_CASE("model_file: save_model/load_model round trip", "[model_file]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const auto path = dir.path() / "model.aerec";
  aerec::save_model(path, m);
  CHECK(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "model.aerec.tmp"));
  aerec::model loaded = aerec::load_model(*b, path);
  require_same_model(m, loaded);

  // On another backend instance too (the file carries everything).
  const auto b2 = aerec::make_cpu_backend(1);
  aerec::model loaded2 = aerec::load_model(*b2, path);
  require_same_model(m, loaded2);
}

TEST_CASE("model_file: every truncation is a model_format error", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    const std::string message = format_error(*b, bytes.substr(0, n));
    CHECK(message.size() > std::string("model bytes: ").size());
  }
}

TEST_CASE("model_file: flipped bits are caught", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m);
  for (std::size_t at = 0; at < bytes.size(); at += 7) {
    CAPTURE(at);
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x08);
    const std::string message = format_error(*b, damaged);
    // The signature and version are checked before the checksum; the rest is the checksum's.
    if (at < 8)
      CHECK_THAT(message, Contains("not an aerec model file"));
    else if (at < 12)
      CHECK_THAT(message, Contains("version") && Contains("not supported"));
    else
      CHECK_THAT(message, Contains("checksum mismatch"));
  }
  // The last byte (part of the CRC itself) too.
  std::string damaged = bytes;
  damaged.back() = static_cast<char>(damaged.back() ^ 0x08);
  CHECK_THAT(format_error(*b, damaged), Contains("checksum mismatch"));
}

TEST_CASE("model_file: foreign files are not aerec model files", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  static const char png_header[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
  const std::string png(png_header, sizeof png_header - 1);
  for (const std::string& foreign : {png, std::string("hello"), std::string(), std::string("AERECMD")}) {
    CAPTURE(foreign);
    CHECK_THAT(format_error(*b, foreign), Contains("not an aerec model file"));
  }

  temp_dir dir;
  const auto path = dir.write("picture.png", png);
  const auto e = error_from([&] { aerec::load_model(*b, path); });
  REQUIRE(e);
  CHECK(code_name(*e) == "model_format");
  CHECK_THAT(e->what(), Contains(path.string()) && Contains("not an aerec model file"));
}

TEST_CASE("model_file: an unsupported version with a valid checksum", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m);
  for (const std::uint32_t version : {0u, 4u, 0xFFFFFFFFu}) {
    CAPTURE(version);
    std::string patched = bytes;
    put_u32(patched, 8, version);
    fix_crc(patched);
    CHECK_THAT(format_error(*b, patched),
               Contains("version " + std::to_string(version) + " is not supported"));
  }
}

TEST_CASE("model_file: absurd version-1 shapes with a valid checksum are rejected", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::testing::serialize_v1(m);
  const auto s = sections_of(bytes);
  const std::size_t shap = s.at("SHAP").payload;
  const std::size_t layer0 = shap + 8;  // kind, inputs, outputs, activation
  const std::size_t last_layer = shap + 8 + 3 * 16;

  const auto rejected = [&](std::string patched) {
    fix_crc(patched);
    return format_error(*b, patched);
  };

  SECTION("items = 2^30") {
    std::string p = bytes;
    put_u32(p, shap, 1u << 30);
    CHECK_THAT(rejected(p), Contains("item count"));
  }
  SECTION("layer width 2^31-1") {
    std::string p = bytes;
    put_u32(p, layer0 + 8, 0x7FFFFFFFu);
    CHECK_THAT(rejected(p), Contains("layer 0") && Contains("width"));
  }
  SECTION("layer width 2^32-1 (negative as int)") {
    std::string p = bytes;
    put_u32(p, layer0 + 4, 0xFFFFFFFFu);
    CHECK_THAT(rejected(p), Contains("layer 0") && Contains("width"));
  }
  SECTION("layer count 2^31") {
    std::string p = bytes;
    put_u32(p, shap + 4, 1u << 31);
    CHECK_THAT(rejected(p), Contains("layer count"));
  }
  SECTION("a consistent but huge shape that the other sections do not back") {
    // 2^24 items, each layer fits the next: the shape itself passes, so only
    // the ITEM and WGHT size checks stand between it and a ~256 MiB allocation.
    std::string p = bytes;
    put_u32(p, shap, 1u << 24);
    put_u32(p, layer0 + 4, 1u << 24);
    put_u32(p, last_layer + 8, 1u << 24);
    CHECK_THAT(rejected(p), Contains("section ITEM") && Contains("movie ids"));
  }
  SECTION("an unknown activation") {
    std::string p = bytes;
    put_u32(p, layer0 + 12, 99);
    CHECK_THAT(rejected(p), Contains("activation 99"));
  }
  SECTION("layers that do not chain") {
    std::string p = bytes;
    put_u32(p, layer0 + 8, 5);  // layer 1 still expects 4 inputs
    CHECK_THAT(rejected(p), Contains("layer 1"));
  }
  SECTION("a section length past the end") {
    std::string p = bytes;
    put_le(p, s.at("ITEM").header + 4, std::uint64_t{1} << 62, 8);
    CHECK_THAT(rejected(p), Contains("ITEM") && Contains("past the end"));
  }
  SECTION("a huge section count") {
    std::string p = bytes;
    put_u32(p, 12, 0xFFFFFFFFu);
    rejected(p);
  }
}

TEST_CASE("model_file: WGHT length that does not match the shape", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m);
  const section_at w = sections_of(bytes).at("WGHT");

  SECTION("one float short") {
    std::string p = bytes;
    put_le(p, w.header + 4, w.length - 4, 8);
    p.erase(w.payload, 4);
    fix_crc(p);
    CHECK_THAT(format_error(*b, p), Contains("section WGHT") && Contains("89 parameters"));
  }
  SECTION("one float extra") {
    std::string p = bytes;
    put_le(p, w.header + 4, w.length + 4, 8);
    p.insert(w.payload, 4, '\0');
    fix_crc(p);
    CHECK_THAT(format_error(*b, p), Contains("section WGHT") && Contains("89 parameters"));
  }
}

TEST_CASE("model_file: load_model on a missing path is an io_error", "[model_file]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend(1);
  const auto path = dir.path() / "missing.aerec";
  const auto e = error_from([&] { aerec::load_model(*b, path); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains(path.string()));
}

TEST_CASE("model_file: save_model into a missing directory leaves nothing", "[model_file]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const auto missing = dir.path() / "no-such-dir";
  const auto path = missing / "model.aerec";
  const auto e = error_from([&] { aerec::save_model(path, m); });
  REQUIRE(e);
  CHECK(code_name(*e) == "io_error");
  CHECK_THAT(e->what(), Contains(path.string()));
  CHECK_FALSE(std::filesystem::exists(missing));
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("model_file: save_model replaces an existing file whole", "[model_file]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  // Longer than the model, so an in-place write without truncation would leave a tail.
  const auto path = dir.write("model.aerec", std::string(4096, 'x'));
  aerec::save_model(path, m);
  CHECK(aerec::read_file(path) == aerec::serialize_model(m));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "model.aerec.tmp"));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CAPTURE(entry.path().string());
    ++files;
  }
  CHECK(files == 1);

  // Saving a different model over it replaces it again.
  aerec::model other = make_model(*b, 8);
  aerec::save_model(path, other);
  aerec::model loaded = aerec::load_model(*b, path);
  CHECK(prediction_bits(loaded) == prediction_bits(other));
  CHECK(prediction_bits(loaded) != prediction_bits(m));
}

// --- extra sections (checkpoints' training state) --------------------------

namespace {

const aerec::extra_sections sample_extra = {{"RUNJ", "{\"split\":\"u1\"}"},
                                            {"STOP", std::string("\0\1\2", 3)},
                                            {"TRNR", std::string(1000, '\xff')},
                                            {"ZERO", ""}};

}  // namespace

TEST_CASE("model_file: extra sections follow the model's and come back", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m, sample_extra);
  CHECK(get_u32(bytes, 12) == 6 + sample_extra.size());
  const auto s = sections_of(bytes);
  for (const auto& [tag, payload] : sample_extra) {
    CAPTURE(tag);
    REQUIRE(s.count(tag) == 1);
    CHECK(s.at(tag).header > s.at("META").header);
    CHECK(bytes.substr(s.at(tag).payload, s.at(tag).length) == payload);
  }

  aerec::model_file_details details;
  aerec::model loaded = aerec::deserialize_model(*b, bytes, "model bytes", &details);
  CHECK(details.extra == sample_extra);
  CHECK(details.version == 2);
  require_same_model(m, loaded);
  CHECK(aerec::serialize_model(loaded, details.extra) == bytes);
  // Without extra sections the bytes are those of the plain model.
  CHECK(aerec::serialize_model(m, {}) == aerec::serialize_model(m));
}

TEST_CASE("model_file: readers that do not ask for extra sections skip them", "[model_file]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const auto path = dir.write("future.aerec", aerec::serialize_model(m, sample_extra));
  aerec::model loaded = aerec::load_model(*b, path);
  require_same_model(m, loaded);
}

TEST_CASE("model_file: a file with extra sections is still checked whole", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m, {{"TRNR", "abcdefgh"}});
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    format_error(*b, bytes.substr(0, n));
  }
  const section_at trnr = sections_of(bytes).at("TRNR");
  std::string flipped = bytes;
  flipped[trnr.payload + 3] = 'X';
  CHECK_THAT(format_error(*b, flipped), Contains("checksum mismatch"));

  // A model section renamed: it is missing, and the renamed one is an extra.
  std::string renamed = bytes;
  renamed.replace(sections_of(bytes).at("META").header, 4, "ATEM");
  fix_crc(renamed);
  CHECK_THAT(format_error(*b, renamed), Contains("missing section META"));

  // A tag twice (here TRNR renamed to WGHT) is an error, not a silent replacement.
  std::string twice = bytes;
  twice.replace(trnr.header, 4, "WGHT");
  fix_crc(twice);
  CHECK_THAT(format_error(*b, twice), Contains("section WGHT appears twice"));
}

TEST_CASE("model_file: an extra section may not reuse a model tag", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  for (const char* tag : {"META", "WGHT", "MEAN", "LAYR", "GLBK", "SHAP", "LONGER", "ABC"}) {
    CAPTURE(tag);
    const auto e = error_from([&] { aerec::serialize_model(m, {{tag, "x"}}); });
    REQUIRE(e);
    CHECK(code_name(*e) == "internal");
  }
}

// --- version 2's records ----------------------------------------------------

TEST_CASE("model_file: damaged or foreign records with a valid checksum are rejected", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m);
  const auto layers = layer_records(bytes);
  const auto rejected_layers = [&](const std::function<void(std::vector<std::vector<test_field>>&)>& edit) {
    auto edited = layers;
    edit(edited);
    return format_error(*b, with_layers(bytes, edited));
  };
  const auto rejected_meaning = [&](const std::function<void(std::vector<test_field>&)>& edit) {
    auto edited = meaning_record(bytes);
    edit(edited);
    return format_error(*b, with_section(bytes, "MEAN", encode_record(edited)));
  };

  SECTION("the records as written load") {
    aerec::model loaded = aerec::deserialize_model(*b, with_layers(bytes, layers), "model bytes");
    require_same_model(m, loaded);
  }
  SECTION("an unknown layer kind") {
    CHECK_THAT(rejected_layers([](auto& l) { field_named(l[2], "kind")->value = text_value("gru"); }),
               Contains("section LAYR: layer 2") && Contains("unknown layer kind 'gru'") &&
                   Contains("known: dense, local_kernel"));
  }
  SECTION("a known kind whose shapes it cannot take") {
    CHECK_THAT(rejected_layers([](auto& l) { field_named(l[2], "kind")->value = text_value("lstm"); }),
               Contains("section LAYR: layer 2") && Contains("an lstm layer takes sequences"));
  }
  SECTION("an unknown activation") {
    CHECK_THAT(rejected_layers([](auto& l) { field_named(l[0], "activation")->value = text_value("swish"); }),
               Contains("layer 0") && Contains("unknown activation 'swish'"));
  }
  SECTION("a width of 2^31 - 1") {
    CHECK_THAT(rejected_layers([](auto& l) {
                 field_named(l[0], "output")->value = std::string("\x01\x01", 2) + integer_value(0x7FFFFFFF);
               }),
               Contains("layer 0") && Contains("implausible width"));
  }
  SECTION("a shape whose rank does not fit its kind") {
    CHECK_THAT(rejected_layers([](auto& l) {
                 field_named(l[1], "input")->value =
                     std::string("\x01\x02", 2) + integer_value(2) + integer_value(2);
               }),
               Contains("layer 1") && Contains("the shape input has 2 dimensions"));
  }
  SECTION("layers that do not chain") {
    CHECK_THAT(rejected_layers([](auto& l) {
                 field_named(l[0], "output")->value = std::string("\x01\x01", 2) + integer_value(5);
               }),
               Contains("layer 1 does not fit the layer below it"));
  }
  SECTION("a missing field") {
    CHECK_THAT(rejected_layers([](auto& l) { l[1].erase(l[1].begin() + 3); }),
               Contains("layer 1") && Contains("no field activation"));
  }
  SECTION("a field of another type") {
    CHECK_THAT(rejected_layers([](auto& l) {
                 *field_named(l[1], "activation") = {1, "activation", integer_value(1)};
               }),
               Contains("the field activation is an integer, not text"));
  }
  SECTION("a field this aerec does not know (a later version's)") {
    CHECK_THAT(rejected_layers([](auto& l) {
                 l[3].push_back({1, "dilation", integer_value(2)});
               }),
               Contains("layer 3") && Contains("unknown field dilation"));
  }
  SECTION("a field twice") {
    CHECK_THAT(rejected_layers([](auto& l) { l[3].push_back(l[3][0]); }),
               Contains("the field kind appears twice"));
  }
  SECTION("a field of an unknown type") {
    CHECK_THAT(rejected_layers([](auto& l) { l[3].push_back({9, "x", ""}); }), Contains("unknown type 9"));
  }
  SECTION("a record running past its length") {
    CHECK_THAT(
        rejected_layers([](auto& l) { field_named(l[0], "kind")->value = text_value("dense").substr(0, 6); }),
        Contains("truncated"));
  }
  SECTION("a layer count of 2^31") {
    std::string p = bytes;
    put_u32(p, sections_of(bytes).at("LAYR").payload, 1u << 31);
    fix_crc(p);
    CHECK_THAT(format_error(*b, p), Contains("implausible layer count"));
  }
  SECTION("a code layer beyond the layers") {
    CHECK_THAT(rejected_meaning([](auto& f) { field_named(f, "code_layer")->value = integer_value(9); }),
               Contains("section MEAN") && Contains("implausible code_layer 9"));
  }
  SECTION("the output layer as the code") {
    CHECK_THAT(rejected_meaning([](auto& f) { field_named(f, "code_layer")->value = integer_value(3); }),
               Contains("section MEAN") && Contains("layer 3 cannot be this network's code"));
  }
  SECTION("an unknown kind of rows") {
    CHECK_THAT(rejected_meaning([](auto& f) { field_named(f, "rows")->value = text_value("sessions"); }),
               Contains("section MEAN") && Contains("unknown kind of rows 'sessions'"));
  }
  SECTION("no meaning at all") {
    std::string p = bytes;
    p.replace(sections_of(bytes).at("MEAN").header, 4, "XXXX");
    fix_crc(p);
    CHECK_THAT(format_error(*b, p), Contains("missing section MEAN"));
  }
}

TEST_CASE("model_file: what a model means comes back, and another code layer too", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  const int hidden[] = {4, 2, 3, 4};
  for (const std::size_t code : {std::size_t{1}, std::size_t{2}}) {
    CAPTURE(code);
    auto net = std::make_unique<aerec::autoencoder>(
        *b, aerec::stacked_layers(6, hidden, aerec::activation::tanh, aerec::activation::identity), code);
    aerec::rng random(3);
    net->initialize(aerec::init_scheme::pytorch, random);
    aerec::model m(std::move(net), aerec::id_map(movie_ids), {0, 1},
                   {aerec::row_kind::items, aerec::output_kind::ranking});
    aerec::model loaded = aerec::deserialize_model(*b, aerec::serialize_model(m), "model bytes");
    CHECK(loaded.meaning() == aerec::model_meaning{aerec::row_kind::items, aerec::output_kind::ranking});
    CHECK(loaded.network().code_layer() == code);
    CHECK(loaded.network().code_size() == hidden[code]);
  }
}

// --- version 1, still read ----------------------------------------------------

TEST_CASE("model_file: version-1 files load, their meaning from the configuration in META", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  aerec::model_file_details details;
  aerec::model loaded =
      aerec::deserialize_model(*b, aerec::testing::serialize_v1(m), "model bytes", &details);
  CHECK(details.version == 1);
  require_same_model(m, loaded);
  // Written again, it is version 2, byte for byte what the model itself gives.
  CHECK(aerec::serialize_model(loaded) == aerec::serialize_model(m));

  const std::pair<const char*, aerec::model_meaning> metadata[] = {
      {"", {}},
      {"not json", {}},
      {R"({"config": {"item-based": false, "objective": "squared-error"}})", {}},
      {R"({"config": {"item-based": true}})", {aerec::row_kind::items, aerec::output_kind::rating}},
      {R"({"config": {"objective": "multinomial"}})", {aerec::row_kind::users, aerec::output_kind::ranking}},
  };
  for (const auto& [meta, meaning] : metadata) {
    CAPTURE(meta);
    m.set_metadata(meta);
    CHECK(aerec::deserialize_model(*b, aerec::testing::serialize_v1(m), "model bytes").meaning() == meaning);
  }
}

TEST_CASE("model_file: the earlier demo model (version 1, kept in tests/fixtures) loads and predicts",
          "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model_file_details details;
  const std::string path = std::string(AEREC_SOURCE_DIR) + "/tests/fixtures/demo-model-v1.aerec";
  aerec::model demo = aerec::deserialize_model(*b, aerec::read_file(path), path, &details);
  CHECK(details.version == 1);
  CHECK(demo.meaning() == aerec::model_meaning{});
  CHECK(demo.user_input_problem().empty());
  CHECK(!demo.ranks());
  CHECK(demo.items().size() == 3706);
  const aerec::item_rating liked[] = {{260, 5}, {1196, 5}, {2571, 4}};
  const std::vector<float> p = demo.predict(liked);
  REQUIRE(p.size() == 3706);
  CHECK(std::all_of(p.begin(), p.end(),
                    [&](float v) { return v >= demo.scale().min && v <= demo.scale().max; }));
  CHECK(*std::max_element(p.begin(), p.end()) > *std::min_element(p.begin(), p.end()));
}

// --- compact weights (f16, q8) ----------------------------------------------

namespace {

using aerec::weight_encoding;
const weight_encoding compact_encodings[] = {weight_encoding::f16, weight_encoding::q8};

// The small model (6-4-3-4-6) has four weight matrices, 72 entries in 17
// rows, and four bias vectors of 17 floats in all.
constexpr std::uint64_t f16_weight_bytes = 72 * 2 + 17 * 4;
constexpr std::uint64_t q8_weight_bytes = 17 * 4 + 72 + 17 * 4;

const char* tag_of(weight_encoding e) { return e == weight_encoding::f16 ? "WG16" : "WGQ8"; }

float largest_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  float worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

void put_f32(std::string& bytes, std::size_t at, float value) {
  put_u32(bytes, at, std::bit_cast<std::uint32_t>(value));
}

}  // namespace

TEST_CASE("model_file: weight encodings by name", "[model_file][weights]") {
  CHECK(aerec::all_weight_encodings().size() == 3);
  for (const weight_encoding e : aerec::all_weight_encodings())
    CHECK(aerec::parse_weight_encoding(aerec::weight_encoding_name(e)) == e);
  CHECK(std::string(aerec::weight_encoding_name(weight_encoding::q8)) == "q8");
  const auto e = error_from([] { aerec::parse_weight_encoding("f8"); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("'f8'") && Contains("f32, f16, q8"));
}

TEST_CASE("model_file: f32 weights are the default and the bytes of before", "[model_file][weights]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m, weight_encoding::f32);
  CHECK(bytes == aerec::serialize_model(m));
  CHECK(get_u32(bytes, 8) == 2);
  aerec::save_model(dir.path() / "model.aerec", m);
  CHECK(aerec::read_file(dir.path() / "model.aerec") == bytes);
  aerec::model_file_details details;
  aerec::model loaded = aerec::deserialize_model(*b, bytes, "model bytes", &details);
  CHECK(details.weights == weight_encoding::f32);
  CHECK(aerec::testing::check_decoded(m, loaded, weight_encoding::f32) == 0);
}

TEST_CASE("model_file: compact weights come back within their precision", "[model_file][weights]") {
  temp_dir dir;
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::vector<float> original = m.network().predict(sample_batch());
  const std::size_t f32_size = aerec::serialize_model(m).size();
  for (const weight_encoding e : compact_encodings) {
    CAPTURE(aerec::weight_encoding_name(e));
    const auto path = dir.path() / (std::string(aerec::weight_encoding_name(e)) + ".aerec");
    aerec::save_model(path, m, e);
    const std::string bytes = aerec::read_file(path);
    CHECK(bytes == aerec::serialize_model(m, e));
    CHECK(get_u32(bytes, 8) == aerec::compact_weights_version);
    CHECK(aerec::compact_weights_version == 3);
    const auto s = sections_of(bytes);
    CHECK(s.size() == 6);
    CHECK_FALSE(s.contains("WGHT"));
    REQUIRE(s.contains(tag_of(e)));
    CHECK(s.at(tag_of(e)).length == (e == weight_encoding::f16 ? f16_weight_bytes : q8_weight_bytes));
    CHECK(bytes.size() == f32_size - 89 * 4 + s.at(tag_of(e)).length);

    aerec::model_file_details details;
    aerec::model loaded = aerec::deserialize_model(*b, bytes, "model bytes", &details);
    CHECK(details.version == 3);
    CHECK(details.weights == e);
    CHECK(details.extra.empty());
    CHECK(loaded.network().specs() == m.network().specs());
    CHECK(loaded.metadata() == m.metadata());
    // Lossy, within the promise: every matrix entry, and vectors exact.
    CHECK(aerec::testing::check_decoded(m, loaded, e) > 0);
    // Predictions move by little: sigmoid units and outputs of order 1.
    const float moved = largest_difference(loaded.network().predict(sample_batch()), original);
    CHECK(moved > 0);
    CHECK(moved < (e == weight_encoding::f16 ? 1e-3f : 2e-2f));
    // The decoded halves are halves again: a second f16 file is the first.
    if (e == weight_encoding::f16) CHECK(aerec::serialize_model(loaded, e) == bytes);
  }
}

TEST_CASE("model_file: compact weight sections follow the documented layout", "[model_file][weights]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const auto stored = aerec::testing::stored_parameters(m);
  const std::vector<float>& w = stored[0].values;  // layer 0's weight, 6 x 4
  const std::vector<float>& bias = stored[1].values;
  REQUIRE(w.size() == 24);

  const std::string f16 = aerec::serialize_model(m, weight_encoding::f16);
  const std::size_t h = sections_of(f16).at("WG16").payload;
  for (std::size_t i = 0; i < 24; ++i) CHECK(get_le(f16, h + 2 * i, 2) == aerec::half_from_float(w[i]));
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(get_u32(f16, h + 48 + 4 * i) == std::bit_cast<std::uint32_t>(bias[i]));

  const std::string q8 = aerec::serialize_model(m, weight_encoding::q8);
  const std::size_t q = sections_of(q8).at("WGQ8").payload;
  for (std::size_t r = 0; r < 6; ++r) {
    CAPTURE(r);
    float largest = 0;
    for (std::size_t c = 0; c < 4; ++c) largest = std::max(largest, std::fabs(w[r * 4 + c]));
    const float scale = std::bit_cast<float>(get_u32(q8, q + 4 * r));
    CHECK(scale == largest / 127);
    for (std::size_t c = 0; c < 4; ++c) {
      const auto level = static_cast<std::int8_t>(q8.at(q + 24 + r * 4 + c));
      CHECK(level == static_cast<int>(std::lround(w[r * 4 + c] / scale)));
    }
  }
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(get_u32(q8, q + 48 + 4 * i) == std::bit_cast<std::uint32_t>(bias[i]));
}

TEST_CASE("model_file: a row of zeros has scale 0, and extreme weights", "[model_file][weights]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const aerec::parameter w = m.network().parameters()[0];  // 6 x 4, by input: row r is w.value[4r..]
  REQUIRE_FALSE(w.transposed);
  std::fill(w.value + 4, w.value + 8, 0.0f);
  w.value[8] = 1e5f;  // beyond half precision, fine for q8

  const std::string q8 = aerec::serialize_model(m, weight_encoding::q8);
  CHECK(get_u32(q8, sections_of(q8).at("WGQ8").payload + 4) == 0u);
  aerec::model loaded = aerec::deserialize_model(*b, q8, "model bytes");
  aerec::testing::check_decoded(m, loaded, weight_encoding::q8);
  CHECK(loaded.network().parameters()[0].value[8] == 1e5f);

  auto e = error_from([&] { aerec::serialize_model(m, weight_encoding::f16); });
  REQUIRE(e);
  CHECK(code_name(*e) == "invalid_argument");
  CHECK_THAT(e->what(), Contains("layer 0 weight") && Contains("65504") && Contains("f16"));

  w.value[8] = std::numeric_limits<float>::quiet_NaN();
  for (const weight_encoding enc : compact_encodings) {
    e = error_from([&] { aerec::serialize_model(m, enc); });
    REQUIRE(e);
    CHECK(code_name(*e) == "invalid_argument");
    CHECK_THAT(e->what(), Contains("layer 0 weight") && Contains("not finite"));
  }
  CHECK_NOTHROW(aerec::serialize_model(m));  // f32 stores whatever there is
}

TEST_CASE("model_file: every truncation of a compact file is a model_format error", "[model_file][weights]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  for (const weight_encoding e : compact_encodings) {
    const std::string bytes = aerec::serialize_model(m, e);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      CAPTURE(aerec::weight_encoding_name(e), n);
      format_error(*b, bytes.substr(0, n));
    }
  }
}

TEST_CASE("model_file: damaged compact weights with a valid checksum are rejected", "[model_file][weights]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string q8 = aerec::serialize_model(m, weight_encoding::q8);
  const std::string f16 = aerec::serialize_model(m, weight_encoding::f16);
  const section_at q = sections_of(q8).at("WGQ8");
  const std::string q8_payload = q8.substr(q.payload, q.length);

  SECTION("a section one byte short or long") {
    for (const std::string& payload : {q8_payload.substr(1), q8_payload + '\0'})
      CHECK_THAT(format_error(*b, with_section(q8, "WGQ8", payload)),
                 Contains("section WGQ8") && Contains("expected 208 bytes") && Contains("89 parameters") &&
                     Contains("as q8") && Contains("found " + std::to_string(payload.size())));
  }
  SECTION("another encoding's tag: the sizes disagree") {
    std::string renamed = q8;
    renamed.replace(q.header, 4, "WG16");
    fix_crc(renamed);
    CHECK_THAT(format_error(*b, renamed), Contains("section WG16") && Contains("expected 212 bytes"));
  }
  SECTION("a scale that is NaN, infinite or negative") {
    const struct {
      std::size_t row;
      float scale;
      const char* shown;
    } bad[] = {{0, std::numeric_limits<float>::quiet_NaN(), "nan"},
               {3, std::numeric_limits<float>::infinity(), "inf"},
               {5, -0.5f, "-0.5"}};
    for (const auto& s : bad) {
      std::string payload = q8_payload;
      put_f32(payload, 4 * s.row, s.scale);
      CHECK_THAT(format_error(*b, with_section(q8, "WGQ8", payload)),
                 Contains("section WGQ8") && Contains("layer 0 weight, row " + std::to_string(s.row)) &&
                     Contains(s.shown));
    }
  }
  SECTION("the integer -128, which the symmetric encoding never writes") {
    std::string payload = q8_payload;
    payload[24 + 9] = static_cast<char>(-128);  // layer 0's row 2
    CHECK_THAT(format_error(*b, with_section(q8, "WGQ8", payload)),
               Contains("layer 0 weight, row 2") && Contains("-128"));
  }
  SECTION("a half that is infinite or NaN") {
    const section_at h = sections_of(f16).at("WG16");
    for (const std::uint64_t half : {0x7C00u, 0xFE00u}) {
      std::string payload = f16.substr(h.payload, h.length);
      put_le(payload, 48 + 16, half, 2);  // layer 1 weight follows layer 0's 24 halves and 4 f32 biases
      CHECK_THAT(format_error(*b, with_section(f16, "WG16", payload)),
                 Contains("section WG16") && Contains("layer 1 weight") && Contains("not finite"));
    }
  }
  SECTION("weights twice, or none") {
    // The f32 file with the q8 file's WGQ8 section added before its CRC.
    const std::string f32 = aerec::serialize_model(m);
    std::string both = f32.substr(0, f32.size() - 4) + q8.substr(q.header, 12 + q.length) + "CRC!";
    put_u32(both, 12, get_u32(both, 12) + 1);
    fix_crc(both);
    CHECK_THAT(format_error(*b, both), Contains("sections WGHT and WGQ8 both hold the weights"));

    std::string none = q8;
    none.replace(q.header, 4, "WGQ4");  // a later aerec's encoding, say
    fix_crc(none);
    CHECK_THAT(format_error(*b, none), Contains("missing section WGHT"));
  }
}

TEST_CASE("model_file: the earlier demo model predicts nearly the same from f16 and q8 files",
          "[model_file][weights]") {
  const auto b = aerec::make_cpu_backend(1);
  const std::string path = std::string(AEREC_SOURCE_DIR) + "/tests/fixtures/demo-model-v1.aerec";
  aerec::model demo = aerec::load_model(*b, path);
  const aerec::item_rating liked[] = {{260, 5}, {1196, 5}, {2571, 4}, {2858, 1}, {593, 2}};
  const std::vector<float> exact = demo.predict(liked);
  const std::size_t f32_size = aerec::serialize_model(demo).size();
  for (const weight_encoding e : compact_encodings) {
    CAPTURE(aerec::weight_encoding_name(e));
    const std::string bytes = aerec::serialize_model(demo, e);
    // f16: about half the size; q8: about a quarter (a scale per row on top).
    CHECK(bytes.size() * 100 < f32_size * (e == weight_encoding::f16 ? 52 : 28));
    aerec::model loaded = aerec::deserialize_model(*b, bytes, "demo");
    aerec::testing::check_decoded(demo, loaded, e);
    const float moved = largest_difference(loaded.predict(liked), exact);
    CHECK(moved > 0);
    CHECK(moved < (e == weight_encoding::f16 ? 2e-3f : 5e-2f));
  }
}
