// Shared by the wasm tests: arguments, skipping and loading the built module.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// ctest reads 77 as "skipped". scripts/test sets AEREC_REQUIRE_WASM=1 so that
// in CI a missing module or tool fails instead.
export function skip(reason) {
  if (process.env.AEREC_REQUIRE_WASM === '1') {
    console.error(`FAIL: ${reason} (AEREC_REQUIRE_WASM=1)`);
    process.exit(1);
  }
  console.log(`SKIP: ${reason}`);
  process.exit(77);
}

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

/** Runs `action`, which must throw an AerecError with `code` and a message; prints it. */
export function expectError(aerecModule, code, what, action) {
  try {
    action();
  } catch (e) {
    if (!(e instanceof aerecModule.AerecError)) fail(`${what}: threw ${e}, not an AerecError`);
    if (e.code !== code) fail(`${what}: code ${e.code} (${e.message}), expected ${code}`);
    if (!e.message) fail(`${what}: AerecError without a message`);
    console.log(`  ${what}: ${e.code}: ${e.message}`);
    return;
  }
  fail(`${what}: no error`);
}

// --name value pairs; repeated names collect into arrays.
export function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    args[name] = name in args ? [].concat(args[name], argv[i + 1]) : argv[i + 1];
  }
  return args;
}

export async function loadModule(dir) {
  const script = path.join(dir, 'aerec.js');
  if (!fs.existsSync(script) || !fs.existsSync(path.join(dir, 'aerec.wasm')))
    skip(`no wasm module in ${dir} (build it: cmake --preset wasm && cmake --build --preset wasm)`);
  const { default: createAerec } = await import(pathToFileURL(script).href);
  // As the guide for Node says: hand over the bytes rather than a path.
  return createAerec({ wasmBinary: fs.readFileSync(path.join(dir, 'aerec.wasm')) });
}

/**
 * What a web developer gets from npm: the package folder `dir` packed by `npm pack` and
 * installed from the tarball (offline: it has no dependencies) into a new project in a new
 * temporary folder, deleted when the process exits. Returns the project's folder.
 */
export function installPackage(dir) {
  if (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'aerec.wasm')))
    skip(`no wasm package in ${dir} (build it: cmake --preset wasm && cmake --build --preset wasm)`);
  const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  try {
    npm(['--version']);
  } catch {
    skip('npm is missing (apt-get install npm)');
  }
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'aerec-package-'));
  process.on('exit', () => fs.rmSync(project, { recursive: true, force: true }));
  try {
    const [{ filename }] = JSON.parse(npm(['pack', '--json', '--pack-destination', project, path.resolve(dir)], project));
    npm(['init', '-y'], project);
    npm(['install', '--offline', `./${filename}`], project);
  } catch (error) {
    fail(`npm could not pack and install ${dir}: ${error.stderr || error.message}`);
  }
  return project;
}
