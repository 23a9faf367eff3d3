#!/usr/bin/env node
// The demo page's taste map in Debian's Chromium: every movie drawn, a dot clicked or reached by
// keyboard opens the movie to rate, the visitor's dot appears with the first rating and moves
// with the next, recommendations are marked, zoom and pan work by buttons, wheel, drag and keys,
// a phone taps a dot, the map's files stay within 400 KB, and nothing goes to the console.
//   node tests/web/taste_map.mjs SITE_DIR [--screenshot DIR]
// Exits 77 (skip) when the site, Chromium or playwright-core is missing.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { skip } from '../wasm/module.mjs';
import { check, Failure, loadChromium, openPage, runTest, watch, withSite } from './browser.mjs';

const MAP = '[data-testid="taste-map"]';
const YOU = '[data-testid="you-dot"]';
const PICKED = '[data-testid="map-movie"]';
const MAP_BYTES = 400_000;

function parseArguments(args) {
  const site = args[0];
  const screenshots = args[1] === '--screenshot' ? args[2] : null;
  if (!site) throw new Failure('usage: node tests/web/taste_map.mjs SITE_DIR [--screenshot DIR]');
  if (!['index.html', 'aerec/aerec.js', 'demo/taste-map.json'].every((file) => existsSync(path.join(site, file)))) {
    skip(`no demo site with a taste map in ${site} (build it: cmake --preset wasm && cmake --build --preset wasm)`);
  }
  if (screenshots) mkdirSync(screenshots, { recursive: true });
  return { site: path.resolve(site), screenshots };
}

const frameData = (page) => page.$eval(MAP, (frame) => ({ ...frame.dataset }));
const youPlace = (page) => page.$eval(YOU, (dot) => (dot.hidden ? null : { x: Number(dot.dataset.x), y: Number(dot.dataset.y) }));

/** Where movie `id` is drawn, in page coordinates, from the view the map reports. */
async function screenOf(page, map, id) {
  const i = map.ids.indexOf(id);
  check(i >= 0, `movie ${id} is not on the map`);
  const view = await frameData(page);
  const canvas = page.locator(`${MAP} canvas`);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  return {
    x: box.x + Number(view.originX) + map.x[i] * Number(view.scale),
    y: box.y + Number(view.originY) - map.y[i] * Number(view.scale),
  };
}

/** Pixels of the canvas that are drawn on. */
function drawnPixels(page) {
  return page.$eval(`${MAP} canvas`, (canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) drawn += data[i] > 0 ? 1 : 0;
    return drawn;
  });
}

function mapBytes(page) {
  return page.evaluate(() => performance.getEntriesByType('resource')
    .filter((entry) => entry.name.includes('taste-map'))
    .reduce((sum, entry) => sum + entry.encodedBodySize, 0));
}

async function rateWhenPicked(page, stars) {
  const picked = page.locator(PICKED);
  await picked.waitFor();
  const id = Number(await picked.getAttribute('data-movie-id'));
  await picked.locator(`[data-testid="rate-${stars}"]`).click();
  await page.waitForSelector(`[data-testid="rated-movie"][data-movie-id="${id}"]`);
  return id;
}

async function waitForMove(page, from) {
  await page.waitForFunction(([selector, x, y]) => {
    const dot = document.querySelector(selector);
    return !dot.hidden && (Number(dot.dataset.x) !== x || Number(dot.dataset.y) !== y);
  }, [YOU, from.x, from.y]);
  return youPlace(page);
}

