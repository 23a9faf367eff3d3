#pragma once
// The CUDA backend's constructor, for cuda_device.cpp (internal).
#include <memory>

#include "aerec/backend/backend.h"

namespace aerec::cuda {

std::unique_ptr<backend> make_backend_on(int device);

}  // namespace aerec::cuda
