// Short names for runs in legends and lists: say only what tells one run from the others.
import { formatValue, type HyperValue, type HyperValues } from '../run/hyperparameters';

export interface DescribedConfig {
  algorithmName: string;
  datasetName: string;
  hyperparameters: HyperValues;
}

/** Past this many differing keys a line ends in "+N more": a legend entry must stay one short line. */
export const MAX_DESCRIBED_KEYS = 6;

const SEP = ' · ';

/**
 * One line per config of what differs between them, e.g. "IQL · cartpole-expert · lr 1e-3". The algorithm and the
 * dataset are named only when they differ across the list; a lone config gets "name · dataset". Hyperparameters
 * that every config has and that differ follow as "key value" in the order they first appear,
 * `seed` last and only with `includeSeed`. A key a config lacks (another algorithm's) is left out of its line. At
 * most MAX_DESCRIBED_KEYS keys, then "+N more". A config identical to all others still gets "name · dataset".
 */
export function describeRuns(configs: readonly DescribedConfig[], options: { includeSeed?: boolean } = {}): string[] {
  if (configs.length === 0) return [];
  const differs = (get: (c: DescribedConfig) => HyperValue | undefined): boolean => configs.some((c) => get(c) !== get(configs[0]));
  const lone = configs.length === 1;
  const showAlgorithm = lone || differs((c) => c.algorithmName);
  const showDataset = lone || differs((c) => c.datasetName);

  const keys: string[] = [];
  for (const c of configs) for (const k of Object.keys(c.hyperparameters)) if (k !== 'seed' && !keys.includes(k)) keys.push(k);
  // Keys only some configs have belong to their algorithm, which the line already names: listing them all would
  // bury the differences that matter (IQL's eight settings beside BC's none).
  const shared = keys.filter((k) => configs.every((c) => c.hyperparameters[k] !== undefined));
  const shown = shared.filter((k) => differs((c) => c.hyperparameters[k]));
  // A lone config has nothing to differ from; its seed is still worth saying when asked for.
  if (options.includeSeed && (lone ? configs[0].hyperparameters.seed !== undefined : differs((c) => c.hyperparameters.seed))) shown.push('seed');

  return configs.map((c) => {
    const parts: string[] = [];
    if (showAlgorithm) parts.push(c.algorithmName);
    if (showDataset) parts.push(c.datasetName);
    const own = shown.filter((k) => c.hyperparameters[k] !== undefined);
    const listed = own.length > MAX_DESCRIBED_KEYS ? own.slice(0, MAX_DESCRIBED_KEYS) : own;
    for (const k of listed) parts.push(`${k} ${formatValue(c.hyperparameters[k])}`);
    if (own.length > listed.length) parts.push(`+${own.length - listed.length} more`);
    return parts.length > 0 ? parts.join(SEP) : `${c.algorithmName}${SEP}${c.datasetName}`;
  });
}

/**
 * The identity of a configuration without its seed (algorithm, dataset, every other hyperparameter): runs with equal
 * keys are seeds of one configuration. Stable under key order (keys sorted); a JSON string, so it can be stored.
 */
export function configKey(config: { algorithmId: string; datasetId: string; hyperparameters: HyperValues }): string {
  const entries = Object.keys(config.hyperparameters)
    .filter((k) => k !== 'seed')
    .sort()
    .map((k) => [k, config.hyperparameters[k]]);
  return JSON.stringify([config.algorithmId, config.datasetId, entries]);
}
