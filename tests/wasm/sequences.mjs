// A sequence model in the wasm module predicts the same next movies as the
// native CLI (aerec recommend --next --json) for the same file, and bad input
// throws AerecError while the module stays usable.
//
//   node sequences.mjs --module DIR --aerec PATH --work DIR
//
// Models: small seq2seq models the native CLI trains here on a rating file
// this test writes (users watching movies in runs, in ml-latest's layout and
// half stars), with teacher forcing (without and with the ratings as input) and
// without (the code repeated), and their f16 and q8
// exports. For each, several histories: the same movies (ids, in the same
// order), each score within `limit` of the float native printed (shortest
// decimal): not bit-equal, since native's AVX2 fuses multiply-adds that wasm
// SIMD rounds twice (a few units in the last place).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expectError, fail, loadModule, parseArgs } from './module.mjs';
import { generator } from './random.mjs';

const args = parseArgs(process.argv.slice(2));
const MOVIES = 30;
const limit = 1e-5;  // relative, or absolute below 1, as for the rating models (parity.mjs)
const movieId = (m) => 5 + 4 * m;  // ids that are not columns

// 70 users, each watching 10 to 15 movies one a day in a run m, m+1, ... from a start of
// their own, rated in half stars from 0.5 to 5 (ml-latest's ratings.csv).
function orderedData(work) {
  const random = generator(11);
  const lines = [];
  for (let user = 1; user <= 70; ++user) {
    const start = Math.floor(random() * MOVIES);
    const count = 10 + Math.floor(random() * 6);
    for (let k = 0; k < count; ++k) {
      const rating = (1 + Math.floor(random() * 10)) / 2;
      lines.push(`${user},${movieId((start + k) % MOVIES)},${rating},${880000000 + (user + k) * 86400}`);
    }
  }
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(path.join(work, 'ratings.csv'), ['userId,movieId,rating,timestamp', ...lines].join('\n') + '\n');
  return work;
}

function run(aerec, argv) {
  return execFileSync(aerec, argv, { stdio: 'pipe', encoding: 'utf8' });
}

function trainModels(aerec, data, work) {
  const common = ['train', '--data', data, '--preset', 'seq2seq', '--seq-length', '6', '--seq-steps', '2',
    '--embedding', '8', '--lstm-hidden', '12', '--epochs', '3', '--batch', '16', '--threads', '1'];
  const files = [];
  const variants = [['sequence', ['--teacher-forcing']], ['sequence-rated', ['--with-rating', '--teacher-forcing']],
    ['sequence-repeated', ['--no-teacher-forcing', '--dropout', '0']]];
  for (const [name, flags] of variants) {
    const file = path.join(work, `${name}.aerec`);
    run(aerec, [...common, ...flags, '--out', file]);
    files.push(file);
    for (const weights of ['f16', 'q8']) {
      const compact = path.join(work, `${name}-${weights}.aerec`);
      run(aerec, ['export', file, '--out', compact, '--weights', weights]);
      files.push(compact);
    }
  }
  return files;
}

// Histories in the order rated: one movie, a run, a run reversed, one longer than the
// model reads, and random movies; ratings on the page's whole stars and ml-latest's halves.
function histories() {
  const random = generator(5);
  const entry = (m, rating) => ({ itemId: movieId(m % MOVIES), rating });
  const run = [3, 4, 5, 6].map((m, i) => entry(m, 1 + i));
  const picked = new Set();
  while (picked.size < 8) picked.add(Math.floor(random() * MOVIES));
  const scattered = [...picked].map((m) => entry(m, (1 + Math.floor(random() * 10)) / 2));
  return [[entry(12, 5)], run, [...run].reverse(), [...Array(9).keys()].map((k) => entry(20 + k, 4.5)), scattered];
}

function nativeNext(aerec, file, history, k) {
  const ratings = history.map((h) => `${h.itemId}:${h.rating}`).join(',');
  return JSON.parse(run(aerec, ['recommend', file, '--next', '--ratings', ratings, '-k', String(k), '--json']));
}

function compare(aerecModule, aerec, file) {
  const model = aerecModule.loadSequenceModel(fs.readFileSync(file));
  const name = path.basename(file);
  if (model.numItems !== MOVIES) fail(`${name}: ${model.numItems} movies, expected ${MOVIES}`);
  let compared = 0;
  let worst = 0;
  for (const history of histories()) {
    const k = 7;
    const wasm = model.nextItems(history, k);
    const native = nativeNext(aerec, file, history, k);
    const arrays = model.nextItems({
      itemIds: Int32Array.from(history, (h) => h.itemId), ratings: Float32Array.from(history, (h) => h.rating),
    }, k);
    if (wasm.length !== native.length) fail(`${name}: wasm gave ${wasm.length} movies, native ${native.length}`);
    wasm.forEach((w, i) => {
      const n = native[i];
      if (w.itemId !== n.item_id) fail(`${name}: movie ${i + 1} is ${w.itemId} in wasm, ${n.item_id} native`);
      const difference = Math.abs(w.score - n.score) / Math.max(Math.abs(n.score), 1);
      if (!(difference <= limit)) fail(`${name}: movie ${w.itemId}'s score is ${w.score} in wasm, ${n.score} native`);
      worst = Math.max(worst, difference);
      if (history.some((h) => h.itemId === w.itemId)) fail(`${name}: rated movie ${w.itemId} was predicted next`);
      if (arrays[i].itemId !== w.itemId || arrays[i].score !== w.score)
        fail(`${name}: { itemIds, ratings } and [{ itemId, rating }] histories disagree`);
      ++compared;
    });
  }
  model.delete();
  console.log(`${name}: ${compared} next movies as native, in its order; scores' max difference ${worst.toExponential(2)}`);
  return { compared, worst };
}