async function checkDesktop(page, map, screenshots) {
  const frame = await frameData(page);
  const onCatalogue = await page.evaluate(async () => (await (await fetch('demo/movies.json')).json()).movies.length);
  check(Number(frame.points) === onCatalogue, `the map draws ${frame.points} movies; the catalogue has ${onCatalogue}`);
  check(await drawnPixels(page) > 20_000, 'the map canvas is (nearly) empty');
  check(await youPlace(page) === null, 'the visitor has a dot before rating anything');
  const bytes = await mapBytes(page);
  check(bytes > 0 && bytes <= MAP_BYTES, `the map's files take ${bytes} bytes; the budget is ${MAP_BYTES}`);

  // Hover names a movie; a click opens it to rate; the first rating places the visitor.
  const starWars = await screenOf(page, map, 260);
  await page.mouse.move(starWars.x, starWars.y);
  await page.waitForSelector('#map-tip:not([hidden])');
  const tip = await page.textContent('#map-tip');
  await page.mouse.click(starWars.x, starWars.y);
  const first = await rateWhenPicked(page, 5);
  check(tip.length > 0 && (await page.textContent(`[data-testid="rated-movie"][data-movie-id="${first}"]`)).length > 0,
    'hovering showed no title, or the clicked movie was not rated');
  await page.waitForSelector(`${YOU}:not([hidden])`);
  const placed = await youPlace(page);
  check(Number.isFinite(placed.x) && Number.isFinite(placed.y), `the visitor's dot has no place: ${JSON.stringify(placed)}`);
  const marked = Number((await frameData(page)).recommended);
  const listed = await page.locator('[data-testid="recommendations"] [data-testid="recommendation"]').count();
  check(marked === listed && listed > 0, `the map marks ${marked} recommendations; the list shows ${listed}`);

  // By keyboard: arrows move between movies, a digit rates the one reached; the dot moves.
  await page.focus(MAP);
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft');
  const reached = Number((await frameData(page)).movieId);
  check(reached > 0 && reached !== first, `the arrow keys reached movie ${reached}`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${PICKED}[data-movie-id="${reached}"]`);
  await page.keyboard.press('5');
  await page.waitForSelector(`[data-testid="rated-movie"][data-movie-id="${reached}"]`);
  const moved = await waitForMove(page, placed);

  // Zoom and pan: buttons, keys, wheel, drag.
  await page.click('[data-map-zoom="in"]');
  check(Number((await frameData(page)).zoom) > 1.4, 'the zoom-in button did not zoom');
  await page.focus(MAP);
  await page.keyboard.press('0');
  check(Number((await frameData(page)).zoom) === 1, 'the 0 key did not show the whole map');
  await page.locator(MAP).scrollIntoViewIfNeeded();
  const box = await page.locator(MAP).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction((selector) => Number(document.querySelector(selector).dataset.zoom) > 1.5, MAP);
  const before = Number((await frameData(page)).originX);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 30, { steps: 5 });
  await page.mouse.up();
  const after = Number((await frameData(page)).originX);
  check(Math.abs(after - before - 80) < 1, `a drag of 80 px moved the map ${after - before} px`);
  check(await page.locator(`${PICKED}[data-movie-id="${reached}"]`).count() === 1, 'a drag picked a movie');
  await page.click('[data-map-zoom="reset"]');

  await page.click('.legend-item >> nth=0');
  check(await page.getAttribute('.legend-item >> nth=0', 'aria-pressed') === 'true', 'a genre button did not stay pressed');
  await page.click('.legend-item >> nth=0');
  if (screenshots) await page.locator('#map-card').screenshot({ path: path.join(screenshots, 'taste-map.png') });
  return { placed, moved, bytes };
}

async function checkPhone(browser, url, map, screenshots) {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const { problems } = watch(page, url);
  await openPage(page, url);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `with the map the page is ${overflow} px wider than a 375 px phone screen`);
  await page.locator(MAP).scrollIntoViewIfNeeded();
  const toyStory = await screenOf(page, map, 1);
  await page.touchscreen.tap(toyStory.x, toyStory.y);
  await rateWhenPicked(page, 4);
  await page.waitForSelector(`${YOU}:not([hidden])`);
  if (screenshots) await page.locator('#map-card').screenshot({ path: path.join(screenshots, 'taste-map-phone.png') });
  check(problems.length === 0, problems.join('\n'));
  await context.close();
}

async function run({ site, screenshots }, chromium) {
  const map = JSON.parse(readFileSync(path.join(site, 'demo', 'taste-map.json'), 'utf8'));
  await withSite(site, chromium, async (browser, url) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const { problems } = watch(page, url);
    await openPage(page, url);
    const { placed, moved, bytes } = await checkDesktop(page, map, screenshots);
    check(problems.length === 0, problems.join('\n'));
    await checkPhone(browser, url, map, screenshots);
    console.log(`map files: ${bytes.toLocaleString('en')} bytes as sent`);
    console.log(`the visitor's dot: (${placed.x}, ${placed.y}) after one rating, (${moved.x}, ${moved.y}) after two`);
    if (screenshots) console.log(`screenshots: ${path.join(screenshots, 'taste-map.png')} ${path.join(screenshots, 'taste-map-phone.png')}`);
    console.log('PASS: the taste map draws every movie, opens one by click, tap and keyboard to rate, places and moves the visitor, marks the recommendations, zooms and pans');
  });
}

await runTest(async () => {
  const options = parseArguments(process.argv.slice(2));
  await run(options, await loadChromium());
});
