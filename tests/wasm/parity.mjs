// The wasm module (user by user and in one batch) and the native CLI predict
// the same ratings (or a ranking model's scores) for the same model file, a
// pair of models (loadRecommender) scores as the native parts say, and bad
// input throws AerecError while the module stays usable.
//
//   node parity.mjs --module DIR --aerec PATH [--model FILE ...] --work DIR
//
// Models: the given files (the committed demo models), their f16 and q8 exports
// (aerec export --weights), and small ones the native CLI trains here on a
// synthetic rating file, with other activations and a ranking model. Each file
// is compared with native on that same file: the difference relative to the
// prediction, or absolute below 1 (ranking scores near 0). Item-based models,
// whose columns are users, are refused.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expectError, fail, loadModule, parseArgs } from './module.mjs';
import { generator } from './random.mjs';

const args = parseArgs(process.argv.slice(2));
const limit = 1e-5;  // relative, or absolute below 1

function train(aerec, data, out, flags) {
  execFileSync(aerec, ['train', '--data', data, '--split', 'all', '--epochs', '3', '--out', out, ...flags],
    { stdio: 'pipe' });
  return out;
}

// The native CLI's export of `file` with compact weights, one file per encoding.
function compactExports(aerec, file, work) {
  return ['f16', 'q8'].map((weights) => {
    const out = path.join(work, `${path.basename(file, '.aerec')}-${weights}.aerec`);
    execFileSync(aerec, ['export', file, '--out', out, '--weights', weights], { stdio: 'pipe' });
    return out;
  });
}

function syntheticData(work) {
  const random = generator(42);
  const lines = [];
  for (let user = 1; user <= 80; ++user)
    for (let movie = 0; movie < 50; ++movie)
      if (random() < 0.3) lines.push(`${user}\t${7 + 3 * movie}\t${1 + Math.floor(random() * 5)}\t0`);
  fs.mkdirSync(work, { recursive: true });
  const data = path.join(work, 'u.data');
  fs.writeFileSync(data, lines.join('\n') + '\n');
  return data;
}

function syntheticModels(aerec, data, work) {
  const variants = {
    tanh: ['--preset', 'seed-fixed', '--layers', '8', '4', '8', '--activation', 'tanh'],
    selu: ['--preset', 'seed-fixed', '--layers', '6', '--activation', 'selu', '--output-activation', 'identity'],
    // A ranking model: its predictions are scores, from the liked movies alone.
    ranking: ['--preset', 'mult-vae', '--layers', '8', '4', '8'],
  };
  return Object.entries(variants).map(([name, flags]) => train(aerec, data, path.join(work, `${name}.aerec`), flags));
}

// Users: none, one, five and many ratings, at random columns and values on the scale's half steps.
function users(model, random) {
  const { min, max } = model.scale;
  const steps = Math.round((max - min) * 2);
  return [0, 1, 5, Math.min(60, model.numItems)].map((count) => {
    const row = new Float32Array(model.numItems);
    for (let placed = 0; placed < count;) {
      const column = Math.floor(random() * model.numItems);
      if (row[column] !== 0) continue;
      row[column] = min + Math.floor(random() * (steps + 1)) / 2;
      ++placed;
    }
    return row;
  });
}

function concatenated(rows) {
  const all = new Float32Array(rows.reduce((n, row) => n + row.length, 0));
  let at = 0;
  for (const row of rows) { all.set(row, at); at += row.length; }
  return all;
}

function nativePredict(aerec, file, ids, row) {
  const rated = [];
  row.forEach((value, column) => { if (value !== 0) rated.push(`${ids[column]}:${value}`); });
  const out = JSON.parse(execFileSync(aerec, ['predict', file, '--ratings', rated.join(','), '--json']));
  if (out.item_ids.length !== ids.length || out.item_ids.some((id, i) => id !== ids[i]))
    fail(`${file}: native and wasm disagree on the movie ids of the columns`);
  return out.predictions;
}

function checkRecommend(model, row, predicted, file) {
  const top = model.recommend(row, 15);
  const expected = Math.min(15, row.filter((v) => v === 0).length);
  if (top.length !== expected) fail(`${file}: recommend gave ${top.length} movies, expected ${expected}`);
  top.forEach((r, i) => {
    const column = model.indexOf(r.itemId);
    if (row[column] !== 0) fail(`${file}: recommend returned rated movie ${r.itemId}`);
    if (r.score !== predicted[column]) fail(`${file}: recommend's score for ${r.itemId} is not its prediction`);
    if (i > 0 && r.score > top[i - 1].score) fail(`${file}: recommendations are not best first`);
  });
}