function checkBadInput(aerecModule, file, ratingModel) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const model = aerecModule.loadSequenceModel(bytes);
  const good = [{ itemId: movieId(1), rating: 4 }, { itemId: movieId(2), rating: 3 }];
  const before = model.nextItems(good, 5);
  const withEntry = (entry) => [...good, entry];
  console.log('bad input:');
  expectError(aerecModule, 'invalid_argument', 'arrays of different lengths',
    () => model.nextItems({ itemIds: [movieId(1), movieId(2)], ratings: [4] }, 5));
  expectError(aerecModule, 'unknown_id', 'unknown movie id', () => model.nextItems(withEntry({ itemId: 6, rating: 4 }), 5));
  expectError(aerecModule, 'invalid_argument', 'movie rated twice', () => model.nextItems(withEntry({ itemId: movieId(1), rating: 2 }), 5));
  expectError(aerecModule, 'invalid_argument', 'NaN rating', () => model.nextItems(withEntry({ itemId: movieId(3), rating: NaN }), 5));
  expectError(aerecModule, 'invalid_argument', 'rating above the scale', () => model.nextItems(withEntry({ itemId: movieId(3), rating: 6 }), 5));
  expectError(aerecModule, 'invalid_argument', 'rating 0', () => model.nextItems(withEntry({ itemId: movieId(3), rating: 0 }), 5));
  expectError(aerecModule, 'invalid_argument', 'missing rating', () => model.nextItems(withEntry({ itemId: movieId(3) }), 5));
  expectError(aerecModule, 'invalid_argument', 'fractional id', () => model.nextItems(withEntry({ itemId: movieId(3) + 0.5, rating: 4 }), 5));
  expectError(aerecModule, 'invalid_argument', 'k = 0', () => model.nextItems(good, 0));
  expectError(aerecModule, 'invalid_argument', 'negative k', () => model.nextItems(good, -1));
  expectError(aerecModule, 'invalid_argument', 'fractional k', () => model.nextItems(good, 2.5));
  expectError(aerecModule, 'invalid_argument', 'not a history', () => model.nextItems('9:4,13:5', 5));
  expectError(aerecModule, 'invalid_argument', 'an entry that is not an object', () => model.nextItems([movieId(1)], 5));
  expectError(aerecModule, 'model_format', 'foreign bytes', () => aerecModule.loadSequenceModel(new TextEncoder().encode('1\t2\t3\t4\n')));
  expectError(aerecModule, 'model_format', 'truncated file', () => aerecModule.loadSequenceModel(bytes.slice(0, bytes.length >> 1)));
  const rating = fs.readFileSync(ratingModel);
  expectError(aerecModule, 'invalid_argument', 'a rating model', () => aerecModule.loadSequenceModel(rating));
  // The other loaders refuse a sequence model, naming the one that takes it.
  for (const [what, load] of [
    ['loadModel of a sequence model', () => aerecModule.loadModel(bytes)],
    ['loadRecommender with a sequence model', () => aerecModule.loadRecommender({ ranking: bytes, rating })],
    ['loadImageModel of a sequence model', () => aerecModule.loadImageModel(bytes)],
  ]) {
    expectError(aerecModule, 'invalid_argument', what, load);
    try { load(); } catch (e) {
      if (!/sequence model|not an image model/.test(e.message)) fail(`${what}: the message does not say why: ${e.message}`);
    }
  }
  const after = model.nextItems(good, 5);
  if (JSON.stringify(after) !== JSON.stringify(before)) fail('next movies changed after the errors');
  model.delete();
  expectError(aerecModule, 'invalid_argument', 'deleted model', () => model.nextItems(good, 5));
  console.log('  the module still predicts the same after every error');
}

const aerecModule = await loadModule(args.module);
if (!args.aerec || !fs.existsSync(args.aerec)) fail(`no native aerec at ${args.aerec}`);
const data = orderedData(args.work);
const files = trainModels(args.aerec, data, args.work);
const ratingModel = path.join(args.work, 'rating.aerec');
run(args.aerec, ['train', '--data', data, '--split', 'all', '--preset', 'seed-fixed', '--layers', '6', '--epochs', '2', '--out', ratingModel]);
let compared = 0;
let worst = 0;
for (const file of files) {
  const r = compare(aerecModule, args.aerec, file);
  compared += r.compared;
  worst = Math.max(worst, r.worst);
}
checkBadInput(aerecModule, files[0], ratingModel);
console.log(`wasm vs native: ${compared} next movies from ${files.length} sequence models, the same in the same order; ` +
  `scores' max relative difference ${worst.toExponential(2)} (limit ${limit})`);
console.log('PASS');
