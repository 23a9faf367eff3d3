// Inference on threads: aerec's wasm module in Node predicting for a batch of users (64 by default,
// 165 ratings each, as bench/inference's users), single-threaded (aerec.js) and threaded
// (aerec-threads.js) on 1 and 2 threads, for each model given; medians of interleaved calls over
// rounds. The threaded build's predictions must equal the single-threaded build's, bit for bit.
// Node shares memory between threads without a page's cross-origin isolation.
//
//   node bench/inference-threads.mjs --model NAME=FILE ... [--module DIR] [--batch N]
//                                    [--seconds S] [--rounds R] [--json FILE]
//
// --module: the package folder (default build/wasm/wasm); models: dense ones, such as the seed's
// and DeepRecommender's shapes that bench/inference.sh trains. Each round gives each model about
// S seconds (default 2) of calls, A B C A B C ..., the first runtime rotating.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { readModel } from './inference/model_file.mjs';
import { ratedUsers } from '../tests/wasm/random.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The builds under test, each a { name, create } of the package in `dir`. */
async function builds(dir) {
  const factory = async (file) => (await import(pathToFileURL(path.join(dir, file)).href)).default;
  const single = await factory('aerec.js');
  const threaded = await factory('aerec-threads.js');
  return [
    { name: 'single-threaded build', create: () => single({ threads: 1 }) },
    { name: 'threaded build, 1 thread', create: () => threaded({ threads: 1 }) },
    { name: 'threaded build, 2 threads', create: () => threaded({ threads: 2 }) },
  ];
}

/** µs per call of each runner, interleaved: `repeats` calls each per round. */
function timeRound(runners, repeats, samples, round) {
  for (let i = 0; i < repeats; ++i)
    for (let k = 0; k < runners.length; ++k) {
      const r = runners[(i + k + round) % runners.length];
      const start = process.hrtime.bigint();
      r.run();
      samples[r.name].push(Number(process.hrtime.bigint() - start) / 1e3);
    }
}

async function benchModel(name, file, instances, options) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const { layers } = readModel(bytes);
  const batch = Number(options.batch);
  const runners = instances.map(({ name: build, aerec }) => {
    const model = aerec.loadModel(bytes);
    const users = ratedUsers(batch, model.numItems, 1);
    return { name: build, model, run: () => model.predictBatch(users, batch) };
  });
  const reference = new Uint8Array(runners[0].run().buffer);
  for (const r of runners.slice(1))
    if (Buffer.compare(reference, new Uint8Array(r.run().buffer)) !== 0) throw new Error(`${name}: ${r.name} predicts other bits`);

  const warmups = 5;
  const start = process.hrtime.bigint();
  for (let i = 0; i < warmups; ++i) for (const r of runners) r.run();
  const perRepeatS = Number(process.hrtime.bigint() - start) / 1e9 / warmups;
  const repeats = Math.max(5, Math.round(Number(options.seconds) / perRepeatS));
  const samples = Object.fromEntries(runners.map((r) => [r.name, []]));
  for (let round = 0; round < Number(options.rounds); ++round) timeRound(runners, repeats, samples, round);
  for (const r of runners) r.model.delete();
  return {
    model: name, shape: [layers[0].inputs, ...layers.map((l) => `${l.outputs} ${l.activation}`)].join(' -> '),
    batch, repeats, rounds: Number(options.rounds),
    median_us: Object.fromEntries(Object.entries(samples).map(([build, us]) => [build, median(us)])),
  };
}

function printTable(results, names) {
  const line = (cells) => console.log(`| ${cells.join(' | ')} |`);
  line(['model', 'batch', ...names.map((n) => `${n} µs`), '2 threads / 1 (threaded build)', 'single-threaded build / 2 threads']);
  line(Array(names.length + 4).fill('---'));
  for (const r of results) {
    const us = names.map((n) => r.median_us[n]);
    line([r.model, r.batch, ...us.map((t) => t.toFixed(0)), (us[1] / us[2]).toFixed(2), (us[0] / us[2]).toFixed(2)]);
  }
  for (const r of results) console.log(`${r.model}: ${r.shape}; ${r.rounds} rounds of ${r.repeats} calls each`);
}

const { values: options } = parseArgs({
  options: {
    model: { type: 'string', multiple: true }, module: { type: 'string', default: path.join(ROOT, 'build/wasm/wasm') },
    batch: { type: 'string', default: '64' }, seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' }, json: { type: 'string' },
  },
});
if (!options.model) {
  console.error('usage: node bench/inference-threads.mjs --model NAME=FILE ... [--module DIR] [--batch N] [--seconds S] [--rounds R] [--json FILE]');
  process.exit(2);
}
const instances = [];
for (const build of await builds(options.module)) instances.push({ name: build.name, aerec: await build.create() });
const results = [];
for (const spec of options.model) {
  const [name, file] = spec.split(/=(.*)/s);
  results.push(await benchModel(name, file, instances, options));
}
console.log(`Node ${process.version}, ${os.cpus()[0].model}, ${os.availableParallelism()} cores, load average ` +
  `${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
printTable(results, instances.map((i) => i.name));
if (options.json) fs.writeFileSync(options.json, JSON.stringify(results, null, 2) + '\n');
