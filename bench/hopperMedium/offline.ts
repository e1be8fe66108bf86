// Stage 3: offline runs on the recorded hopper-medium data, each with CORL's hopper-medium settings where the lab's
// algorithm has them, a fixed number of updates, and an evaluation (10 MuJoCo episodes, greedy policy, D4RL-normalized
// score) every `every` updates and at the end. A run's checkpoint is saved at each evaluation, so an interrupted run
// resumes from its last one; a finished run's record is cached and not redone.
import { loadavg } from 'node:os';
import type { EvaluationResult } from '../../src/core/run/evaluate';
import { Trainer, type TrainerCheckpoint } from '../../src/core/run/trainer';
import { round1, type HopperArgs } from './behaviour';
import { cachePath, loadCheckpoint, readJson, saveCheckpoint, writeAtomic } from './cache';
import { loadHopperDataset } from './dataset';
import { HOPPER_REF } from './reference';
import { normalizedScore } from '../../src/core/data/score';

/** Settings beyond each algorithm's defaults (which already follow CORL / the official code), and where they come from. */
export const OFFLINE_SETTINGS: Record<string, { settings: Record<string, unknown>; source: string; algorithm?: string }> = {
  bc: { settings: {}, source: 'CORL any_percent_bc.py: deterministic tanh actor, MSE, lr 3e-4, batch 256, 2x256, states normalized (what copying the data\'s mean action gives)' },
  iql: { settings: {}, source: 'CORL iql.py: expectile 0.7, beta 3, lr 3e-4, cosine actor schedule (here over the run\'s own updates), batch 256, 2x256, states normalized' },
  // A diagnostic, not a CORL row: IQL's own Gaussian actor with every advantage weight 1 (beta 0) is plain likelihood BC.
  'iql-beta0': { algorithm: 'iql', settings: { beta: 0 }, source: 'IQL as above with beta 0: weights exp(0) = 1, so its actor is Gaussian maximum-likelihood BC (diagnostic)' },
  td3bc: { settings: {}, source: 'CORL td3_bc.py: alpha 2.5, policy noise 0.2 / clip 0.5, delay 2, lr 3e-4, batch 256, 2x256, states normalized' },
  rebrac: { settings: { actorBcCoef: 0.01, criticBcCoef: 0.01 }, source: 'CORL rebrac hopper/medium_v2.yaml: actor_bc 0.01, critic_bc 0.01, batch 1024, lr 1e-3, 3x256, critic LayerNorm' },
  'sac-n': { settings: { numCritics: 10 }, source: 'CORL sac_n.py with N = 10 (its config default; CORL\'s hopper-medium run uses N = 500), lr 3e-4, batch 256, 3x256' },
  edac: { settings: { numCritics: 10 }, source: 'CORL edac.py with N = 10 (CORL\'s hopper-medium run uses N = 50), eta 1, lr 3e-4, batch 256, 3x256' },
  prdc: { settings: { alpha: 2.5, beta: 2 }, source: 'PRDC README hopper: alpha 2.5, beta 2; TD3 base, lr 3e-4, batch 256, 2x256' },
  a2pr: { settings: { mask: 0.4, vaeWeight: 1, gamma: 0.995 }, source: 'A2PR README hopper-medium: mask 0.4, vae_weight 1.0, discount 0.995; alpha 2.5, VAE 750x750' },
};

export interface CurvePoint {
  update: number;
  meanReturn: number;
  stdReturn: number;
  normalized: number | null;
  normalizedStd: number | null;
}

export interface OfflineResult {
  algorithm: string;
  settings: Record<string, unknown>;
  source: string;
  updates: number;
  every: number;
  evalEpisodes: number;
  curve: CurvePoint[];
  trainSeconds: number;
  evalSeconds: number;
  updatesPerSecond: number;
  loadavgStart: number[];
  loadavgEnd: number[];
  finished: boolean;
}

