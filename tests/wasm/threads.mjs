// The threaded build (aerec-threads.js) answers what the single-threaded build (aerec.js) does,
// to the bit, on 2 and 3 threads: the demo's rating and ranking models for batches of 1, 20 and 64
// users (165 ratings each, as bench/inference's), the pair's scores, stars and reasons, the taste
// map's place, the "Up next" model's next movies and the image model's reconstructions.
// aerec.js loads the threaded build when asked for threads (in Node, which is no cross-origin
// isolated page, not by itself); a bad thread count rejects with AerecError, and so does a missing
// Worker script (io_error) unless createAerec chose threads by itself (in an isolated page), where it
// falls back to one thread; and Node exits with
// the threads' Workers still alive (the test ending at all shows it).
//
//   node threads.mjs --module DIR --demo DIR   (DIR: the package folder; web/demo)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fail, parseArgs, skip } from './module.mjs';
import { ratedUsers } from './random.mjs';

const args = parseArgs(process.argv.slice(2));
if (!args.module || !args.demo) fail('usage: node threads.mjs --module DIR --demo DIR');
for (const file of ['aerec.js', 'aerec-threads.js', 'aerec-threads.wasm', 'aerec-threads.worker.js'])
  if (!fs.existsSync(path.join(args.module, file)))
    skip(`no ${file} in ${args.module} (build it: cmake --preset wasm && cmake --build --preset wasm)`);

const demo = (file) => fs.readFileSync(path.join(args.demo, file));
const BATCHES = [1, 20, 64];

function check(condition, message) {
  if (!condition) fail(message);
}

const factory = async (file) => (await import(pathToFileURL(path.join(args.module, file)).href)).default;
const createAerec = await factory('aerec.js');
const createThreaded = await factory('aerec-threads.js');

/** Everything the instance answers for the demo's files, as JSON (floats as their bits). */
function answers(aerec) {
  const out = {};
  for (const file of ['model.aerec', 'ranking.aerec']) {
    const model = aerec.loadModel(demo(file));
    const rows = ratedUsers(BATCHES.at(-1), model.numItems, 7);
    for (const batch of BATCHES)
      out[`${file}, batch ${batch}`] = model.predictBatch(rows.subarray(0, batch * model.numItems), batch);
    model.delete();
  }
  const pair = aerec.loadRecommender({ ranking: demo('ranking.aerec'), rating: demo('model.aerec') });
  const ratings = pair.ratingsArray({ 260: 5, 1196: 5, 2571: 4, 1210: 4, 858: 2, 1: 3, 593: 5, 2858: 4 });
  const { scores, stars } = pair.predictions(ratings);
  Object.assign(out, { 'pair scores': scores, 'pair stars': stars });
  const top = pair.recommend(ratings, 20);
  out['pair reasons'] = pair.explain(ratings, top.map((r) => r.itemId), 2);
  const map = aerec.loadTasteMap(demo('taste-map.json').toString());
  out['taste map place'] = map.place(pair, ratings);
  map.delete();
  pair.delete();
  const sequence = aerec.loadSequenceModel(demo('up-next.aerec'));
  out['next movies'] = sequence.nextItems([260, 1196, 2571, 1210, 858, 1, 593].map((itemId) => ({ itemId, rating: 4 })), 10);
  sequence.delete();
  const images = aerec.loadImageModel(demo('images.aerec'));
  const pixels = Float32Array.from(demo('fashion-mnist/samples.bin').subarray(0, 16 * images.pixels), (v) => v / 255);
  out['16 images reconstructed'] = images.reconstruct(pixels);
  images.delete();
  return JSON.stringify(out, (_, value) => (value instanceof Float32Array ? Array.from(new Uint32Array(value.buffer)) : value));
}

