#pragma once
// The CPU backend's threads where the build has no OpenMP (internal): the
// threaded wasm module (Emscripten pthreads, each a Web Worker) and native
// builds configured without OpenMP. A few threads that live as long as the
// program run the parts of one parallel_for at a time: starting a thread in a
// browser costs milliseconds, a part of a batch's product a fraction of one.

namespace aerec::cpu {

// part(context, p) for every p in [0, parts), each part run by whichever of
// the calling thread and the pool's threads (parts - 1 of them, started on
// first need, then kept) claims it first. Returns once every part has;
// rethrows the exception of the first part that threw. A call made from
// inside a part, or while another thread's call runs, runs its parts in order
// on the calling thread instead.
void run_parts(int parts, void (*part)(const void* context, int p), const void* context);

template <class F>
void run_parts(int parts, const F& f) {
  run_parts(
      parts, [](const void* context, int p) { (*static_cast<const F*>(context))(p); }, &f);
}

}  // namespace aerec::cpu
