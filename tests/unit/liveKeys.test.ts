import { beforeAll, describe, expect, it } from 'vitest';
import { listAlgorithms } from '../../src/core/algos/registry';
import type { Dataset } from '../../src/core/data/dataset';
import type { HyperParam } from '../../src/core/run/hyperparameters';
import { offlineData, withAndWithoutChange } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

// One generic check for every setting an offline algorithm marks live: changed mid-run, it changes the very next
// updates (their metrics differ from the same run without the change), with the settings it waits for (activeWhen)
// set. A key that is wired into the schema but not into the update fails here by name.
beforeAll(() => useBackend('wasm'));

const cartpole = offlineData('CartPole-v1', [{ policy: 'medium', weight: 1 }, { policy: 'random', weight: 1 }], 600);
const pendulum = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }, { policy: 'random', weight: 1 }], 600);

/** Clearly different valid values, tried in turn: the other choice or boolean, else up and down by 10x (log) or 2x, then the ends of the range. */
function alternatives(p: HyperParam): (number | boolean | string)[] {
  if (p.kind === 'bool') return [!p.default];
  if (p.kind === 'choice') return p.choices!.filter((c) => c !== p.default);
  const d = Number(p.default);
  const [lo, hi] = [p.min ?? -1e3, p.max ?? 1e3];
  const raw = p.log ? [d * 10, d / 10] : d === 0 ? [1, -1] : [d * 2, d / 2];
  const inRange = [...raw, lo, hi].filter((v) => v >= lo && v <= hi).map((v) => (p.kind === 'int' ? Math.round(v) : v));
  return [...new Set(inRange)].filter((v) => v !== d);
}

const offline = listAlgorithms().filter((a) => (a.experience ?? 'offline') === 'offline' && a.batchKind !== 'sequences');
const small = { hidden: '32,32', batchSize: 16, maxUpdates: 1000 };

/**
 * Keys whose effect is a clip or bound that early updates never reach: tried where it binds. XQL's and ReCOIL's
 * exponent clip acts only on z = (Q - V) / beta above it; with the default beta, z stays below 0.5 for the first
 * updates on this data, so it is tried with a small beta (where z is large).
 */
const WHERE_IT_BINDS: Record<string, Record<string, unknown>> = { maxClip: { beta: 0.01 } };

/** Whether changing `key` to one of its alternatives after `at` updates changes the next updates' metrics. */
async function changesUpdate(algorithmId: string, data: Dataset, p: HyperParam, at: number): Promise<boolean> {
  for (const value of alternatives(p)) {
    // A key that waits for others (CQL's target gap for Lagrange) is tried with them set.
    const { withChange, without } = await withAndWithoutChange(data, algorithmId, { ...small, ...p.activeWhen, ...WHERE_IT_BINDS[p.key] }, { [p.key]: value }, at, 4);
    if (Array.from(withChange.values).some((v, i) => !Object.is(v, without.values[i]))) return true;
  }
  return false;
}

describe('every live setting of every offline algorithm changes the next updates', () => {
  for (const algo of offline) {
    const liveKeys = algo.hyperparameters.filter((p) => p.live);
    if (!liveKeys.length) continue;
    it(`${algo.name}: ${liveKeys.map((p) => p.key).join(', ')}`, async () => {
      const data = algo.actions.includes('continuous') ? pendulum : cartpole;
      const quiet: string[] = [];
      for (const p of liveKeys) {
        // Some effects need the networks to have moved first (double DQN's argmax differs once online and target do).
        if (!(await changesUpdate(algo.id, data, p, 4)) && !(await changesUpdate(algo.id, data, p, 40))) quiet.push(p.key);
      }
      expect(quiet, `${algo.id}: live keys that did not change the update`).toEqual([]);
    }, 120_000);
  }
});
