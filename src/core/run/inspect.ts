import * as tf from '@tensorflow/tfjs';
import type { Agent } from '../algos/types';
import type { Dataset } from '../data/dataset';
import { toUnitActions, type ActionScale } from './actionScale';

/** Ask the agent about many states at once: V(s) and its greedy action (value heatmaps, policy arrows). */
export interface ValuesRequest {
  kind: 'values';
  /** count rows of observationDim. */
  observations: Float32Array;
  count: number;
}

/** Q(s, a) at one state over a set of actions (unit-box actions, or discrete indices), and the data's actions near s. */
export interface QSliceRequest {
  kind: 'qSlice';
  observation: Float32Array;
  /** count rows of actionDim: continuous actions in [-1, 1], or discrete indices. */
  actions: Float32Array;
  count: number;
  /** How many nearest dataset states to report actions for. */
  neighbours: number;
}

export type InspectRequest = ValuesRequest | QSliceRequest;

export interface InspectResult {
  /** V(s) per state, or null when the algorithm has no value function (e.g. BC). */
  values: Float32Array | null;
  /** Greedy action per state (index, or unit-box action rows). */
  greedy: Float32Array | null;
  /** Q(s, a) per requested action, or null without a critic. */
  q: Float32Array | null;
  /** Actions (unit box, or indices) of the dataset rows nearest to the state, with Q at each. */
  datasetActions: Float32Array | null;
  datasetQ: Float32Array | null;
}

const empty: InspectResult = { values: null, greedy: null, q: null, datasetActions: null, datasetQ: null };

export async function inspectAgent(agent: Agent, data: Dataset, scale: ActionScale | null, request: InspectRequest): Promise<InspectResult> {
  const obsDim = data.observationDim;
  if (request.kind === 'values') {
    if (request.observations.length !== request.count * obsDim) throw new Error(`values request: expected ${request.count} x ${obsDim} observation values, got ${request.observations.length}`);
    const obs = tf.tensor2d(request.observations, [request.count, obsDim]);
    const v = agent.stateValue ? agent.stateValue(obs) : null;
    const a = agent.act(obs, 'greedy');
    const [values, greedy] = await Promise.all([v ? v.data() : null, a.data()]);
    tf.dispose([obs, v, a].filter((t): t is tf.Tensor => t !== null));
    return { ...empty, values: values as Float32Array | null, greedy: Float32Array.from(greedy) };
  }
  if (request.observation.length !== obsDim) throw new Error(`qSlice request: the state needs ${obsDim} values, got ${request.observation.length}`);
  const rows = nearestRows(data, request.observation, request.neighbours);
  const datasetActions = toUnitActions(Float32Array.from(rows.flatMap((r) => Array.from(data.actions.subarray(r * data.actionDim, (r + 1) * data.actionDim)))), scale);
  if (!agent.qValue) return { ...empty, datasetActions };
  const all = new Float32Array((request.count + rows.length) * data.actionDim);
  all.set(request.actions);
  all.set(datasetActions, request.actions.length);
  const n = request.count + rows.length;
  const obs = tf.tidy(() => tf.tile(tf.tensor2d(request.observation, [1, obsDim]), [n, 1]) as tf.Tensor2D);
  const acts = tf.tensor2d(all, [n, data.actionDim]);
  const q = agent.qValue(obs, acts);
  const values = (await q.data()) as Float32Array;
  tf.dispose([obs, acts, q]);
  return { ...empty, q: values.slice(0, request.count), datasetActions, datasetQ: values.slice(request.count) };
}

/** Indices of the k dataset rows whose observations are closest to `obs` (Euclidean, each dimension scaled by its range). */
export function nearestRows(data: Pick<Dataset, 'observations' | 'observationDim' | 'size'>, obs: Float32Array, k: number): number[] {
  const dim = data.observationDim;
  const lo = new Float64Array(dim).fill(Infinity);
  const hi = new Float64Array(dim).fill(-Infinity);
  for (let i = 0; i < data.size * dim; i++) {
    const j = i % dim;
    lo[j] = Math.min(lo[j], data.observations[i]);
    hi[j] = Math.max(hi[j], data.observations[i]);
  }
  const best: { row: number; d: number }[] = [];
  for (let r = 0; r < data.size; r++) {
    let d = 0;
    for (let j = 0; j < dim; j++) d += ((data.observations[r * dim + j] - obs[j]) / Math.max(1e-6, hi[j] - lo[j])) ** 2;
    if (best.length < k || d < best[best.length - 1].d) {
      best.push({ row: r, d });
      best.sort((a, b) => a.d - b.d);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b.row);
}
