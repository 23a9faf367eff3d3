// Shared by the browser tests: Debian's Chromium through playwright-core, web/serve.mjs on a free
// port, and a watch over what must never happen on a page.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { skip } from '../wasm/module.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVE = path.resolve(HERE, '../../web/serve.mjs');

/** A failed expectation: the test prints its message (no stack) and exits 1. */
export class Failure extends Error {}

export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

/** playwright-core's chromium, or a skip (exit 77) saying what is missing. */
export async function loadChromium() {
  if (!existsSync(CHROMIUM)) skip(`${CHROMIUM} is missing (apt-get install chromium)`);
  try {
    return (await import('playwright-core')).chromium;
  } catch {
    return skip(`playwright-core is not installed: run npm ci in ${HERE}`);
  }
}

export function launch(chromium) {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Starts web/serve.mjs on a free port (with `options`, such as --no-isolation); resolves with the child and its URL. */
export function startServer(dir, options = []) {
  const child = spawn(process.execPath, [SERVE, dir, '--port', '0', ...options], { stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Serves `dir`, launches Chromium and runs `body(browser, url)`; both are closed however it ends. */
export async function withSite(dir, chromium, body, serveOptions = []) {
  const server = await startServer(dir, serveOptions);
  let browser = null;
  try {
    browser = await launch(chromium);
    return await body(browser, server.url);
  } finally {
    await browser?.close();
    server.child.kill();
  }
}

/**
 * Collects what must never happen: console errors or warnings, page errors, failed requests or
 * responses, requests outside the local server; and every request made, relative to it.
 */
export function watch(page, origin) {
  const problems = [];
  const requested = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    requested.push(url.replace(origin, ''));
    if (!url.startsWith(origin) && !url.startsWith('data:')) problems.push(`request outside the local server: ${url}`);
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return { problems, requested };
}

/** Records when body[data-ready] turns "true", on the page's own clock (0 = navigation start). */
export function recordReadyTime() {
  new MutationObserver((_, observer) => {
    if (document.body?.dataset.ready === 'true') {
      window.readyAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
}

export async function openPage(page, url) {
  await page.goto(url);
  try {
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  } catch {
    const shown = await page.textContent('#load-error').catch(() => null);
    throw new Failure(`the page did not become ready in 30 s${shown ? `: ${shown.replace(/\s+/g, ' ').trim()}` : ''}`);
  }
  return page.evaluate(() => window.readyAt);
}

/** Runs `body`, printing a Failure's message or any other error's stack, and exiting 1 on either. */
export async function runTest(body) {
  try {
    await body();
  } catch (error) {
    console.error(`FAIL: ${error instanceof Failure ? error.message : error.stack ?? error}`);
    process.exit(1);
  }
}
