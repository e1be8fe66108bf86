import { makeEnv } from '../envs/registry';
import { flatDim } from '../envs/spaces';
import { measureReferenceScores } from '../policies/evaluate';
import { getPolicyLevel } from '../policies/index';
import { Rng } from '../rng';
import { allocateArrays, type Dataset, type DatasetArrays } from './dataset';

export interface MixPart {
  /** Behaviour policy level id, e.g. "expert". */
  policy: string;
  /** Share of the dataset, any positive weights (normalised). */
  weight: number;
}

export interface GenerateOptions {
  envId: string;
  /**
   * A custom GridWorld or PointMaze map (see EnvOptions.layout). The dataset keeps it in envOptions, with
   * reference returns measured on it, so training evaluates and scores on this map.
   */
  layout?: string;
  /** One part for a plain dataset; several are concatenated in order, as D4RL builds medium-expert. */
  mix: MixPart[];
  /** Size in transitions: each part gets its share, its last episode cut short (a time-out) where the share ends. */
  transitions?: number;
  /** Size in whole episodes instead, shared among the parts by weight; the dataset is as long as they run. */
  episodes?: number;
  seed: number;
  /** Std of Gaussian noise added to continuous actions (clipped to the action space). */
  actionNoise?: number;
  name?: string;
  id?: string;
  onProgress?: (fraction: number) => boolean | void;
}

export class GenerationCancelled extends Error {
  constructor() {
    super('Dataset generation was cancelled');
  }
}

/** Rolls out behaviour policies in the environment and records every transition, with the true next state. */
const MAX_ROWS = 5_000_000;

/** Integer shares of `n` by weight; the rounding remainder goes to the last part. */
function shares(mix: readonly MixPart[], n: number): number[] {
  const total = mix.reduce((s, p) => s + p.weight, 0);
  const counts = mix.map((p) => Math.floor((p.weight / total) * n));
  counts[counts.length - 1] += n - counts.reduce((a, b) => a + b, 0);
  return counts;
}

/** The first `n` rows of each array, copied onto fresh (shared) buffers. */
function trimArrays(a: DatasetArrays, n: number, obsDim: number, actDim: number): DatasetArrays {
  const out = allocateArrays(n, obsDim, actDim);
  out.observations.set(a.observations.subarray(0, n * obsDim));
  out.actions.set(a.actions.subarray(0, n * actDim));
  out.nextObservations.set(a.nextObservations.subarray(0, n * obsDim));
  for (const key of ['rewards', 'terminals', 'timeouts', 'nextValid'] as const) out[key].set(a[key].subarray(0, n));
  return out;
}

