// The wasm module's image API as the image page uses it: the shipped image model
// (web/demo/images.aerec) loads with the shape of Fashion-MNIST, reconstructs the page's sample
// images into [0, 1] (one at a time as in a batch) and removes most of the noise addNoise adds;
// addNoise draws the same noise for the same seed and stays in [0, 1]; wrong input, the wrong kind
// of model, damaged bytes and a deleted model throw AerecError with the documented codes, and the
// model reconstructs the same afterwards. With --aerec (the native CLI), its `aerec reconstruct
// --json` of the first test images with noise is matched: the same noise from the same seed, and
// the same reconstructions within 1e-5.
//
//   node images.mjs --module DIR --model FILE --recommender FILE --samples DIR [--aerec PATH]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expectError, fail, loadModule, parseArgs, skip } from './module.mjs';

const args = parseArgs(process.argv.slice(2));
const SIZE = 28;
const PIXELS = SIZE * SIZE;
const MIN_GAIN_DB = 5;  // the denoised samples' mean PSNR over their noisy inputs', at Gaussian noise 0.5

for (const [name, file] of [['--model', args.model], ['--recommender', args.recommender], ['--samples', args.samples]]) {
  if (!file) fail(`usage: node images.mjs --module DIR --model FILE --recommender FILE --samples DIR (no ${name})`);
}
if (!fs.existsSync(args.model)) skip(`no image model at ${args.model} (train it: scripts/image-demo-model)`);

const aerec = await loadModule(args.module);

function psnr(clean, image) {
  let sum = 0;
  for (let i = 0; i < clean.length; i++) sum += (clean[i] - image[i]) ** 2;
  return sum === 0 ? Infinity : 10 * Math.log10(clean.length / sum);
}

function sameArrays(a, b) {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

function inUnit(values) {
  return values.every((v) => v >= 0 && v <= 1);
}

/** The page's samples: images as Float32Arrays in [0, 1], with their labels. */
function readSamples(dir) {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'samples.json'), 'utf8'));
  const bytes = fs.readFileSync(path.join(dir, 'samples.bin'));
  if (meta.height !== SIZE || meta.width !== SIZE || bytes.length !== meta.count * PIXELS || meta.labels.length !== meta.count) {
    fail(`${dir}: samples.json and samples.bin disagree (${meta.count} images of ${meta.height}x${meta.width}, ${bytes.length} bytes)`);
  }
  const images = [];
  for (let i = 0; i < meta.count; i++) images.push(Float32Array.from(bytes.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255));
  return { images, labels: meta.labels, names: meta.label_names };
}

// ---- the model ----

const model = aerec.loadImageModel(fs.readFileSync(args.model));
if (model.channels !== 1 || model.height !== SIZE || model.width !== SIZE || model.pixels !== PIXELS) {
  fail(`the image model takes ${model.channels}x${model.height}x${model.width} (${model.pixels} pixels), not 1x28x28`);
}
if (!(Number.isInteger(model.codeSize) && model.codeSize > 0 && model.codeSize < 100_000)) fail(`code size ${model.codeSize}`);
const meta = model.metadata();
if (typeof meta !== 'object' || meta === null) fail(`metadata is ${meta}`);
console.log(`  the image model: 1x28x28, code of ${model.codeSize}; preset ${meta.preset}, test PSNR `
  + `${meta.test_psnr_noisy?.toFixed?.(2)} dB noisy -> ${meta.test_psnr_denoised?.toFixed?.(2) ?? meta.test_psnr?.toFixed?.(2)} dB`);

const { images, labels, names } = readSamples(args.samples);
const first = images[0];
const reconstruction = model.reconstruct(first);
if (!(reconstruction instanceof Float32Array) || reconstruction.length !== PIXELS) {
  fail(`reconstruct gave ${reconstruction?.constructor?.name} of ${reconstruction?.length} values, not a Float32Array of ${PIXELS}`);
}
if (!reconstruction.every((v) => v > 0 && v < 1)) fail('a reconstruction has values outside (0, 1): the output is a sigmoid');
if (!sameArrays(model.reconstruct(Array.from(first)), reconstruction)) fail('a plain array reconstructs differently from a Float32Array');
const pair = new Float32Array(2 * PIXELS);
pair.set(images[1]);
pair.set(first, PIXELS);
const both = model.reconstruct(pair);
if (both.length !== 2 * PIXELS) fail(`two images gave ${both.length} values`);
const batchOff = Math.max(...both.subarray(PIXELS).map((v, i) => Math.abs(v - reconstruction[i])));
if (!(batchOff < 1e-5)) fail(`the second image of a pair reconstructs ${batchOff} away from itself alone`);
const code = model.encode(first);
if (code.length !== model.codeSize || !code.every(Number.isFinite)) fail(`encode gave ${code.length} values, not ${model.codeSize} finite ones`);
console.log(`  reconstruct: ${PIXELS} values in (0, 1) an image, the same alone as in a pair (within ${batchOff.toExponential(1)}); encode: ${code.length}`);

// ---- noise ----

