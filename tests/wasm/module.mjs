// Shared by the wasm tests: arguments, skipping and loading the built module.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// ctest reads 77 as "skipped". scripts/test sets AEREC_REQUIRE_WASM=1 so that
// in CI a missing module or tool fails instead.
export function skip(reason) {
  if (process.env.AEREC_REQUIRE_WASM === '1') {
    console.error(`FAIL: ${reason} (AEREC_REQUIRE_WASM=1)`);
    process.exit(1);
  }
  console.log(`SKIP: ${reason}`);
  process.exit(77);
}

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

// --name value pairs; repeated names collect into arrays.
export function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    args[name] = name in args ? [].concat(args[name], argv[i + 1]) : argv[i + 1];
  }
  return args;
}

export async function loadModule(dir) {
  const script = path.join(dir, 'aerec.js');
  if (!fs.existsSync(script) || !fs.existsSync(path.join(dir, 'aerec.wasm')))
    skip(`no wasm module in ${dir} (build it: cmake --preset wasm && cmake --build --preset wasm)`);
  const { default: createAerec } = await import(pathToFileURL(script).href);
  // As the guide for Node says: hand over the bytes rather than a path.
  return createAerec({ wasmBinary: fs.readFileSync(path.join(dir, 'aerec.wasm')) });
}
