#!/usr/bin/env node
// Browser end-to-end test of the demo page, in Debian's Chromium through playwright-core:
//   node tests/web/e2e.mjs SITE_DIR [--screenshot PATH]
// PATH ending in .png names the desktop screenshot (the phone one gets "-phone" before .png);
// any other PATH is a folder that receives desktop.png and phone.png.
// Exits 0 on success, 1 on a failure (with the reason), 77 when the site, Chromium or
// playwright-core is missing (ctest reports a skip; with AEREC_REQUIRE_WASM=1, a failure).

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { skip } from '../wasm/module.mjs';
import { check, Failure, loadChromium, openPage, recordReadyTime, runTest, watch, withSite } from './browser.mjs';

const RATED = '[data-testid="rated-list"] [data-testid="rated-movie"]';
const RECOMMENDED = '[data-testid="recommendations"] [data-testid="recommendation"]';
const UP_NEXT = '[data-testid="up-next"] [data-movie-id]';

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
    return { desktop: target, phone: target.replace(/\.png$/, '-phone.png'), upNext: target.replace(/\.png$/, '-up-next.png') };
  }
  mkdirSync(target, { recursive: true });
  return {
    desktop: path.join(target, 'desktop.png'), phone: path.join(target, 'phone.png'), upNext: path.join(target, 'up-next.png'),
  };
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

/**
 * Checks the 20 recommendations: none rated (`rated`: a Map of id to stars), best first by score,
 * predicted stars within 1..5, and a reason under each that names only rated movies.
 */
async function checkRecommendations(page, rated) {
  const recommended = await ids(page, RECOMMENDED);
  check(recommended.length === 20, `expected 20 recommendations, got ${recommended.length}`);
  const overlap = recommended.filter((id) => rated.has(id));
  check(overlap.length === 0, `rated movies recommended: ${overlap.join(', ')}`);
  const shown = await page.$$eval(RECOMMENDED, (elements) => elements.map((e) => ({
    score: Number(e.dataset.score),
    stars: Number(e.dataset.stars),
    reasons: [...e.querySelectorAll('[data-testid="reason"]')].map((r) => r.textContent),
  })));
  check(shown.every((r, i) => Number.isFinite(r.score) && (i === 0 || r.score <= shown[i - 1].score)),
    `recommendations not best first: ${shown.map((r) => r.score).join(', ')}`);
  check(shown.every((r) => r.stars >= 1 && r.stars <= 5), `predicted stars outside 1..5: ${shown.map((r) => r.stars).join(', ')}`);
  check(shown.every((r) => r.reasons.length === 1 && r.reasons[0].length > 0), 'a recommendation without one reason');
  return recommended;
}

/** The reasons name rated movies with the stars given, and at least one recommendation has one. */
async function checkReasons(page, rated) {
  const titles = new Map(await page.$$eval(RATED, (items) => items.map((e) => [Number(e.dataset.movieId), e.querySelector('.title-text').textContent])));
  const reasons = await page.$$eval(`${RECOMMENDED} [data-testid="reason"]`, (elements) => elements.map((e) => e.textContent));
  const because = reasons.filter((text) => text.startsWith('Because you rated '));
  check(because.length > 0, `no recommendation says why: ${reasons.slice(0, 3).join(' | ')}`);
  for (const text of because) {
    const named = [...titles].filter(([id, title]) => text.includes(`${title} ${'★'.repeat(rated.get(id))}`));
    check(named.length > 0, `the reason "${text}" names no rated movie with its stars`);
  }
  return because[0];
}

