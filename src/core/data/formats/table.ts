import type { Column, Columns } from './assemble';
import { DatasetFormatError } from './validate';

/**
 * Named columns of a table (CSV, JSON records or JSON columns), one number per transition, and how their
 * names map onto the D4RL layout. Accepted names (case-insensitive):
 *   observations       obs_0.., observation_0.., observations_0.., state_0.. (also obs0, obs.0, obs[0]);
 *                      a single `obs` column is a one-dimensional observation
 *   next observations  next_obs_0.., next_observation_0.., next_observations_0.., next_state_0.. (optional)
 *   actions            action_0.., actions_0.., act_0..: continuous; a single `action` / `actions` / `act`
 *                      column of non-negative integers is a discrete action index (use action_0 for a
 *                      one-dimensional continuous action)
 *   reward             reward, rewards, r
 *   terminal           terminal, terminals, terminated, termination, terminations, done (optional, default 0)
 *   timeout            timeout, timeouts, truncated, truncation, truncations (optional, default 0)
 *   episode            episode, episode_id, episode_index, ep (optional): a change of value ends an episode
 *   next_valid         0/1 (optional, written by the lab's export): rows without a real next observation
 * Flags are 0/1 or true/false. Other columns are ignored and listed in the dataset's metadata.
 */
export interface Table {
  names: string[];
  values: Float64Array[];
  rows: number;
  /** Where a row is in the source, for messages (" (line 7)" in a CSV file). */
  where(row: number): string;
}

const VECTORS = {
  nextObservations: ['next_obs', 'next_observation', 'next_observations', 'next_state', 'next_states'],
  observations: ['obs', 'observation', 'observations', 'state', 'states'],
  actions: ['action', 'actions', 'act'],
} as const;
const SCALARS = {
  rewards: ['reward', 'rewards', 'r'],
  terminals: ['terminal', 'terminals', 'terminated', 'termination', 'terminations', 'done'],
  timeouts: ['timeout', 'timeouts', 'truncated', 'truncation', 'truncations'],
  episode: ['episode', 'episode_id', 'episode_index', 'ep'],
  nextValid: ['next_valid'],
} as const;

type VectorKey = keyof typeof VECTORS;
type ScalarKey = keyof typeof SCALARS;

interface Parts {
  vectors: Record<VectorKey, { index: number | null; column: number; name: string }[]>;
  scalars: Partial<Record<ScalarKey, { column: number; name: string }>>;
  ignored: string[];
}

function classify(names: string[]): Parts {
  const parts: Parts = { vectors: { nextObservations: [], observations: [], actions: [] }, scalars: {}, ignored: [] };
  names.forEach((raw, column) => {
    const name = raw.trim().toLowerCase();
    for (const key of Object.keys(VECTORS) as VectorKey[]) {
      for (const prefix of VECTORS[key]) {
        if (name === prefix) return void parts.vectors[key].push({ index: null, column, name: raw });
        const m = name.startsWith(prefix) ? /^(?:[_.]|\[)?(\d+)\]?$/.exec(name.slice(prefix.length)) : null;
        if (m) return void parts.vectors[key].push({ index: Number(m[1]), column, name: raw });
      }
    }
    for (const key of Object.keys(SCALARS) as ScalarKey[]) {
      if ((SCALARS[key] as readonly string[]).includes(name)) {
        const seen = parts.scalars[key];
        if (seen) throw new DatasetFormatError(`two ${key} columns: '${seen.name}' and '${raw}'`);
        parts.scalars[key] = { column, name: raw };
        return;
      }
    }
    parts.ignored.push(raw);
  });
  return parts;
}

const LABEL: Record<VectorKey, string> = { observations: 'observation', nextObservations: 'next observation', actions: 'action' };

/** Orders a vector's columns by index and checks they run 0..k without gaps or repeats. */
function vectorOrder(key: VectorKey, found: Parts['vectors'][VectorKey]): number[] {
  if (found.length === 0) return [];
  const plain = found.filter((f) => f.index === null);
  if (plain.length > 0 && found.length > 1) {
    throw new DatasetFormatError(`${LABEL[key]} columns mix an unnumbered '${plain[0].name}' with numbered ones (${found.map((f) => f.name).join(', ')})`);
  }
  if (plain.length === 1) return [plain[0].column];
  const sorted = [...found].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  sorted.forEach((f, i) => {
    if (f.index !== i) {
      throw new DatasetFormatError(`${LABEL[key]} columns must be numbered 0..${found.length - 1}: found ${sorted.map((s) => s.name).join(', ')}`);
    }
  });
  return sorted.map((f) => f.column);
}

function checkFiniteColumn(table: Table, column: number): void {
  const values = table.values[column];
  for (let r = 0; r < table.rows; r++) {
    if (!Number.isFinite(values[r])) throw new DatasetFormatError(`${table.names[column]} row ${r} is ${values[r]}${table.where(r)}`);
  }
}

/** Maps a table onto the D4RL layout; returns the columns and the names of ignored ones. */
export function tableColumns(table: Table): { columns: Columns; ignored: string[] } {
  const parts = classify(table.names);
  const n = table.rows;
  if (n === 0) throw new DatasetFormatError('the table has no rows');
  const pack = (key: VectorKey, integerSingle: boolean): Column | undefined => {
    const order = vectorOrder(key, parts.vectors[key]);
    if (order.length === 0) return undefined;
    order.forEach((c) => checkFiniteColumn(table, c));
    const width = order.length;
    const data = new Float64Array(n * width);
    order.forEach((c, j) => {
      const values = table.values[c];
      for (let r = 0; r < n; r++) data[r * width + j] = values[r];
    });
    const unnumbered = parts.vectors[key][0].index === null;
    const integer = integerSingle && unnumbered && data.every((v) => Number.isInteger(v) && v >= 0);
    const name = width === 1 ? table.names[order[0]] : `${table.names[order[0]]}..${table.names[order[width - 1]]}`;
    return { name, data, shape: width === 1 && unnumbered ? [n] : [n, width], integer };
  };
  const scalar = (key: ScalarKey, flag: boolean): Column | undefined => {
    const found = parts.scalars[key];
    if (!found) return undefined;
    checkFiniteColumn(table, found.column);
    return { name: found.name, data: table.values[found.column], shape: [n], integer: flag };
  };
  const need = <T>(c: T | undefined, what: string, names: readonly string[]): T => {
    if (c === undefined) {
      throw new DatasetFormatError(`missing ${what} column (expected ${names.join(' or ')}; found: ${table.names.map((s) => `'${s}'`).join(', ')})`);
    }
    return c;
  };
  const observations = need(pack('observations', false), 'observation', ['obs_0..', 'observation_0..', 'state_0..']);
  const actions = need(pack('actions', true), 'action', ['action_0..', 'a single integer action']);
  const rewards = need(scalar('rewards', false), 'reward', SCALARS.rewards);

  let episodeEnds: Uint8Array | undefined;
  const episode = scalar('episode', true);
  if (episode) {
    episodeEnds = new Uint8Array(n);
    for (let r = 0; r + 1 < n; r++) if (episode.data[r] !== episode.data[r + 1]) episodeEnds[r] = 1;
  }
  const columns: Columns = {
    observations,
    actions,
    rewards,
    terminals: scalar('terminals', true),
    timeouts: scalar('timeouts', true),
    nextObservations: pack('nextObservations', false),
    nextValid: scalar('nextValid', true),
    episodeEnds,
  };
  return { columns, ignored: parts.ignored };
}
