// The JavaScript runtimes under test, each loaded with one model and answering
// run(rows, batch): rows is a Float32Array of batch x items ratings (row-major,
// 0 = not rated), the result a Float32Array of batch x items predictions (raw:
// the caller clips; aerec's, for a batch of more than one, an array it keeps and
// fills again on its next batch of that size). Each is set up in its strongest
// one-thread configuration.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import * as ort from 'onnxruntime-web/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

import { onnxModel } from './onnx_model.mjs';

// A runtime's output arrays, one kept per batch size: (batch, items) => Float32Array.
function outputArrays() {
  const kept = new Map();
  return (batch, items) => {
    if (!kept.has(batch)) kept.set(batch, new Float32Array(batch * items));
    return kept.get(batch);
  };
}

// Read from the file: onnxruntime-web's exports map hides its package.json.
const versionOf = (name) =>
  JSON.parse(fs.readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;

/**
 * aerec's WebAssembly module (build/wasm/wasm): predictBatch into an array kept per batch size;
 * with `newArrays`, a new array each call, as the peers return (predict for one user). `name`
 * names another build's runtime.
 */
export async function aerecWasm(moduleDir, bytes, { newArrays = false, name } = {}) {
  const { default: createAerec } = await import(pathToFileURL(path.join(moduleDir, 'aerec.js')).href);
  // The single-threaded build, one thread, as the peers.
  const aerec = await createAerec({ threads: 1, wasmBinary: fs.readFileSync(path.join(moduleDir, 'aerec.wasm')) });
  const model = aerec.loadModel(bytes);
  const items = model.numItems;
  const outputFor = outputArrays();
  return {
    name: name ?? (newArrays ? 'aerec-wasm-new-array' : 'aerec-wasm'),
    version: JSON.parse(fs.readFileSync(path.join(moduleDir, 'package.json'), 'utf8')).version,
    run: (rows, batch) => (newArrays && batch === 1 ? model.predict(rows.subarray(0, items)) :
      model.predictBatch(rows.subarray(0, batch * items), batch, newArrays ? undefined : outputFor(batch, items))),
  };
}

/** onnxruntime-web, wasm execution provider (SIMD build), one thread, every graph optimisation. */
export async function ortWasm(model) {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(onnxModel(model), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  return {
    name: 'ort-wasm',
    version: versionOf('onnxruntime-web'),
    // A new output each call: 1.30's pre-allocated CPU outputs (run(feeds, { y })) come back
    // unfilled, all zeros, in the wasm backend.
    run: async (rows, batch) => {
      const input = new ort.Tensor('float32', rows.subarray(0, batch * model.items), [batch, model.items]);
      const { y } = await session.run({ x: input });
      const out = y.data;
      y.dispose();
      return out;
    },
  };
}

// tfjs's fused matMul takes these activations; SELU runs as its own op after it.
const fusedActivations = { identity: 'linear', sigmoid: 'sigmoid', relu: 'relu', elu: 'elu' };
const separateActivations = { tanh: tf.tanh, selu: tf.selu, leaky_relu: (x) => tf.leakyRelu(x, 0.01) };

/** tfjs with its wasm backend (SIMD, one thread): fused matMul + bias (+ activation) per layer. */
export async function tfjsWasm(model) {
  // The non-threaded SIMD binary: one thread for certain, no worker start-up.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not start');
  const layers = model.layers.map((l) => ({
    weight: tf.tensor2d(l.weight, [l.inputs, l.outputs]),
    bias: tf.tensor1d(l.bias),
    fused: fusedActivations[l.activation],
    separate: separateActivations[l.activation],
  }));
  const forward = (x) => layers.reduce((h, l) => {
    const z = tf.fused.matMul({ a: h, b: l.weight, bias: l.bias, activation: l.fused || 'linear' });
    return l.separate ? l.separate(z) : z;
  }, x);
  return {
    name: 'tfjs-wasm',
    version: versionOf('@tensorflow/tfjs-core'),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    run: (rows, batch) => {
      const y = tf.tidy(() => forward(tf.tensor2d(rows.subarray(0, batch * model.items), [batch, model.items])));
      const out = y.dataSync();
      y.dispose();
      return out;
    },
  };
}
