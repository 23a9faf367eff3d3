// The wasm module places users on a taste map where the native CLI (aerec place) does, for the
// shipped demo map and the pair of models the page loads; a user with no liked movie has no
// place; a foreign map, a model of another code size and a deleted map throw AerecError, and
// the module still places the same afterwards.
//
//   node map.mjs --module DIR --aerec PATH --ranking FILE --rating FILE --map FILE
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expectError, fail, loadModule, parseArgs } from './module.mjs';
import { generator } from './random.mjs';

const args = parseArgs(process.argv.slice(2));
const USERS = 12;
const limit = 1e-4;  // map units; the map spans about a hundred

/** Users with 1 to 30 ratings of random movies, at least one of them liked. */
function randomUsers(model, random) {
  const ids = model.itemIds();
  const users = [];
  for (let u = 0; u < USERS; u++) {
    const rated = new Map();
    const count = 1 + Math.floor(random() * 30);
    while (rated.size < count) rated.set(ids[Math.floor(random() * ids.length)], 1 + Math.floor(random() * 5));
    rated.set(rated.keys().next().value, 5);
    users.push(rated);
  }
  return users;
}

function nativePlace(rated) {
  const ratings = [...rated].map(([id, stars]) => `${id}:${stars}`).join(',');
  return JSON.parse(execFileSync(args.aerec, ['place', args.ranking, '--map', args.map, '--ratings', ratings, '--json']));
}

const aerec = await loadModule(args.module);
const pair = aerec.loadRecommender({ ranking: fs.readFileSync(args.ranking), rating: fs.readFileSync(args.rating) });
const mapText = fs.readFileSync(args.map, 'utf8');
const map = aerec.loadTasteMap(mapText);
if (map.codeSize !== pair.codeSize) fail(`the map places codes of ${map.codeSize} numbers; the ranking model's have ${pair.codeSize}`);

let worst = 0;
const users = randomUsers(pair, generator(7));
for (const rated of users) {
  const wasm = map.place(pair, pair.ratingsArray(rated));
  const native = nativePlace(rated);
  const off = Math.max(Math.abs(wasm.x - native.x), Math.abs(wasm.y - native.y));
  if (!(off <= limit)) fail(`a user with ${rated.size} ratings: wasm places (${wasm.x}, ${wasm.y}), native (${native.x}, ${native.y})`);
  worst = Math.max(worst, off);
}
console.log(`  ${USERS} users placed as the native CLI places them (largest difference ${worst.toExponential(2)} map units)`);

const first = pair.ratingsArray(users[0]);
const before = map.place(pair, first);
if (map.place(pair, pair.ratingsArray({ [pair.itemIds()[0]]: 2 })) !== null) fail('a user who liked nothing was placed');
const ratingModel = aerec.loadModel(fs.readFileSync(args.rating));
expectError(aerec, 'invalid_argument', 'a model of another code size', () => map.place(ratingModel, first));
expectError(aerec, 'invalid_argument', 'not a model', () => map.place({}, first));
expectError(aerec, 'invalid_argument', 'ratings of the wrong length', () => map.place(pair, new Float32Array(3)));
expectError(aerec, 'model_format', 'a map file cut short', () => aerec.loadTasteMap(mapText.slice(0, mapText.length / 2)));
expectError(aerec, 'model_format', 'the movie list instead of a map', () => aerec.loadTasteMap('{"movies": []}'));
expectError(aerec, 'invalid_argument', 'neither text nor an object', () => aerec.loadTasteMap(42));
const after = map.place(pair, first);
if (after.x !== before.x || after.y !== before.y) fail('the place changed after the errors');
map.delete();
expectError(aerec, 'invalid_argument', 'a deleted map', () => map.place(pair, first));
ratingModel.delete();
pair.delete();
console.log('PASS: the wasm module places users on the taste map as the native CLI does, and refuses bad input');