function compare(aerecModule, aerec, file, random) {
  const model = aerecModule.loadModel(fs.readFileSync(file));
  const ids = model.itemIds();
  let worst = 0;
  let count = 0;
  const rows = users(model, random);
  const batch = model.predictBatch(concatenated(rows), rows.length);
  // Into a caller's array, reused: the same values, in that array.
  const out = new Float32Array(batch.length).fill(-7);
  for (let round = 0; round < 2; ++round)
    if (model.predictBatch(concatenated(rows), rows.length, out) !== out || !out.every((v, i) => Object.is(v, batch[i])))
      fail(`${file}: predictBatch into an array of its own differs from predictBatch (round ${round})`);
  rows.forEach((row, u) => {
    const wasm = model.predict(row);
    const native = nativePredict(aerec, file, ids, row);
    const inBatch = batch.subarray(u * model.numItems, (u + 1) * model.numItems);
    native.forEach((n, i) => {
      for (const w of [wasm[i], inBatch[i]])
        worst = Math.max(worst, Math.abs(w - n) / Math.max(Math.abs(n), 1));
      ++count;
    });
    checkRecommend(model, row, wasm, file);
    const code = model.encode(row);
    if (code.length !== model.codeSize || !code.every(Number.isFinite))
      fail(`${file}: encode gave ${code.length} values, expected ${model.codeSize} finite ones`);
  });
  model.delete();
  console.log(`${path.basename(file)}: ${model.numItems} movies, max relative difference ${worst.toExponential(2)}`);
  return { worst, count };
}

function checkBadInput(aerecModule, file) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const model = aerecModule.loadModel(bytes);
  const row = new Float32Array(model.numItems);
  row[0] = model.scale.max;
  const before = model.predict(row);
  const withValue = (value) => { const r = row.slice(); r[1] = value; return r; };
  console.log('bad input:');
  expectError(aerecModule, 'invalid_argument', 'short array', () => model.predict(new Float32Array(model.numItems - 1)));
  expectError(aerecModule, 'invalid_argument', 'long array', () => model.recommend(new Float32Array(model.numItems + 1), 5));
  expectError(aerecModule, 'invalid_argument', 'batch of the wrong size', () => model.predictBatch(new Float32Array(model.numItems * 2 - 1), 2));
  expectError(aerecModule, 'invalid_argument', 'output array of the wrong size', () => model.predictBatch(new Float32Array(model.numItems * 2), 2, new Float32Array(model.numItems)));
  expectError(aerecModule, 'invalid_argument', 'output array not of floats', () => model.predictBatch(new Float32Array(model.numItems), 1, new Float64Array(model.numItems)));
  expectError(aerecModule, 'invalid_argument', 'NaN rating', () => model.predict(withValue(NaN)));
  // The module lists a row's blocks of eight columns that hold a rating, 256 columns at a time,
  // and packs their ratings four columns at a time (the rest past the last 256, four at a time
  // too): a NaN at each place of the four and of the eight, across blocks and 256-column chunks,
  // alone in its block, in the last four and the last column (a short tail where the width is not
  // a multiple of four), in a later user of a batch, is refused; and -0 is no rating.
  const n = model.numItems;
  const columns = [1, 2, 3, 4, 5, 6, 7, 8, 255, 256, 257, n - 5, n - 1];
  for (const [base, alone] of [[row, ''], [new Float32Array(n), ', alone in the row']])
    for (const column of columns.filter((c, i) => c < n && columns.indexOf(c) === i)) {
      const rows = new Float32Array(3 * n);
      rows.set(base, 2 * n);
      rows[2 * n + column] = NaN;
      expectError(aerecModule, 'invalid_argument', `NaN rating in column ${column} of the third user${alone}`,
        () => model.predictBatch(rows, 3));
      try { model.predictBatch(rows, 3); } catch (e) {
        if (!e.message.includes(`movie ${model.itemIds()[column]} `)) fail(`column ${column}'s NaN: "${e.message}" names another movie`);
      }
    }
  const negativeZeros = row.slice();
  for (let c = 1; c < n; c += 3) negativeZeros[c] = -0;
  if (!model.predict(negativeZeros).every((v, i) => Object.is(v, before[i])))
    fail('-0 entries changed the predictions: -0 is no rating');
  expectError(aerecModule, 'invalid_argument', 'rating above the scale', () => model.predict(withValue(model.scale.max + 1)));
  expectError(aerecModule, 'invalid_argument', 'negative rating', () => model.encode(withValue(-1)));
  expectError(aerecModule, 'invalid_argument', 'not an array', () => model.predict('5,4,3'));
  expectError(aerecModule, 'invalid_argument', 'negative k', () => model.recommend(row, -1));
  expectError(aerecModule, 'invalid_argument', 'fractional k', () => model.recommend(row, 2.5));
  expectError(aerecModule, 'unknown_id', 'unknown movie id', () => model.ratingsArray({ 2147483647: 4 }));
  expectError(aerecModule, 'model_format', 'foreign bytes', () => aerecModule.loadModel(new TextEncoder().encode('userId,movieId,rating\n1,2,3\n')));
  expectError(aerecModule, 'model_format', 'empty file', () => aerecModule.loadModel(new Uint8Array(0)));
  expectError(aerecModule, 'model_format', 'truncated file', () => aerecModule.loadModel(bytes.slice(0, bytes.length >> 1)));
  const flipped = bytes.slice();
  flipped[flipped.length >> 1] ^= 0x40;
  expectError(aerecModule, 'model_format', 'corrupted byte', () => aerecModule.loadModel(flipped));
  expectError(aerecModule, 'invalid_argument', 'a string for bytes', () => aerecModule.loadModel('model.aerec'));
  const after = model.predict(row);
  if (after.some((v, i) => v !== before[i])) fail('predictions changed after the errors');
  model.delete();
  expectError(aerecModule, 'invalid_argument', 'deleted model', () => model.predict(row));
  console.log('  the module still predicts the same after every error');
}

