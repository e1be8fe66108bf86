// Speed of online DQN or PPO as a population (src/core/population/onlinePopulationTrainer.ts: K members acting in their
// own CartPole copies with one batched forward pass per step, each with its own replay buffer or rollouts, updated as
// one model) against one lone Trainer doing the same run, in one process (Node, tfjs wasm), in alternating slices so
// that the machine's load falls on all subjects alike. The zoo's CartPole-v1 settings: DQN's (algos/dqnOnline.ts
// defaults: 256x256, batch 64, 128 updates per 256 steps, learning from 1,000 steps on) or PPO's (algos/ppo.ts
// defaults: 64x64, 8 copies x 32 steps per rollout, 20 epochs of one minibatch of 256), totalEnvSteps set so the bench
// never ends a run. Each subject first takes one round of updates (DQN: past learningStarts; PPO: one rollout and its
// epochs), not timed. JSON on stdout and in bench/results.
// Run: npx tsx bench/onlinePopulation.bench.ts [--algorithm dqn-online|ppo] [--seconds 60] [--cycles 4] [--ks 1,4,8] [--hidden 256,256]
// (DQN with another --hidden writes bench/results/online-population-<hidden>-<date>.json, PPO online-population-ppo[-<hidden>]-<date>.json)
import * as tf from '@tensorflow/tfjs';
import { generateDataset } from '../src/core/data/generate';
import { OnlinePopulationTrainer } from '../src/core/population/onlinePopulationTrainer';
import { Trainer } from '../src/core/run/trainer';
import { configureWasm } from '../src/core/tf/backend';
import { round, startBench } from './benchResult';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', '60'));
const cycles = Number(arg('cycles', '4'));
const ks = arg('ks', '1,4,8').split(',').map(Number);
const algorithmId = arg('algorithm', 'dqn-online');
if (algorithmId !== 'dqn-online' && algorithmId !== 'ppo') throw new Error(`--algorithm must be dqn-online or ppo, got "${algorithmId}"`);
const ppo = algorithmId === 'ppo';
const hidden = arg('hidden', ppo ? '64,64' : '256,256');
/** Updates of one round: DQN's gradientSteps, PPO's epochs x minibatches per rollout (20 x 1 at the zoo settings). */
const ROUND = ppo ? 20 : 128;
const log = (s: string) => console.error(`[onlinePopulation.bench] ${s}`);

configureWasm();
await tf.setBackend('wasm');
await tf.ready();
const bench = startBench();
const dataset = generateDataset({ envId: 'CartPole-v1', mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed: 0 });
const settings = (seed: number) => ({ seed, hidden, totalEnvSteps: ppo ? 1e7 : 20_000, updatesPerEval: 1e6 });

/** One subject: runs for about `ms`, and tells its env steps per member and its (population) updates so far. */
interface Subject {
  name: string;
  members: number;
  /** Runs for about `ms` or `maxCount` updates, whichever ends first. */
  slice(ms: number, maxCount?: number): Promise<void>;
  envSteps(): number;
  updates(): number;
  dispose(): void;
}

function lone(): Subject {
  const t = new Trainer({ dataset, algorithmId, hyperparameters: settings(0) });
  return { name: 'lone', members: 1, slice: async (ms, n) => void (await t.run(ms, n)), envSteps: () => t.envSteps, updates: () => t.update, dispose: () => t.dispose() };
}

function population(K: number): Subject {
  const p = new OnlinePopulationTrainer({ dataset, algorithmId, members: Array.from({ length: K }, (_, k) => settings(k)) });
  return { name: `K=${K}`, members: K, slice: async (ms, n) => void (await p.run(ms, n)), envSteps: () => p.envSteps, updates: () => p.update, dispose: () => p.dispose() };
}

const subjects = [lone(), ...ks.map(population)];
const stats = subjects.map(() => ({ ms: 0, envSteps: 0, updates: 0 }));
for (const s of subjects) {
  // Warm-up: the first round of updates (DQN: past learningStarts, 1,000 steps, then 128 updates; PPO: one rollout, 20 updates).
  while (s.updates() < ROUND) await s.slice(1e9, ROUND - s.updates());
  log(`${s.name}: warmed up at ${s.envSteps()} env steps, ${s.updates()} updates`);
}
const sliceMs = (seconds * 1000) / cycles / subjects.length;
for (let c = 0; c < cycles; c++) {
  for (const [i, s] of subjects.entries()) {
    const [e0, u0, t0] = [s.envSteps(), s.updates(), performance.now()];
    await s.slice(sliceMs);
    stats[i].ms += performance.now() - t0;
    stats[i].envSteps += s.envSteps() - e0;
    stats[i].updates += s.updates() - u0;
  }
  log(`cycle ${c + 1} of ${cycles} done`);
}
for (const s of subjects) s.dispose();

const rows = Object.fromEntries(
  subjects.map((s, i) => {
    const perSecond = (x: number) => round((x / stats[i].ms) * 1000);
    return [
      s.name,
      {
        members: s.members,
        seconds: round(stats[i].ms / 1000),
        // Every member takes these steps and updates: the work done is `members` times the population's counts.
        envStepsPerSecondPerMember: perSecond(stats[i].envSteps),
        envStepsPerSecondAllMembers: perSecond(stats[i].envSteps * s.members),
        updatesPerSecond: perSecond(stats[i].updates),
        memberUpdatesPerSecond: perSecond(stats[i].updates * s.members),
      },
    ];
  }),
);
const loneRate = (rows.lone as { memberUpdatesPerSecond: number }).memberUpdatesPerSecond;
const speedup = Object.fromEntries(Object.entries(rows).map(([name, r]) => [name, round((r as { memberUpdatesPerSecond: number }).memberUpdatesPerSecond / loneRate)]));
const name = ppo ? `online-population-ppo${hidden === '64,64' ? '' : `-${hidden.replace(',', 'x')}`}` : hidden === '256,256' ? 'online-population' : `online-population-${hidden.replace(',', 'x')}`;
const what = ppo
  ? `PPO on CartPole-v1 (zoo settings but hidden ${hidden}: 8 copies x 32 steps per rollout, 20 epochs of one minibatch of 256, so 20 updates per 256 env steps)`
  : `Online DQN on CartPole-v1 (zoo settings but hidden ${hidden}: batch 64, 128 updates per 256 env steps, numEnvs 1)`;
bench.finish(name, {
  note: `${what}, Node tfjs wasm, one process; lone Trainer and OnlinePopulationTrainer of K members in alternating slices after a warm-up of one round of updates. memberUpdates/s = population updates/s x K; speedup = member-updates/s over the lone run's. Collection (env steps, the acting forward passes) is inside the timed slices.`,
  algorithmId,
  backend: tf.getBackend(),
  cycles,
  results: rows,
  memberUpdatesSpeedupOverLone: speedup,
});
