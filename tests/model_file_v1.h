#pragma once
// A writer of version-1 model files, as aerec wrote them before version 2
// (lib/include/aerec/io/model_file.h documents both layouts), so that tests
// can check that such files, the committed demo model among them, still load.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "aerec/nn/layers/local_kernel.h"
#include "aerec/nn/model.h"

namespace aerec::testing {

inline std::uint32_t crc32_of(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) {
    c ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

class v1_bytes {
 public:
  template <class T>
  void put(T value) {
    char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    bytes.append(raw, sizeof(T));
  }
  void section(const char* tag, const std::string& payload) {
    bytes.append(tag, 4);
    put(static_cast<std::uint64_t>(payload.size()));
    bytes += payload;
  }
  std::string bytes;
};

// `m` as version 1 wrote it: SHAP (kind 1 dense, 2 local kernel with its
// point dimension; a global kernel after the layers), ITEM, SCAL, WGHT, META.
inline std::string serialize_v1(model& m) {
  autoencoder& net = m.network();
  v1_bytes shap, item, scal, wght;
  shap.put(static_cast<std::uint32_t>(net.items()));
  shap.put(static_cast<std::uint32_t>(net.specs().size()));
  for (const layer_spec& s : net.specs()) {
    const bool local_kernel = s.kind == local_kernel_kind_name;
    for (const int v : {local_kernel ? 2 : 1, s.inputs(), s.outputs(), static_cast<int>(s.act)})
      shap.put(static_cast<std::uint32_t>(v));
    if (local_kernel) shap.put(static_cast<std::uint32_t>(s.attribute("kernel_dim")));
  }
  if (const global_kernel* g = net.global()) {
    shap.put(static_cast<std::uint32_t>(g->shape().rows));
    shap.put(static_cast<std::uint32_t>(g->shape().size));
    shap.put(g->shape().dot_scale);
  }
  for (const std::int32_t id : m.items().ids()) item.put(id);
  scal.put(m.scale().min);
  scal.put(m.scale().max);
  for (const parameter& p : net.parameters()) {
    std::vector<float> host(p.size);
    net.device().to_host(host.data(), p.value, p.size * sizeof(float));
    if (p.transposed) host = transposed(host, p.cols, p.rows);
    for (const float v : host) wght.put(v);
  }
  v1_bytes file;
  file.bytes = "AERECMDL";
  file.put(std::uint32_t{1});
  file.put(std::uint32_t{5});
  file.section("SHAP", shap.bytes);
  file.section("ITEM", item.bytes);
  file.section("SCAL", scal.bytes);
  file.section("WGHT", wght.bytes);
  file.section("META", m.metadata());
  file.put(crc32_of(file.bytes));
  return file.bytes;
}

}  // namespace aerec::testing