/** Rolls out behaviour policies in the environment and records every transition, with the true next state. */
export function generateDataset(opts: GenerateOptions): Dataset {
  const byEpisodes = opts.episodes !== undefined;
  if (byEpisodes === (opts.transitions !== undefined)) throw new Error('give the size as transitions or as episodes (one of them)');
  if (byEpisodes && (!Number.isInteger(opts.episodes) || opts.episodes! < 1)) throw new Error(`episodes must be a positive integer, got ${opts.episodes}`);
  if (!byEpisodes && (!Number.isInteger(opts.transitions) || opts.transitions! < 1 || opts.transitions! > MAX_ROWS)) {
    throw new Error(`transitions must be an integer between 1 and 5,000,000, got ${opts.transitions}`);
  }
  if (opts.mix.length === 0 || opts.mix.some((p) => !(p.weight > 0))) throw new Error('mix needs at least one part, each with a positive weight');
  const env = makeEnv(opts.envId, opts.layout !== undefined ? { layout: opts.layout } : {});
  const { spec } = env;
  const obsDim = flatDim(spec.observationSpace);
  const actDim = flatDim(spec.actionSpace);
  // By episodes, room for every episode to run to the time limit; the rows they do not use are trimmed.
  const capacity = byEpisodes ? opts.episodes! * spec.maxEpisodeSteps : opts.transitions!;
  if (capacity > MAX_ROWS) {
    throw new Error(`${opts.episodes} episodes of up to ${spec.maxEpisodeSteps} steps could exceed 5,000,000 transitions; ask for fewer episodes`);
  }
  let arrays = allocateArrays(capacity, obsDim, actDim);
  const rng = new Rng(opts.seed);
  const envSeeds = rng.fork();
  const noise = opts.actionNoise ?? 0;
  const total = opts.mix.reduce((s, p) => s + p.weight, 0);
  const counts = shares(opts.mix, byEpisodes ? opts.episodes! : capacity);
  const progress = (row: number, episodes: number) => (byEpisodes ? episodes / opts.episodes! : row / capacity);

  let row = 0;
  let episodes = 0;
  opts.mix.forEach((part, k) => {
    const policy = getPolicyLevel(opts.envId, part.policy).make(spec);
    const end = byEpisodes ? capacity : row + counts[k];
    const endEpisodes = episodes + counts[k];
    const partDone = () => (byEpisodes ? episodes >= endEpisodes : row >= end);
    let obs = env.reset(envSeeds.nextUint32());
    while (!partDone()) {
      let action = policy.act(obs, rng);
      if (noise > 0 && typeof action !== 'number' && spec.actionSpace.kind === 'box') {
        const noisy = new Float32Array(action.length);
        for (let i = 0; i < noisy.length; i++) {
          noisy[i] = Math.min(spec.actionSpace.high[i], Math.max(spec.actionSpace.low[i], action[i] + rng.normal(0, noise)));
        }
        action = noisy;
      }
      const r = env.step(action);
      arrays.observations.set(obs, row * obsDim);
      if (typeof action === 'number') arrays.actions[row] = action;
      else arrays.actions.set(action, row * actDim);
      arrays.rewards[row] = r.reward;
      arrays.nextObservations.set(r.observation, row * obsDim);
      arrays.nextValid[row] = 1;
      arrays.terminals[row] = r.terminated ? 1 : 0;
      // The last row of a part ends its episode early: mark it as a time-out so episodes split there.
      const cut = row === end - 1 && !r.terminated;
      arrays.timeouts[row] = !r.terminated && (r.truncated || cut) ? 1 : 0;
      row += 1;
      if (r.terminated || r.truncated || cut) {
        episodes += 1;
        if (!partDone()) obs = env.reset(envSeeds.nextUint32());
      } else obs = r.observation;
      if (opts.onProgress && row % 5000 === 0 && opts.onProgress(progress(row, episodes)) === false) throw new GenerationCancelled();
    }
  });
  env.dispose();
  if (row < capacity) arrays = trimArrays(arrays, row, obsDim, actDim);
  const n = row;

  const behavior = opts.mix.length === 1 ? opts.mix[0].policy : opts.mix.map((p) => `${p.policy} ${Math.round((p.weight / total) * 100)}%`).join(' + ');
  const name = opts.name ?? `${spec.id.split('-')[0].toLowerCase()}-${opts.mix.map((p) => p.policy).join('-')}`;
  return {
    id: opts.id ?? (byEpisodes ? `${name}-${opts.episodes}ep-s${opts.seed}` : `${name}-${n}-s${opts.seed}`),
    name,
    envId: spec.id,
    source: 'generated',
    behavior,
    observationDim: obsDim,
    actionDim: actDim,
    discreteActions: spec.actionSpace.kind === 'discrete' ? spec.actionSpace.n : null,
    size: n,
    episodes,
    createdAt: Date.now(),
    seed: opts.seed,
    recipe: {
      envId: opts.envId,
      mix: opts.mix.map((p) => ({ policy: p.policy, weight: p.weight })),
      ...(byEpisodes ? { episodes: opts.episodes } : { transitions: opts.transitions }),
      seed: opts.seed,
      ...(opts.actionNoise ? { actionNoise: opts.actionNoise } : {}),
      ...(opts.layout !== undefined ? { layout: opts.layout } : {}),
      name,
    },
    ...(opts.layout !== undefined ? { envOptions: { layout: opts.layout, referenceScores: measureReferenceScores(opts.envId, { layout: opts.layout }) } } : {}),
    ...arrays,
  };
}
