#!/usr/bin/env node
// Does the demo page's taste map put a visitor near the movies they go on to like? Held-out
// ML-1M users, each placed as the page places its visitor (the map's placer on the ranking
// model's code of their 80% input, through the wasm module and the shipped files), then their
// unrated movies ordered by distance on the map from their dot:
//
//   node bench/map_placement.mjs --site build/wasm/site --split DIR [--part test|validation]
//
// DIR: `aerec data split --data ml-1m --split users:0.1 --out DIR` (the split the models were
// trained on). Figures, over users with a liked movie (4 stars or more) in both parts:
//   AUC       the chance that a held-out liked movie lies nearer the dot than an unrated movie
//             they did not like (0.5: the map knows nothing of them)
//   near 100  the share of their held-out liked movies among the 100 unrated movies nearest
// for the dot, for the mean place of the movies they liked in their input (no network: the
// map alone), and for the ranking model's own order (what the 2-D map keeps of the 100-D code).
import fs from 'node:fs';
import path from 'node:path';
import { loadModule, readPart } from './held_out.mjs';

const LIKED = 4;
const NEAR = 100;

function parseArgs(argv) {
  const args = { part: 'test' };
  for (let i = 0; i + 1 < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  if (!args.site || !args.split) {
    console.error('usage: node bench/map_placement.mjs --site SITE_DIR --split SPLIT_DIR [--part test|validation]');
    process.exit(2);
  }
  return args;
}

/** AUC and the share of `relevant` among the first NEAR of `order` (candidate ids, best first). */
function figures(order, relevant) {
  let hitsBefore = 0;
  let misses = 0;
  let correct = 0;
  let near = 0;
  order.forEach((id, i) => {
    if (relevant.has(id)) {
      hitsBefore++;
      if (i < NEAR) near++;
    } else {
      misses++;
      correct += hitsBefore;  // every liked movie seen so far ranks above this one
    }
  });
  return { auc: correct / (relevant.size * misses), near: near / Math.min(NEAR, relevant.size) };
}

function byDistance(candidates, place, points) {
  const d = (id) => (points.get(id).x - place.x) ** 2 + (points.get(id).y - place.y) ** 2;
  return [...candidates].sort((a, b) => d(a) - d(b));
}

function meanPlace(ids, points) {
  const x = ids.reduce((sum, id) => sum + points.get(id).x, 0) / ids.length;
  const y = ids.reduce((sum, id) => sum + points.get(id).y, 0) / ids.length;
  return { x, y };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const aerec = await loadModule(args.site);
  const read = (file) => fs.readFileSync(path.join(args.site, 'demo', file));
  const pair = aerec.loadRecommender({ ranking: read('ranking.aerec'), rating: read('model.aerec') });
  const mapJson = JSON.parse(read('taste-map.json'));
  const map = aerec.loadTasteMap(mapJson);
  const points = new Map(mapJson.ids.map((id, i) => [id, { x: mapJson.x[i], y: mapJson.y[i] }]));
  const column = new Map([...pair.itemIds()].map((id, i) => [id, i]));
  const inputs = readPart(path.join(args.split, `${args.part}-input.csv`));
  const targets = readPart(path.join(args.split, `${args.part}-target.csv`));

  const sums = { dot: { auc: 0, near: 0 }, mean: { auc: 0, near: 0 }, model: { auc: 0, near: 0 } };
  let users = 0;
  for (const [user, target] of targets) {
    const input = (inputs.get(user) ?? []).filter(([id]) => points.has(id));
    const liked = input.filter(([, r]) => r >= LIKED).map(([id]) => id);
    const relevant = new Set(target.filter(([id, r]) => r >= LIKED && points.has(id)).map(([id]) => id));
    if (liked.length === 0 || relevant.size === 0) continue;
    const row = new Float32Array(pair.numItems);
    for (const [id, r] of input) row[column.get(id)] = r;
    const rated = new Set(input.map(([id]) => id));
    const candidates = [...points.keys()].filter((id) => !rated.has(id));
    const scores = pair.scores(row);
    const orders = {
      dot: byDistance(candidates, map.place(pair, row), points),
      mean: byDistance(candidates, meanPlace(liked, points), points),
      model: [...candidates].sort((a, b) => scores[column.get(b)] - scores[column.get(a)]),
    };
    for (const [name, order] of Object.entries(orders)) {
      const f = figures(order, relevant);
      sums[name].auc += f.auc;
      sums[name].near += f.near;
    }
    users++;
  }
  const row = (label, s) => `| ${label} | ${(s.auc / users).toFixed(3)} | ${(s.near / users).toFixed(3)} |`;
  console.log(`${users} held-out users (${args.part}) with a liked movie in their input and in their target`);
  console.log(`| order of their unrated movies | AUC | liked among the ${NEAR} first |`);
  console.log('|---|---|---|');
  console.log(row('distance from their dot (the placer, as the page places them)', sums.dot));
  console.log(row('distance from the mean place of the movies they liked (no network)', sums.mean));
  console.log(row('the ranking model\'s scores (its 100-number code, no map)', sums.model));
  console.log(`| chance | 0.500 | ${(NEAR / points.size).toFixed(3)} |`);
  map.delete();
  pair.delete();
}

await main();
