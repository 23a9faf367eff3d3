// The ONNX graph of an aerec model (readModel's result): per layer MatMul, Add
// and the activation, with the same weights, the batch dimension left free.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

// ONNX operators with PyTorch's constants, as aerec defines its activations.
const operators = {
  identity: null,
  sigmoid: { opType: 'Sigmoid' },
  tanh: { opType: 'Tanh' },
  relu: { opType: 'Relu' },
  leaky_relu: { opType: 'LeakyRelu', attribute: [{ name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: 0.01 }] },
  selu: { opType: 'Selu' },  // ONNX's default alpha and gamma are SELU's (and PyTorch's) constants
  elu: { opType: 'Elu' },
};

function tensor(name, dims, values) {
  return {
    name, dims, dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

function valueInfo(name, items) {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: items }] } } },
  };
}

/** The serialized ModelProto: input "x" and output "y", batch x items. */
export function onnxModel(model) {
  const node = [];
  const initializer = [];
  let x = 'x';
  model.layers.forEach((layer, i) => {
    initializer.push(tensor(`w${i}`, [layer.inputs, layer.outputs], layer.weight), tensor(`b${i}`, [layer.outputs], layer.bias));
    node.push({ opType: 'MatMul', input: [x, `w${i}`], output: [`m${i}`] });
    const op = operators[layer.activation];
    const last = i === model.layers.length - 1;
    const added = last && !op ? 'y' : `a${i}`;
    node.push({ opType: 'Add', input: [`m${i}`, `b${i}`], output: [added] });
    x = added;
    if (op) {
      x = last ? 'y' : `h${i}`;
      node.push({ ...op, input: [added], output: [x] });
    }
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'aerec-bench',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'aerec', node, initializer, input: [valueInfo('x', model.items)], output: [valueInfo('y', model.items)] },
  });
  return onnx.ModelProto.encode(proto).finish();
}
