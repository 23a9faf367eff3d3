#include "aerec/backend/device.h"

#include <vector>

#include "aerec/backend/cpu_backend.h"
#include "aerec/backend/cuda_backend.h"
#include "core/names.h"

namespace aerec {

const char* device_choice_name(device_choice d) {
  switch (d) {
    case device_choice::cpu:
      return "cpu";
    case device_choice::cuda:
      return "cuda";
    case device_choice::automatic:
      return "auto";
  }
  return "cpu";
}

device_choice parse_device_choice(const std::string& name) {
  static const std::vector<device_choice> all = {device_choice::cpu, device_choice::cuda,
                                                 device_choice::automatic};
  return find_by_name("device", name, all, device_choice_name);
}

std::unique_ptr<backend> make_backend(device_choice d, int threads, int gpu_index) {
  const bool gpu = d == device_choice::cuda || (d == device_choice::automatic && cuda_device_count() > 0);
  return gpu ? make_cuda_backend(gpu_index) : make_cpu_backend(threads);
}

}  // namespace aerec
