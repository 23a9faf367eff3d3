#!/usr/bin/env node
// web/serve.mjs sends a file as it is, or gzipped when the request accepts gzip (and that is
// smaller), and either way the bytes the client gets decode to the file, also after it changes.
//   node tests/web/server.mjs
// Exits 0 on success, 1 on a failure (with the reason).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const SERVE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/serve.mjs');

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

function startServer(dir) {
  const child = spawn(process.execPath, [SERVE, dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data) => {
      output += data;
      const match = /aerec demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Failure(`serve.mjs exited with ${code}: ${output}`)));
  });
}

/** The raw response (no decoding): { status, headers, body }. */
function get(url, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    request(url, { method, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

/** Fetches `name` with `acceptEncoding`; checks the headers and that the body decodes to `content`. */
async function expectFile(url, name, content, acceptEncoding, gzipped) {
  const headers = acceptEncoding === null ? {} : { 'Accept-Encoding': acceptEncoding };
  const { status, headers: got, body } = await get(new URL(name, url), headers);
  const label = `${name} with Accept-Encoding ${JSON.stringify(acceptEncoding)}`;
  check(status === 200, `${label}: HTTP ${status}`);
  check(got.vary === 'Accept-Encoding', `${label}: Vary is ${got.vary}`);
  check(got['content-encoding'] === (gzipped ? 'gzip' : undefined), `${label}: Content-Encoding is ${got['content-encoding']}`);
  check(Number(got['content-length']) === body.length, `${label}: Content-Length ${got['content-length']} for ${body.length} bytes`);
  const decoded = gzipped ? gunzipSync(body) : body;
  check(decoded.equals(content), `${label}: the bytes do not decode to the file`);
  const head = await get(new URL(name, url), headers, 'HEAD');
  check(head.body.length === 0 && head.headers['content-length'] === got['content-length'] &&
    head.headers['content-encoding'] === got['content-encoding'], `${label}: HEAD's headers differ from GET's`);
  return body.length;
}

async function run(dir) {
  const text = Buffer.from(JSON.stringify({ movies: Array.from({ length: 2000 }, (_, id) => ({ id, title: `Movie ${id}` })) }));
  const noise = randomBytes(50_000); // gzip cannot shrink it
  writeFileSync(path.join(dir, 'movies.json'), text);
  writeFileSync(path.join(dir, 'noise.bin'), noise);
  const server = await startServer(dir);
  try {
    await expectFile(server.url, 'movies.json', text, null, false);
    await expectFile(server.url, 'movies.json', text, 'identity', false);
    await expectFile(server.url, 'movies.json', text, 'gzip;q=0, deflate', false);
    const sent = await expectFile(server.url, 'movies.json', text, 'gzip, deflate, br', true);
    await expectFile(server.url, 'movies.json', text, 'br;q=1.0, *;q=0.5', true);
    check(sent < text.length / 4, `movies.json: ${text.length} bytes gzipped to ${sent}`);
    await expectFile(server.url, 'noise.bin', noise, 'gzip', false);

    // A changed file is compressed again, not served from the cache.
    const changed = Buffer.concat([text, Buffer.from('\n')]);
    writeFileSync(path.join(dir, 'movies.json'), changed);
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, 'movies.json'), later, later);
    await expectFile(server.url, 'movies.json', changed, 'gzip', true);
    console.log(`PASS: movies.json ${text.length} bytes, sent as ${sent} gzipped or whole as asked; ` +
      'incompressible bytes whole; HEAD as GET; a changed file recompressed');
  } finally {
    server.child.kill();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'aerec-serve-'));
try {
  await run(dir);
} catch (error) {
  console.error(`FAIL: ${error instanceof Failure ? error.message : error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
