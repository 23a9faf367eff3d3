#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aerec/nn/autoencoder.h"
#include "aerec/backend/cpu_backend.h"
#include "aerec/core/error.h"
#include "aerec/io/file_io.h"
#include "aerec/nn/model.h"
#include "aerec/io/model_file.h"
#include "aerec/core/rng.h"
#include "expect_error.h"
#include "small_model.h"
#include "temp_dir.h"

using aerec::testing::code_name;
using aerec::testing::error_from;
using aerec::testing::temp_dir;
using Catch::Matchers::Contains;

namespace {

// CRC-32 as zlib computes it, bit by bit: independent of the library's table version.
std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) {
    c ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

// Little-endian fields, written byte by byte so the test does not rely on the host order.
std::uint64_t get_le(const std::string& bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes.at(at + i))) << (8 * i);
  return v;
}
void put_le(std::string& bytes, std::size_t at, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i)
    bytes.at(at + i) = static_cast<char>((value >> (8 * i)) & 0xFFu);
}
std::uint32_t get_u32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(get_le(b, at, 4));
}
void put_u32(std::string& b, std::size_t at, std::uint32_t v) { put_le(b, at, v, 4); }

// Replaces the trailing CRC-32 with the right one for the (edited) bytes before it.
void fix_crc(std::string& bytes) {
  put_u32(bytes, bytes.size() - 4, crc32(std::string_view(bytes).substr(0, bytes.size() - 4)));
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
    CHECK(sa[i].inputs == sb[i].inputs);
    CHECK(sa[i].outputs == sb[i].outputs);
    CHECK(sa[i].act == sb[i].act);
  }
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
  CHECK(get_u32(bytes, 12) == 5);
  CHECK(get_u32(bytes, bytes.size() - 4) == crc32(std::string_view(bytes).substr(0, bytes.size() - 4)));

  const auto s = sections_of(bytes);
  REQUIRE(s.size() == 5);
  CHECK(s.at("SHAP").length == 8 + 4 * 16);
  CHECK(get_u32(bytes, s.at("SHAP").payload) == 6);
  CHECK(get_u32(bytes, s.at("SHAP").payload + 4) == 4);
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
  for (const std::uint32_t version : {0u, 2u, 0xFFFFFFFFu}) {
    CAPTURE(version);
    std::string patched = bytes;
    put_u32(patched, 8, version);
    fix_crc(patched);
    CHECK_THAT(format_error(*b, patched),
               Contains("version " + std::to_string(version) + " is not supported"));
  }
}

TEST_CASE("model_file: absurd shapes with a valid checksum are rejected", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m);
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

const aerec::extra_sections sample_extra = {
    {"RUNJ", "{\"split\":\"u1\"}"}, {"STOP", std::string("\0\1\2", 3)}, {"TRNR", std::string(1000, '\xff')}, {"ZERO", ""}};

}  // namespace

TEST_CASE("model_file: extra sections follow the model's and come back", "[model_file]") {
  const auto b = aerec::make_cpu_backend(1);
  aerec::model m = make_model(*b);
  const std::string bytes = aerec::serialize_model(m, sample_extra);
  CHECK(get_u32(bytes, 12) == 5 + sample_extra.size());
  const auto s = sections_of(bytes);
  for (const auto& [tag, payload] : sample_extra) {
    CAPTURE(tag);
    REQUIRE(s.count(tag) == 1);
    CHECK(s.at(tag).header > s.at("META").header);
    CHECK(bytes.substr(s.at(tag).payload, s.at(tag).length) == payload);
  }

  aerec::extra_sections extra;
  aerec::model loaded = aerec::deserialize_model(*b, bytes, "model bytes", &extra);
  CHECK(extra == sample_extra);
  require_same_model(m, loaded);
  CHECK(aerec::serialize_model(loaded, extra) == bytes);
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
  for (const char* tag : {"META", "WGHT", "LONGER", "ABC"}) {
    CAPTURE(tag);
    const auto e = error_from([&] { aerec::serialize_model(m, {{tag, "x"}}); });
    REQUIRE(e);
    CHECK(code_name(*e) == "internal");
  }
}
