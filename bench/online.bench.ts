// Learning bench of the online algorithms on their standard tasks (the "solves it" checks too slow for CI): each case
// trains with its algorithm's defaults (rl-baselines3-zoo's) in Node on the wasm backend and prints JSON with the final
// evaluation return (greedy policy, 10 seeded episodes), the mean return of the last 20 training episodes, env steps/s
// and updates/s. Targets: CartPole-v1 475+ (DQN, PPO), Acrobot-v1 above -100 (DQN), Pendulum-v1 about -200 (SAC),
// MountainCarContinuous-v0 above 90 (SAC).
// Run: npx tsx bench/online.bench.ts [--cases dqn-online:CartPole-v1,ppo:CartPole-v1] [--seed 0] [--steps N]
//   [--set double=true,lr=1e-3] (settings on top of each case's, recorded in the output)
//   [--eval-every U] (also a greedy evaluation every U updates during training, as SB3's EvalCallback: the curve and the
//   best one are recorded; the policy of the best evaluation is what an EvalCallback user keeps)
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { generateDataset } from '../src/core/data/generate';
import { Trainer } from '../src/core/run/trainer';
import { configureWasm } from '../src/core/tf/backend';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** Each case: algorithm, environment, and settings beyond the algorithm's defaults (the zoo's per-task ones). */
const CASES: Record<string, Record<string, unknown>> = {
  'dqn-online:CartPole-v1': {},
  // zoo Acrobot-v1 (hyperparams/dqn.yml; gradient_steps -1 = as many updates as steps collected, 4 here).
  'dqn-online:Acrobot-v1': { totalEnvSteps: 100_000, lr: 6.3e-4, batchSize: 128, bufferSize: 50_000, learningStarts: 0, targetInterval: 250, trainFrequency: 4, gradientSteps: 4, explorationFraction: 0.12, epsilonEnd: 0.1, hidden: '256,256' },
  'ppo:CartPole-v1': {},
  'sac-online:Pendulum-v1': {},
  // zoo MountainCarContinuous-v0 SAC (hyperparams/sac.yml): gSDE exploration (log_std_init -3.67, redrawn every round of
  // 32 steps), ent_coef 0.1 fixed.
  'sac-online:MountainCarContinuous-v0': { totalEnvSteps: 50_000, lr: 3e-4, actorLr: 3e-4, bufferSize: 50_000, batchSize: 512, gamma: 0.9999, tau: 0.01, learningStarts: 0, trainFrequency: 32, gradientSteps: 32, hidden: '64,64', autoAlpha: false, alpha: 0.1, exploration: 'gsde', sdeSampleFreq: 32, sdeLogStdInit: -3.67 },
};

/** `--set a=1,b=true,c=gsde`: values parsed as numbers or booleans where they read as such. */
function parseSet(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  return Object.fromEntries(
    text.split(',').map((kv) => {
      const [k, v] = kv.split('=');
      if (!k || v === undefined) throw new Error(`--set expects key=value pairs separated by commas, got "${kv}"`);
      return [k, v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v];
    }),
  );
}

async function runCase(name: string, seed: number, steps: number | undefined, extra: Record<string, unknown>, evalEvery: number): Promise<Record<string, unknown>> {
  const [algorithmId, envId] = name.split(':');
  // The dataset only names the environment the online run acts in.
  const dataset = generateDataset({ envId, mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed });
  const hyperparameters = { ...CASES[name], ...extra, seed, updatesPerEval: evalEvery, evalEpisodes: 10, ...(steps ? { totalEnvSteps: steps } : {}) };
  const trainer = new Trainer({ dataset, algorithmId, hyperparameters });
  const episodes: { envSteps: number; return: number }[] = [];
  const during: { update: number; envSteps: number; meanReturn: number }[] = [];
  const start = performance.now();
  let lastReport = start;
  try {
    while (!trainer.finished) {
      const tick = await trainer.run(2000);
      episodes.push(...(tick.episodes ?? []));
      for (const e of tick.evaluations) if (e.update > 0) during.push({ update: e.update, envSteps: trainer.envSteps, meanReturn: Number(e.meanReturn.toFixed(1)) });
      if (performance.now() - lastReport > 20_000) {
        lastReport = performance.now();
        const recent = episodes.slice(-20);
        const m = recent.reduce((a, e) => a + e.return, 0) / Math.max(1, recent.length);
        process.stderr.write(`${name} seed ${seed}: ${trainer.envSteps} env steps, ${trainer.update} updates, last-20 training return ${m.toFixed(1)}\n`);
      }
    }
    const seconds = (performance.now() - start) / 1000;
    const evaluation = await trainer.evaluate();
    const last = episodes.slice(-20);
    return {
      case: name,
      ...(Object.keys(extra).length > 0 ? { set: extra } : {}),
      seed,
      envSteps: trainer.envSteps,
      updates: trainer.update,
      seconds: Number(seconds.toFixed(1)),
      envStepsPerSecond: Number((trainer.envSteps / seconds).toFixed(1)),
      updatesPerSecond: Number((trainer.update / seconds).toFixed(1)),
      evalMeanReturn: Number(evaluation.meanReturn.toFixed(1)),
      evalReturns: evaluation.returns.map((r) => Number(r.toFixed(1))),
      last20TrainingReturn: Number((last.reduce((a, e) => a + e.return, 0) / Math.max(1, last.length)).toFixed(1)),
      trainingEpisodes: episodes.length,
      ...(during.length > 0 ? { evaluationsDuringTraining: during, bestEvalMeanReturn: Math.max(...during.map((e) => e.meanReturn), evaluation.meanReturn) } : {}),
    };
  } finally {
    trainer.dispose();
  }
}

async function main(): Promise<void> {
  configureWasm();
  await tf.setBackend('wasm');
  await tf.ready();
  const cases = arg('cases')?.split(',') ?? Object.keys(CASES);
  const seed = Number(arg('seed') ?? 0);
  const steps = arg('steps') ? Number(arg('steps')) : undefined;
  const extra = parseSet(arg('set'));
  const evalEvery = arg('eval-every') ? Number(arg('eval-every')) : 1_000_000;
  if (!(evalEvery >= 10)) throw new Error(`--eval-every expects a number of updates of at least 10, got ${arg('eval-every')}`);
  const results = [];
  for (const c of cases) {
    if (!(c in CASES)) throw new Error(`unknown case "${c}"; known: ${Object.keys(CASES).join(', ')}`);
    results.push(await runCase(c, seed, steps, extra, evalEvery));
    process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
  }
  console.log(JSON.stringify({ bench: 'online learning', backend: 'wasm (Node)', loadavg: loadavg(), results }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
