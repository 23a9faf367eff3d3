#!/usr/bin/env node
// Serves the demo site on 127.0.0.1 for local use and the browser test:
//   node web/serve.mjs [DIR] [--port N]
// DIR defaults to build/wasm/site; port 8080, or any free port when it is taken (--port 0: any).
// Prints one line, "aerec demo: http://127.0.0.1:PORT/", once it listens.

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
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
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') {
      port = Number(args[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: not a port number: ${args[i]}`);
    } else if (args[i] === '--help' || args[i] === '-h') {
      console.log('usage: node web/serve.mjs [DIR] [--port N]');
      process.exit(0);
    } else if (args[i].startsWith('-')) {
      fail(`unknown option ${args[i]}`);
    } else {
      dir = path.resolve(args[i]);
    }
  }
  return { dir, port };
}

/**
 * The file a URL path names inside `root` ({file, size}), or null: ".." (even encoded) cannot
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
    return info.isFile() ? { file, size: info.size } : null;
  } catch {
    return null;
  }
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
  const { file, size } = found;
  response.writeHead(200, {
    'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    // A rebuilt module or model shows up on reload: the browser revalidates every time.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (request.method === 'HEAD') return response.end();
  createReadStream(file).on('error', () => response.destroy()).pipe(response);
}

function handler(root) {
  return (request, response) => {
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

const { dir, port } = parseArguments(process.argv.slice(2));
let root;
try {
  root = await realpath(dir);
  if (!(await stat(root)).isDirectory()) fail(`not a folder: ${dir}`);
} catch {
  fail(`no such folder: ${dir} (build the wasm site first, or name a folder)`);
}
const server = createServer(handler(root));
let actualPort;
try {
  actualPort = await listen(server, port);
} catch (error) {
  if (error.code !== 'EADDRINUSE') fail(`cannot listen on ${HOST}:${port}: ${error.message}`);
  actualPort = await listen(server, 0);
}
console.log(`aerec demo: http://${HOST}:${actualPort}/`);
