// The single-threaded build's choice of build, linked with --pre-js first: it
// runs inside createAerec, before the runtime starts. The threaded build
// (aerec-threads.js, beside this file) is loaded instead when `threads` asks for
// other than 1, or, without `threads`, where SharedArrayBuffer is usable (a
// cross-origin isolated page) and the caller handed over no bytes of this
// build. Then this build's runtime waits (instantiateWasm holds its call back)
// and createAerec resolves to the threaded one's instance, made from the
// caller's options (threads_pre.js checks them); or, where the threaded build
// was not asked for and cannot start, to this build's, on one thread.
var aerecThreads = 1;
(function () {
  var asked = Module['threads'];
  var isolated = typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
  if (asked === undefined ? !isolated || Module['wasmBinary'] || Module['instantiateWasm'] : asked === 1) return;
  var options = Object.assign({}, Module);
  delete options['ready'];
  // This build's own start, held back: where it chose threads by itself and the threaded build
  // cannot start (a script of it missing, say), the page still gets one thread from this build.
  var ownReady = Module['ready'];
  var held = null;
  Module['instantiateWasm'] = function (imports, receive) {
    held = { imports: imports, receive: receive };
    return {};
  };
  Module['ready'] = import('./aerec-threads.js')
    .then(function (threaded) { return threaded['default'](options); })
    .catch(function (error) {
      if (asked !== undefined) throw error;  // asked for threads: the caller hears why not
      return ownBytes()
        .then(function (bytes) { return WebAssembly.instantiate(bytes, held.imports); })
        .then(function (result) { held.receive(result.instance, result.module); return ownReady; });
    });
})();

// This build's wasm, as the runtime would have read it (Emscripten 3.1.6's wasmBinaryFile): from
// the file in Node, whose fetch takes no file URL, else fetched.
function ownBytes() {
  if (typeof aerecNode === 'function') return Promise.resolve(aerecNode('fs').readFileSync(new URL(wasmBinaryFile)));
  return fetch(wasmBinaryFile, { credentials: 'same-origin' }).then(function (response) {
    if (!response.ok) throw new AerecError('io_error', 'could not load ' + wasmBinaryFile + ': HTTP ' + response.status);
    return response.arrayBuffer();
  });
}
