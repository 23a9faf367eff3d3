// Inference latency, one thread: aerec native (bench/predict.cpp), aerec's wasm
// module in Node, onnxruntime-web and tfjs (both on their wasm backends), side
// by side with the same weights and users, for batch 1 and batch 64.
//
//   node bench.mjs --model NAME=FILE ... --native PATH --module DIR
//                  [--seconds S] [--rounds R] [--json FILE]
//
// --native: aerec_bench_predict; --module: the built wasm module (build/wasm/wasm).
// Each (model, batch) gets about S seconds per round (default 2) of interleaved
// JS calls (A B C A B C ...) and one native run; medians over all rounds.
// Before timing, every runtime's predictions for the users (clipped to the
// rating scale, as aerec clips) are checked against aerec native's.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { readModel } from './model_file.mjs';
import { aerecWasm, ortWasm, tfjsWasm } from './runtimes.mjs';
import { generator } from '../../tests/wasm/random.mjs';

const batches = [1, 64];
const largest = batches.at(-1);  // how many users are made: batch 1 times the first
const ratedPerUser = 165;  // ~4.5% of ML-1M's 3,706 movies, its mean ratings per user
const parityLimit = 1e-4;

// count x items ratings, row-major: whole stars 1..5 at random distinct columns.
function makeUsers(count, items, seed) {
  const random = generator(seed);
  const rows = new Float32Array(count * items);
  for (let u = 0; u < count; ++u) {
    let rated = 0;
    while (rated < Math.min(ratedPerUser, items)) {
      const at = u * items + Math.floor(random() * items);
      if (rows[at] === 0) { rows[at] = 1 + Math.floor(random() * 5); ++rated; }
    }
  }
  return rows;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const clip = (values, { min, max }) => Float32Array.from(values, (v) => Math.min(max, Math.max(min, v)));

function maxAbsDifference(a, b) {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; ++i) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// One native process: medians of `repeats` calls per batch size, and its predictions.
function runNative(native, modelPath, usersPath, repeats, predictionsPath) {
  const args = [modelPath, usersPath, String(repeats)];
  if (predictionsPath) args.push(predictionsPath);
  return JSON.parse(execFileSync(native, args, { encoding: 'utf8' }));
}

// Every runtime against aerec native, batch 1 (the first user) and all users,
// after clipping to the scale.
async function parity(runtimes, users, reference, model) {
  const inside = reference.filter((v) => v > model.scale.min && v < model.scale.max).length;
  const result = { users: users.length / model.items, inside_scale: inside / reference.length };
  for (const r of runtimes) {
    const difference = Math.max(
      maxAbsDifference(clip(await r.run(users, 1), model.scale), reference.subarray(0, model.items)),
      maxAbsDifference(clip(await r.run(users, largest), model.scale), reference));
    result[r.name] = { max_abs_difference: difference, ok: difference <= parityLimit };
  }
  return result;
}

// Interleaved calls, rotating which runtime goes first, `repeats` times each.
async function timeJs(runtimes, users, batch, repeats) {
  const samples = Object.fromEntries(runtimes.map((r) => [r.name, []]));
  for (let i = 0; i < repeats; ++i)
    for (let k = 0; k < runtimes.length; ++k) {
      const r = runtimes[(i + k) % runtimes.length];
      const start = process.hrtime.bigint();
      await r.run(users, batch);
      samples[r.name].push(Number(process.hrtime.bigint() - start) / 1e3);
    }
  return samples;
}

// Repeats filling about `seconds`, from a warm-up that also settles each runtime.
async function repeatsFor(runtimes, users, batch, seconds) {
  const start = process.hrtime.bigint();
  const warmups = 5;
  for (let i = 0; i < warmups; ++i) for (const r of runtimes) await r.run(users, batch);
  const perRepeatS = Number(process.hrtime.bigint() - start) / 1e9 / warmups;
  return Math.max(15, Math.min(2000, Math.round(seconds / perRepeatS)));
}

// Dense multiply-adds per user, times 2: the work every runtime but aerec's sparse first layer does.
const flopsPerUser = (model) => model.layers.reduce((sum, l) => sum + 2 * l.inputs * l.outputs, 0);

// Rounds of one native run, then interleaved JS calls, per batch size: every sample.
async function timeRounds(runtimes, runNativeOnce, users, options) {
  const samples = Object.fromEntries(batches.map((b) => [b, { 'aerec-native': [] }]));
  const repeats = {};
  for (const batch of batches) repeats[batch] = await repeatsFor(runtimes, users, batch, Number(options.seconds));
  for (let round = 0; round < Number(options.rounds); ++round) {
    const native = runNativeOnce(repeats[largest]);
    for (const batch of batches) {
      samples[batch]['aerec-native'].push(native[`batch${batch}_us`]);
      const js = await timeJs(runtimes, users, batch, repeats[batch]);
      for (const [peer, us] of Object.entries(js)) (samples[batch][peer] ??= []).push(...us);
    }
  }
  return { samples, repeats };
}

function summarize(name, model, { samples, repeats }, rounds) {
  return batches.map((batch) => {
    const us = Object.fromEntries(Object.entries(samples[batch]).map(([peer, s]) => [peer, median(s)]));
    return {
      model: name, batch, repeats: repeats[batch], rounds, median_us: us,
      ratio_wasm_to_fastest_peer: us['aerec-wasm'] / Math.min(us['ort-wasm'], us['tfjs-wasm']),
      dense_gflops: Object.fromEntries(Object.entries(us).map(([peer, t]) => [peer, (flopsPerUser(model) * batch) / t / 1e3])),
    };
  });
}

async function benchModel(name, modelPath, options, work) {
  const bytes = new Uint8Array(fs.readFileSync(modelPath));
  const model = readModel(bytes);
  const users = makeUsers(largest, model.items, 1);
  const usersPath = path.join(work, `${name}.users.f32`);
  const predictionsPath = path.join(work, `${name}.native.f32`);
  fs.writeFileSync(usersPath, users);
  runNative(options.native, modelPath, usersPath, 1, predictionsPath);
  const reference = new Float32Array(new Uint8Array(fs.readFileSync(predictionsPath)).buffer);

  const runtimes = [await aerecWasm(options.module, bytes), await ortWasm(model), await tfjsWasm(model)];
  const check = await parity(runtimes, users, reference, model);
  const timed = await timeRounds(runtimes, (repeats) => runNative(options.native, modelPath, usersPath, repeats), users, options);
  return {
    shape: [model.items, ...model.layers.map((l) => `${l.outputs} ${l.activation}`)].join(' -> '),
    parity: check,
    rows: summarize(name, model, timed, Number(options.rounds)),
    versions: Object.fromEntries(runtimes.map((r) => [r.name, r.version])),
    tfjs_simd: runtimes[2].simd,
  };
}

function printTable(results) {
  const peers = ['aerec-native', 'aerec-wasm', 'ort-wasm', 'tfjs-wasm'];
  const line = (cells) => console.log(`| ${cells.join(' | ')} |`);
  line(['model', 'batch', ...peers.map((p) => `${p} µs`), 'aerec-wasm / min(ort, tfjs)']);
  line(Array(peers.length + 3).fill('---'));
  for (const r of results.flatMap((m) => m.rows))
    line([r.model, r.batch, ...peers.map((p) => r.median_us[p].toFixed(1)), r.ratio_wasm_to_fastest_peer.toFixed(3)]);
  console.log();
  // Achieved speed, counted as the dense work every runtime but aerec does (aerec's sparse first
  // layer does less), against one core's peak: 32 FLOPs a cycle for AVX2 FMA at the clock
  // /proc/cpuinfo reports; SIMD128 without FMA reaches at most half of it.
  const mhz = Number((fs.readFileSync('/proc/cpuinfo', 'utf8').match(/cpu MHz\s*:\s*([\d.]+)/) ?? [])[1]);
  const peak = (32 * mhz) / 1000;
  console.log(`dense-equivalent GFLOP/s (% of one core's ${peak.toFixed(1)} GFLOP/s AVX2 peak):`);
  for (const r of results.flatMap((m) => m.rows))
    console.log(`  ${r.model} batch ${r.batch}: ` + peers.map((p) => `${p} ${r.dense_gflops[p].toFixed(1)} `
      + `(${((100 * r.dense_gflops[p]) / peak).toFixed(0)}%)`).join(', '));
  console.log();
  for (const m of results) {
    const name = m.rows[0].model;
    console.log(`${name}: ${m.shape}`);
    const checks = Object.entries(m.parity).filter(([, v]) => typeof v === 'object')
      .map(([peer, v]) => `${peer} ${v.max_abs_difference.toExponential(2)} ${v.ok ? 'ok' : 'FAIL'}`);
    console.log(`  parity vs aerec-native (${m.parity.users} users, clipped, ${(100 * m.parity.inside_scale).toFixed(1)}% of `
                + `predictions strictly inside the scale; limit ${parityLimit}): ${checks.join(', ')}`);
  }
}

async function main() {
  const { values: options } = parseArgs({
    options: {
      model: { type: 'string', multiple: true }, native: { type: 'string' }, module: { type: 'string' },
      seconds: { type: 'string', default: '2' }, rounds: { type: 'string', default: '3' }, json: { type: 'string' },
    },
  });
  if (!options.model || !options.native || !options.module) {
    console.error('usage: node bench.mjs --model NAME=FILE ... --native PATH --module DIR [--seconds S] [--rounds R] [--json FILE]');
    process.exit(2);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aerec-infer-'));
  const results = [];
  try {
    for (const spec of options.model) {
      const [name, file] = spec.split(/=(.*)/s);
      results.push(await benchModel(name, file, options, work));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  printTable(results);
  const versions = { node: process.version, ...results[0].versions };
  console.log(`\nversions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}; `
              + `tfjs wasm SIMD: ${results[0].tfjs_simd}; one thread everywhere; ${os.cpus()[0].model}`);
  if (options.json)
    fs.writeFileSync(options.json, JSON.stringify({ versions, cpu: os.cpus()[0].model, results }, null, 2) + '\n');
  if (results.some((m) => Object.values(m.parity).some((v) => v.ok === false))) process.exit(1);
}

await main();
