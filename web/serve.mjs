#!/usr/bin/env node
// Serves the demo site on 127.0.0.1 for local use and the browser test:
//   node web/serve.mjs [DIR] [--port N] [--no-isolation]
// DIR defaults to build/wasm/site; port 8080, or any free port when it is taken (--port 0: any).
// Prints one line, "aerec demo: http://127.0.0.1:PORT/", once it listens.
// Files go gzipped (level 9, as a production server would send them) to clients that accept gzip.
// Every response makes the page cross-origin isolated, so that it may share memory between
// threads and the module computes on several (aerec-threads.js); --no-isolation leaves that out,
// as a plain static server would, and the page computes on one.

import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';

const HOST = '127.0.0.1';
// Cross-origin isolation: no window of another origin shares the page's process, and the page
// loads nothing from another origin that has not agreed to it (it loads nothing from another
// origin at all); its own files agree to being loaded by it, its Workers' script included.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const DEFAULT_PORT = 8080;
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.aerec': 'application/octet-stream',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function fail(message) {
  console.error(`serve.mjs: ${message}`);
  process.exit(2);
}

function parseArguments(args) {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let dir = path.join(repoRoot, 'build', 'wasm', 'site');
  let port = DEFAULT_PORT;
  let isolated = true;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--no-isolation') {
      isolated = false;
    } else if (args[i] === '--port') {
      port = Number(args[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: not a port number: ${args[i]}`);
    } else if (args[i] === '--help' || args[i] === '-h') {
      console.log('usage: node web/serve.mjs [DIR] [--port N] [--no-isolation]');
      process.exit(0);
    } else if (args[i].startsWith('-')) {
      fail(`unknown option ${args[i]}`);
    } else {
      dir = path.resolve(args[i]);
    }
  }
  return { dir, port, isolated };
}

/**
 * The file a URL path names inside `root` ({file, size, mtime}), or null: ".." (even encoded) cannot
 * climb out of it.
 */
async function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  let file = path.join(root, path.posix.normalize(`/${decoded}`));
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    const info = await stat(file);
    return info.isFile() ? { file, size: info.size, mtime: info.mtimeMs } : null;
  } catch {
    return null;
  }
}

/** Whether an Accept-Encoding header allows gzip: named, or `*`, with a q-value above 0. */
function acceptsGzip(header) {
  let gzipQ = null;
  let anyQ = null;
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    const value = q ? Number(q[1]) : 1;
    if (name.trim() === 'gzip') gzipQ = value;
    else if (name.trim() === '*') anyQ = value;
  }
  return (gzipQ ?? anyQ ?? 0) > 0;
}

const gzipped = new Map(); // file -> { mtime, size, bytes }: compressed once per version of the file
const compress = promisify(gzip);

async function gzippedFile(file, mtime, size) {
  const cached = gzipped.get(file);
  if (cached && cached.mtime === mtime && cached.size === size) return cached.bytes;
  const bytes = await compress(await readFile(file), { level: constants.Z_BEST_COMPRESSION });
  gzipped.set(file, { mtime, size, bytes });
  return bytes;
}

function send(response, status, text) {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

async function serveFile(root, request, response) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, 'method not allowed\n');
  }
  const urlPath = new URL(request.url, `http://${HOST}`).pathname;
  const found = await resolveFile(root, urlPath);
  if (!found) return send(response, 404, 'not found\n');
  const { file, size, mtime } = found;
  const headers = {
    'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    // A rebuilt module or model shows up on reload: the browser revalidates every time.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Encoding',
  };
  // Gzipped when the client takes it and it is smaller (a model's floats barely shrink).
  const body = acceptsGzip(request.headers['accept-encoding']) ? await gzippedFile(file, mtime, size) : null;
  if (body && body.length < size) {
    response.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
    return response.end(request.method === 'HEAD' ? undefined : body);
  }
  response.writeHead(200, headers);
  if (request.method === 'HEAD') return response.end();
  createReadStream(file).on('error', () => response.destroy()).pipe(response);
}

function handler(root, isolated) {
  return (request, response) => {
    if (isolated) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value);
    serveFile(root, request, response).catch((error) => {
      if (response.headersSent) response.destroy();
      else send(response, 500, `${error.message}\n`);
    });
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

const { dir, port, isolated } = parseArguments(process.argv.slice(2));
let root;
try {
  root = await realpath(dir);
  if (!(await stat(root)).isDirectory()) fail(`not a folder: ${dir}`);
} catch {
  fail(`no such folder: ${dir} (build the wasm site first, or name a folder)`);
}
const server = createServer(handler(root, isolated));
let actualPort;
try {
  actualPort = await listen(server, port);
} catch (error) {
  if (error.code !== 'EADDRINUSE') fail(`cannot listen on ${HOST}:${port}: ${error.message}`);
  actualPort = await listen(server, 0);
}
console.log(`aerec demo: http://${HOST}:${actualPort}/`);
