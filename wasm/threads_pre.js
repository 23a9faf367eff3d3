// The threaded build's thread count, linked with --pre-js first: it runs inside
// createAerec before the runtime starts (in each Web Worker too, where it does
// nothing). `threads` is a whole number from 1 to 64, by default the
// smaller of 2 and the cores: one user's batch gains little from more, and each
// Worker holds its own copy of the runtime. Emscripten's pool holds threads - 1
// Workers (-sPTHREAD_POOL_SIZE=aerecWorkers), the caller's thread being the
// first, and at least one: 3.1.6 never starts with an empty pool. Without
// SharedArrayBuffer (a page that is not cross-origin isolated) createAerec
// rejects, saying so.
var aerecThreads = 1;
var aerecWorkers = 1;
(function () {
  if (Module['ENVIRONMENT_IS_PTHREAD']) return;
  var asked = Module['threads'];
  var problem = null;
  if (typeof SharedArrayBuffer !== 'function' || globalThis.crossOriginIsolated === false)
    problem = 'threads need SharedArrayBuffer: serve the page cross-origin isolated ' +
      '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp), or ask for threads: 1';
  else if (asked !== undefined && !(Number.isInteger(asked) && asked >= 1 && asked <= 64))
    problem = 'threads must be a whole number from 1 to 64, not ' + asked;
  if (problem !== null) {
    aerecWorkers = 0;
    // Rejected once this script has run: AerecError is api.js's.
    Module['ready'] = Promise.resolve().then(function () { throw new AerecError('invalid_argument', problem); });
    Module['instantiateWasm'] = function () { return {}; };
    return;
  }
  var node = typeof process === 'object' && typeof process.getBuiltinModule === 'function';
  var cores = typeof navigator === 'object' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency
    : node ? process.getBuiltinModule('os').availableParallelism() : 1;
  aerecThreads = asked !== undefined ? asked : Math.min(2, cores);
  aerecWorkers = Math.max(1, aerecThreads - 1);
})();
// A thread whose Worker cannot start (its script missing or refused, say)
// rejects createAerec, naming the script, where Emscripten 3.1.6's runtime
// would wait for it for ever (a browser) or throw where nothing catches it
// (Node, whose process then dies). This `Worker`, in createAerec's scope,
// is what the runtime starts its threads with. After a Worker has loaded, its
// errors go to the runtime's own handler, as before.
var Worker = function (url, options) {
  var worker = new globalThis.Worker(url, options);
  var handler = null;
  var failed = function (e) {
    if (worker.loaded) return handler && handler(e);
    readyPromiseReject(new AerecError('io_error', 'a thread could not start from ' + url + ': ' +
      ((e && e.message) || 'its script did not load')));
  };
  // The runtime sets onerror (and in Node forwards the 'error' event to it).
  Object.defineProperty(worker, 'onerror', {
    configurable: true,
    get: function () { return failed; },
    set: function (h) { handler = h; },
  });
  if (typeof worker.on !== 'function') worker.addEventListener('error', failed);
  return worker;
};