/** Whether createAerec(options) rejects with an AerecError of `code`. */
async function rejects(create, options, code) {
  const shown = JSON.stringify(options);  // before createAerec adds the runtime to it
  try {
    await create(options);
  } catch (error) {
    check(error.name === 'AerecError' && error.code === code, `${shown}: ${error.name} ${error.code}: ${error.message}`);
    console.log(`  ${shown}: ${error.code}: ${error.message}`);
    return;
  }
  fail(`createAerec(${shown}) did not reject`);
}

const single = await createAerec();
check(single.threads === 1, `in Node, createAerec() computes on ${single.threads} threads, not 1 (Node is no isolated page)`);
const expected = answers(single);

const instances = [
  ['aerec.js, threads: 2', await createAerec({ threads: 2 }), 2],
  ['aerec-threads.js, threads: 3', await createThreaded({ threads: 3 }), 3],
  ['aerec-threads.js, threads: 1', await createThreaded({ threads: 1 }), 1],
];
for (const [label, aerec, threads] of instances) {
  check(aerec.threads === threads, `${label}: the instance says ${aerec.threads} threads`);
  const got = answers(aerec);
  if (got !== expected) {
    const a = JSON.parse(expected), b = JSON.parse(got);
    fail(`${label}: differs from the single-threaded build in ${Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).join(', ')}`);
  }
  console.log(`${label}: the same bits as aerec.js in ${Object.keys(JSON.parse(got)).length} answers`);
}
const defaulted = await createThreaded();
check(defaulted.threads >= 1 && defaulted.threads <= 2, `aerec-threads.js by default computes on ${defaulted.threads} threads`);

console.log('bad thread counts:');
for (const threads of [0, 1.5, 65, '2']) await rejects(createAerec, { threads }, 'invalid_argument');

// Without its Worker's script, the threaded build rejects (io_error, naming the script) rather
// than wait for ever or end Node's process; a copy of the package without that file.
console.log('no worker script:');
const bare = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || '/tmp'), 'aerec-no-worker-'));
try {
  for (const file of fs.readdirSync(args.module))
    if (file !== 'aerec-threads.worker.js' && fs.statSync(path.join(args.module, file)).isFile())
      fs.copyFileSync(path.join(args.module, file), path.join(bare, file));
  const withoutWorker = (await import(pathToFileURL(path.join(bare, 'aerec.js')).href)).default;
  let timer;
  const waited = new Promise((resolve) => { timer = setTimeout(resolve, 30000, 'still waiting after 30 s'); });
  const outcome = await Promise.race([withoutWorker({ threads: 2 }).then(() => 'resolved', (e) => e), waited]);
  clearTimeout(timer);
  check(outcome instanceof Error, `createAerec({ threads: 2 }) without aerec-threads.worker.js: ${outcome}`);
  check(outcome.name === 'AerecError' && outcome.code === 'io_error' && outcome.message.includes('aerec-threads.worker.js'),
    `without aerec-threads.worker.js: ${outcome.name} ${outcome.code}: ${outcome.message}`);
  console.log(`  ${outcome.code}: ${outcome.message}`);
  // Where the page is cross-origin isolated and createAerec chose threads by itself, it falls back
  // to the single-threaded build instead, which answers the same.
  globalThis.crossOriginIsolated = true;
  try {
    const isolated = await createAerec();
    check(isolated.threads >= 1 && isolated.threads <= 2, `isolated, with the worker script: ${isolated.threads} threads`);
    const fallen = await withoutWorker();
    check(fallen.threads === 1, `isolated, without the worker script: ${fallen.threads} threads, not 1`);
    check(answers(fallen) === expected, 'isolated, without the worker script: differs from aerec.js');
    console.log(`  isolated, createAerec() takes ${isolated.threads} threads with the worker script, and 1 without it, `
                + 'answering as aerec.js');
  } finally {
    delete globalThis.crossOriginIsolated;
  }
} finally {
  fs.rmSync(bare, { recursive: true, force: true });
}
console.log('PASS: the threaded build answers as the single-threaded one on 1, 2 and 3 threads');
