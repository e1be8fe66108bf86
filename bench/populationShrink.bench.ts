// What a population job gains by dropping members that ended (PopulationTrainer.keepMembers): the updates/s of the
// members still training when the job keeps computing every member (as before: a stopped member's slice trained on,
// unreported) against the same members in the shrunk population, alternating in one process; and what the shrink
// itself costs once. Real trainers on a generated Pendulum dataset (sampling included), no evaluation. JSON on stdout
// and in bench/results.
// Run: npx tsx bench/populationShrink.bench.ts [--budget 8000] [--cycles 8] [--algos iql,td3bc] [--k 8] [--keep 2]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { generateDataset } from '../src/core/data/generate';
import { getEnvSpec } from '../src/core/envs/registry';
import { PopulationTrainer } from '../src/core/population/populationTrainer';
import { actionScaleFor, toUnitActions } from '../src/core/run/actionScale';
import { configureWasm } from '../src/core/tf/backend';
import { round, startBench } from './benchResult';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const budget = Number(arg('budget', '8000'));
const cycles = Number(arg('cycles', '8'));
const algos = arg('algos', 'iql,td3bc').split(',');
const K = Number(arg('k', '8'));
const KEEP = Number(arg('keep', '2'));

configureWasm();
await tf.setBackend('wasm');
await tf.ready();

const generated = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'medium', weight: 1 }], transitions: 20_000, seed: 1 });
const scale = actionScaleFor(getEnvSpec('Pendulum-v1').actionSpace, generated.actionDim);
const dataset = { ...generated, envId: null, actions: toUnitActions(generated.actions, scale) };
// The members still training: the first and the last `KEEP - 1` (the others stopped).
const kept = [0, ...Array.from({ length: KEEP - 1 }, (_, i) => K - KEEP + 1 + i)];

const log = (s: string) => console.error(`[populationShrink.bench] ${s}`);
const bench = startBench();
const cases: Record<string, unknown> = {};
for (const algorithmId of algos) {
  const members = Array.from({ length: K }, (_, k) => ({ hidden: '64,64', batchSize: 256, seed: k, maxUpdates: 1e6 }));
  const whole = new PopulationTrainer({ dataset, algorithmId, members });
  let shrunk = new PopulationTrainer({ dataset, algorithmId, members });
  await whole.run(1e9, 20); // warm-up of both, and some state to carry over
  await shrunk.run(1e9, 20);
  const t0 = performance.now();
  shrunk = shrunk.keepMembers(kept);
  const keepMs = performance.now() - t0;
  const subjects = { [`K=${K}, ${K - KEEP} of them stopped but computed`]: whole, [`shrunk to K=${KEEP}`]: shrunk };
  const stats = Object.keys(subjects).map(() => ({ updates: 0, ms: 0 }));
  const slice = budget / cycles / 2;
  for (let c = 0; c < cycles; c++) {
    for (const [i, p] of Object.values(subjects).entries()) {
      const [u0, s0] = [p.update, performance.now()];
      await p.run(slice);
      stats[i].updates += p.update - u0;
      stats[i].ms += performance.now() - s0;
    }
  }
  const perSecond = stats.map((s) => (s.updates / s.ms) * 1000);
  cases[algorithmId] = {
    keptMemberUpdatesPerSecond: Object.fromEntries(Object.keys(subjects).map((name, i) => [name, round(perSecond[i] * KEEP)])),
    shrunkOverWhole: round(perSecond[1] / perSecond[0]),
    keepMembersMs: round(keepMs),
  };
  log(`${algorithmId}: ${JSON.stringify(cases[algorithmId])}`);
  whole.dispose();
  shrunk.dispose();
}
bench.finish(arg('out', 'populationShrink'), {
  note: `Node wasm (one thread). Population updates of ${KEEP} members still training, in a population of ${K} that keeps computing the ${K - KEEP} stopped ones and in the population shrunk to them (keepMembers), alternating in slices in one process; 64x64, batch 256, Pendulum-shaped generated dataset of 20,000 transitions, no evaluation`,
  budgetMs: budget,
  cycles,
  cases,
});
