#!/usr/bin/env node
// The demo page on threads, in Debian's Chromium: served by web/serve.mjs it is cross-origin
// isolated and its module computes on 2 threads (the smaller of 2 and the browser's cores: the
// threaded build); served without the isolation headers (serve.mjs --no-isolation, as by a plain
// static server) it computes on one (the single-threaded build). Either way it loads with no
// error, warning or failed request (nothing blocked by Cross-Origin-Embedder-Policy), fetches only
// its own build's files, lists the same recommendations for the same ratings, and updates them
// when a recommendation is rated. Isolated but without aerec-threads.worker.js (a site that left
// it out), the page falls back to one thread and works the same.
//   node tests/web/threads.mjs SITE_DIR
// Exits 0 on success, 1 on a failure, 77 when the site, Chromium or playwright-core is missing.

import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { skip } from '../wasm/module.mjs';
import { check, Failure, loadChromium, openPage, runTest, watch, withSite } from './browser.mjs';

const RECOMMENDED = '[data-testid="recommendations"] [data-testid="recommendation"]';
const RATINGS = [[260, 5], [1196, 5], [2571, 4], [1210, 4], [858, 2]];  // Star Wars IV-VI, The Matrix, The Godfather
const SINGLE = ['aerec/aerec.wasm'];
const THREADED = ['aerec/aerec-threads.js', 'aerec/aerec-threads.wasm'];

const ids = (page) => page.$$eval(RECOMMENDED, (elements) => elements.map((e) => Number(e.dataset.movieId)));

/**
 * Opens the page with RATINGS stored as the page stores them; what it shows and fetched. With
 * `withoutWorker`, the site has no aerec-threads.worker.js: the threaded build cannot start.
 */
async function visit(browser, url, isolated, withoutWorker = false) {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  await page.addInitScript((list) => {
    const stored = Object.fromEntries(list.map(([id, rating], i) => [id, { rating, at: i + 1 }]));
    localStorage.setItem('aerec-demo-ratings-v1', JSON.stringify(stored));
  }, RATINGS);
  const { problems, requested } = watch(page, url);
  await openPage(page, url);
  await page.waitForSelector(RECOMMENDED);
  const state = await page.evaluate(() => ({
    isolated: globalThis.crossOriginIsolated === true, threads: Number(document.body.dataset.threads),
    cores: navigator.hardwareConcurrency,
  }));
  const label = withoutWorker ? 'served by serve.mjs without the worker script'
    : isolated ? 'served by serve.mjs' : 'served without isolation';
  check(state.isolated === isolated, `${label}: crossOriginIsolated is ${state.isolated}`);
  const threads = isolated && !withoutWorker ? Math.min(2, state.cores) : 1;
  check(state.threads === threads, `${label}: the module computes on ${state.threads} threads, not ${threads} (${state.cores} cores)`);
  const shown = await ids(page);
  check(shown.length === 20, `${label}: ${shown.length} recommendations, not 20`);

  // The page still works: rating its first recommendation changes the list.
  const before = await page.$eval('[data-testid="recommendations"]', (list) => list.dataset.version);
  await page.locator(`${RECOMMENDED} [data-testid="rate-4"]`).first().click();
  await page.waitForFunction((v) => document.querySelector('[data-testid="recommendations"]').dataset.version !== v, before);
  check(!(await ids(page)).includes(shown[0]), `${label}: the rated recommendation ${shown[0]} is still recommended`);

  // Without the worker script the threaded build is tried, then the single-threaded one.
  const [wanted, unwanted] = withoutWorker ? [[...THREADED, ...SINGLE], []]
    : isolated && threads > 1 ? [THREADED, SINGLE] : [SINGLE, THREADED];
  for (const file of wanted) check(requested.includes(file), `${label}: ${file} was not fetched: ${requested.join(', ')}`);
  for (const file of unwanted) check(!requested.includes(file), `${label}: ${file} was fetched too`);
  // Its 404 (and the Worker's error) are the only problems allowed, and there must be one.
  const missing = problems.filter((p) => p.includes('aerec-threads.worker.js'));
  check(!withoutWorker || missing.length > 0, `${label}: no failed request for the worker script`);
  const others = withoutWorker ? problems.filter((p) => !missing.includes(p)) : problems;
  check(others.length === 0, `${label}:\n${others.join('\n')}`);
  console.log(`${label}: crossOriginIsolated ${state.isolated}, ${state.threads} thread${state.threads > 1 ? 's' : ''} (${state.cores} cores); ` +
    `module files: ${requested.filter((r) => r.startsWith('aerec/')).join(', ')}`);
  await page.close();
  return shown;
}

await runTest(async () => {
  const site = process.argv[2];
  if (!site) throw new Failure('usage: node tests/web/threads.mjs SITE_DIR');
  if (!['index.html', 'aerec/aerec.js', 'aerec/aerec-threads.js'].every((file) => existsSync(path.join(site, file))))
    skip(`no demo site with the threaded module in ${site} (build it: cmake --preset wasm && cmake --build --preset wasm)`);
  const chromium = await loadChromium();
  const threaded = await withSite(path.resolve(site), chromium, (browser, url) => visit(browser, url, true));
  const single = await withSite(path.resolve(site), chromium, (browser, url) => visit(browser, url, false), ['--no-isolation']);
  check(threaded.join() === single.join(),
    `the recommendations differ: ${threaded.join(', ')} on threads, ${single.join(', ')} on one`);
  const copy = mkdtempSync(path.join(tmpdir(), 'aerec-site-'));
  try {
    cpSync(site, copy, { recursive: true });
    rmSync(path.join(copy, 'aerec', 'aerec-threads.worker.js'));
    const fallen = await withSite(copy, chromium, (browser, url) => visit(browser, url, true, true));
    check(fallen.join() === single.join(), `without the worker script the recommendations differ: ${fallen.join(', ')}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  console.log('PASS: 2 threads where the page is cross-origin isolated, one where it is not or the worker script is ' +
    'missing; the same recommendations');
});
