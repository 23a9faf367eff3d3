// Shared by the benchmarks that score the demo on held-out users: the split's CSV parts and
// the site's wasm module.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** user -> [[movie, rating], ...] from a "user,movie,rating" CSV. */
export function readPart(file) {
  if (!fs.existsSync(file)) {
    console.error(`${file}: missing (write it with aerec data split)`);
    process.exit(2);
  }
  const byUser = new Map();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const [user, movie, rating] = lines[i].split(',').map(Number);
    if (!byUser.has(user)) byUser.set(user, []);
    byUser.get(user).push([movie, rating]);
  }
  return byUser;
}

/** The wasm module of a built site (build/wasm/site). */
export async function loadModule(site) {
  const dir = path.join(site, 'aerec');
  const { default: createAerec } = await import(pathToFileURL(path.join(dir, 'aerec.js')).href);
  return createAerec({ wasmBinary: fs.readFileSync(path.join(dir, 'aerec.wasm')) });
}
