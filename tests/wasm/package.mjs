// The npm package as a web developer gets it: the wasm build's package folder packed by
// `npm pack` and installed from the tarball into a new project. It holds the files it should,
// says what it needs (license, Node), and, imported as 'aerec' from that project with no options,
// predicts the demo model's ratings exactly as the build folder's module does.
//
//   node package.mjs --module DIR --model FILE
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fail, installPackage, loadModule, parseArgs } from './module.mjs';
import { generator } from './random.mjs';

const args = parseArgs(process.argv.slice(2));
const FILES = ['LICENSE', 'README.md', 'aerec-threads.js', 'aerec-threads.wasm', 'aerec-threads.worker.js', 'aerec.d.ts',
  'aerec.js', 'aerec.wasm', 'package.json'];

function check(condition, message) {
  if (!condition) fail(message);
}

/** Whether `version` (process.version) is in a range of `^A.B.C` and `>=A.B.C` joined by `||`. */
function satisfies(version, range) {
  const parse = (text) => text.replace(/^v/, '').split('.').map(Number);
  const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const have = parse(version);
  return range.split('||').map((part) => part.trim()).some((part) => {
    const match = /^(\^|>=)(\d+\.\d+\.\d+)$/.exec(part);
    if (!match) fail(`engines.node: cannot read "${part}" (this test knows ^A.B.C and >=A.B.C)`);
    const least = parse(match[2]);
    return compare(have, least) >= 0 && (match[1] === '>=' || have[0] === least[0]);
  });
}

function checkContents(installed) {
  const files = fs.readdirSync(installed).sort();
  check(files.join() === FILES.join(), `the package holds ${files.join(', ')}, not ${FILES.join(', ')}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  check(manifest.license === 'MIT' && /^MIT License/.test(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8')),
    `the package's license is ${manifest.license}, or its LICENSE is not MIT's`);
  return manifest;
}

// The demo's fixed user, nobody, and a few at random on the scale's half steps.
function users(model) {
  const random = generator(7);
  const { min, max } = model.scale;
  const rows = [model.ratingsArray({ 260: 5, 1196: 5, 2571: 4 }), new Float32Array(model.numItems)];
  for (const count of [1, 10, 50]) {
    const row = new Float32Array(model.numItems);
    for (let placed = 0; placed < count; ++placed)
      row[Math.floor(random() * model.numItems)] = min + Math.floor(random() * ((max - min) * 2 + 1)) / 2;
    rows.push(row);
  }
  return rows;
}

function checkPredictions(installed, built, bytes) {
  const model = installed.loadModel(bytes);
  const reference = built.loadModel(bytes);
  const { min, max } = model.scale;
  for (const [user, row] of users(model).entries()) {
    const predicted = model.predict(row);
    check(predicted instanceof Float32Array && predicted.length === model.numItems,
      `user ${user}: predict gave ${predicted.length} values for ${model.numItems} movies`);
    const bad = predicted.findIndex((v) => !Number.isFinite(v) || v < min || v > max);
    check(bad < 0, `user ${user}: prediction ${predicted[bad]} for column ${bad} is outside ${min}..${max}`);
    const same = reference.predict(row);
    const differ = predicted.findIndex((v, i) => !Object.is(v, same[i]));
    check(differ < 0, `user ${user}: the installed package predicts ${predicted[differ]} for column ${differ}, the build folder ${same[differ]}`);
    const top = model.recommend(row, 10);
    check(top.length === 10 && top.every((r, i) => row[model.indexOf(r.itemId)] === 0 && (i === 0 || r.score <= top[i - 1].score)),
      `user ${user}: recommend(row, 10) is not ten unrated movies, best first: ${JSON.stringify(top)}`);
    check(JSON.stringify(top) === JSON.stringify(reference.recommend(row, 10)),
      `user ${user}: the installed package and the build folder recommend differently`);
  }
  const count = users(model).length;
  model.delete();
  reference.delete();
  return count;
}

const project = installPackage(args.module);
const installed = path.join(project, 'node_modules', 'aerec');
const manifest = checkContents(installed);

// Imported the way the package's users write it, from a module inside their project.
const entry = path.join(project, 'entry.mjs');
fs.writeFileSync(entry, "export { default } from 'aerec';\nexport const wasm = import.meta.resolve('aerec/aerec.wasm');\n");
const { default: createAerec, wasm } = await import(pathToFileURL(entry).href);
check(wasm === pathToFileURL(path.join(installed, 'aerec.wasm')).href, `'aerec/aerec.wasm' resolves to ${wasm}`);

// engines.node is where createAerec() finds aerec.wasm by itself; elsewhere it needs the bytes.
const wasmBinary = fs.readFileSync(path.join(installed, 'aerec.wasm'));
const enginesMet = satisfies(process.version, manifest.engines.node);
const aerec = await (enginesMet ? createAerec() : createAerec({ wasmBinary }));
const built = await loadModule(args.module);
const count = checkPredictions(aerec, built, fs.readFileSync(args.model));

// Node before 20.16 (and 21 to 22.2) lacks process.getBuiltinModule; simulated, { wasmBinary } still works.
const getBuiltinModule = process.getBuiltinModule;
delete process.getBuiltinModule;
const older = createAerec({ wasmBinary });
if (getBuiltinModule) process.getBuiltinModule = getBuiltinModule;
checkPredictions(await older, built, fs.readFileSync(args.model));

console.log(`installed ${FILES.join(', ')} (license ${manifest.license}, node ${manifest.engines.node})`);
console.log(`PASS: import 'aerec' (${enginesMet ? `no options, Node ${process.version}` : `{ wasmBinary }: Node ${process.version} is outside engines`}, ` +
  `and { wasmBinary } without process.getBuiltinModule) predicts ${count} users as the build folder's module does`);
