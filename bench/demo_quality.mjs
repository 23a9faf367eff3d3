#!/usr/bin/env node
// How well the demo page ranks and rates held-out users, through the page's own code: the wasm
// module, the shipped files (demo/*.aerec, demo/movies.json) and web/recommender.js, which
// ranks exactly as the page does (unrated movies, little-known ones hidden as by default).
//
//   node bench/demo_quality.mjs --site build/wasm/site --split DIR [--part test|validation]
//        [--ranking F] [--rating F] [--star-weight W[,W...]] [--min-ratings N] [--json]
//        [--require recall20=0.30,ndcg100=0.37,rmse=0.95] [--reference DIR]
//
// DIR holds `aerec data split`'s CSV files for the split the models were trained on (users:0.1
// of ML-1M, seed 1): <part>-input.csv is each held-out user's 80% the page is given,
// <part>-target.csv the 20% it must find (a rating of 4 or more is relevant, as in Liang et
// al.) and rate. --ranking/--rating replace the shipped models (--rating alone: a rating model
// ranks by itself, as the old demo did). Several star weights compare the blends (tune them on
// --part validation, never test). --require exits 1 unless every figure meets its bound.
// --reference DIR (a folder of ranking.aerec and model.aerec, e.g. an f32 export) also prints
// how far these models' stars and scores are from those, over the same users: what compact
// weights (aerec export --weights f16|q8) cost.

import fs from 'node:fs';
import path from 'node:path';
import { buildCatalog } from '../web/catalog.js';
import { OBSCURE_BELOW, Recommender } from '../web/recommender.js';
import { loadModule, readPart } from './held_out.mjs';

const RELEVANT = 4;

