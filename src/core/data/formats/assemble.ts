import { listEnvs } from '../../envs/registry';
import type { EnvSpec } from '../../envs/types';
import { sharedFloat32, sharedUint8, type Dataset, type DatasetInfo } from '../dataset';
import { episodeStarts } from '../episodes';
import { takeEnvOptions } from './envOptionsAttrs';
import { checkAgainstEnv, checkFlags, DatasetFormatError, formatShape, matchEnvironment } from './validate';

/** One array as a file stores it: row-major numbers with the file's shape. */
export interface Column {
  /** The name the file uses (a key, or a column group such as "obs_*"), for messages. */
  name: string;
  data: ArrayLike<number>;
  shape: readonly number[];
  /** Stored as an integer or boolean type (decides discrete actions). */
  integer: boolean;
}

/** The D4RL layout as read from any format, before the lab's semantics are applied. */
export interface Columns {
  observations: Column;
  actions: Column;
  rewards: Column;
  terminals?: Column;
  timeouts?: Column;
  nextObservations?: Column;
  /** The lab's own export key `next_valid`, so a round trip keeps rows without a successor. */
  nextValid?: Column;
  /** Rows where the source says an episode ends (CSV episode column, Minari episode end): a time-out unless terminal. */
  episodeEnds?: Uint8Array;
}

export interface ImportOptions {
  id?: string;
  /** The dataset's name; default: the name stored in the file (dataset_name), else fileName without extension. */
  name?: string;
  fileName?: string;
  behavior?: string;
  /** Check the dimensions against this registered environment and attach the dataset to it. */
  envId?: string;
  /**
   * Time limit used when the file has no `timeouts` (D4RL v0 files), as d4rl.qlearning_dataset uses the env's
   * max_episode_steps. Defaults to the chosen environment's limit.
   */
  maxEpisodeSteps?: number;
}

export interface AssembleContext {
  source: DatasetInfo['source'];
  defaultName: string;
  metadata?: Record<string, string | number>;
}

const rowsOf = (c: Column): number => c.shape[0] ?? 0;
const widthOf = (c: Column): number => c.shape.slice(1).reduce((a, b) => a * b, 1);

function checkRows(c: Column | undefined, n: number): void {
  if (c && rowsOf(c) !== n) throw new DatasetFormatError(`${c.name} has ${rowsOf(c)} rows but observations has ${n}`);
  if (c && c.data.length !== rowsOf(c) * widthOf(c)) {
    throw new DatasetFormatError(`${c.name} holds ${c.data.length} values, which does not fit its shape ${formatShape(c.shape)}`);
  }
}

/** Copies to float32, naming the first value that is not finite or does not fit a float32. */
function toFloat32(c: Column, width: number): Float32Array {
  const out = sharedFloat32(c.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = c.data[i];
    out[i] = v;
    if (!Number.isFinite(out[i])) {
      const where = width > 1 ? `row ${Math.floor(i / width)}, column ${i % width}` : `row ${i}`;
      const why = Number.isFinite(v) ? `${v}, beyond the float32 range` : String(v);
      throw new DatasetFormatError(`${c.name} ${where} is ${why}`);
    }
  }
  return out;
}

function toFlags(c: Column | undefined, n: number): Uint8Array {
  const out = sharedUint8(n);
  if (!c) return out;
  checkFlags(c.name, c.data);
  for (let i = 0; i < n; i++) out[i] = c.data[i];
  return out;
}

/** Discrete when stored as integers with one column: the values must be action indices. */
function discreteCount(c: Column): number | null {
  if (!c.integer || widthOf(c) !== 1 || c.shape.length > 2) return null;
  let max = 0;
  for (let i = 0; i < c.data.length; i++) {
    const v = c.data[i];
    if (!Number.isInteger(v) || v < 0) throw new DatasetFormatError(`${c.name} row ${i} is ${v}, expected a non-negative integer action index`);
    if (v > max) max = v;
  }
  return max + 1;
}

function findEnv(id: string): EnvSpec {
  const spec = listEnvs().find((s) => s.id === id);
  if (!spec) throw new DatasetFormatError(`unknown environment '${id}' (registered: ${listEnvs().map((s) => s.id).join(', ')})`);
  return spec;
}

/**
 * Applies d4rl.qlearning_dataset's semantics to raw columns and returns a Dataset:
 * - a row with both flags set is terminal (the terminal wins, as in d3rlpy);
 * - the last row of the data, and any row where the source ends an episode, is a time-out unless terminal;
 * - without next_observations, next_obs[i] = observations[i + 1], and a time-out row has no successor
 *   (nextValid 0: kept for BC, skipped by TD samplers); with next_observations every row is valid.
 */
