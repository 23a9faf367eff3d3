#include "aerec/data/image_noise.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "aerec/core/error.h"

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

// Normals two at a time, Box-Muller's cosine and sine of one angle (rng::normal
// keeps the cosine alone, for the few its other callers draw): a step's
// noise draws one a pixel, and the logs and cosines were 5% of a
// denoising autoencoder's training. An odd last pixel takes rng::normal.
void add_gaussian(std::span<float> pixels, float level, rng& random) {
  std::size_t i = 0;
  for (; i + 1 < pixels.size(); i += 2) {
    const double radius = std::sqrt(-2.0 * std::log(1.0 - static_cast<double>(random.uniform())));
    const double angle = 6.283185307179586 * static_cast<double>(random.uniform());
    pixels[i] = clipped(pixels[i] + level * static_cast<float>(radius * std::cos(angle)));
    pixels[i + 1] = clipped(pixels[i + 1] + level * static_cast<float>(radius * std::sin(angle)));
  }
  if (i < pixels.size()) pixels[i] = clipped(pixels[i] + level * random.normal());
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
