#!/usr/bin/env node
// Browser end-to-end test of the demo page, in Debian's Chromium through playwright-core:
//   node tests/web/e2e.mjs SITE_DIR [--screenshot PATH]
// PATH ending in .png names the desktop screenshot (the phone one gets "-phone" before .png);
// any other PATH is a folder that receives desktop.png and phone.png.
// Exits 0 on success, 1 on a failure (with the reason), 77 when the site, Chromium or
// playwright-core is missing (ctest reports a skip; with AEREC_REQUIRE_WASM=1, a failure).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { skip } from '../wasm/module.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVE = path.resolve(HERE, '../../web/serve.mjs');
const RATED = '[data-testid="rated-list"] [data-testid="rated-movie"]';
const RECOMMENDED = '[data-testid="recommendations"] [data-testid="recommendation"]';

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

function parseArguments(args) {
  let site = null;
  let screenshot = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--screenshot') screenshot = args[++i];
    else if (!site) site = args[i];
    else throw new Failure(`unexpected argument ${args[i]}`);
  }
  if (!site || screenshot === undefined) throw new Failure('usage: node tests/web/e2e.mjs SITE_DIR [--screenshot PATH]');
  if (!['index.html', 'aerec/aerec.js', 'demo/model.aerec'].every((file) => existsSync(path.join(site, file)))) {
    skip(`no demo site in ${site} (build it: cmake --preset wasm && cmake --build --preset wasm)`);
  }
  return { site: path.resolve(site), screenshot };
}

function screenshotPaths(target) {
  if (!target) return null;
  if (target.endsWith('.png')) {
    mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    return { desktop: target, phone: target.replace(/\.png$/, '-phone.png') };
  }
  mkdirSync(target, { recursive: true });
  return { desktop: path.join(target, 'desktop.png'), phone: path.join(target, 'phone.png') };
}

async function loadChromium() {
  if (!existsSync(CHROMIUM)) skip(`${CHROMIUM} is missing (apt-get install chromium)`);
  try {
    return (await import('playwright-core')).chromium;
  } catch {
    return skip(`playwright-core is not installed: run npm ci in ${HERE}`);
  }
}

/** Starts web/serve.mjs on a free port; resolves with the child and its URL. */
function startServer(site) {
  const child = spawn(process.execPath, [SERVE, site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Failure(`serve.mjs printed no URL in 10 s: ${output}`)), 10_000);
    const onData = (data) => {
      output += data;
      const match = /aerec demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Failure(`serve.mjs exited with ${code}: ${output}`)));
  });
}

/** Collects what must never happen: console errors or warnings, page errors, outside requests. */
function watch(page, origin) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:')) problems.push(`request outside the local server: ${url}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return problems;
}