const point = (e: EvaluationResult): CurvePoint => {
  const scale = 100 / (HOPPER_REF.max - HOPPER_REF.min);
  return { update: e.update, meanReturn: Number(e.meanReturn.toFixed(1)), stdReturn: Number(e.stdReturn.toFixed(1)), normalized: round1(normalizedScore(e.meanReturn, HOPPER_REF)), normalizedStd: Number((e.stdReturn * scale).toFixed(1)) };
};

/** `--algos iql,sac-n:5000`: an algorithm, optionally with its own number of updates. */
function parseAlgos(args: HopperArgs): { id: string; updates: number }[] {
  return args.algos.map((spec) => {
    const [id, n] = spec.split(':');
    if (!(id in OFFLINE_SETTINGS)) throw new Error(`unknown algorithm "${id}" for the hopper-medium runs; known: ${Object.keys(OFFLINE_SETTINGS).join(', ')}`);
    return { id, updates: n ? Number(n) : args.updates };
  });
}

export async function runOffline(args: HopperArgs): Promise<OfflineResult[]> {
  const dataset = await loadHopperDataset(args);
  const results: OfflineResult[] = [];
  for (const { id, updates } of parseAlgos(args)) {
    const donePath = cachePath(`offline-${id}-${updates}.json`);
    const done = readJson<OfflineResult>(donePath);
    if (done?.finished) {
      process.stderr.write(`offline ${id}: cached (${done.curve.at(-1)?.normalized} at ${updates} updates)\n`);
      results.push(done);
      continue;
    }
    const { settings, source, algorithm } = OFFLINE_SETTINGS[id];
    const config = { dataset, algorithmId: algorithm ?? id, hyperparameters: { ...settings, seed: args.seed, maxUpdates: updates, updatesPerEval: args.every, evalEpisodes: 10 } };
    const checkpointPath = cachePath(`offline-${id}-${updates}-checkpoint.json`);
    const saved = done ? loadCheckpoint<TrainerCheckpoint>(checkpointPath) : null;
    const trainer = saved ? Trainer.restore(config, saved) : new Trainer(config);
    const record: OfflineResult = saved && done ? done : { algorithm: id, settings, source, updates, every: args.every, evalEpisodes: 10, curve: [], trainSeconds: 0, evalSeconds: 0, updatesPerSecond: 0, loadavgStart: loadavg(), loadavgEnd: [], finished: false };
    if (saved) process.stderr.write(`offline ${id}: resuming at update ${trainer.update}\n`);
    try {
      while (!trainer.finished) {
        const before = trainer.update;
        const t0 = performance.now();
        const tick = await trainer.run(10_000);
        const elapsed = (performance.now() - t0) / 1000;
        const trained = tick.updatesPerSecond > 0 ? (trainer.update - before) / tick.updatesPerSecond : 0;
        record.trainSeconds += trained;
        record.evalSeconds += Math.max(0, elapsed - trained);
        record.updatesPerSecond = Number(((trainer.update - (record.curve[0]?.update ?? 0)) / Math.max(1e-9, record.trainSeconds)).toFixed(2));
        if (tick.evaluations.length === 0) continue;
        record.curve.push(...tick.evaluations.map(point));
        record.loadavgEnd = loadavg();
        saveCheckpoint(checkpointPath, await trainer.checkpoint());
        writeAtomic(donePath, JSON.stringify(record, null, 1));
        const last = record.curve.at(-1)!;
        process.stderr.write(`offline ${id}: update ${last.update}, return ${last.meanReturn}, normalized ${last.normalized}, ${record.updatesPerSecond} updates/s, load ${loadavg()[0].toFixed(2)}\n`);
      }
      record.finished = true;
      record.trainSeconds = Number(record.trainSeconds.toFixed(1));
      record.evalSeconds = Number(record.evalSeconds.toFixed(1));
      writeAtomic(donePath, JSON.stringify(record, null, 1));
    } finally {
      trainer.dispose();
    }
    results.push(record);
  }
  return results;
}
