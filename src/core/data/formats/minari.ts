import type { File as H5File, Group as H5Group } from 'h5wasm';
import type { Dataset } from '../dataset';
import { assembleDataset, type Column, type ImportOptions } from './assemble';
import { isDataset, isGroup, readColumn, readHdf5, scalarAttrs } from './h5';
import { checkFinite, DatasetFormatError, formatShape, missingKey } from './validate';

export interface MinariOptions extends ImportOptions {
  /** The text of the dataset's data/metadata.json, when the user has it (newer Minari keeps env_spec and ref scores there). */
  metadataJson?: string;
}

/**
 * Parses a Minari `main_data.hdf5`: groups episode_{i}, each with observations (T + 1 rows), actions, rewards,
 * terminations and truncations (T rows). Rows become s_t = obs[:-1], s_{t+1} = obs[1:] (every row has a real
 * successor), terminals = terminations, timeouts = truncations, and an episode's last row is a time-out when
 * neither flag is set, so episodes still split. Dict observations are flattened in sorted key order (as
 * gymnasium.spaces.flatten does for a Dict space); Tuple observations in index order.
 */
export async function parseMinari(bytes: Uint8Array, opts: MinariOptions = {}): Promise<Dataset> {
  const read = await readHdf5(bytes, readMinariFile);
  const metadata = { ...read.metadata, ...(opts.metadataJson ? metadataFromJson(opts.metadataJson) : {}) };
  return assembleDataset(read.columns, opts, { source: 'minari', defaultName: 'minari-dataset', metadata });
}

interface Episode {
  obs: Float64Array; // (T + 1) * obsDim
  actions: Column;
  rewards: Column;
  terminations: Column;
  truncations: Column;
  steps: number;
}

export function readMinariFile(file: H5File) {
  const keys = file.keys();
  const names = keys
    .filter((k) => /^episode_\d+$/.test(k))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  if (names.length === 0) {
    throw new DatasetFormatError(`no episode_{i} groups, so not a Minari main_data.hdf5 (found: ${keys.map((k) => `'${k}'`).join(', ') || 'nothing'})`);
  }
  const metadata = scalarAttrs(file);
  let obsDim = -1;
  let obsKeys = '';
  const episodes = names.map((name) => {
    const group = file.get(name);
    if (!isGroup(group)) throw new DatasetFormatError(`${name} is not a group`);
    const ep = readEpisode(group, name);
    const dim = ep.obs.length / (ep.steps + 1);
    if (obsDim >= 0 && dim !== obsDim) throw new DatasetFormatError(`${name}/observations has ${dim} columns but earlier episodes have ${obsDim}`);
    obsDim = dim;
    obsKeys = ep.keys;
    return ep;
  });
  if (obsKeys) metadata.observation_keys = obsKeys;

  const total = episodes.reduce((s, e) => s + e.steps, 0);
  checkTotal(metadata.total_episodes, episodes.length, 'total_episodes', 'episode groups');
  checkTotal(metadata.total_steps, total, 'total_steps', 'steps in the episodes');

  const actDim = episodes[0].actions.data.length / Math.max(1, episodes[0].steps);
  const observations = new Float64Array(total * obsDim);
  const nextObservations = new Float64Array(total * obsDim);
  const actions = new Float64Array(total * actDim);
  const rewards = new Float64Array(total);
  const terminals = new Float64Array(total);
  const timeouts = new Float64Array(total);
  const episodeEnds = new Uint8Array(total);
  let row = 0;
  episodes.forEach((ep, e) => {
    if (ep.actions.data.length !== ep.steps * actDim) {
      throw new DatasetFormatError(`${names[e]}/actions has shape ${formatShape(ep.actions.shape)} but episode_0 has ${actDim} action columns`);
    }
    observations.set(ep.obs.subarray(0, ep.steps * obsDim), row * obsDim);
    nextObservations.set(ep.obs.subarray(obsDim), row * obsDim);
    for (let t = 0; t < ep.steps; t++) {
      for (let j = 0; j < actDim; j++) actions[(row + t) * actDim + j] = ep.actions.data[t * actDim + j];
      rewards[row + t] = ep.rewards.data[t];
      terminals[row + t] = ep.terminations.data[t];
      timeouts[row + t] = ep.truncations.data[t];
    }
    row += ep.steps;
    if (ep.steps > 0) episodeEnds[row - 1] = 1;
  });
  const col = (name: string, data: Float64Array, width: number, integer = false): Column => ({
    name,
    data,
    shape: width === 1 ? [total] : [total, width],
    integer,
  });
  return {
    metadata,
    columns: {
      observations: col('observations', observations, obsDim),
      nextObservations: col('next observations', nextObservations, obsDim),
      actions: col('actions', actions, actDim, episodes.every((ep) => ep.actions.integer)),
      rewards: col('rewards', rewards, 1),
      terminals: col('terminations', terminals, 1, true),
      timeouts: col('truncations', timeouts, 1, true),
      episodeEnds,
    },
  };
}

