#pragma once
// Noise for denoising image autoencoders: the network sees noisy pixels and
// learns to give back the clean ones. In the core library: the demo page adds
// noise too.
#include <span>
#include <string>

#include "aerec/core/rng.h"

namespace aerec {

enum class image_noise_kind { none, gaussian, salt_pepper, masking };

struct image_noise {
  image_noise_kind kind = image_noise_kind::none;
  float level = 0;
};

// Noise on pixels in [0, 1], in place:
// - gaussian: x + level * N(0, 1) (Keras's blog's "noise_factor"), clipped to [0, 1];
// - salt_pepper: each pixel with probability `level` set to 0 or 1 (half each);
// - masking: each pixel with probability `level` set to 0.
// Level 0 (or kind none) changes nothing and draws nothing. Throws
// error_code::invalid_argument for a negative or non-finite level, or one
// above 1 for salt-pepper and masking (a probability).
void add_noise(std::span<float> pixels, const image_noise& noise, rng& random);

// "none", "gaussian", "salt-pepper", "masking".
const char* image_noise_name(image_noise_kind k);
// Throws error_code::invalid_argument listing the names.
image_noise_kind parse_image_noise(const std::string& name);

}  // namespace aerec
