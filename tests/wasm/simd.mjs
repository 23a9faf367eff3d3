// The built .wasm really uses WebAssembly SIMD: counts its v128 instructions
// (disassembled by binaryen's wasm-dis, which Emscripten ships with) and
// requires the kernels' float vector arithmetic among them.
//
//   node simd.mjs --module DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fail, parseArgs, skip } from './module.mjs';

const args = parseArgs(process.argv.slice(2));
const wasm = path.join(args.module, 'aerec.wasm');
if (!fs.existsSync(wasm)) skip(`no ${wasm} (build it: cmake --preset wasm && cmake --build --preset wasm)`);
let text;
try {
  text = execFileSync('wasm-dis', [wasm], { maxBuffer: 1 << 30, encoding: 'utf8' });
} catch (e) {
  skip(`cannot run wasm-dis (binaryen): ${e.message}`);
}
const counts = {};
for (const m of text.matchAll(/\b(?:v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.[a-z0-9_]+/g))
  counts[m[0]] = (counts[m[0]] || 0) + 1;
const total = Object.values(counts).reduce((a, b) => a + b, 0);
const top = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 8);
console.log(`${wasm}: ${total} SIMD instructions; most used: ${top.map(([op, n]) => `${op} ${n}`).join(', ')}`);
for (const op of ['f32x4.mul', 'f32x4.add', 'v128.load', 'v128.store'])
  if (!counts[op]) fail(`no ${op} in ${wasm}: the kernels are not vectorised (-msimd128 missing?)`);
if (total < 200) fail(`only ${total} SIMD instructions in ${wasm}`);
console.log('PASS');
