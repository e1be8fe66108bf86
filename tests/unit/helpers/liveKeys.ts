import type { Dataset } from '../../../src/core/data/dataset';
import type { HyperParam } from '../../../src/core/run/hyperparameters';
import { withAndWithoutChange } from './algoRuns';

/** Clearly different valid values, tried in turn: the other choice or boolean, else up and down by 10x (log) or 2x, then the ends of the range. */
export function alternatives(p: HyperParam): (number | boolean | string)[] {
  if (p.kind === 'bool') return [!p.default];
  if (p.kind === 'choice') return p.choices!.filter((c) => c !== p.default);
  const d = Number(p.default);
  const [lo, hi] = [p.min ?? -1e3, p.max ?? 1e3];
  const raw = p.log ? [d * 10, d / 10] : d === 0 ? [1, -1] : [d * 2, d / 2];
  const inRange = [...raw, lo, hi].filter((v) => v >= lo && v <= hi).map((v) => (p.kind === 'int' ? Math.round(v) : v));
  return [...new Set(inRange)].filter((v) => v !== d);
}

/** Whether changing `p` to one of its alternatives after `at` updates changes the metrics of the `after` updates that follow. */
async function changesUpdate(algorithmId: string, data: Dataset, p: HyperParam, settings: Record<string, unknown>, at: number, after: number): Promise<boolean> {
  for (const value of alternatives(p)) {
    // A key that waits for others (CQL's target gap for Lagrange) is tried with them set.
    const { withChange, without } = await withAndWithoutChange(data, algorithmId, { ...settings, ...p.activeWhen }, { [p.key]: value }, at, after);
    if (Array.from(withChange.values).some((v, i) => !Object.is(v, without.values[i]))) return true;
  }
  return false;
}

/**
 * The live keys among `keys` whose change did not change the next updates, tried after 4 updates and, for effects
 * that need the networks to have moved first (double DQN's argmax, a ratio clip), after 40. `settings(p)`: the run's
 * settings when `p` is tried.
 */
export async function quietKeys(algorithmId: string, data: Dataset, keys: HyperParam[], settings: (p: HyperParam) => Record<string, unknown>, after = 4): Promise<string[]> {
  const quiet: string[] = [];
  for (const p of keys) {
    if (!(await changesUpdate(algorithmId, data, p, settings(p), 4, after)) && !(await changesUpdate(algorithmId, data, p, settings(p), 40, after))) quiet.push(p.key);
  }
  return quiet;
}
