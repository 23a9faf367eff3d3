// Reads an aerec model file (format: lib/include/aerec/io/model_file.h) into plain
// typed arrays, so that the peers run with exactly aerec's weights.

// The numbers a model file stores for each activation (lib/include/aerec/nn/activation.h).
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

/**
 * { items, scale: {min, max}, layers: [{ inputs, outputs, activation,
 *   weight (Float32Array, inputs x outputs, row-major), bias (Float32Array) }] }
 */
export function readModel(bytes) {
  const found = sections(bytes);
  const shape = section(found, 'SHAP');
  const scale = section(found, 'SCAL');
  const params = new Float32Array(section(found, 'WGHT').buffer);
  const layers = [];
  let offset = 0;
  for (let i = 0; i < shape.getUint32(4, true); ++i) {
    const at = 8 + 16 * i;
    const inputs = shape.getUint32(at + 4, true);
    const outputs = shape.getUint32(at + 8, true);
    const weight = params.subarray(offset, offset + inputs * outputs);
    const bias = params.subarray(offset + inputs * outputs, offset + inputs * outputs + outputs);
    offset += inputs * outputs + outputs;
    layers.push({ inputs, outputs, activation: activations[shape.getUint32(at + 12, true)], weight, bias });
  }
  if (offset !== params.length) throw new Error('WGHT size does not match SHAP');
  return {
    items: shape.getUint32(0, true),
    scale: { min: scale.getFloat32(0, true), max: scale.getFloat32(4, true) },
    layers,
  };
}