// A truncated or corrupted compact file is a model_format error too.
function checkDamagedCompact(aerecModule, compact) {
  if (compact.length === 0) fail('no compact exports to check');
  console.log('damaged compact files:');
  for (const file of compact) {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const flipped = bytes.slice();
    flipped[bytes.length >> 1] ^= 0x40;  // inside the weights, which are most of the file
    expectError(aerecModule, 'model_format', `${path.basename(file)} truncated`, () => aerecModule.loadModel(bytes.slice(0, bytes.length - 100)));
    expectError(aerecModule, 'model_format', `${path.basename(file)} corrupted`, () => aerecModule.loadModel(flipped));
  }
}

// A ranking model with a rating model (loadRecommender): the stars are the rating model's native
// predictions, the scores the ranking model's native log-probabilities plus starWeight x stars.
function comparePair(aerecModule, aerec, rankingFile, ratingFile, random) {
  const starWeight = 0.5;
  const pair = aerecModule.loadRecommender(
    { ranking: fs.readFileSync(rankingFile), rating: fs.readFileSync(ratingFile), starWeight });
  const ids = pair.itemIds();
  let worst = 0;
  for (const row of users(pair, random)) {
    const { scores, stars } = pair.predictions(row);
    const logits = nativePredict(aerec, rankingFile, ids, row);
    const expectedStars = nativePredict(aerec, ratingFile, ids, row);
    const top = Math.max(...logits);
    const logZ = top + Math.log(logits.reduce((sum, v) => sum + Math.exp(v - top), 0));
    expectedStars.forEach((star, i) => {
      const score = logits[i] - logZ + starWeight * star;
      worst = Math.max(worst, Math.abs(stars[i] - star) / Math.max(Math.abs(star), 1),
        Math.abs(scores[i] - score) / Math.max(Math.abs(score), 1));
    });
  }
  pair.delete();
  console.log(`pair (${path.basename(rankingFile)} ranks, ${path.basename(ratingFile)} rates): max difference ${worst.toExponential(2)}`);
  return worst;
}

// The module takes ratings by movie: an item-based model (its columns are users) is refused at load, saying why.
function checkRefusals(aerecModule, aerec, data, work) {
  console.log('a model that takes no ratings by movie:');
  const what = 'an item-based model';
  const file = train(aerec, data, path.join(work, 'refused-autorec-i.aerec'), ['--preset', 'autorec-i', '--layers', '6']);
  expectError(aerecModule, 'invalid_argument', what, () => aerecModule.loadModel(fs.readFileSync(file)));
  try { aerecModule.loadModel(fs.readFileSync(file)); } catch (e) {
    if (!e.message.includes(what)) fail(`${what}: the message does not say so: ${e.message}`);
  }
}

const aerecModule = await loadModule(args.module);
if (!args.aerec || !fs.existsSync(args.aerec)) fail(`no native aerec at ${args.aerec}`);
const files = [].concat(args.model || []);
for (const file of files) if (!fs.existsSync(file)) fail(`no model file ${file}`);
const data = syntheticData(args.work);
files.push(...files.flatMap((file) => compactExports(args.aerec, file, args.work)));
files.push(...syntheticModels(args.aerec, data, args.work));

const random = generator(7);
let worst = 0;
let count = 0;
for (const file of files) {
  const r = compare(aerecModule, args.aerec, file, random);
  worst = Math.max(worst, r.worst);
  count += r.count;
}
const synthetic = (name) => path.join(args.work, `${name}.aerec`);
worst = Math.max(worst, comparePair(aerecModule, args.aerec, synthetic('ranking'), synthetic('tanh'), random));
checkBadInput(aerecModule, files[0]);
checkDamagedCompact(aerecModule, files.filter((file) => /-(f16|q8)\.aerec$/.test(file)));
checkRefusals(aerecModule, args.aerec, data, args.work);
console.log(`wasm vs native: ${count} predictions from ${files.length} models, each made alone and in a batch; ` +
  `max relative difference ${worst.toExponential(2)} (limit ${limit})`);
if (!(worst <= limit)) fail(`max relative difference ${worst} exceeds ${limit}`);
console.log('PASS');
