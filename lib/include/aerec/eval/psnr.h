#pragma once
// Peak signal-to-noise ratio of images with pixels in [0, 1].
#include <span>

namespace aerec {

// 10 log10(1 / mse), in dB; an exact image (mse 0) counts as 100 dB.
double psnr_of(double mse);
// The mean over images of each image's PSNR against `clean` (whole images of `pixels` each).
double mean_psnr(std::span<const float> images, std::span<const float> clean, int pixels);

}  // namespace aerec
