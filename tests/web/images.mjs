#!/usr/bin/env node
// The image page (images.html) in Debian's Chromium: the model loads, a sample picked by click or
// by the gallery's arrow keys becomes the input, the noise slider moved by keys redraws the noise
// and the reconstruction (once per frame, however many events), which at noise 0.5 beats the noisy
// input's PSNR by several dB; noise kind and "new noise" redraw; drawing by mouse, keyboard and
// touch changes the input; every control is reached by Tab with a visible focus ring; a 375 px
// phone has no sideways scrolling; a damaged or missing model is said on the page, which stays
// usable; nothing else goes to the console.
//   node tests/web/images.mjs SITE_DIR [--screenshot DIR]
// Exits 77 (skip) when the site, its image model, Chromium or playwright-core is missing.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { skip } from '../wasm/module.mjs';
import { check, Failure, loadChromium, openPage, recordReadyTime, runTest, watch, withSite } from './browser.mjs';

const INPUT = '[data-testid="image-input"]';
const NOISY = '[data-testid="noisy-input"]';
const SLIDER = '[data-testid="noise-slider"]';
const RECON = '[data-testid="reconstruction"]';
const THUMB = '[data-testid="gallery"] .thumb';
const MIN_GAIN_DB = 4;   // one sample's denoised PSNR over its noisy input's, at noise 0.5
const MIN_MEAN_GAIN_DB = 6;

function parseArguments(args) {
  const site = args[0];
  const screenshots = args[1] === '--screenshot' ? args[2] : null;
  if (!site) throw new Failure('usage: node tests/web/images.mjs SITE_DIR [--screenshot DIR]');
  const needed = ['images.html', 'aerec/aerec.js', 'demo/images.aerec', 'demo/fashion-mnist/samples.bin'];
  const missing = needed.filter((file) => !existsSync(path.join(site, file)));
  if (missing.length > 0) {
    skip(`the demo site in ${site} has no ${missing.join(', ')} (build it: cmake --preset wasm && cmake --build --preset wasm)`);
  }
  if (screenshots) mkdirSync(screenshots, { recursive: true });
  return { site: path.resolve(site), screenshots };
}

const data = (page, selector) => page.$eval(selector, (element) => ({ ...element.dataset }));
const updates = async (page) => Number((await data(page, RECON)).updated);
const inputVersion = async (page) => Number((await data(page, INPUT)).version);

/** Waits for the reconstruction to be redrawn after `count` updates; returns its data. */
async function afterUpdate(page, count) {
  await page.waitForFunction(([selector, n]) => Number(document.querySelector(selector).dataset.updated) > n, [RECON, count]);
  return data(page, RECON);
}

/** Runs `action` and waits for the reconstruction it causes. */
async function updated(page, action) {
  const before = await updates(page);
  await action();
  return afterUpdate(page, before);
}

const checkedIndex = (page) => page.$eval(`${THUMB}[aria-checked="true"]`, (b) => Number(b.dataset.index)).catch(() => null);

/** The focused element: its id, testid, class and whether its focus ring shows. */
function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
      id: element.id,
      testid: element.dataset.testid ?? '',
      className: typeof element.className === 'string' ? element.className : '',
      tag: element.tagName.toLowerCase(),
      ring: element.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

async function checkLoaded(page) {
  const state = await page.evaluate(() => ({
    model: document.body.dataset.model,
    error: document.getElementById('load-error').hidden ? '' : document.getElementById('load-error').textContent,
    thumbs: document.querySelectorAll('[data-testid="gallery"] .thumb').length,
    caption: document.querySelector('[data-testid="model-info"]').textContent,
  }));
  check(state.model === 'loaded', `the image model did not load: ${state.error.replace(/\s+/g, ' ').trim()}`);
  check(state.thumbs === 300, `the gallery shows ${state.thumbs} images, not 300`);
  check(/PSNR/.test(state.caption), `the model caption gives no test PSNR: "${state.caption}"`);
  check(await checkedIndex(page) === 0, 'the first sample is not the input at the start');
  await page.waitForFunction((selector) => Number(document.querySelector(selector).dataset.updated) >= 1, RECON);
  return state.caption;
}

