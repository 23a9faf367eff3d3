#!/usr/bin/env node
// The embedding example (wasm/examples/embed.html) as a web developer would use it, in Debian's
// Chromium through playwright-core: the npm package packed and installed into a new project,
// the page and the demo model's files beside node_modules/, the folder served by web/serve.mjs.
// The page must list the ten movies the installed package recommends, with nothing going wrong.
//   node tests/web/embed.mjs --module PACKAGE_DIR --page EMBED_HTML --demo DEMO_DIR
// Exits 0 on success, 1 on a failure (with the reason), 77 when the package, npm, Chromium or
// playwright-core is missing (ctest reports a skip; with AEREC_REQUIRE_WASM=1, a failure).

import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installPackage, parseArgs } from '../wasm/module.mjs';
import { check, Failure, loadChromium, runTest, watch, withSite } from './browser.mjs';

const RATINGS = { 260: 5, 1196: 5, 2571: 4 }; // the page's

/** The project: the installed package, the page, and the model and titles `aerec export --web` writes. */
function project({ module, page, demo }) {
  for (const file of [page, path.join(demo, 'model.aerec'), path.join(demo, 'movies.json')])
    if (!existsSync(file)) throw new Failure(`${file} is missing`);
  const dir = installPackage(module);
  copyFileSync(page, path.join(dir, 'embed.html'));
  for (const file of ['model.aerec', 'movies.json']) copyFileSync(path.join(demo, file), path.join(dir, file));
  return dir;
}

/** What the page should list: the installed package's own recommendations, in Node. */
async function expected(dir) {
  writeFileSync(path.join(dir, 'entry.mjs'), "export { default } from 'aerec';\n");
  const { default: createAerec } = await import(pathToFileURL(path.join(dir, 'entry.mjs')).href);
  const aerec = await createAerec({ wasmBinary: readFileSync(path.join(dir, 'node_modules/aerec/aerec.wasm')) });
  const model = aerec.loadModel(readFileSync(path.join(dir, 'model.aerec')));
  const top = model.recommend(model.ratingsArray(RATINGS), 10);
  model.delete();
  return top;
}

async function run(options, chromium) {
  const dir = project(options);
  const top = await expected(dir);
  await withSite(dir, chromium, async (browser, url) => {
    const page = await browser.newPage();
    const { problems, requested } = watch(page, url);
    await page.goto(new URL('embed.html', url).href);
    await page.waitForSelector('#recommendations[aria-busy="false"]', { timeout: 30_000 });
    const items = await page.$$eval('#recommendations li', (elements) =>
      elements.map((e) => ({ id: Number(e.dataset.movieId), text: e.textContent })));
    check(problems.length === 0, problems.join('\n'));
    check(items.length === 10, `the page lists ${items.length} items: ${items.map((i) => i.text).join(' | ')}`);
    const shown = items.map((item) => item.id).join();
    check(shown === top.map((r) => r.itemId).join(), `the page lists movies ${shown}; the package recommends ${top.map((r) => r.itemId).join()}`);
    const scoreless = items.filter((item, i) => !item.text.includes(top[i].score.toFixed(2)));
    check(scoreless.length === 0, `items without their predicted score: ${scoreless.map((i) => i.text).join(' | ')}`);
    // serve.mjs makes the page cross-origin isolated: the installed package's threaded build runs it.
    check(requested.includes('node_modules/aerec/aerec-threads.wasm'),
      `the page did not fetch the installed aerec-threads.wasm: ${requested.join(', ')}`);
    console.log(`listed: ${items.map((item) => item.text).join(' | ')}`);
    console.log(`requests: ${requested.join(', ')}`);
    console.log('PASS: embed.html, with the installed package, lists the ten movies model.recommend ranks, with their scores; no errors');
  });
}

await runTest(async () => {
  const options = parseArgs(process.argv.slice(2));
  if (!options.module || !options.page || !options.demo)
    throw new Failure('usage: node tests/web/embed.mjs --module PACKAGE_DIR --page EMBED_HTML --demo DEMO_DIR');
  await run(options, await loadChromium());
});