for (const kind of ['gaussian', 'salt-pepper', 'masking']) {
  const a = aerec.addNoise(first, { kind, level: 0.5, seed: 7 });
  const b = aerec.addNoise(first, { kind, level: 0.5, seed: 7 });
  const c = aerec.addNoise(first, { kind, level: 0.5, seed: 8 });
  if (!(a instanceof Float32Array) || a.length !== PIXELS) fail(`addNoise(${kind}) gave ${a?.length} values`);
  if (!sameArrays(a, b)) fail(`addNoise(${kind}) drew different noise for the same seed`);
  if (sameArrays(a, c)) fail(`addNoise(${kind}) drew the same noise for seeds 7 and 8`);
  if (!inUnit(a)) fail(`addNoise(${kind}) left [0, 1]`);
  if (sameArrays(a, first)) fail(`addNoise(${kind}, 0.5) changed nothing`);
  const changed = a.filter((v, i) => v !== first[i]).length;
  if (kind === 'masking' && !a.every((v, i) => v === first[i] || v === 0)) fail('masking noise set a pixel to something other than 0');
  if (kind === 'salt-pepper' && !a.every((v, i) => v === first[i] || v === 0 || v === 1)) fail('salt-and-pepper noise set a pixel to something other than 0 or 1');
  console.log(`  addNoise ${kind} 0.5: the same for a seed, in [0, 1], ${changed} of ${PIXELS} pixels changed`);
}
const quiet = aerec.addNoise(first, { kind: 'gaussian', level: 0, seed: 3 });
if (!sameArrays(quiet, first)) fail('Gaussian noise of level 0 changed the image');
if (!sameArrays(aerec.addNoise(first, { level: 0.3 }), aerec.addNoise(first, { kind: 'gaussian', level: 0.3, seed: 1 }))) {
  fail("addNoise's defaults are not kind 'gaussian' and seed 1");
}
if (!sameArrays(Array.from(first), Array.from(images[0]))) fail('addNoise changed its input');

// ---- denoising: the page's samples at the page's default noise ----

let noisySum = 0;
let denoisedSum = 0;
let worstGain = Infinity;
const byClass = names.map(() => ({ noisy: 0, denoised: 0, count: 0 }));
images.forEach((clean, i) => {
  const noisy = aerec.addNoise(clean, { kind: 'gaussian', level: 0.5, seed: 1 });
  const denoised = model.reconstruct(noisy);
  const [n, d] = [psnr(clean, noisy), psnr(clean, denoised)];
  noisySum += n;
  denoisedSum += d;
  worstGain = Math.min(worstGain, d - n);
  Object.assign(byClass[labels[i]], { noisy: byClass[labels[i]].noisy + n, denoised: byClass[labels[i]].denoised + d, count: byClass[labels[i]].count + 1 });
});
const [noisyMean, denoisedMean] = [noisySum / images.length, denoisedSum / images.length];
console.log(`  ${images.length} samples at Gaussian noise 0.5: PSNR ${noisyMean.toFixed(2)} dB noisy, ${denoisedMean.toFixed(2)} dB denoised `
  + `(+${(denoisedMean - noisyMean).toFixed(2)} dB; the least gain ${worstGain.toFixed(2)} dB)`);
console.log(`  by class: ${byClass.map((c, label) => `${names[label]} +${((c.denoised - c.noisy) / c.count).toFixed(1)}`).join(', ')}`);
if (!(denoisedMean - noisyMean >= MIN_GAIN_DB)) fail(`the model gains ${(denoisedMean - noisyMean).toFixed(2)} dB on the samples; at least ${MIN_GAIN_DB} expected`);
if (!(worstGain > 0)) fail(`a sample came out worse than its noisy input (${worstGain.toFixed(2)} dB)`);

// ---- the native CLI: the same noise and reconstructions ----

const PARITY_IMAGES = 8;
const PARITY_LIMIT = 1e-5;