/** The slider by keys: to 0 (the noisy input is the clean one), then back to 0.5. */
async function checkSlider(page) {
  await page.focus(SLIDER);
  for (let i = 0; i < 10; i++) {
    const before = await updates(page);
    await page.keyboard.press('ArrowLeft');
    await afterUpdate(page, before);
  }
  check(await page.inputValue(SLIDER) === '0', `ten ArrowLefts left the slider at ${await page.inputValue(SLIDER)}`);
  check(await page.textContent('#noise-value') === '0.00', `the slider's label says ${await page.textContent('#noise-value')} at 0`);
  const clean = await data(page, RECON);
  check(clean.noisyPsnr === 'Infinity', `without noise the noisy input's PSNR is ${clean.noisyPsnr}, not infinite`);
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction((selector) => Number.isFinite(Number(document.querySelector(selector).dataset.noisyPsnr)), RECON);
  check(await page.inputValue(SLIDER) === '0.5', `ten ArrowRights left the slider at ${await page.inputValue(SLIDER)}`);
  check(await page.textContent('#noise-value') === '0.50', `the slider's label says ${await page.textContent('#noise-value')} at 0.5`);
}

/** Twenty slider events in one task make one update, not twenty. */
async function checkThrottle(page) {
  const before = await updates(page);
  await page.$eval(SLIDER, (slider) => {
    for (let i = 0; i < 20; i++) {
      slider.value = String((i % 2) * 0.05 + 0.45);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    }
    slider.value = '0.5';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await afterUpdate(page, before);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const made = (await updates(page)) - before;
  check(made === 1, `21 slider events in one task made ${made} updates, not 1`);
}

/** The first ten samples, reached by the gallery's arrow keys: the denoised PSNR beats the noisy one's. */
async function checkDenoising(page) {
  const gains = [];
  await page.focus(`${THUMB}[aria-checked="true"]`);
  for (let step = 0; step < 10; step++) {
    if (step > 0) {
      const [from, version] = [await checkedIndex(page), await inputVersion(page)];
      await updated(page, () => page.keyboard.press('ArrowRight'));
      const to = await checkedIndex(page);
      check(to === from + 1 && (await inputVersion(page)) > version, `ArrowRight in the gallery moved from sample ${from} to ${to}`);
      check((await focused(page)).className.includes('thumb'), 'ArrowRight took the focus out of the gallery');
    }
    const { psnr, noisyPsnr } = await data(page, RECON);
    gains.push(Number(psnr) - Number(noisyPsnr));
  }
  const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
  check(gains.every((gain) => gain >= MIN_GAIN_DB), `at noise 0.5 the denoised PSNR beats the noisy one's by ${gains.map((g) => g.toFixed(1)).join(', ')} dB; each should by ${MIN_GAIN_DB}`);
  check(mean >= MIN_MEAN_GAIN_DB, `at noise 0.5 the denoised PSNR beats the noisy one's by ${mean.toFixed(2)} dB on average; ${MIN_MEAN_GAIN_DB} expected`);
  // End and Home.
  await updated(page, () => page.keyboard.press('End'));
  check(await checkedIndex(page) === 299, 'End did not pick the last sample');
  await updated(page, () => page.keyboard.press('Home'));
  check(await checkedIndex(page) === 0, 'Home did not pick the first sample');
  return { gains, mean };
}

async function checkNoiseControls(page) {
  const gaussian = await data(page, RECON);
  const salted = await updated(page, () => page.selectOption('#noise-kind', 'salt-pepper'));
  check(salted.noisyPsnr !== gaussian.noisyPsnr, 'salt-and-pepper noise left the noisy input as it was');
  const hint = await page.textContent('#noise-meaning');
  check(/black or white/.test(hint), `the noise's meaning says "${hint}" for salt and pepper`);
  await page.focus('[data-testid="new-noise"]');
  const redrawn = await updated(page, () => page.keyboard.press('Enter'));
  check(redrawn.noisyPsnr !== salted.noisyPsnr, '"New noise" drew the same noise');
  await updated(page, () => page.selectOption('#noise-kind', 'gaussian'));
}

/** A class chip shows only that class, and a sample of it becomes the input. */
async function checkFilter(page) {
  await updated(page, () => page.click('.class-chip >> text=Trouser'));
  const shown = await page.$$eval(THUMB, (thumbs) => thumbs.filter((t) => !t.hidden).map((t) => Number(t.dataset.label)));
  check(shown.length === 30 && shown.every((label) => label === 1), `the Trouser chip shows ${shown.length} images of classes ${[...new Set(shown)]}`);
  check(/Trouser/.test(await page.textContent('#input-name')), `after the Trouser chip the input is "${await page.textContent('#input-name')}"`);
  await page.click('.class-chip >> text=All');
  check(await page.locator(`${THUMB}:not([hidden])`).count() === 300, 'the All chip did not show every image again');
}

/** Clear, then a mouse stroke, then the keyboard's brush: each changes the input. */
async function checkDrawing(page) {
  await updated(page, () => page.click('[data-testid="clear-drawing"]'));
  check(Number((await data(page, INPUT)).ink) === 0, 'Clear left ink on the input');
  check(await checkedIndex(page) === null, 'a sample is still picked after Clear');
  const canvas = page.locator(INPUT);
  const box = await canvas.boundingBox();
  const at = (x, y) => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height];
  await updated(page, async () => {
    await page.mouse.move(...at(6, 6));
    await page.mouse.down();
    await page.mouse.move(...at(22, 22), { steps: 12 });
    await page.mouse.move(...at(22, 6), { steps: 12 });
    await page.mouse.up();
  });
  const ink = Number((await data(page, INPUT)).ink);
  check(ink > 20, `a mouse stroke across the input left ${ink} of ink`);
  check(/drawing/i.test(await page.textContent('#input-name')), 'the input is not called a drawing after a stroke');
  const drawn = await data(page, RECON);
  check(Number.isFinite(Number(drawn.psnr)), `the drawing's reconstruction has PSNR ${drawn.psnr}`);

  // Tabbed to, as a keyboard user reaches it: the keyboard's brush shows.
  await page.focus('#denoise-heading');
  await page.keyboard.press('Tab');
  check((await focused(page)).testid === 'image-input', 'Tab from the heading did not reach the input canvas');
  check((await focused(page)).ring, 'the focused input canvas shows no focus ring');
  check(await page.locator('#draw-cursor').isVisible(), "the keyboard's brush does not show on the focused canvas");
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
  await updated(page, () => page.keyboard.press('Space'));
  await updated(page, async () => {
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowLeft');
  });
  const keyed = Number((await data(page, INPUT)).ink);
  check(keyed > ink + 3, `Space and Shift+arrows added ${(keyed - ink).toFixed(2)} of ink`);

  // The eraser takes ink away.
  await page.click('#eraser');
  check(await page.getAttribute('#eraser', 'aria-pressed') === 'true', 'the eraser button did not stay pressed');
  await updated(page, async () => {
    await page.mouse.move(...at(6, 6));
    await page.mouse.down();
    await page.mouse.move(...at(22, 22), { steps: 12 });
    await page.mouse.up();
  });
  check(Number((await data(page, INPUT)).ink) < keyed - 5, 'the eraser took no ink away');
  await page.click('#eraser');
}

/** Tab from the top of the page reaches every control, each with its focus ring. */
async function checkTabOrder(page) {
  // From the skip link, the first stop on the page.
  await page.focus('.skip-link');
  const seen = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag === 'body') break;
    seen.push(f);
  }
  const reached = (test) => seen.find(test);
  const wanted = {
    'the link to the movie demo': (f) => f.tag === 'a' && f.className === '' && f.id === '',
    'the input canvas': (f) => f.testid === 'image-input',
    'the noise slider': (f) => f.testid === 'noise-slider',
    'the noise kind': (f) => f.id === 'noise-kind',
    '"New noise"': (f) => f.id === 'new-noise',
    'the brush size': (f) => f.id === 'brush-size',
    'the eraser': (f) => f.id === 'eraser',
    'Clear': (f) => f.id === 'clear',
    'a class chip': (f) => f.className.includes('class-chip'),
    'a thumbnail': (f) => f.className.includes('thumb'),
  };
  const missing = Object.entries(wanted).filter(([, test]) => !reached(test)).map(([name]) => name);
  check(missing.length === 0, `Tab never reached ${missing.join(', ')}; it went through ${seen.map((f) => f.id || f.testid || f.tag).join(' ')}`);
  const thumbs = seen.filter((f) => f.className.includes('thumb')).length;
  check(thumbs === 1, `Tab stops at ${thumbs} thumbnails; the gallery should take one stop`);
  const ringless = seen.filter((f) => !f.ring && f.tag !== 'summary').map((f) => f.id || f.testid || f.className || f.tag);
  check(ringless.length === 0, `no focus ring shows on ${ringless.join(', ')}`);
}

