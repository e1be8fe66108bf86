// Stage 1: the behaviour policy. PPO on Hopper-v5 with CleanRL's ppo_continuous_action MuJoCo settings where the
// lab's PPO has them (64x64 tanh, lr 3e-4, gamma 0.99, GAE 0.95, clip 0.2, 10 epochs, minibatch 64 of a 2048-step
// rollout, here 8 copies x 256 steps rather than 1 x 2048, no entropy bonus, gradient norm 0.5). What the lab's PPO lacks: running observation and reward
// normalisation (its normalizeStates uses fixed dataset statistics, which for an online run are a random policy's,
// so it is off here) and the linear learning-rate decay. Every `checkEvery` env steps: a checkpoint, a greedy
// evaluation and the mean return of the training (sampled) episodes since the last check; the stage ends when that
// sampled mean reaches `target` (D4RL's medium level), or at the step cap.
import { existsSync, readdirSync } from 'node:fs';
import { generateDataset } from '../../src/core/data/generate';
import { normalizedScore } from '../../src/core/data/score';
import { HOPPER_REF } from './reference';
import { Trainer, type TrainerCheckpoint } from '../../src/core/run/trainer';
import { cachePath, loadCheckpoint, readJson, saveCheckpoint, writeAtomic } from './cache';

export interface HopperArgs {
  stage: string;
  algos: string[];
  updates: number;
  every: number;
  transitions: number;
  ppoSteps: number;
  target: number;
  checkEvery: number;
  seed: number;
}

export function hopperArgs(): HopperArgs {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  return {
    stage: arg('stage', 'all'),
    algos: arg('algos', 'bc,iql,td3bc').split(','),
    updates: Number(arg('updates', '10000')),
    every: Number(arg('every', '1000')),
    transitions: Number(arg('transitions', '300000')),
    ppoSteps: Number(arg('ppo-steps', '1500000')),
    target: Number(arg('target', '1350')),
    checkEvery: Number(arg('check-every', '25000')),
    seed: Number(arg('seed', '0')),
  };
}

export const PPO_SETTINGS = {
  hidden: '64,64',
  lr: 3e-4,
  gamma: 0.99,
  gaeLambda: 0.95,
  clipRange: 0.2,
  entCoef: 0,
  vfCoef: 0.5,
  epochs: 10,
  numEnvs: 8,
  numSteps: 256,
  batchSize: 64,
  normalizeStates: false,
};

export interface BehaviourCheck {
  envSteps: number;
  updates: number;
  seconds: number;
  greedyMeanReturn: number;
  greedyNormalized: number | null;
  sampledMeanReturn: number;
  sampledEpisodes: number;
  sampledNormalized: number | null;
  checkpoint: string;
}

export interface BehaviourResult {
  settings: typeof PPO_SETTINGS;
  checks: BehaviourCheck[];
  chosen: BehaviourCheck;
  reachedTarget: boolean;
  target: number;
  envStepsPerSecond: number;
}

/** The environment-naming dataset an online run needs (its rows are not used by PPO with normalizeStates off). */
export const hopperStub = () => generateDataset({ envId: 'Hopper-v5', mix: [{ policy: 'random', weight: 1 }], transitions: 200, seed: 0 });

export async function runBehaviour(args: HopperArgs): Promise<BehaviourResult> {
  const donePath = cachePath('behaviour.json');
  const done = readJson<BehaviourResult>(donePath);
  if (done) {
    process.stderr.write(`behaviour: cached (${done.chosen.checkpoint}, sampled return ${done.chosen.sampledMeanReturn.toFixed(0)})\n`);
    return done;
  }
  const logPath = cachePath('behaviour-checks.json');
  const checks = readJson<BehaviourCheck[]>(logPath) ?? [];
  const config = { dataset: hopperStub(), algorithmId: 'ppo', hyperparameters: { ...PPO_SETTINGS, seed: args.seed, totalEnvSteps: args.ppoSteps, updatesPerEval: 1_000_000, evalEpisodes: 10 } };
  const last = checks.at(-1);
  const resumed = last && existsSync(cachePath(last.checkpoint)) ? loadCheckpoint<TrainerCheckpoint>(cachePath(last.checkpoint)) : null;
  const trainer = resumed ? Trainer.restore(config, resumed, { totalEnvSteps: args.ppoSteps }) : new Trainer(config);
  if (resumed) process.stderr.write(`behaviour: resuming at ${trainer.envSteps} env steps\n`);
  const secondsBefore = last?.seconds ?? 0;
  const start = performance.now();
  let sampled: number[] = [];
  let nextCheck = (Math.floor(trainer.envSteps / args.checkEvery) + 1) * args.checkEvery;
  let reached = false;
  try {
    while (!trainer.finished && !reached) {
      const tick = await trainer.run(5000);
      sampled.push(...(tick.episodes ?? []).map((e) => e.return));
      if (trainer.envSteps < nextCheck && !trainer.finished) continue;
      nextCheck += args.checkEvery;
      if (checks.at(-1)?.envSteps === trainer.envSteps) break; // the run ended right after a check
      const evaluation = await trainer.evaluate();
      const recent = sampled.slice(-20);
      const sampledMean = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
      const name = `ppo-${trainer.envSteps}.json`;
      saveCheckpoint(cachePath(name), await trainer.checkpoint());
      const check: BehaviourCheck = {
        envSteps: trainer.envSteps,
        updates: trainer.update,
        seconds: Number((secondsBefore + (performance.now() - start) / 1000).toFixed(1)),
        greedyMeanReturn: Number(evaluation.meanReturn.toFixed(1)),
        greedyNormalized: evaluation.normalizedScore === null ? null : Number(evaluation.normalizedScore.toFixed(1)),
        sampledMeanReturn: Number(sampledMean.toFixed(1)),
        sampledEpisodes: recent.length,
        sampledNormalized: round1(normalizedScore(sampledMean, HOPPER_REF)),
        checkpoint: name,
      };
      checks.push(check);
      writeAtomic(logPath, JSON.stringify(checks, null, 1));
      process.stderr.write(`behaviour: ${JSON.stringify(check)}\n`);
      sampled = [];
      reached = recent.length > 0 && sampledMean >= args.target;
    }
  } finally {
    trainer.dispose();
  }
  // The first check at the target, or else the check whose sampled return came closest to it.
  const chosen = checks.find((c) => c.sampledMeanReturn >= args.target) ?? checks.reduce((a, b) => (b.sampledMeanReturn > a.sampledMeanReturn ? b : a));
  const final = checks.at(-1)!;
  const result: BehaviourResult = { settings: PPO_SETTINGS, checks, chosen, reachedTarget: chosen.sampledMeanReturn >= args.target, target: args.target, envStepsPerSecond: Number((final.envSteps / final.seconds).toFixed(1)) };
  writeAtomic(donePath, JSON.stringify(result, null, 1));
  // The checkpoints not chosen stay on disk for a later look; only `chosen` is used downstream.
  process.stderr.write(`behaviour: done, chose ${chosen.checkpoint} (${readdirSync(cachePath('.')).filter((f) => f.startsWith('ppo-')).length} checkpoints kept)\n`);
  return result;
}

export const round1 = (x: number | null) => (x === null ? null : Number(x.toFixed(1)));