function nativeReconstruct() {
  try {
    execFileSync(args.aerec, ['reconstruct', '--help'], { stdio: 'ignore' });
  } catch {
    return null;  // a CLI without the command
  }
  const dataDir = process.env.AEREC_FASHION_MNIST_DIR;
  const out = execFileSync(args.aerec, ['reconstruct', args.model, '--json', '--first', '0', '--count', String(PARITY_IMAGES),
    '--noise', '0.5', '--noise-kind', 'gaussian', '--seed', '3', ...(dataDir ? ['--data', dataDir] : [])],
  { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}

if (args.aerec) {
  const native = nativeReconstruct();
  if (native === null) {
    console.log(`  parity with the native CLI: skipped (${args.aerec} has no reconstruct command)`);
  } else {
    // The samples start with the first test images (samples.json's indices say which).
    const { indices } = JSON.parse(fs.readFileSync(path.join(args.samples, 'samples.json'), 'utf8'));
    if (!indices.slice(0, PARITY_IMAGES).every((index, i) => index === i)) fail('the samples do not start with test images 0..7');
    const clean = new Float32Array(PARITY_IMAGES * PIXELS);
    images.slice(0, PARITY_IMAGES).forEach((image, i) => clean.set(image, i * PIXELS));
    const noisy = aerec.addNoise(clean, { kind: 'gaussian', level: 0.5, seed: 3 });
    const noiseOff = Math.max(...noisy.map((v, i) => Math.abs(v - native.inputs[i])));
    if (native.inputs.length !== noisy.length || !(noiseOff <= 1e-6)) {
      fail(`addNoise draws other noise than aerec reconstruct for seed 3 (off by ${noiseOff} over ${native.inputs.length} pixels)`);
    }
    const wasm = model.reconstruct(Float32Array.from(native.inputs));
    const off = Math.max(...wasm.map((v, i) => Math.abs(v - native.reconstructions[i])));
    if (native.reconstructions.length !== wasm.length || !(off <= PARITY_LIMIT)) {
      fail(`the wasm reconstructions differ from aerec reconstruct's by up to ${off} (limit ${PARITY_LIMIT})`);
    }
    console.log(`  parity with the native CLI: ${PARITY_IMAGES} test images, the same noise, reconstructions within ${off.toExponential(1)} `
      + `(native PSNR ${native.psnr_noisy.toFixed(2)} -> ${native.psnr.toFixed(2)} dB)`);
  }
}

// ---- errors ----

const ok = new Float32Array(PIXELS).fill(0.5);
const withNaN = ok.slice();
withNaN[100] = NaN;
const tooBright = ok.slice();
tooBright[783] = 1.5;
const negative = ok.slice();
negative[0] = -0.1;
expectError(aerec, 'invalid_argument', 'reconstruct: 783 pixels', () => model.reconstruct(new Float32Array(PIXELS - 1)));
expectError(aerec, 'invalid_argument', 'reconstruct: one and a half images', () => model.reconstruct(new Float32Array(PIXELS + PIXELS / 2)));
expectError(aerec, 'invalid_argument', 'reconstruct: no pixels', () => model.reconstruct(new Float32Array(0)));
expectError(aerec, 'invalid_argument', 'reconstruct: a NaN pixel', () => model.reconstruct(withNaN));
expectError(aerec, 'invalid_argument', 'reconstruct: a pixel of 1.5', () => model.reconstruct(tooBright));
expectError(aerec, 'invalid_argument', 'reconstruct: a pixel of -0.1', () => model.reconstruct(negative));
expectError(aerec, 'invalid_argument', 'reconstruct: not an array', () => model.reconstruct('pixels'));
expectError(aerec, 'invalid_argument', 'encode: 783 pixels', () => model.encode(new Float32Array(PIXELS - 1)));
expectError(aerec, 'invalid_argument', 'addNoise: an unknown kind', () => aerec.addNoise(first, { kind: 'speckle', level: 0.5 }));
expectError(aerec, 'invalid_argument', 'addNoise: no level', () => aerec.addNoise(first, { kind: 'gaussian' }));
expectError(aerec, 'invalid_argument', 'addNoise: a negative seed', () => aerec.addNoise(first, { level: 0.5, seed: -1 }));
expectError(aerec, 'invalid_argument', 'addNoise: not an array', () => aerec.addNoise(null, { level: 0.5 }));

const recommenderBytes = fs.readFileSync(args.recommender);
const imageBytes = fs.readFileSync(args.model);
expectError(aerec, 'invalid_argument', 'loadImageModel: a recommender', () => aerec.loadImageModel(recommenderBytes));
expectError(aerec, 'invalid_argument', 'loadModel: an image model', () => aerec.loadModel(imageBytes));
expectError(aerec, 'model_format', 'loadImageModel: garbage bytes', () => aerec.loadImageModel(new Uint8Array(1000).map((_, i) => (i * 37) & 255)));
expectError(aerec, 'model_format', 'loadImageModel: an image model cut short', () => aerec.loadImageModel(imageBytes.subarray(0, imageBytes.length >> 1)));
expectError(aerec, 'model_format', 'loadImageModel: no bytes', () => aerec.loadImageModel(new Uint8Array(0)));
expectError(aerec, 'invalid_argument', 'loadImageModel: a string', () => aerec.loadImageModel('images.aerec'));

if (!sameArrays(model.reconstruct(first), reconstruction)) fail('the reconstruction changed after the errors');
const other = aerec.loadImageModel(imageBytes.buffer.slice(imageBytes.byteOffset, imageBytes.byteOffset + imageBytes.byteLength));
if (!sameArrays(other.reconstruct(first), reconstruction)) fail('the model loaded from an ArrayBuffer reconstructs differently');
other.delete();
model.delete();
model.delete();  // a second delete does nothing
expectError(aerec, 'invalid_argument', 'reconstruct: a deleted model', () => model.reconstruct(first));
expectError(aerec, 'invalid_argument', 'encode: a deleted model', () => model.encode(first));
expectError(aerec, 'invalid_argument', 'metadata: a deleted model', () => model.metadata());
console.log('PASS: the wasm module loads the image model, reconstructs and denoises the sample images, draws noise by seed, and refuses bad input');