/** Records when body[data-ready] turns "true", on the page's own clock (0 = navigation start). */
function recordReadyTime() {
  new MutationObserver((_, observer) => {
    if (document.body?.dataset.ready === 'true') {
      window.readyAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
}

async function openPage(page, url) {
  await page.goto(url);
  try {
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  } catch {
    const shown = await page.textContent('#load-error').catch(() => null);
    throw new Failure(`the page did not become ready in 30 s${shown ? `: ${shown.replace(/\s+/g, ' ').trim()}` : ''}`);
  }
  return page.evaluate(() => window.readyAt);
}

const ids = (page, selector) => page.$$eval(selector, (elements) => elements.map((e) => Number(e.dataset.movieId)));

/** Clicks a star in the page and times it until the recommendations' version changes. */
function timedClick(button) {
  return button.evaluate((element) => new Promise((resolve, reject) => {
    const list = document.querySelector('[data-testid="recommendations"]');
    const before = list.dataset.version;
    const start = performance.now();
    const timer = setTimeout(() => reject(new Error('the recommendations did not update within 10 s')), 10_000);
    const observer = new MutationObserver(() => {
      if (list.dataset.version === before) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(performance.now() - start);
    });
    observer.observe(list, { attributes: true, attributeFilter: ['data-version'] });
    element.click();
  }));
}

async function firstResult(page, query) {
  await page.fill('[data-testid="movie-search"]', query);
  const result = page.locator('[data-testid="search-result"]').first();
  await result.waitFor();
  return { result, id: Number(await result.getAttribute('data-movie-id')) };
}

/** Checks the 20 recommendations: none rated (`rated`: a Map of id to stars), best first. */
async function checkRecommendations(page, rated) {
  const recommended = await ids(page, RECOMMENDED);
  check(recommended.length === 20, `expected 20 recommendations, got ${recommended.length}`);
  const overlap = recommended.filter((id) => rated.has(id));
  check(overlap.length === 0, `rated movies recommended: ${overlap.join(', ')}`);
  const scores = await page.$$eval(RECOMMENDED, (elements) => elements.map((e) => Number(e.dataset.score)));
  check(scores.every((s, i) => s >= 1 && s <= 5 && (i === 0 || s <= scores[i - 1])),
    `recommendation scores not in 1..5 best first: ${scores.join(', ')}`);
  return recommended;
}

/** Rates the first result of `query` by clicking its star; returns the movie id and the update time. */
async function rateByClick(page, query, stars, rated) {
  const { result, id } = await firstResult(page, query);
  const button = result.locator(`[data-testid="rate-${stars}"]`);
  check((await button.getAttribute('aria-label'))?.startsWith('Rate '), `rate-${stars} of "${query}" has no "Rate ..." label`);
  const ms = await timedClick(button);
  await page.waitForSelector(`${RATED}[data-movie-id="${id}"]`);
  check(await button.getAttribute('aria-pressed') === 'true', `rate-${stars} of "${query}" is not pressed after rating`);
  rated.set(id, stars);
  await checkRecommendations(page, rated);
  return ms;
}

/** Rates the first result of `query` with the keyboard: arrow down to it, then a digit. */
async function rateByKeyboard(page, query, stars, rated) {
  const { id } = await firstResult(page, query);
  await page.focus('[data-testid="movie-search"]');
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement.dataset.movieId);
  check(Number(focused) === id, `ArrowDown did not focus the first result of "${query}"`);
  await page.keyboard.press(String(stars));
  await page.waitForSelector(`${RATED}[data-movie-id="${id}"]`);
  rated.set(id, stars);
  await checkRecommendations(page, rated);
}

async function checkTitles(page) {
  const { result } = await firstResult(page, 'american president');
  const title = await result.locator('.title-text').textContent();
  check(title === 'The American President', `"American President, The" is shown as "${title}"`);
}

async function checkGenreFilter(page, rated) {
  await page.selectOption('#genre-filter', 'Comedy');
  const genres = await page.$$eval(`${RECOMMENDED} .genres`, (elements) => elements.map((e) => e.textContent));
  check(genres.length === 20 && genres.every((g) => g.split(' · ').includes('Comedy')),
    `the Comedy filter shows ${genres.length} movies, not all comedies: ${genres.join(' | ')}`);
  await page.selectOption('#genre-filter', '');
  await checkRecommendations(page, rated);
}

/**
 * The page ranks movies itself (genre filters need all of them ranked): with every genre and
 * little-known movie included, its top 20 must score as the module's own model.recommend does.
 */
async function checkAgainstModule(page, rated) {
  await page.check('#include-obscure');
  const shown = await page.$$eval(RECOMMENDED, (elements) => elements.map((e) => Number(e.dataset.score)));
  const expected = await page.evaluate(async (ratings) => {
    const { default: createAerec } = await import(new URL('aerec/aerec.js', location.href).href);
    const aerec = await createAerec();
    const model = aerec.loadModel(new Uint8Array(await (await fetch('demo/model.aerec')).arrayBuffer()));
    const top = model.recommend(model.ratingsArray(ratings), 20).map((entry) => entry.score);
    model.delete();
    return top;
  }, Object.fromEntries(rated));
  check(shown.length === expected.length && shown.every((score, i) => Math.abs(score - expected[i]) <= 0.005),
    `the page's top 20 scores ${shown.join(', ')}; model.recommend scores ${expected.map((s) => s.toFixed(2)).join(', ')}`);
  await page.uncheck('#include-obscure');
}

/** Bytes the visit downloaded: the document and every resource (serve.mjs sends them uncompressed). */
function transferredBytes(page) {
  return page.evaluate(() => performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .reduce((sum, entry) => sum + entry.encodedBodySize, 0));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function run({ site, screenshot }, chromium) {
  const shots = screenshotPaths(screenshot);
  const server = await startServer(site);
  let browser = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const problems = watch(page, server.url);
    await page.addInitScript(recordReadyTime);

    const loadMs = await openPage(page, server.url);
    const bytes = await transferredBytes(page);
    check(bytes <= 3_000_000, `the page downloads ${bytes} bytes; the budget is 3 MB`);
    check((await ids(page, RECOMMENDED)).length === 0, 'recommendations shown before any rating');
    check(await page.isVisible('text=Rate a movie to see recommendations'), 'no empty state before the first rating');
    await checkTitles(page);

    const rated = new Map();
    const updates = [await rateByClick(page, 'Star Wars', 5, rated)];
    const afterFirst = await ids(page, RECOMMENDED);
    updates.push(await rateByClick(page, 'Toy Story', 4, rated));
    await rateByKeyboard(page, 'Fargo', 4, rated);
    updates.push(await rateByClick(page, 'Matrix', 5, rated));
    updates.push(await rateByClick(page, 'Godfather', 3, rated));
    const afterAll = await checkRecommendations(page, rated);
    check(afterAll.join() !== afterFirst.join(), 'the recommendations did not change after four more ratings');
    await checkGenreFilter(page, rated);
    await checkAgainstModule(page, rated);
    await page.fill('[data-testid="movie-search"]', '');
    if (shots) await page.screenshot({ path: shots.desktop, fullPage: true });

    await openPage(page, server.url);
    const restored = await ids(page, RATED);
    check(restored.length === 5 && restored.every((id) => rated.has(id)),
      `after a reload the rated list holds ${restored.join(', ')}, not ${[...rated.keys()].join(', ')}`);
    await checkRecommendations(page, rated);

    const removed = restored[0];
    await page.click(`${RATED}[data-movie-id="${removed}"] [data-testid="remove-rating"]`);
    const left = await ids(page, RATED);
    check(left.length === 4 && !left.includes(removed), `after removing ${removed} the rated list holds ${left.join(', ')}`);
    rated.delete(removed);
    await checkRecommendations(page, rated);

    await page.setViewportSize({ width: 375, height: 812 });
    await page.evaluate(() => { document.getElementById('starters').open = true; });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `the page is ${overflow} px wider than a 375 px phone screen`);
    if (shots) await page.screenshot({ path: shots.phone, fullPage: true });

    check(problems.length === 0, problems.join('\n'));
    console.log(`transfer: ${bytes.toLocaleString('en')} bytes`);
    console.log(`load-to-interactive: ${Math.round(loadMs)} ms`);
    console.log(`recommendation update: median ${median(updates).toFixed(1)} ms (${updates.length} clicks)`);
    if (shots) console.log(`screenshots: ${shots.desktop} ${shots.phone}`);
    console.log('PASS: search, rating by click and keyboard, live recommendations (as model.recommend ranks them), genre filter, restore, remove, phone width');
  } finally {
    await browser?.close();
    server.child.kill();
  }
}

try {
  const options = parseArguments(process.argv.slice(2));
  await run(options, await loadChromium());
} catch (error) {
  console.error(`FAIL: ${error instanceof Failure ? error.message : error.stack ?? error}`);
  process.exit(1);
}
