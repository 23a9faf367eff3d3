#pragma once
// The CUDA backend (built with -DAEREC_CUDA=ON, preset native-cuda). Without
// it these functions still exist and say that CUDA was not built in, so that
// callers need no #ifdefs.
#include <memory>
#include <string>

#include "aerec/backend/backend.h"

namespace aerec {

// Whether this build has the CUDA backend.
bool cuda_built();

// How many CUDA devices this process can use; 0 when there is none or CUDA
// is not built in, and then *why (unless null) says which.
int cuda_device_count(std::string* why = nullptr);

// The CUDA backend on device `device` modulo the devices present (a
// data-parallel run gives each process of a machine its own). Throws
// error_code::device_error, saying why, when there is no usable device.
std::unique_ptr<backend> make_cuda_backend(int device = 0);

}  // namespace aerec
