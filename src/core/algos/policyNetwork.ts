// The greedy policy of an MLP agent as plain dense layers on raw observations (types.ts PolicyNetwork), for export as
// a feed-forward model. The state normalisation x' = (x - mean) / std is folded into the first layer:
// x' W + b = x (W / std) + (b - (mean / std) W), so the exported network reads observations as the environment gives them.
import * as tf from '@tensorflow/tfjs';
import type { ObservationStats } from './common';
import type { MLP } from './nets';
import type { DenseLayerWeights, PolicyNetwork } from './types';

/** How the network's last layer becomes the greedy policy. */
export type PolicyHead =
  /** Continuous actions tanh(out), of the first `columns` outputs when given (SAC's actor also outputs log stds). */
  | { kind: 'tanh'; columns?: number; description: string }
  /** Continuous actions clip(out, -1, 1) (AWAC's unsquashed Gaussian mean). */
  | { kind: 'clip'; description: string }
  /** Discrete actions: the outputs are scores (logits or Q-values) and the action is their argmax. */
  | { kind: 'argmax'; description: string };

/** Reads the network's current weights (one consistent snapshot, async reads only) and describes its greedy policy. */
export async function mlpPolicyNetwork(net: MLP, normalization: ObservationStats | null, head: PolicyHead): Promise<PolicyNetwork> {
  // Clones keep this moment's values even if an update assigns new ones while the reads are awaited.
  const snapshot = net.variables.map((v) => tf.clone(v));
  let values: Float32Array[];
  try {
    values = (await Promise.all(snapshot.map((t) => t.data()))).map((v) => Float32Array.from(v));
  } finally {
    tf.dispose(snapshot);
  }
  const count = net.weights.length;
  const layers: DenseLayerWeights[] = [];
  for (let l = 0; l < count; l++) {
    const [fanIn, fanOut] = net.weights[l].shape as [number, number];
    let layer: DenseLayerWeights = { inputDim: fanIn, outputDim: fanOut, kernel: values[l], bias: values[count + l], activation: net.activation };
    if (l === 0 && normalization) layer = foldNormalization(layer, normalization);
    if (l === count - 1) {
      layers.push(...outputLayers(layer, head));
    } else {
      layers.push(layer);
    }
  }
  return { layers, output: head.kind === 'argmax' ? 'scores' : 'actions', description: head.description };
}

/** W' = W / std (row i divided by std_i), b' = b - (mean / std) W; computed in double precision, stored as float32. */
export function foldNormalization(layer: DenseLayerWeights, { mean, std }: ObservationStats): DenseLayerWeights {
  const { inputDim: n, outputDim: m } = layer;
  if (mean.length !== n || std.length !== n) throw new Error(`normalisation statistics have ${mean.length} dimensions, the first layer reads ${n}`);
  const kernel = new Float32Array(n * m);
  const bias = new Float64Array(layer.bias);
  for (let i = 0; i < n; i++) {
    const [scale, shift] = [1 / std[i], mean[i] / std[i]];
    for (let j = 0; j < m; j++) {
      const w = layer.kernel[i * m + j];
      kernel[i * m + j] = w * scale;
      bias[j] -= shift * w;
    }
  }
  return { ...layer, kernel, bias: Float32Array.from(bias) };
}

/** The last layer with the head's output: tanh, linear scores, or clip(z, -1, 1) = 1 - relu(2 - relu(z + 1)) in dense layers. */
function outputLayers(last: DenseLayerWeights, head: PolicyHead): DenseLayerWeights[] {
  if (head.kind === 'argmax') return [{ ...last, activation: 'linear' }];
  if (head.kind === 'tanh') {
    const layer = head.columns === undefined ? last : keepColumns(last, head.columns);
    return [{ ...layer, activation: 'tanh' }];
  }
  const d = last.outputDim;
  const negIdentity = (): Float32Array => {
    const k = new Float32Array(d * d);
    for (let i = 0; i < d; i++) k[i * d + i] = -1;
    return k;
  };
  return [
    { ...last, bias: last.bias.map((b) => b + 1), activation: 'relu' },
    { inputDim: d, outputDim: d, kernel: negIdentity(), bias: new Float32Array(d).fill(2), activation: 'relu' },
    { inputDim: d, outputDim: d, kernel: negIdentity(), bias: new Float32Array(d).fill(1), activation: 'linear' },
  ];
}

/** The layer restricted to its first `columns` outputs. */
function keepColumns(layer: DenseLayerWeights, columns: number): DenseLayerWeights {
  const { inputDim: n, outputDim: m } = layer;
  if (columns > m) throw new Error(`cannot keep ${columns} of ${m} outputs`);
  const kernel = new Float32Array(n * columns);
  for (let i = 0; i < n; i++) kernel.set(layer.kernel.subarray(i * m, i * m + columns), i * columns);
  return { ...layer, outputDim: columns, kernel, bias: layer.bias.slice(0, columns) };
}
