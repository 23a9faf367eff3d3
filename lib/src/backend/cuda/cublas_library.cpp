#include "backend/cuda/cublas_library.h"

#include <dlfcn.h>

#include <string>

#include "aerec/core/error.h"

// cublas_v2.h's names are macros for the exported symbols (cublasSgemm is cublasSgemm_v2).
#define AEREC_SYMBOL_NAME(f) AEREC_SYMBOL_NAME_OF(f)
#define AEREC_SYMBOL_NAME_OF(f) #f

namespace aerec::cuda {

namespace {

// The soname first (LD_LIBRARY_PATH, the system's paths), then the toolkit the build used.
void* open_cublas() {
  if (void* h = dlopen(AEREC_CUBLAS_SONAME, RTLD_NOW | RTLD_LOCAL)) return h;
  const std::string first = dlerror();
  if (void* h = dlopen(AEREC_CUBLAS_DIR "/" AEREC_CUBLAS_SONAME, RTLD_NOW | RTLD_LOCAL)) return h;
  throw error(error_code::device_error,
              "cannot load cuBLAS (" AEREC_CUBLAS_SONAME ", which the CUDA backend needs): " + first +
                  "; nor from " AEREC_CUBLAS_DIR ": " + dlerror());
}

template <class F>
void resolve(void* library, const char* name, F& f) {
  f = reinterpret_cast<F>(dlsym(library, name));
  if (!f)
    throw error(error_code::device_error,
                std::string("cuBLAS (" AEREC_CUBLAS_SONAME ") has no ") + name + ": a different version?");
}

cublas_functions load() {
  void* library = open_cublas();  // kept open for the process's life
  cublas_functions f{};
  resolve(library, AEREC_SYMBOL_NAME(cublasCreate), f.create);
  resolve(library, AEREC_SYMBOL_NAME(cublasDestroy), f.destroy);
  resolve(library, AEREC_SYMBOL_NAME(cublasScopy), f.copy);
  resolve(library, AEREC_SYMBOL_NAME(cublasSscal), f.scal);
  resolve(library, AEREC_SYMBOL_NAME(cublasSaxpy), f.axpy);
  resolve(library, AEREC_SYMBOL_NAME(cublasSdot), f.dot);
  resolve(library, AEREC_SYMBOL_NAME(cublasSgemm), f.gemm);
  resolve(library, AEREC_SYMBOL_NAME(cublasGetStatusName), f.status_name);
  resolve(library, AEREC_SYMBOL_NAME(cublasGetStatusString), f.status_string);
  return f;
}

}  // namespace

const cublas_functions& cublas() {
  static const cublas_functions functions = load();  // a throw leaves it for the next call to retry
  return functions;
}

}  // namespace aerec::cuda
