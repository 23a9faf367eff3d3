// aerec.d.ts declares what the module has, no more and no less: in the installed npm package,
// TypeScript (tests/web's devDependency) type-checks a small program that uses the package as
// its users would (tsc --noEmit, strict), and the declarations, as TypeScript reads them, are
// compared with the module's actual exports, the instance's members and a model's.
//
//   node types.mjs --module DIR --model FILE --ranking FILE --map FILE --sequence FILE
//   (a map made from the ranking model; a sequence model)
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fail, installPackage, parseArgs, skip } from './module.mjs';

const args = parseArgs(process.argv.slice(2));
const WEB_TESTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web');

// What a TypeScript user of the package writes. Each @ts-expect-error must meet an error.
const USAGE = `import createAerec from 'aerec';
import type { AerecError, AerecErrorCode, AerecModule, MapPlace, Model, NextItem, Recommendation, SequenceModel, TasteMap } from 'aerec';
// @ts-expect-error: the error class is no export of the package, only the instance's aerec.AerecError
import { AerecError as NamedAerecError } from 'aerec';

const aerec: AerecModule = await createAerec();
const model: Model = aerec.loadModel(new Uint8Array(await (await fetch('model.aerec')).arrayBuffer()));
const ratings: Float32Array = model.ratingsArray({ 260: 5, 1196: 5, 2571: 4 });
const top: Recommendation[] = model.recommend(ratings, 10);
const predicted: Float32Array = model.predictBatch(new Float32Array(2 * model.numItems), 2);
const into: Float32Array = model.predictBatch(new Float32Array(2 * model.numItems), 2, new Float32Array(2 * model.numItems));
const map: TasteMap = aerec.loadTasteMap(await (await fetch('taste-map.json')).text());
const place: MapPlace | null = map.place(model, ratings);
const sequence: SequenceModel = aerec.loadSequenceModel(new Uint8Array(await (await fetch('up-next.aerec')).arrayBuffer()));
const next: NextItem[] = sequence.nextItems([{ itemId: 260, rating: 5 }, { itemId: 1196, rating: 4 }], 8);
const alsoNext: NextItem[] = sequence.nextItems({ itemIds: Int32Array.of(260, 1196), ratings: [5, 4] });
const scale: number = model.scale.max - model.scale.min + top[0].score + predicted[0] + into[1] + model.codeSize + (place?.x ?? 0) +
  map.codeSize + aerec.likedRating + next[0].score + alsoNext.length + sequence.numItems;
try {
  model.predict([1, 2, 3]);
} catch (error) {
  if (error instanceof aerec.AerecError) {
    const why: AerecError = error;
    const code: AerecErrorCode = error.code;
    console.log(why.message, code, scale);
  }
}
// @ts-expect-error: not a code aerec has
const wrong: AerecErrorCode = 'bad_code';
// @ts-expect-error: a map places a user from a model, not a bare code
map.place(model.encode(ratings));
// @ts-expect-error: a history is rated movies in order, not a ratings row
sequence.nextItems(ratings, 8);
sequence.delete();
map.delete();
model.delete();
export { wrong };
`;

function check(condition, message) {
  if (!condition) fail(message);
}

function loadTypeScript() {
  try {
    return createRequire(path.join(WEB_TESTS, 'package.json'))('typescript');
  } catch {
    return skip(`typescript is not installed: run npm ci in ${WEB_TESTS}`);
  }
}

/** tsc --noEmit on usage.mts in the project; returns the program, for its declarations. */
function typeCheck(ts, project) {
  const usage = path.join(project, 'usage.mts');
  fs.writeFileSync(usage, USAGE);
  const program = ts.createProgram([usage], {
    strict: true, noEmit: true, verbatimModuleSyntax: true, types: [],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  check(diagnostics.length === 0, `tsc --noEmit on a program using the package:\n${ts.formatDiagnostics(
    diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => project, getNewLine: () => '\n' })}`);
  return program;
}

/** The declarations of the installed aerec.d.ts: value exports, and each interface's members. */
function declarations(ts, program, installed) {
  const file = program.getSourceFile(path.join(fs.realpathSync(installed), 'aerec.d.ts'));
  check(file, `the program did not take its types from the installed aerec.d.ts (package.json "types"/"exports")`);
  const checker = program.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(file));
  const resolve = (symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const values = exported.filter((s) => resolve(s).flags & ts.SymbolFlags.Value).map((s) => s.name);
  const members = (name) => {
    const symbol = exported.find((s) => s.name === name);
    check(symbol, `aerec.d.ts has no ${name}`);
    return new Map(checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).map((p) => {
      const type = checker.getTypeOfSymbol(p);
      const callable = type.getCallSignatures().length + type.getConstructSignatures().length > 0;
      return [p.name, { callable, type }];
    }));
  };
  const codes = [...members('AerecError').get('code').type.types].map((t) => t.value);
  return { values, members, codes };
}

/** A JavaScript object's public members: its own properties and its class's, less _private ones. */
function publicMembers(object) {
  const names = new Set(Object.keys(object));
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto))
    Object.getOwnPropertyNames(proto).forEach((name) => names.add(name));
  return [...names].filter((name) => name !== 'constructor' && !name.startsWith('_')).sort();
}

