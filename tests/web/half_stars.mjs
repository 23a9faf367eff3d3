#!/usr/bin/env node
// The demo page with models trained on half stars (ml-latest-small, 0.5 to 5): its rating
// controls offer every half star, say so, and keep a 3.5 through a reload.
//   node tests/web/half_stars.mjs --site SITE_DIR --aerec AEREC --work DIR
// Skips (77) without ml-latest-small in $MOVIELENS_DIR, the built site, Chromium or playwright-core.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, skip } from '../wasm/module.mjs';
import { check, loadChromium, openPage, runTest, watch, withSite } from './browser.mjs';

const HALVES = ['0.5', '1', '1.5', '2', '2.5', '3', '3.5', '4', '4.5', '5'];

/** The built site with two small models of ml-latest-small in demo/, as aerec export writes them. */
function halfStarSite({ site, aerec, work }, data) {
  rmSync(work, { recursive: true, force: true });
  cpSync(site, path.join(work, 'site'), { recursive: true });
  const train = (out, flags) => execFileSync(aerec, ['train', '--data', data, '--split', 'users:0.1', '--epochs', '2',
    '--layers', '8', '--threads', '1', '--out', out, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  train(path.join(work, 'ranking.aerec'), ['--preset', 'mult-dae']);
  train(path.join(work, 'rating.aerec'), ['--preset', 'seed-fixed']);
  execFileSync(aerec, ['export', path.join(work, 'ranking.aerec'), path.join(work, 'rating.aerec'),
    '--web', path.join(work, 'site', 'demo')], { stdio: ['ignore', 'ignore', 'pipe'] });
  return path.join(work, 'site');
}

async function run(args, chromium) {
  const data = process.env.MOVIELENS_DIR && path.join(process.env.MOVIELENS_DIR, 'ml-latest-small');
  if (!data || !existsSync(data)) skip('ml-latest-small is not in $MOVIELENS_DIR');
  if (!existsSync(path.join(args.site, 'aerec', 'aerec.js'))) skip(`no demo site in ${args.site} (build the wasm preset)`);
  await withSite(halfStarSite(args, data), chromium, async (browser, url) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { problems } = watch(page, url);
    await openPage(page, url);
    const note = await page.textContent('#scale-note');
    check(note.includes('0.5') || note.includes('½'), `the scale note does not give the half-star scale: "${note}"`);
    check(note.includes('half stars'), `the scale note does not say half stars: "${note}"`);
    const rates = await page.$eval('.starter .stars', (group) => [...group.querySelectorAll('button[data-rate]')].map((b) => b.dataset.rate));
    check(rates.join() === HALVES.join(), `a starter's rating buttons are ${rates.join(', ')}, not every half star`);

    await page.fill('[data-testid="movie-search"]', 'Toy Story');
    const result = page.locator('[data-testid="search-result"]').first();
    const id = Number(await result.getAttribute('data-movie-id'));
    await result.locator('[data-testid="rate-3.5"]').click();
    const rated = `[data-testid="rated-list"] [data-movie-id="${id}"] .stars`;
    await page.waitForSelector(`${rated}[data-rating="3.5"]`);
    const lit = await page.$$eval(`${rated} .star.lit`, (stars) => stars.length);
    check(lit === 7, `3.5 stars light ${lit} half-star buttons, not 7`);
    const stars = await page.$$eval('[data-testid="recommendation"]', (items) => items.map((e) => Number(e.dataset.stars)));
    check(stars.length === 20 && stars.every((s) => s >= 0.5 && s <= 5), `predicted stars outside 0.5..5: ${stars.join(', ')}`);

    await openPage(page, url);
    await page.waitForSelector(`${rated}[data-rating="3.5"]`);
    check(problems.length === 0, problems.join('\n'));
    console.log(`scale note: "${note}"; buttons ${rates.join(' ')}`);
    console.log('PASS: half-star models: every half star offered, a 3.5 shown, kept and restored');
  });
}

await runTest(async () => run(parseArgs(process.argv.slice(2)), await loadChromium()));