async function checkPhone(browser, url, screenshots) {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const { problems } = watch(page, url);
  await openPage(page, `${url}images.html`);
  await page.waitForFunction((selector) => Number(document.querySelector(selector).dataset.updated) >= 1, RECON);
  const layout = await page.evaluate((selectors) => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    views: selectors.map((s) => document.querySelector(s).getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, width: r.width })),
  }), [INPUT, NOISY, RECON]);
  check(layout.overflow <= 0, `the image page is ${layout.overflow} px wider than a 375 px phone screen`);
  check(layout.views.every((v) => v.left >= 0 && v.right <= 375 && v.width >= 100),
    `a view is off the phone screen or smaller than 100 px: ${JSON.stringify(layout.views)}`);
  check(layout.views[0].width >= 200, `the input to draw on is ${layout.views[0].width} px wide on a phone`);
  await updated(page, () => page.locator(`${THUMB} >> nth=12`).tap());
  check(await checkedIndex(page) === 12, 'a tap on a thumbnail did not pick it');
  const ink = Number((await data(page, INPUT)).ink);
  await page.locator(INPUT).scrollIntoViewIfNeeded();
  const box = await page.locator(INPUT).boundingBox();
  await updated(page, () => page.touchscreen.tap(box.x + box.width * 0.15, box.y + box.height * 0.15));
  check(Number((await data(page, INPUT)).ink) > ink, 'a tap on the input painted nothing');
  if (screenshots) await page.screenshot({ path: path.join(screenshots, 'images-phone.png'), fullPage: true });
  check(problems.length === 0, problems.join('\n'));
  await context.close();
}

