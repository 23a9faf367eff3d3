#include "aerec/data/image_noise.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "aerec/core/error.h"
#include "backend/cpu/vector_math.h"

namespace aerec {

namespace {

constexpr std::array all_kinds = {image_noise_kind::none, image_noise_kind::gaussian,
                                  image_noise_kind::salt_pepper, image_noise_kind::masking};

std::string number(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(value));
  return text;
}

void check(const image_noise& noise) {
  const bool probability =
      noise.kind == image_noise_kind::salt_pepper || noise.kind == image_noise_kind::masking;
  if (!std::isfinite(noise.level) || noise.level < 0 || (probability && noise.level > 1))
    throw error(error_code::invalid_argument,
                std::string(image_noise_name(noise.kind)) + " noise of level " + number(noise.level) +
                    ": the level must be " +
                    (probability ? "between 0 and 1 (a probability)" : "finite and at least 0"));
}

float clipped(float x) { return std::clamp(x, 0.0f, 1.0f); }

// Normals sixteen at a time, by Box-Muller in float vectors: eight radii and
// angles, their cosines on the first eight pixels and sines on the next (a
// last, shorter block takes the first of its values). A denoising step draws
// one a pixel, and libm's logs and cosines, one at a time, were 5% of its
// training.
void add_gaussian(std::span<float> pixels, float level, rng& random) {
  for (std::size_t i = 0; i < pixels.size(); i += 16) {
    cpu::float8 u, v;
    for (int l = 0; l < 8; ++l) {
      u[l] = random.uniform();
      v[l] = random.uniform();
    }
    cpu::float8 radius = -2.0f * cpu::log8(1.0f - u), sine, cosine;  // 1 - u in (0, 1]
    for (int l = 0; l < 8; ++l) radius[l] = std::sqrt(radius[l]);
    cpu::sincos_turns8(v, sine, cosine);
    float z[16];
    cpu::store8(z, radius * cosine);
    cpu::store8(z + 8, radius * sine);
    const std::size_t n = std::min<std::size_t>(16, pixels.size() - i);
    for (std::size_t k = 0; k < n; ++k) pixels[i + k] = clipped(pixels[i + k] + level * z[k]);
  }
}

}  // namespace

void add_noise(std::span<float> pixels, const image_noise& noise, rng& random) {
  check(noise);
  if (noise.kind == image_noise_kind::none || noise.level == 0) return;
  const float level = noise.level;
  switch (noise.kind) {
    case image_noise_kind::gaussian:
      return add_gaussian(pixels, level, random);
    case image_noise_kind::salt_pepper:
      // One draw a pixel: below level/2 pepper, below level salt.
      for (float& x : pixels)
        if (const float u = random.uniform(); u < level) x = u < level / 2 ? 0.0f : 1.0f;
      return;
    case image_noise_kind::masking:
      for (float& x : pixels)
        if (random.uniform() < level) x = 0;
      return;
    case image_noise_kind::none:
      return;
  }
}

const char* image_noise_name(image_noise_kind k) {
  switch (k) {
    case image_noise_kind::none:
      return "none";
    case image_noise_kind::gaussian:
      return "gaussian";
    case image_noise_kind::salt_pepper:
      return "salt-pepper";
    case image_noise_kind::masking:
      return "masking";
  }
  AEREC_ASSERT(false && "unknown image_noise_kind");
  return "";
}

image_noise_kind parse_image_noise(const std::string& name) {
  std::string known;
  for (const image_noise_kind k : all_kinds) {
    if (name == image_noise_name(k)) return k;
    known += (known.empty() ? "" : ", ") + std::string(image_noise_name(k));
  }
  throw error(error_code::invalid_argument, "unknown image noise '" + name + "' (known: " + known + ")");
}

}  // namespace aerec