function fail(message) {
  console.error(`demo_quality: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { part: 'test', 'min-ratings': String(OBSCURE_BELOW) };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'json') args.json = true;
    else if (i + 1 < argv.length) args[name] = argv[++i];
    else fail(`${argv[i]} needs a value`);
  }
  if (!args.site || !args.split) fail('usage: --site SITE_DIR --split SPLIT_DIR (see the header of this file)');
  return args;
}

function ndcgAndRecall(ranked, relevant, k) {
  let dcg = 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    if (relevant.has(ranked[i])) {
      dcg += 1 / Math.log2(i + 2);
      hits++;
    }
  }
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return { recall: hits / Math.min(k, relevant.size), ndcg: dcg / ideal };
}

/** Recall@20, NDCG@100 over users with a relevant target; `rank(user, input)` gives movie ids, best first. */
function rankingFigures(inputs, targets, rank) {
  let recall = 0;
  let ndcg = 0;
  let users = 0;
  for (const [user, target] of targets) {
    const relevant = new Set(target.filter(([, r]) => r >= RELEVANT).map(([m]) => m));
    if (relevant.size === 0 || !inputs.has(user)) continue;
    const ranked = rank(inputs.get(user));
    recall += ndcgAndRecall(ranked, relevant, 20).recall;
    ndcg += ndcgAndRecall(ranked, relevant, 100).ndcg;
    users++;
  }
  return { recall20: recall / users, ndcg100: ndcg / users, users };
}

function loadModels(aerec, args, starWeight) {
  const read = (file) => new Uint8Array(fs.readFileSync(file));
  const ranking = args.ranking ?? (args.rating ? null : path.join(args.site, 'demo', 'ranking.aerec'));
  const rating = args.rating ?? path.join(args.site, 'demo', 'model.aerec');
  if (!ranking) return aerec.loadModel(read(rating));
  return aerec.loadRecommender({ ranking: read(ranking), rating: read(rating), starWeight });
}

/** Largest and RMS difference of stars and scores from the --reference models, over every input user. */
function difference(aerec, args, inputs, starWeight) {
  const model = loadModels(aerec, args, starWeight);
  const reference = loadModels(aerec, { ...args, ranking: path.join(args.reference, 'ranking.aerec'),
    rating: path.join(args.reference, 'model.aerec') }, starWeight);
  const ids = model.itemIds();
  const stats = { stars: { max: 0, squares: 0 }, scores: { max: 0, squares: 0 }, count: 0 };
  for (const input of inputs.values()) {
    const row = new Float32Array(model.numItems);
    for (const [id, rating] of input) if (model.indexOf(id) >= 0) row[model.indexOf(id)] = rating;
    const a = model.predictions(row);
    const b = reference.predictions(row);
    for (let i = 0; i < ids.length; i++) {
      for (const [name, x, y] of [['stars', a.stars[i], b.stars[i]], ['scores', a.scores[i], b.scores[i]]]) {
        const d = Math.abs(x - y);
        stats[name].max = Math.max(stats[name].max, d);
        stats[name].squares += d * d;
      }
      stats.count++;
    }
  }
  model.delete();
  reference.delete();
  const summary = (s) => ({ max: s.max, rms: Math.sqrt(s.squares / stats.count) });
  return { stars: summary(stats.stars), scores: summary(stats.scores), predictions: stats.count };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const aerec = await loadModule(args.site);
  const movies = JSON.parse(fs.readFileSync(path.join(args.site, 'demo', 'movies.json'), 'utf8'));
  const inputs = readPart(path.join(args.split, `${args.part}-input.csv`));
  const targets = readPart(path.join(args.split, `${args.part}-target.csv`));
  const minRatings = Number(args['min-ratings']);
  const weights = (args['star-weight'] ?? String(aerec.defaultStarWeight)).split(',').map(Number);
  const results = [];

  for (const starWeight of weights) {
    const model = loadModels(aerec, args, starWeight);
    const catalog = buildCatalog(movies, model.itemIds());
    const page = new Recommender(model, catalog);
    const known = (pairs) => pairs.filter(([id]) => catalog.byId.has(id));
    const ranking = rankingFigures(inputs, targets, (input) => {
      page.update(known(input));
      return page.top({ count: 100, minRatings }).map((entry) => entry.movie.id);
    });
    // The stars shown, against every held-out rating of a movie the model knows.
    let squared = 0;
    let count = 0;
    for (const [user, target] of targets) {
      if (!inputs.has(user)) continue;
      page.update(known(inputs.get(user)));
      for (const [id, rating] of known(target)) {
        squared += (page.predicted(catalog.byId.get(id)) - rating) ** 2;
        count++;
      }
    }
    results.push({ starWeight: model.ranks && model.hasStars ? starWeight : null, ...ranking, rmse: Math.sqrt(squared / count), ratings: count });
    model.delete();
  }

  // Most popular first (training ratings), the same candidates.
  const train = readPart(path.join(args.split, 'train.csv'));
  const popularity = new Map();
  for (const pairs of train.values()) for (const [id] of pairs) popularity.set(id, (popularity.get(id) ?? 0) + 1);
  const byPopularity = [...popularity.keys()].sort((a, b) => popularity.get(b) - popularity.get(a) || a - b);
  const counts = new Map(movies.movies.map((m) => [m.id, m.ratings ?? 0]));
  const popular = rankingFigures(inputs, targets, (input) => {
    const rated = new Set(input.map(([id]) => id));
    return byPopularity.filter((id) => !rated.has(id) && (counts.get(id) ?? 0) >= minRatings).slice(0, 100);
  });

  const out = { part: args.part, minRatings, results, popularity: popular };
  if (args.reference) out.difference = difference(aerec, args, inputs, weights[0]);
  if (args.json) console.log(JSON.stringify(out, null, 2));
  else {
    console.log(`${args.part} users: ${results[0].users} with a relevant rating; movies with fewer than ${minRatings} ratings hidden, as on the page`);
    for (const r of results)
      console.log(`${r.starWeight === null ? 'model' : `star weight ${r.starWeight}`}: recall@20 ${r.recall20.toFixed(4)}  NDCG@100 ${r.ndcg100.toFixed(4)}  stars RMSE ${r.rmse.toFixed(4)} (${r.ratings} ratings)`);
    console.log(`most popular: recall@20 ${popular.recall20.toFixed(4)}  NDCG@100 ${popular.ndcg100.toFixed(4)}`);
    if (out.difference) {
      const { stars, scores, predictions } = out.difference;
      console.log(`against ${args.reference}, over ${predictions} predictions: stars max ${stars.max.toExponential(2)} rms ${stars.rms.toExponential(2)}; scores max ${scores.max.toExponential(2)} rms ${scores.rms.toExponential(2)}`);
    }
  }
  if (args.require) {
    const r = results[0];
    const bounds = Object.fromEntries(args.require.split(',').map((pair) => pair.split('=')).map(([k, v]) => [k, Number(v)]));
    const failures = Object.entries(bounds).filter(([name, bound]) => (name === 'rmse' ? !(r[name] <= bound) : !(r[name] >= bound)));
    for (const [name, bound] of failures) console.error(`FAIL: ${name} ${r[name]} does not meet ${bound}`);
    if (failures.length > 0) process.exit(1);
  }
}

await main();
