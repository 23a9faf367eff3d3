// Reads an aerec model file of dense layers (format, versions 1 and 2:
// lib/include/aerec/io/model_file.h) into plain typed arrays, so that the peers
// run with exactly aerec's weights.

// The numbers a version-1 file stores for each activation (lib/include/aerec/nn/activation.h).
export const activations = ['identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu', 'elu'];

function sections(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== 'AERECMDL')
    throw new Error('not an aerec model file');
  const count = view.getUint32(12, true);
  const found = new Map();
  let at = 16;
  for (let i = 0; i < count; ++i) {
    const tag = new TextDecoder().decode(bytes.subarray(at, at + 4));
    const length = Number(view.getBigUint64(at + 4, true));
    found.set(tag, bytes.subarray(at + 12, at + 12 + length));
    at += 12 + length;
  }
  return found;
}

function section(found, tag) {
  const payload = found.get(tag);
  if (!payload) throw new Error(`model file has no ${tag} section`);
  // A copy: typed-array views need aligned offsets.
  return new DataView(payload.slice().buffer);
}

// Version 1's SHAP: per layer u32 kind, inputs, outputs, activation.
function layersV1(found) {
  const shape = section(found, 'SHAP');
  const layers = [];
  for (let i = 0; i < shape.getUint32(4, true); ++i) {
    const at = 8 + 16 * i;
    if (shape.getUint32(at, true) !== 1) throw new Error(`layer ${i} is not a dense layer`);
    layers.push({ inputs: shape.getUint32(at + 4, true), outputs: shape.getUint32(at + 8, true),
      activation: activations[shape.getUint32(at + 12, true)] });
  }
  return layers;
}

// A version-2 record's fields by name (types: 1 integer, 2 real, 3 text, 4 shape).
function record(view, at, end) {
  const fields = {};
  while (at < end) {
    const type = view.getUint8(at);
    const name = new TextDecoder().decode(new Uint8Array(view.buffer, at + 2, view.getUint8(at + 1)));
    at += 2 + name.length;
    if (type === 3) {
      const length = view.getUint32(at, true);
      fields[name] = new TextDecoder().decode(new Uint8Array(view.buffer, at + 4, length));
      at += 4 + length;
    } else if (type === 4) {
      const rank = view.getUint8(at + 1);
      fields[name] = Array.from({ length: rank }, (_, d) => Number(view.getBigInt64(at + 2 + 8 * d, true)));
      at += 2 + 8 * rank;
    } else {
      fields[name] = type === 1 ? Number(view.getBigInt64(at, true)) : view.getFloat64(at, true);
      at += 8;
    }
  }
  return fields;
}

// Version 2's LAYR: a length-prefixed record per layer.
function layersV2(found) {
  const view = section(found, 'LAYR');
  const layers = [];
  let at = 4;
  for (let i = 0; i < view.getUint32(0, true); ++i) {
    const length = view.getUint32(at, true);
    const r = record(view, at + 4, at + 4 + length);
    at += 4 + length;
    if (r.kind !== 'dense') throw new Error(`layer ${i} is a ${r.kind} layer, not a dense one`);
    const size = (shape) => shape.reduce((a, b) => a * b, 1);
    layers.push({ inputs: size(r.input), outputs: size(r.output), activation: r.activation });
  }
  return layers;
}

/**
 * { items, scale: {min, max}, layers: [{ inputs, outputs, activation,
 *   weight (Float32Array, inputs x outputs, row-major), bias (Float32Array) }] }
 */
export function readModel(bytes) {
  const found = sections(bytes);
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (version > 2) throw new Error(`model file version ${version} (compact weights): the peers need f32 (aerec export --weights f32)`);
  const shapes = version === 1 ? layersV1(found) : layersV2(found);
  const scale = section(found, 'SCAL');
  const params = new Float32Array(section(found, 'WGHT').buffer);
  const layers = [];
  let offset = 0;
  for (const { inputs, outputs, activation } of shapes) {
    const weight = params.subarray(offset, offset + inputs * outputs);
    const bias = params.subarray(offset + inputs * outputs, offset + inputs * outputs + outputs);
    offset += inputs * outputs + outputs;
    layers.push({ inputs, outputs, activation, weight, bias });
  }
  if (offset !== params.length) throw new Error('WGHT size does not match the layers');
  return {
    items: layers[0].inputs,
    scale: { min: scale.getFloat32(0, true), max: scale.getFloat32(4, true) },
    layers,
  };
}
