#!/usr/bin/env node
// The shipped demo recommends better than popularity and rates well, on held-out ML-1M users,
// through the page's own code (bench/demo_quality.mjs):
//   node tests/wasm/demo_quality.mjs --site SITE_DIR --aerec AEREC --work DIR
// The bounds: recall@20 >= 0.30, NDCG@100 >= 0.37, RMSE of the stars <= 0.95. Skips (77)
// without ML-1M in $MOVIELENS_DIR or without the built site.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, parseArgs, skip } from './module.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BENCH = path.resolve(HERE, '../../bench/demo_quality.mjs');
const BOUNDS = 'recall20=0.30,ndcg100=0.37,rmse=0.95';

const args = parseArgs(process.argv.slice(2));
const data = process.env.MOVIELENS_DIR && path.join(process.env.MOVIELENS_DIR, 'ml-1m');
if (!data || !fs.existsSync(data)) skip('ML-1M is not in $MOVIELENS_DIR (set MOVIELENS_DIR to a folder holding ml-1m/)');
for (const file of ['aerec/aerec.js', 'demo/model.aerec', 'demo/ranking.aerec', 'demo/movies.json'])
  if (!fs.existsSync(path.join(args.site, file))) skip(`no ${file} in ${args.site} (build the wasm preset)`);

// The split both shipped models were trained on, from their own metadata.
const info = (file) => JSON.parse(execFileSync(args.aerec, ['info', path.join(args.site, 'demo', file), '--json'])).metadata;
const trained = ['model.aerec', 'ranking.aerec'].map(info);
const splitOf = (m) => `${m.data} ${m.split} seed ${m.config?.seed}`;
if (splitOf(trained[0]) !== splitOf(trained[1]))
  fail(`the shipped models were trained on different splits: ${splitOf(trained[0])} and ${splitOf(trained[1])}`);
const { split, config } = trained[0];
if (!String(split).startsWith('users:')) fail(`the shipped models were trained on split ${split}, not held-out users`);

fs.mkdirSync(args.work, { recursive: true });
execFileSync(args.aerec, ['data', 'split', '--data', data, '--split', split, '--seed', String(config.seed),
  '--out', args.work], { stdio: ['ignore', 'ignore', 'inherit'] });
try {
  const out = execFileSync(process.execPath, [BENCH, '--site', args.site, '--split', args.work, '--require', BOUNDS],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(out);
} catch (e) {
  process.stdout.write(e.stdout ?? '');
  fail(`the shipped demo misses ${BOUNDS}`);
}
console.log(`PASS: the shipped demo meets ${BOUNDS} on the held-out users of ${split}`);
