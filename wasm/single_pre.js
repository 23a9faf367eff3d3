// The single-threaded build's choice of build, linked with --pre-js first: it
// runs inside createAerec, before the runtime starts. The threaded build
// (aerec-threads.js, beside this file) is loaded instead when `threads` asks for
// other than 1, or, without `threads`, where SharedArrayBuffer is usable (a
// cross-origin isolated page) and the caller handed over no bytes of this
// build. Then this build's runtime stays unloaded (instantiateWasm never calls
// back) and createAerec resolves to the threaded one's instance, made from the
// caller's options; threads_pre.js checks them.
var aerecThreads = 1;
(function () {
  var asked = Module['threads'];
  var isolated = typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
  if (asked === undefined ? !isolated || Module['wasmBinary'] || Module['instantiateWasm'] : asked === 1) return;
  var options = Object.assign({}, Module);
  delete options['ready'];
  Module['ready'] = import('./aerec-threads.js').then(function (threaded) { return threaded['default'](options); });
  Module['instantiateWasm'] = function () { return {}; };
})();
