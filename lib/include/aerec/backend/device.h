#pragma once
// Choosing the backend a command computes on: --device cpu|cuda|auto.
#include <memory>
#include <string>

#include "aerec/backend/backend.h"

namespace aerec {

enum class device_choice { cpu, cuda, automatic };

const char* device_choice_name(device_choice d);  // "cpu", "cuda", "auto"
device_choice parse_device_choice(const std::string& name);

// cpu: the CPU backend with `threads`; cuda: the CUDA backend (on GPU
// gpu_index, counted modulo the GPUs present), or error_code::device_error
// saying why there is none; auto: CUDA when a GPU is present, else the CPU.
std::unique_ptr<backend> make_backend(device_choice d, int threads, int gpu_index = 0);

}  // namespace aerec
