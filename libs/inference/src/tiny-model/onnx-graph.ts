import { onnx } from 'onnx-proto';

/** Small helpers to build ONNX graphs by hand with onnx-proto (opset 17, IR version 8). */

export const OPSET = 17;
export const IR_VERSION = 8;

export type Dim = number | string;
export type ElemType = 'float32' | 'int32' | 'int64';

const DATA_TYPE: Record<ElemType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

/** mulberry32: a tiny seeded PRNG, so weights are identical on every run and platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Weights uniform in [-0.5, 0.5] * scale / sqrt(fanIn), which keeps activations near unit size. */
export function randomWeights(
  rand: () => number,
  count: number,
  fanIn: number,
  scale = 1,
): Float32Array {
  const k = scale / Math.sqrt(fanIn);
  return Float32Array.from({ length: count }, () => (rand() - 0.5) * k);
}

/** A graph input or output with symbolic (string) or fixed (number) dimensions. */
export function valueInfo(
  name: string,
  type: ElemType,
  dims: readonly Dim[],
): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[type],
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

/** A float initializer stored as little-endian raw_data (explicit endianness: same bytes everywhere). */
export function floatTensor(
  name: string,
  dims: readonly number[],
  values: Float32Array,
): onnx.ITensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== values.length) throw new Error(`${name}: ${values.length} values for [${dims}]`);
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw };
}

/** An int64 initializer (shapes, axes, indices) stored as little-endian raw_data. */
export function int64Tensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): onnx.ITensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, rawData: raw };
}

export type AttrValue = number | string | readonly number[];

/** Numbers become INT/INTS attributes unless their name is in `floats` (then FLOAT/FLOATS). */
function attribute(
  name: string,
  value: AttrValue,
  floats: ReadonlySet<string>,
): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') {
    return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  }
  if (typeof value === 'number') {
    return floats.has(name) ? { name, type: T.FLOAT, f: value } : { name, type: T.INT, i: value };
  }
  return floats.has(name)
    ? { name, type: T.FLOATS, floats: [...value] }
    : { name, type: T.INTS, ints: [...value] };
}

/** Collects nodes and initializers, naming every node after its first output. */
export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];

  node(
    opType: string,
    inputs: readonly string[],
    output: string,
    attrs: Record<string, AttrValue> = {},
    floatAttrs: readonly string[] = [],
  ): string {
    const floats = new Set(floatAttrs);
    this.nodes.push({
      name: `${opType}_${output}`,
      opType,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v, floats)),
    });
    return output;
  }

  weight(name: string, dims: readonly number[], values: Float32Array): string {
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  ints(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    this.initializers.push(int64Tensor(name, dims, values));
    return name;
  }

  /** Serialises the graph as a ModelProto (opset 17, IR 8) to protobuf bytes. */
  encode(
    name: string,
    inputs: readonly onnx.IValueInfoProto[],
    outputs: readonly onnx.IValueInfoProto[],
  ): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'pingvas-tiny-model',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name,
        node: this.nodes,
        initializer: this.initializers,
        input: [...inputs],
        output: [...outputs],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