function checkMembers(label, declared, actual, exact) {
  for (const [name, { callable }] of declared) {
    check(name in actual, `aerec.d.ts declares ${label}.${name}, which the module lacks`);
    check((typeof actual[name] === 'function') === callable,
      `${label}.${name} is ${callable ? '' : 'not '}callable in aerec.d.ts, but a ${typeof actual[name]} in the module`);
  }
  const undeclared = publicMembers(actual).filter((name) => !declared.has(name));
  check(!exact || undeclared.length === 0, `the module's ${label} has ${undeclared.join(', ')}, which aerec.d.ts does not declare`);
}

function errorOf(action) {
  try {
    action();
  } catch (error) {
    return error;
  }
  return fail(`${action} threw nothing`);
}

const ts = loadTypeScript();
const project = installPackage(args.module);
const installed = path.join(project, 'node_modules', 'aerec');
const { values, members, codes } = declarations(ts, typeCheck(ts, project), installed);

const namespace = await import(pathToFileURL(path.join(installed, 'aerec.js')).href);
check(values.sort().join() === Object.keys(namespace).sort().join(),
  `aerec.d.ts exports the values ${values.join(', ')}; the module exports ${Object.keys(namespace).join(', ')}`);

// The instance carries Emscripten's runtime too: what is declared must be there, not the reverse.
const aerec = await namespace.default({ wasmBinary: fs.readFileSync(path.join(installed, 'aerec.wasm')) });
checkMembers('AerecModule', members('AerecModule'), aerec, false);
const model = aerec.loadModel(fs.readFileSync(args.model));
checkMembers('Model', members('Model'), model, true);
checkMembers('Recommendation', members('Recommendation'), model.recommend(new Float32Array(model.numItems), 1)[0], true);
const ranking = aerec.loadModel(fs.readFileSync(args.ranking));
const map = aerec.loadTasteMap(fs.readFileSync(args.map, 'utf8'));
checkMembers('TasteMap', members('TasteMap'), map, true);
const liked = new Float32Array(ranking.numItems).fill(0);
liked[0] = ranking.scale.max;
checkMembers('MapPlace', members('MapPlace'), map.place(ranking, liked), true);
const sequence = aerec.loadSequenceModel(fs.readFileSync(args.sequence));
checkMembers('SequenceModel', members('SequenceModel'), sequence, true);
const [first] = sequence.itemIds();
checkMembers('NextItem', members('NextItem'), sequence.nextItems([{ itemId: first, rating: sequence.scale.max }], 1)[0], true);
check(map.place(ranking, new Float32Array(ranking.numItems)) === null, 'a user with no ratings was placed on the map');

const thrown = [
  errorOf(() => aerec.loadModel(new Uint8Array(8))),
  errorOf(() => model.predict(new Float32Array(3))),
  errorOf(() => model.ratingsArray({ 999999: 5 })),
  errorOf(() => aerec.loadTasteMap('{}')),
  errorOf(() => sequence.nextItems([{ itemId: first, rating: sequence.scale.max + 1 }])),
];
for (const error of thrown) {
  check(error instanceof aerec.AerecError && error instanceof Error && error.name === 'AerecError',
    `${error} is not an aerec.AerecError named AerecError`);
  check(codes.includes(error.code), `the module threw code ${error.code}, which aerec.d.ts's AerecErrorCode lacks`);
}
sequence.delete();
map.delete();
ranking.delete();
model.delete();

console.log(`exports: ${values.join(', ')}; AerecModule: ${[...members('AerecModule').keys()].join(', ')}; ` +
  `Model: ${[...members('Model').keys()].join(', ')}; codes thrown: ${thrown.map((e) => e.code).join(', ')}`);
console.log(`PASS: a strict TypeScript ${ts.version} program type-checks against the installed package, and aerec.d.ts ` +
  'declares exactly the module\'s exports and a model\'s, a taste map\'s and a sequence model\'s members');
