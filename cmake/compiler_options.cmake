# Compiler options for aerec's own targets (dependencies are included as system headers).
function(aerec_warnings target)
  target_compile_options(${target} PRIVATE
    "$<$<COMPILE_LANGUAGE:CXX>:-Wall;-Wextra;-Wpedantic;-Wshadow;-Wconversion;-Wno-sign-conversion>"
    "$<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>")
  # GCC notes that a 32- or 64-byte vector passes differently with and without AVX: aerec's
  # vectors pass only between its own functions, all built with the same flags (-march=native
  # or not), so the builds without it (asan, the generic release) would only repeat the note.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:-Wno-psabi>")
  endif()
endfunction()

# Floating point exactly as written: no compiler-fused multiply-adds. Element-wise
# math then rounds as PyTorch's kernels and the wasm build do (wasm has no FMA);
# kernels that want FMA use it explicitly (as Eigen's GEMM does).
# -fno-math-errno changes no result: it only drops errno for sqrt of a negative,
# whose check otherwise keeps element-wise loops (optimizer steps) from vectorising.
function(aerec_strict_float target)
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:-ffp-contract=off;-fno-math-errno>")
endfunction()