function checkTotal(declared: string | number | undefined, actual: number, attr: string, what: string): void {
  if (typeof declared === 'number' && declared !== actual) {
    throw new DatasetFormatError(`root attribute ${attr} is ${declared} but the file has ${actual} ${what}`);
  }
}

function readEpisode(group: H5Group, name: string): Episode & { keys: string } {
  const keys = group.keys();
  const actionsEntity = group.get('actions');
  if (isGroup(actionsEntity)) {
    throw new DatasetFormatError(`${name}/actions is a Dict or Tuple space (keys: ${actionsEntity.keys().join(', ')}); only Box and Discrete actions are supported`);
  }
  const need = (key: string): Column => {
    const c = readColumn(group, key, `${name}/`);
    if (!c) throw missingKey(key, keys, `group ${name}`);
    return c;
  };
  const rewards = need('rewards');
  const steps = rewards.shape[0] ?? 0;
  const actions = need('actions');
  const terminations = need('terminations');
  const truncations = need('truncations');
  for (const c of [actions, terminations, truncations]) {
    if (c.shape[0] !== steps) throw new DatasetFormatError(`${c.name} has ${c.shape[0]} rows but ${name}/rewards has ${steps}`);
  }
  checkFinite(actions.name, actions.data, Math.max(1, actions.data.length / Math.max(1, steps)));
  checkFinite(rewards.name, rewards.data, 1);
  if (!keys.includes('observations')) throw missingKey('observations', keys, `group ${name}`);
  const leaves = observationLeaves(group, 'observations', `${name}/`);
  const obs = interleave(leaves, steps + 1, name);
  const leafNames = leaves.map((l) => l.name.slice(`${name}/observations/`.length));
  return { obs, actions, rewards, terminations, truncations, steps, keys: leaves.length > 1 ? leafNames.join(', ') : '' };
}

/** The arrays of a Box observation, or of every leaf of a Dict (sorted keys) or Tuple (_index_i order). */
function observationLeaves(group: H5Group, key: string, prefix: string): Column[] {
  const entity = group.get(key);
  if (isDataset(entity)) {
    const c = readColumn(group, key, prefix);
    return c ? [c] : [];
  }
  if (!isGroup(entity)) throw new DatasetFormatError(`${prefix}${key} is neither an array nor a group`);
  const order = (k: string) => (/^_index_\d+$/.test(k) ? Number(k.slice(7)) : NaN);
  const keys = entity.keys().sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  return keys.flatMap((k) => observationLeaves(entity, k, `${prefix}${key}/`));
}

/** Joins leaf arrays column-wise into one row-major (rows x total width) array. */
function interleave(leaves: Column[], rows: number, episode: string): Float64Array {
  const widths = leaves.map((c) => {
    if (c.shape[0] !== rows) {
      throw new DatasetFormatError(`${c.name} has ${c.shape[0]} rows but ${episode} has ${rows - 1} steps (expected ${rows}: the initial and final observation included)`);
    }
    return c.shape.slice(1).reduce((a, b) => a * b, 1);
  });
  const width = widths.reduce((a, b) => a + b, 0);
  const out = new Float64Array(rows * width);
  let offset = 0;
  leaves.forEach((c, k) => {
    checkFinite(c.name, c.data, widths[k]);
    for (let r = 0; r < rows; r++) for (let j = 0; j < widths[k]; j++) out[r * width + offset + j] = c.data[r * widths[k] + j];
    offset += widths[k];
  });
  return out;
}

/** Scalars of Minari's metadata.json (ref_min_score, ref_max_score, dataset_id, ...) and env_spec as JSON text. */
export function metadataFromJson(text: string): Record<string, string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DatasetFormatError(`metadata.json is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new DatasetFormatError('metadata.json should hold a JSON object');
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
    else if (k === 'env_spec' && v && typeof v === 'object') out[k] = JSON.stringify(v);
  }
  return out;
}
