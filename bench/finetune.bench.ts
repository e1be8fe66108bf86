// Offline-to-online fine-tuning: an offline run trained on a medium dataset, evaluated, then switched online (its own
// replay buffer, offline share 0.5 as RLPD) for a budget of environment steps and evaluated again, over seeds. The
// claim checked: returns after fine-tuning are not worse than before on average. Prints JSON.
// Run: npx tsx bench/finetune.bench.ts [--algo iql] [--env CartPole-v1] [--mix medium] [--seeds 3] [--offline 3000] [--online 3000]
// (--mix: behaviour policies and weights of the 20k-transition dataset, e.g. random:1,medium:1)
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { generateDataset } from '../src/core/data/generate';
import { Trainer } from '../src/core/run/trainer';
import { configureWasm } from '../src/core/tf/backend';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const algorithmId = arg('algo', 'iql');
const envId = arg('env', 'CartPole-v1');
const seeds = Number(arg('seeds', '3'));
const offlineUpdates = Number(arg('offline', '3000'));
const onlineSteps = Number(arg('online', '3000'));
const mixText = arg('mix', 'medium');
const mix = mixText.split(',').map((part) => {
  const [policy, weight] = part.split(':');
  return { policy, weight: Number(weight ?? 1) };
});

async function main(): Promise<void> {
  configureWasm();
  await tf.setBackend('wasm');
  await tf.ready();
  const dataset = generateDataset({ envId, mix, transitions: 20_000, seed: 1 });
  const rows: { seed: number; before: number; after: number }[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const t = new Trainer({ dataset, algorithmId, hyperparameters: { seed, hidden: '64,64', updatesPerEval: 1e6, evalEpisodes: 20, maxUpdates: 1e7 } });
    try {
      while (t.update < offlineUpdates) await t.run(1e9, offlineUpdates - t.update);
      const before = (await t.evaluate()).meanReturn;
      t.setHyperparameters({ interaction: 'online' });
      while (t.envSteps < onlineSteps) await t.run(1e9, onlineSteps - t.envSteps);
      const after = (await t.evaluate()).meanReturn;
      rows.push({ seed, before, after });
      process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
    } finally {
      t.dispose();
    }
  }
  const mean = (k: 'before' | 'after') => rows.reduce((a, r) => a + r[k], 0) / rows.length;
  console.log(JSON.stringify({ bench: 'offline-to-online fine-tuning', algorithmId, envId, dataset: `${mixText}, 20k transitions`, offlineUpdates, onlineSteps, offlineShare: 0.5, loadavg: loadavg(), rows, meanBefore: mean('before'), meanAfter: mean('after') }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