/** "More like this" on the first recommendation lists its neighbours, not itself, and can be closed. */
async function checkSimilar(page) {
  const first = page.locator(RECOMMENDED).first();
  const id = Number(await first.getAttribute('data-movie-id'));
  const title = await first.locator('.title-text').textContent();
  await first.locator('[data-testid="more-like"]').click();
  await page.waitForSelector('[data-testid="similar"] [data-testid="similar-movie"]');
  const similar = await ids(page, '[data-testid="similar"] [data-testid="similar-movie"]');
  check(similar.length === 8 && !similar.includes(id), `"More like ${title}" lists ${similar.join(', ')}`);
  const heading = await page.textContent('#similar-heading');
  check(heading.includes(title), `the similar list's heading "${heading}" does not name ${title}`);
  const similarity = await page.$$eval('[data-testid="similar-movie"]', (e) => e.map((x) => Number(x.dataset.similarity)));
  check(similarity.every((v, i) => v <= 1.0001 && (i === 0 || v <= similarity[i - 1])), `similarities not best first: ${similarity.join(', ')}`);
  await page.click('#similar-close');
  check(await page.isHidden('#similar-card'), 'the similar list did not close');
  return { title, similar: similar.length };
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
 * little-known movie included, its top 20 must be the module's own model.recommend.
 */
async function checkAgainstModule(page, rated) {
  await page.check('#include-obscure');
  const shown = await ids(page, RECOMMENDED);
  const expected = await page.evaluate(async (ratings) => {
    const { default: createAerec } = await import(new URL('aerec/aerec.js', location.href).href);
    const aerec = await createAerec();
    const bytes = async (file) => new Uint8Array(await (await fetch(file)).arrayBuffer());
    const model = aerec.loadRecommender({ ranking: await bytes('demo/ranking.aerec'), rating: await bytes('demo/model.aerec') });
    const top = model.recommend(model.ratingsArray(ratings), 20).map((entry) => entry.itemId);
    model.delete();
    return top;
  }, Object.fromEntries(rated));
  check(shown.join() === expected.join(),
    `the page's top 20 is ${shown.join(', ')}; model.recommend gives ${expected.join(', ')}`);
  await page.uncheck('#include-obscure');
}

/** Stores [[id, rating], ...] as the page stores ratings, rated in that order. */
function storeRatings(page, entries) {
  return page.evaluate((list) => {
    const stored = Object.fromEntries(list.map(([id, rating], i) => [id, { rating, at: i + 1 }]));
    localStorage.setItem('aerec-demo-ratings-v1', JSON.stringify(stored));
  }, entries);
}

/** The "Up next" row once its model has loaded and it shows the ratings' next movies. */
async function upNextIds(page) {
  await page.waitForSelector(UP_NEXT);
  return ids(page, UP_NEXT);
}

/**
 * "Up next": movies not rated, the module's own SequenceModel.nextItems for the ratings in the
 * order rated (the movies the catalog lacks left out), and another row for the same ratings
 * rated in the reverse order. `rated` is in the order the visitor rated.
 */
async function checkUpNext(page, url, rated) {
  const shown = await upNextIds(page);
  check(shown.length >= 1 && shown.length <= 8, `"Up next" shows ${shown.length} movies, not 1 to 8`);
  check(shown.every((id) => !rated.has(id)), `"Up next" shows rated movies: ${shown.filter((id) => rated.has(id)).join(', ')}`);
  const expected = await page.evaluate(async (history) => {
    const { default: createAerec } = await import(new URL('aerec/aerec.js', location.href).href);
    const aerec = await createAerec();
    const model = aerec.loadSequenceModel(new Uint8Array(await (await fetch('demo/up-next.aerec')).arrayBuffer()));
    const { movies } = await (await fetch('demo/movies.json')).json();
    const catalog = new Set(movies.map((m) => m.id));
    const known = new Set(model.itemIds());
    const next = model.nextItems(history.filter((h) => known.has(h.itemId)), 60);
    model.delete();
    return next.map((r) => r.itemId).filter((id) => catalog.has(id)).slice(0, 8);
  }, [...rated].map(([itemId, rating]) => ({ itemId, rating })));
  check(shown.join() === expected.join(), `"Up next" shows ${shown.join(', ')}; nextItems gives ${expected.join(', ')}`);

  // The same ratings, stored as rated in the reverse order.
  const reversed = [...rated].reverse();
  await storeRatings(page, reversed);
  await openPage(page, url);
  const other = await upNextIds(page);
  check(other.join() !== shown.join(), `"Up next" is the same (${shown.join(', ')}) for the ratings in the reverse order`);
  // Back to the order rated, for the rest of the test.
  await storeRatings(page, [...rated]);
  await openPage(page, url);
  check((await upNextIds(page)).join() === shown.join(), '"Up next" did not come back for the ratings in their order');
  return { shown, other };
}

/** The row's own share of each update, as the page timed it (data-update-ms). */
const upNextMs = (page) => page.$eval('[data-testid="up-next"]', (list) => Number(list.dataset.updateMs));

/**
 * Bytes the visit downloaded, as sent: `up-next` the "Up next" model's alone (loaded after the page
 * is ready), else the document and every resource but the taste map's (tests/web/taste_map.mjs
 * holds those to a budget of their own) and that model.
 */
function transferredBytes(page, upNext = false) {
  return page.evaluate((only) => performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .filter((entry) => (only ? entry.name.includes('up-next.aerec') : !/taste-map|up-next\.aerec/.test(entry.name)))
    .reduce((sum, entry) => sum + entry.encodedBodySize, 0), upNext);
}

/**
 * With 20 ratings (the most rated movies, stored as the page stores them), times five star
 * clicks on recommendations: each predicts, ranks, explains 20 movies and redraws.
 */
async function timeUpdatesWith20(page, url) {
  const popular = await page.evaluate(async () => {
    const { movies } = await (await fetch('demo/movies.json')).json();
    return movies.sort((a, b) => b.ratings - a.ratings).slice(0, 20).map((m, i) => [m.id, 1 + (i % 5)]);
  });
  await storeRatings(page, popular);
  await openPage(page, url);
  check((await ids(page, RATED)).length === 20, 'the 20 stored ratings were not restored');
  await upNextIds(page);
  const times = [];
  const upNext = [];
  for (let i = 0; i < 5; i++) {
    const remove = page.locator(`${RATED} [data-testid="remove-rating"]`).first();
    await remove.click();
    const star = page.locator(`${RECOMMENDED} [data-testid="rate-4"]`).first();
    times.push(await timedClick(star));
    upNext.push(await upNextMs(page));
  }
  return { times, upNext };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function run({ site, screenshot }, chromium) {
  const shots = screenshotPaths(screenshot);
  await withSite(site, chromium, async (browser, url) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const { problems } = watch(page, url);
    await page.addInitScript(recordReadyTime);

    const loadMs = await openPage(page, url);
    // The row's model loads after the page is ready: wait for its first (empty) row.
    await page.waitForSelector('[data-testid="up-next"]:not([data-version="0"])', { state: 'attached' });
    check(await page.isHidden('[data-testid="up-next"]'), '"Up next" shows movies before any rating');
    const bytes = await transferredBytes(page);
    const upNextBytes = await transferredBytes(page, true);
    // 3 MB, and 50 kB more for the threaded module (its scripts, and its wasm's atomics) where the
    // page is cross-origin isolated, as serve.mjs makes it.
    const threaded = Number(await page.getAttribute('body', 'data-threads')) > 1;
    const budget = 3_000_000 + (threaded ? 50_000 : 0);
    check(bytes <= budget, `the page downloads ${bytes} bytes besides its taste map; the budget is ${budget}`);
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
    const reason = await checkReasons(page, rated);
    const similar = await checkSimilar(page);
    await checkGenreFilter(page, rated);
    await checkAgainstModule(page, rated);
    await page.fill('[data-testid="movie-search"]', '');
    const upNext = await checkUpNext(page, url, rated);
    if (shots) {
      await page.screenshot({ path: shots.desktop, fullPage: true });
      await page.locator('#up-next-card').screenshot({ path: shots.upNext });
    }

    await openPage(page, url);
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

    // Timed, never asserted: the figures are printed for bench/page-update.sh, which takes medians over runs.
    const { times: with20, upNext: upNextWith20 } = await timeUpdatesWith20(page, url);

    await page.setViewportSize({ width: 375, height: 812 });
    await page.evaluate(() => { document.getElementById('starters').open = true; });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `the page is ${overflow} px wider than a 375 px phone screen`);
    if (shots) await page.screenshot({ path: shots.phone, fullPage: true });

    check(problems.length === 0, problems.join('\n'));
    console.log(`transfer: ${bytes.toLocaleString('en')} bytes besides the taste map and the "Up next" model (${upNextBytes.toLocaleString('en')})`);
    console.log(`load-to-interactive: ${Math.round(loadMs)} ms`);
    console.log(`recommendation update: median ${median(updates).toFixed(1)} ms (${updates.length} clicks, 1-5 ratings)`);
    console.log(`update with 20 ratings (predict, rank, explain 20, redraw): median ${median(with20).toFixed(1)} ms (${with20.map((t) => t.toFixed(1)).join(', ')})`);
    console.log(`"Up next" (its share of the update with 20 ratings: median ${median(upNextWith20).toFixed(1)} ms): ` +
      `${upNext.shown.join(', ')}; rated in the reverse order: ${upNext.other.join(', ')}`);
    console.log(`a reason: "${reason}"; more like ${similar.title}: ${similar.similar} movies`);
    if (shots) console.log(`screenshots: ${shots.desktop} ${shots.phone} ${shots.upNext}`);
    console.log('PASS: search, rating by click and keyboard, live recommendations (as model.recommend ranks them) with reasons, more like this, genre filter, "Up next" from the order rated, restore, remove, phone width');
  });
}

await runTest(async () => {
  const options = parseArguments(process.argv.slice(2));
  await run(options, await loadChromium());
});