/**
 * The model's file damaged, then missing: the page says so, draws no reconstruction, and the
 * gallery, drawing and noise still work. A missing file is an HTTP 404, which Chromium itself
 * reports on the console: only that may show there.
 */
async function checkWithoutModel(browser, url, screenshots) {
  for (const how of ['damaged', 'missing']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.route('**/demo/images.aerec', (route) => (how === 'missing'
      ? route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found\n' })
      : route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('not a model, just some bytes'.repeat(20)) })));
    const { problems } = watch(page, url);
    await openPage(page, `${url}images.html`);
    const state = await page.evaluate(() => ({
      model: document.body.dataset.model,
      alert: document.getElementById('load-error').hidden ? '' : document.getElementById('load-error').textContent.replace(/\s+/g, ' ').trim(),
      message: document.getElementById('model-message').hidden ? '' : document.getElementById('model-message').textContent,
    }));
    check(state.model === 'error' && /images\.aerec/.test(state.alert), `with the model ${how}, the page says "${state.alert}"`);
    check(how !== 'damaged' || /model_format/.test(state.alert), `a damaged model is not called model_format: "${state.alert}"`);
    check(/no reconstruction/i.test(state.message), `with the model ${how}, the reconstruction view says "${state.message}"`);
    const version = await inputVersion(page);
    await page.click(`${THUMB} >> nth=5`);
    await page.waitForFunction(([selector, v]) => Number(document.querySelector(selector).dataset.version) > v, [INPUT, version]);
    const noisyBefore = (await data(page, NOISY)).psnr;
    await page.focus(SLIDER);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(([selector, was]) => document.querySelector(selector).dataset.psnr !== was, [NOISY, noisyBefore]);
    if (screenshots && how === 'missing') await page.screenshot({ path: path.join(screenshots, 'images-no-model.png') });
    const unexpected = problems.filter((p) => !(how === 'missing' && (/404/.test(p))));
    check(unexpected.length === 0, `with the model ${how}: ${unexpected.join('\n')}`);
    await context.close();
  }
}

async function run({ site, screenshots }, chromium) {
  await withSite(site, chromium, async (browser, url) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const { problems } = watch(page, url);
    await page.addInitScript(recordReadyTime);
    const readyAt = await openPage(page, `${url}images.html`);
    const caption = await checkLoaded(page);
    const links = await page.evaluate(async () => ({
      back: document.querySelector('.site-nav a[href="./"]') !== null,
      to: (await (await fetch('index.html')).text()).includes('href="images.html"'),
    }));
    check(links.back && links.to, `the pages do not link to each other (back ${links.back}, to ${links.to})`);

    await updated(page, () => page.click(`${THUMB} >> nth=3`));
    check(await checkedIndex(page) === 3, 'a click on a thumbnail did not pick it');
    await checkSlider(page);
    await checkThrottle(page);
    const { gains, mean } = await checkDenoising(page);
    await checkNoiseControls(page);
    await checkFilter(page);
    if (screenshots) await page.screenshot({ path: path.join(screenshots, 'images.png'), fullPage: true });
    await checkDrawing(page);
    if (screenshots) await page.locator('.studio-card').screenshot({ path: path.join(screenshots, 'images-drawing.png') });
    await checkTabOrder(page);
    check(problems.length === 0, problems.join('\n'));
    await page.close();

    await checkPhone(browser, url, screenshots);
    await checkWithoutModel(browser, url, screenshots);
    console.log(caption);
    console.log(`denoised minus noisy PSNR at Gaussian noise 0.5, the first ten samples: ${gains.map((g) => g.toFixed(1)).join(' ')} dB (mean ${mean.toFixed(2)})`);
    console.log(`ready ${Math.round(readyAt ?? 0)} ms after navigation`);
    if (screenshots) console.log(`screenshots: ${['images.png', 'images-drawing.png', 'images-phone.png', 'images-no-model.png'].map((f) => path.join(screenshots, f)).join(' ')}`);
    console.log('PASS: the image page denoises samples and drawings live, by mouse, touch and keyboard, fits a phone, and says when its model is missing');
  });
}

await runTest(async () => {
  const options = parseArguments(process.argv.slice(2));
  await run(options, await loadChromium());
});
