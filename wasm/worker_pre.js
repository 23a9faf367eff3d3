// Prepended to aerec-threads.worker.js, the script each Web Worker of the
// threaded build starts with. Emscripten 3.1.6 writes it as CommonJS, but Node
// loads it as an ES module beside a package.json with "type": "module" (aerec's
// has), where require and __filename are missing (later Emscripten fixes this:
// emscripten-core/emscripten#21041). Here they come from process.getBuiltinModule,
// as node_pre.js gives them to the module; in a browser, or as CommonJS, nothing changes.
var require = typeof require === 'function' ? require
  : typeof process === 'object' && typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule : undefined;
var __filename = typeof __filename === 'string' ? __filename : '';
