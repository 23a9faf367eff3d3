// Node support, linked with --pre-js (it runs inside createAerec, before the
// runtime starts). Emscripten 3.1.6 writes ES modules that still use
// CommonJS's __dirname and require under Node, which ES modules lack, and it
// fetches aerec.wasm with fetch(), which cannot read file: URLs; so here
// __dirname and require are provided and the .wasm is read from disk (the
// script's name with .wasm: aerec.wasm, or aerec-threads.wasm), unless
// the caller passed wasmBinary or locateFile. Needs process.getBuiltinModule
// (Node >= 20.16); on older Node, pass { wasmBinary }. (_scriptDir is the
// ES module's import.meta.url, which Emscripten defines around the factory.)
var aerecNode = typeof process === 'object' && typeof process.getBuiltinModule === 'function'
  ? process.getBuiltinModule : null;
var __dirname = aerecNode
  ? aerecNode('path').dirname(aerecNode('url').fileURLToPath(_scriptDir)) : '';
var require = aerecNode || undefined;
if (aerecNode && !Module['wasmBinary'] && !Module['locateFile'] && !Module['instantiateWasm'])
  Module['wasmBinary'] = aerecNode('fs').readFileSync(new URL(_scriptDir.replace(/\.js$/, '.wasm')));