export function assembleDataset(cols: Columns, opts: ImportOptions, ctx: AssembleContext): Dataset {
  const obsCol = cols.observations;
  if (obsCol.shape.length < 1) throw new DatasetFormatError(`observations has shape ${formatShape(obsCol.shape)}, expected (N, obs_dim)`);
  const n = rowsOf(obsCol);
  if (n === 0) throw new DatasetFormatError(`${obsCol.name} has 0 rows`);
  for (const c of [obsCol, cols.actions, cols.rewards, cols.terminals, cols.timeouts, cols.nextObservations, cols.nextValid]) checkRows(c, n);
  const rewardsShape = cols.rewards.shape;
  if (rewardsShape.length > 2 || widthOf(cols.rewards) !== 1) {
    throw new DatasetFormatError(`${cols.rewards.name} has shape ${formatShape(rewardsShape)}, expected (${n}) or (${n}, 1)`);
  }
  for (const c of [cols.terminals, cols.timeouts, cols.nextValid]) {
    if (c && widthOf(c) !== 1) throw new DatasetFormatError(`${c.name} has shape ${formatShape(c.shape)}, expected (${n})`);
  }
  const next = cols.nextObservations;
  if (next && widthOf(next) !== widthOf(obsCol)) {
    throw new DatasetFormatError(`${next.name} has shape ${formatShape(next.shape)} but ${obsCol.name} has shape ${formatShape(obsCol.shape)}`);
  }

  const observationDim = widthOf(obsCol);
  const actionDim = widthOf(cols.actions);
  let discreteActions = discreteCount(cols.actions);

  // A custom map stored by the lab's export (env_layout) becomes envOptions; the rest stays metadata.
  const { envOptions, rest } = takeEnvOptions(ctx.metadata);
  const metadata = rest && Object.keys(rest).length ? rest : undefined;
  const dims = { observationDim, actionDim, discreteActions, metadata, envId: null };
  let env: EnvSpec | null = null;
  if (opts.envId) {
    env = findEnv(opts.envId);
    // Some files store discrete actions as floats: for a discrete env, one float column of indices is fine.
    if (env.actionSpace.kind === 'discrete' && dims.discreteActions === null && actionDim === 1) {
      dims.discreteActions = discreteActions = discreteCount({ ...cols.actions, integer: true });
    }
    checkAgainstEnv(dims, env);
  } else {
    const named = matchEnvironment(dims, listEnvs()).find((m) => m.nameMatch === 'exact');
    if (named) env = findEnv(named.envId);
  }
  if (env && env.actionSpace.kind === 'discrete') discreteActions = env.actionSpace.n;

  const observations = toFloat32(obsCol, observationDim);
  const actions = toFloat32(cols.actions, actionDim);
  const rewards = toFloat32(cols.rewards, 1);
  const terminals = toFlags(cols.terminals, n);
  const timeouts = toFlags(cols.timeouts, n);
  for (let i = 0; i < n; i++) if (terminals[i]) timeouts[i] = 0;

  const limit = opts.maxEpisodeSteps ?? env?.maxEpisodeSteps;
  if (!cols.timeouts && limit) {
    // D4RL v0 files: the time limit is implied by the step count within the episode.
    let step = 0;
    for (let i = 0; i < n; i++) {
      if (!terminals[i] && step === limit - 1) timeouts[i] = 1;
      step = terminals[i] || timeouts[i] ? 0 : step + 1;
    }
  }
  if (cols.episodeEnds) for (let i = 0; i < n; i++) if (cols.episodeEnds[i] && !terminals[i]) timeouts[i] = 1;
  if (!terminals[n - 1]) timeouts[n - 1] = 1;

  let nextObservations: Float32Array;
  let nextValid: Uint8Array;
  if (next) {
    nextObservations = toFloat32(next, observationDim);
    nextValid = cols.nextValid ? toFlags(cols.nextValid, n) : sharedUint8(n).fill(1);
  } else {
    nextObservations = sharedFloat32(n * observationDim);
    nextObservations.set(observations.subarray(observationDim));
    nextObservations.set(observations.subarray((n - 1) * observationDim), (n - 1) * observationDim);
    nextValid = sharedUint8(n);
    for (let i = 0; i < n; i++) nextValid[i] = timeouts[i] ? 0 : 1;
  }

  const stored = typeof metadata?.dataset_name === 'string' ? metadata.dataset_name : undefined;
  const name = opts.name ?? stored ?? (opts.fileName?.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || ctx.defaultName);
  const behavior = opts.behavior ?? (typeof metadata?.behavior === 'string' ? metadata.behavior : 'unknown');
  const episodes = episodeStarts({ size: n, terminals, timeouts }).length - 1;
  const info: DatasetInfo = {
    id: opts.id ?? `${ctx.source}-${name}-${n}`,
    name,
    envId: env?.id ?? null,
    source: ctx.source,
    behavior,
    observationDim,
    actionDim,
    discreteActions,
    size: n,
    episodes,
    createdAt: Date.now(),
    ...(metadata ? { metadata } : {}),
    ...(envOptions ? { envOptions } : {}),
  };
  return { ...info, observations, actions, rewards, nextObservations, terminals, timeouts, nextValid };
}
